"""Prefect flows and the `lapsit` command line."""
