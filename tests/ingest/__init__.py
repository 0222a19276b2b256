"""Tests of lapsit.ingest."""
