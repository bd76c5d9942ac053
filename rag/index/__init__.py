"""The index: vector store seam and its Chroma adapter, lexical index, embedding, query encoder."""

from rag.index.index import Document, Index, IndexBusyError, IngestSummary

__all__ = ["Index", "Document", "IngestSummary", "IndexBusyError"]
