"""Benchmarks of lapsit against the bare floor of reading the same files (`python -m benchmarks`)."""
