"""The index on disk: layout, generations, manifest, the chunk table."""
