"""Untrusted ``source/`` → the Brief model: guarded reads, located YAML, Markdown, the schema, the loader."""
