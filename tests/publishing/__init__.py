"""Tests of lapsit.publishing."""
