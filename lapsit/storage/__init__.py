"""Storage: the curated Delta tables (`delta`, `rows`), the registry, the ingest lock, maintenance."""
