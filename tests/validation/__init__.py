"""Tests of lapsit.validation."""
