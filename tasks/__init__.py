"""Prefect tasks: thin, named wrappers around lapsit's plain functions."""
