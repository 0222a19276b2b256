"""Tests of lapsit.storage."""
