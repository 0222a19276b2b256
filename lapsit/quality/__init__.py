"""Quality: the Great Expectations gate on the curated tables (see `lapsit.quality.gate`)."""
