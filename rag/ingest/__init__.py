"""Ingest: loading files and tables, cleaning, metadata, places, chunking."""
