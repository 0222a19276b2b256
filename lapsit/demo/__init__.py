"""The demo season (`lapsit demo`) and the writers of submission files it uses."""
