"""Scale benchmark: build time, size, memory, latency and hit@5 as the corpus grows (`python -m rag.scale_bench`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from rag.embedding import Embedder

__all__ = ["CachedEmbedder"]


class CachedEmbedder:
    """A real embedder that remembers vectors by a hash of (a key derived from) each text."""

    def __init__(self, base: Embedder, key: Callable[[str], str] | None = None) -> None:
        self.base = base
        self.name = base.name
        self.key = key or (lambda text: text)
        self.vectors: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0

    @property
    def dimension(self) -> int:
        """Length of the vectors the base model produces."""
        return self.base.dimension

    def _digest(self, text: str) -> str:
        return hashlib.sha256(self.key(text).encode()).hexdigest()

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Return cached vectors where known; embed the rest with the base model and remember them."""
        digests = [self._digest(t) for t in texts]
        todo = list(dict.fromkeys(d for d in digests if d not in self.vectors))
        if todo:
            first = {d: t for d, t in zip(reversed(digests), reversed(list(texts)), strict=True)}
            fresh = self.base.embed([first[d] for d in todo], show_progress=show_progress)
            self.vectors.update(zip(todo, fresh, strict=True))
        self.misses += len(todo)
        self.hits += len(digests) - len(todo)
        if not digests:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.vectors[d] for d in digests]).astype(np.float32)
