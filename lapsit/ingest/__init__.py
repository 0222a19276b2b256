"""Ingest: the inboxes' new files validated, decided and written (see `lapsit.ingest.run`)."""
