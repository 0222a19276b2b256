"""Tests of lapsit.report."""
