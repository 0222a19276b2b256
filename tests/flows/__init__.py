"""Tests of the Prefect flows, the deployments and the command line."""
