"""Where trials come from: curated criteria files (and, later, the registry snapshot)."""
