"""Tests of lapsit.reading."""
