"""The daily situation report (laporan situasi, SPEC §5) as plain functions."""
