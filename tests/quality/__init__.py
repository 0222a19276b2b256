"""Tests of lapsit.quality."""
