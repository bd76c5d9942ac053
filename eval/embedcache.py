"""One caching wrapper for a real embedder, shared by the evaluation, the benchmarks and the tests."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CachingEmbedder", "passage_key"]


def passage_key(index_text: str) -> str:
    """The passage of an indexed text, without its breadcrumb line (which names the report)."""
    return index_text.split("\n", 1)[1] if "\n" in index_text else index_text


class CachingEmbedder:
    """Wraps a real embedder: batch vectors are remembered by a hash of (a key of) each text, optionally on disk.

    Single texts (questions) go to the real model every time, except inside `reusing()` or with
    `cache_queries`, so timed answers pay for their own question embedding.
    """

    def __init__(self, inner: Any, store: Path | None = None, key: Callable[[str], str] | None = None,
                 cache_queries: bool = False) -> None:
        self.inner, self.name, self.store = inner, inner.name, store
        self.key = key or (lambda text: text)
        self.cache_queries = cache_queries  # tests: serve repeated questions from memory too
        self._queries: dict[str, np.ndarray] = {}
        self._passages: dict[str, np.ndarray] = {}
        self._reuse, self._dirty = False, False
        self.counts = {"embedded": 0, "reused": 0}  # batch vectors computed / served from the cache
        self.model_s = 0.0  # time spent inside the real model on batches
        if store is not None and store.exists():
            self.load(store)

    @classmethod
    def in_folder(cls, inner: Any, folder: Path) -> CachingEmbedder:
        """Wrap an embedder with its vector cache in folder (one file per model)."""
        digest = hashlib.sha256(inner.name.encode()).hexdigest()[:10]
        return cls(inner, folder / f"embeddings-{digest}.npz")

    @property
    def dimension(self) -> int:
        """Length of the vectors the real model produces."""
        return int(self.inner.dimension)

    @contextmanager
    def reusing(self) -> Iterator[None]:
        """Serve remembered question vectors, so retrieval-only passes do not re-embed."""
        self._reuse = True
        try:
            yield
        finally:
            self._reuse = False

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Return L2-normalised embeddings; batches go through the cache."""
        if len(texts) == 1:
            if not ((self._reuse or self.cache_queries) and texts[0] in self._queries):
                self._queries[texts[0]] = self.inner.embed(texts, show_progress)[0]
            return self._queries[texts[0]][None, :]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        keys = [hashlib.sha1(self.key(t).encode()).hexdigest() for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._passages}
        if todo:
            start = time.perf_counter()
            vecs = self.inner.embed(list(todo.values()), show_progress)
            self.model_s += time.perf_counter() - start
            self._passages.update(zip(todo, vecs, strict=True))
            self._dirty = True
        self.counts["embedded"] += len(todo)
        self.counts["reused"] += len(texts) - len(todo)
        return np.stack([self._passages[k] for k in keys]).astype(np.float32)

    def load(self, path: Path) -> None:
        """Add vectors saved by save()."""
        with np.load(path) as data:
            self._passages.update(zip(data["keys"].tolist(), data["vecs"], strict=True))

    def save(self, path: Path | None = None) -> None:
        """Write the remembered batch vectors (to `path`, or the wrapper's own store if new ones were computed)."""
        target = path or self.store
        if target is None or (path is None and not self._dirty) or not self._passages:
            return
        tmp = target.with_suffix(".tmp.npz")
        keys = list(self._passages)
        np.savez(tmp, keys=np.array(keys), vecs=np.stack([self._passages[k] for k in keys]))
        tmp.replace(target)
        self._dirty = False
