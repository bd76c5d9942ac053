"""Retrieval: hybrid BM25 + dense search within the reports a question is about, returned as passage groups.

Scores crossing this seam: `Hit.score` and `Passage.score` are reciprocal-rank-fusion scores (higher is
better); a passage added without being retrieved (a scoped report's other passages, a report's header for a
who/when question) has score None and keeps its place after the retrieved ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.ask.query import Lookup, Query
from rag.index.index import Index

__all__ = ["Hit", "Passage", "PassageGroup", "Retriever"]


@dataclass
class Hit:
    """A retrieved chunk; `score` is the fused reciprocal-rank score (higher is better)."""

    chunk_id: str
    score: float
    dense: float | None = None    # cosine similarity, if dense search found it
    lexical: float | None = None  # BM25 score, if lexical search found it


@dataclass
class Passage:
    """A chunk with what the answerer needs to quote and cite it."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    section: str
    kind: str                      # header | body | glossary
    report: str
    region: str
    year: int | None
    score: float | None            # fused RRF score; None when added without retrieval
    doc_meta: dict[str, Any] = field(default_factory=dict)
    part: str = ""                 # review | plan | '' : the top-level part of the report it lies in


@dataclass
class PassageGroup:
    """The passages for one region a question names ('' when it names none or one), best first."""

    region: str                     # the lookup's label: a region, a year, '2012年目标'… ('' for the only one)
    passages: list[Passage]
    ranking: list[str] = field(default_factory=list)  # the retrieved chunk ids, best first
    intent: str = ""                # the intent to answer this group with ('' : the question's)
    empty_scope: bool = False       # the lookup named reports and none is held (e.g. next year's report)


class Retriever:
    """Finds passages for a question in an Index."""

    def __init__(self, index: Index) -> None:
        self.index = index

    def search(self, query: Query, k: int | None = None, doc_ids: Sequence[str] | None = None) -> list[Hit]:
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
            allowed = set(self.index.chunk_ids_of(scope)) if scope is not None else None
            lexical = self.index.lexical.search(query.search_text, s.lexical_top_k, allowed)
            ranked.append(lexical)
        fused = _fuse(ranked, s.fusion, s.rrf_k)
        dmap, lmap = dict(dense or []), dict(lexical or [])
        hits = [Hit(cid, sc, dmap.get(cid), lmap.get(cid)) for cid, sc in fused if cid in self.index.chunks]
        # A chunk one ranker puts far ahead ("特质农品" for BM25) survives the other ranker missing it.
        best = {cid for lst in ranked for cid, _ in lst[:s.keep_top_each]}
        return hits[:k] + [h for h in hits[k:] if h.chunk_id in best]

    def retrieve(self, query: Query, scope: list[str] | None) -> list[PassageGroup]:
        """Passage groups for a question, one per lookup query understanding planned; `scope` narrows the reports."""
        lookups = query.lookups or [Lookup("", query.doc_ids, query.intent)]
        groups = []
        for look in lookups:
            ids = look.doc_ids if len(lookups) > 1 else scope
            if scope is not None and ids is not None:
                ids = [i for i in ids if i in scope]
            if ids is not None and not ids:
                groups.append(PassageGroup(look.label, [], [], look.intent, empty_scope=True))
                continue
            hits = self.search(query, doc_ids=ids)
            passages = [self.passage(h.chunk_id, h.score) for h in hits]
            if query.intent == "meta":
                owners = ids if ids is not None else [self.index.chunks[h.chunk_id].metadata["doc_id"] for h in hits[:1]]
                passages = self._headers(owners) + passages
            if ids is not None and 0 < len(ids) <= self.index.settings.scan_max_docs:
                # A question scoped to a few reports: the answerer reads all their passages, retrieved ones
                # first, so a retrieval miss cannot hide the sentence that answers it.
                seen = {p.chunk_id for p in passages}
                passages += [self.passage(cid, None) for cid in self.index.chunk_ids_of(ids) if cid not in seen]
            groups.append(PassageGroup(look.label, passages, [h.chunk_id for h in hits], look.intent))
        return groups

    def _headers(self, doc_ids: Sequence[str]) -> list[Passage]:
        """The header passage of each report, for who/when questions, and any passage holding a header field
        the report states elsewhere (a photo caption in the body: "国务院总理李克强作政府工作报告")."""
        out = []
        for cid in self.index.chunk_ids_of(doc_ids):
            m = self.index.chunks[cid].metadata
            doc = self.index.documents.get(str(m.get("doc_id")))
            spans = (doc.meta.get("spans") or {}).values() if doc else []
            holds = any(int(m.get("start", 0)) <= sp[0] and sp[1] <= int(m.get("end", 0)) for sp in spans)
            if m.get("kind") == "header" or holds:
                out.append(self.passage(cid, None))
        return out

    def passage(self, chunk_id: str, score: float | None) -> Passage:
        """Turn a stored chunk into a passage."""
        c = self.index.chunks[chunk_id]
        m = c.metadata
        doc = self.index.documents.get(str(m.get("doc_id")))
        return Passage(chunk_id, str(m.get("doc_id")), c.text, int(m.get("start", 0)), str(m.get("section", "")),
                       str(m.get("kind", "body")), str(m.get("title", "")), str(m.get("region", "")),
                       m.get("plan_year") or m.get("year"), score, doc.meta if doc else {}, str(m.get("part", "")))


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
