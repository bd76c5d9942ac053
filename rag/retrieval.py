"""Hybrid retrieval: BM25 and dense search within the reports a question is about, fused by rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.index import Index
from rag.query import Query

__all__ = ["Hit", "Retriever"]


@dataclass
class Hit:
    """A retrieved chunk; `score` is the fused reciprocal-rank score (higher is better)."""

    chunk_id: str
    score: float
    dense: float | None = None    # cosine similarity, if dense search found it
    lexical: float | None = None  # BM25 score, if lexical search found it


class Retriever:
    """Finds passages for a question in an Index."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def retrieve(self, query: Query, k: int | None = None, doc_ids: Sequence[str] | None = None) -> list[Hit]:
        """Return the top-k chunks for the query, restricted to doc_ids (default: the query's own scope)."""
        s = self.index.settings
        k = k or s.top_k
        scope = list(doc_ids) if doc_ids is not None else query.doc_ids
        if scope is not None and not scope:
            return []
        ranked: list[list[tuple[str, float]]] = []
        dense = lexical = None
        if s.use_dense:
            vec = self.index.embedder.embed([query.search_text])[0]
            dense = self.index.store.query(vec, s.dense_top_k, scope, total=len(self.index.chunks))
            ranked.append(dense)
        if s.use_lexical:
            allowed = None
            if scope is not None:
                wanted = set(scope)
                allowed = {cid for cid, c in self.index.chunks.items() if c.metadata.get("doc_id") in wanted}
            lexical = self.index.lexical.search(query.search_text, s.lexical_top_k, allowed)
            ranked.append(lexical)
        fused = _fuse(ranked, s.fusion, s.rrf_k)
        dmap, lmap = dict(dense or []), dict(lexical or [])
        hits = [Hit(cid, sc, dmap.get(cid), lmap.get(cid)) for cid, sc in fused if cid in self.index.chunks]
        return hits[:k]


def _fuse(ranked: list[list[tuple[str, float]]], method: str, rrf_k: int) -> list[tuple[str, float]]:
    """Fuse ranked lists: reciprocal-rank fusion, or a max-normalised weighted sum ('weighted')."""
    scores: dict[str, float] = {}
    for lst in ranked:
        if method == "weighted":
            top = max((sc for _, sc in lst), default=1.0) or 1.0
            for cid, sc in lst:
                scores[cid] = scores.get(cid, 0.0) + sc / top
        else:
            for rank, (cid, _) in enumerate(lst):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (rrf_k + rank + 1)
    return sorted(scores.items(), key=lambda x: -x[1])
