"""The storage seams: a vector store for chunks and a document store for whole reports.

Scores crossing the vector-store seam are cosine similarities in [-1, 1] (higher is better), never rescaled.
The Chroma adapter (rag.index.chroma) implements both; tests use small in-memory ones (tests/fakes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

__all__ = ["StoredChunk", "DocumentRecord", "VectorStore", "DocumentStore", "StoreError"]


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says how to fix it."""


@dataclass
class StoredChunk:
    """One chunk as the store holds it: id, text to display, flat metadata, optional vector."""

    id: str
    text: str
    metadata: dict[str, Any]
    embedding: Sequence[float] | None = None


@dataclass
class DocumentRecord:
    """One document as the document store holds it: id, cleaned text, flat metadata."""

    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


class VectorStore(Protocol):
    """What the index needs from a vector store."""

    def add(self, chunks: Sequence[StoredChunk]) -> None:
        """Add chunks with their precomputed embeddings."""
        ...

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        ...

    def ids_of(self, doc_ids: Sequence[str]) -> list[str]:
        """Ids of every stored chunk of some documents, as the store holds them now."""
        ...

    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None,
              total: int | None = None) -> list[tuple[str, float]]:
        """Return (chunk id, cosine similarity) of the k nearest chunks, optionally within some documents."""
        ...

    def all(self) -> list[StoredChunk]:
        """Return every chunk without vectors."""
        ...

    def count(self) -> int:
        """Number of chunks stored."""
        ...


class DocumentStore(Protocol):
    """What the index needs from a document store: one record per document, shared by every client."""

    def upsert(self, records: Sequence[DocumentRecord]) -> None:
        """Write records."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Delete records by id."""
        ...

    def records(self, with_text: bool = True) -> list[DocumentRecord]:
        """Every record, with or without its text."""
        ...
