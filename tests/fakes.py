"""Small real stand-ins for the external parts: a deterministic embedder and in-memory stores.

They implement the same seams as the real ones (rag.index.embedding.Embedder, rag.index.store.VectorStore and
DocumentStore), so ingest → search → answer runs in milliseconds without the model or Chroma.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from rag.index.store import DocumentRecord, StoredChunk


class HashEmbedder:
    """Embeds a text as its hashed character unigrams and bigrams, L2-normalised: similar texts, similar vectors."""

    name = "hash-embedder"

    def __init__(self, dimension: int = 256) -> None:
        self._dim = dimension

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        return self._dim

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
        for g in grams:
            if g.strip():
                v[int(hashlib.blake2b(g.encode(), digest_size=4).hexdigest(), 16) % self._dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Return an (n, dimension) array of unit vectors."""
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self._dim), dtype=np.float32)


class MemoryStore:
    """A vector store in a dict: exact cosine search."""

    def __init__(self) -> None:
        self.chunks: dict[str, StoredChunk] = {}
        self.vectors: dict[str, np.ndarray] = {}

    def add(self, chunks: Sequence[StoredChunk]) -> None:
        """Add chunks with their embeddings."""
        for c in chunks:
            self.chunks[c.id] = StoredChunk(c.id, c.text, dict(c.metadata))
            self.vectors[c.id] = np.asarray(c.embedding, dtype=np.float32)

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        for i in ids:
            self.chunks.pop(i, None)
            self.vectors.pop(i, None)

    def ids_of(self, doc_ids: Sequence[str]) -> list[str]:
        """Ids of the chunks of some documents."""
        wanted = set(doc_ids)
        return [i for i, c in self.chunks.items() if c.metadata.get("doc_id") in wanted]

    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None,
              total: int | None = None) -> list[tuple[str, float]]:
        """The k most similar chunks (cosine similarity), optionally within some documents."""
        ids = self.ids_of(doc_ids) if doc_ids is not None else list(self.chunks)
        scored = sorted(((i, float(self.vectors[i] @ vector)) for i in ids), key=lambda x: -x[1])
        return scored[:k]

    def all(self) -> list[StoredChunk]:
        """Every chunk, without vectors."""
        return [StoredChunk(c.id, c.text, dict(c.metadata)) for c in self.chunks.values()]

    def count(self) -> int:
        """Number of chunks."""
        return len(self.chunks)


class MemoryDocumentStore:
    """Document records in a dict."""

    def __init__(self) -> None:
        self.rows: dict[str, DocumentRecord] = {}

    def upsert(self, records: Sequence[DocumentRecord]) -> None:
        """Write records."""
        for r in records:
            self.rows[r.id] = DocumentRecord(r.id, r.text, dict(r.metadata))

    def delete(self, ids: Sequence[str]) -> None:
        """Delete records."""
        for i in ids:
            self.rows.pop(i, None)

    def records(self, with_text: bool = True) -> list[DocumentRecord]:
        """Every record."""
        return [DocumentRecord(r.id, r.text if with_text else "", dict(r.metadata)) for r in self.rows.values()]
