"""lapsit: plain functions for each stage a submission goes through (see docs/architecture.md)."""
