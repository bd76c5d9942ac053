"""The Assistant: ingest reports, answer questions with citations; `answer()` for one-line use.

A question runs forward only: understand (rag.ask.query) → retrieve (rag.ask.retrieval) → answer
(rag.ask.answering). The Assistant wires the stages, holds the lock that keeps answers and ingests apart,
and adds what a refusal needs: the held reports close to what was asked.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.ask.aggregate import answer_aggregate, lacks_a_side, plan_aggregate, select_rows
from rag.ask.answering import NOT_FOUND, Answer, Answerer, ExtractiveAnswerer
from rag.ask.catalogue import Catalogue
from rag.ask.query import NOT_HELD, Query, resolve_followup, understand
from rag.ask.retrieval import PassageGroup, Retriever
from rag.index.embedding import Embedder, SentenceTransformerEmbedder
from rag.index.index import Index, IngestSummary
from rag.index.store import DocumentStore, VectorStore
from rag.ingest.indicators import Indicator
from rag.ingest.places import tier_of_level
from rag.settings import Settings
from rag.text import CJK, normalize_question
from rag.vocabulary import vocabulary

__all__ = ["Assistant", "Trace", "answer", "check_question"]

log = logging.getLogger(__name__)
_CJK_RE = re.compile(f"[{CJK}]")
_EMBEDDERS: dict[tuple[str, str, bool], Embedder] = {}
_LOCK = threading.Lock()
_DEFAULT_LOCK = threading.Lock()


def _shared_embedder(settings: Settings) -> Embedder:
    """Load each embedding model once per process."""
    key = (settings.model, settings.device, settings.fast_queries)
    with _LOCK:
        if key not in _EMBEDDERS:
            _EMBEDDERS[key] = SentenceTransformerEmbedder(settings.model, settings.device, settings.embed_batch_size,
                                                          fast_queries=settings.fast_queries)
        return _EMBEDDERS[key]


_SENTENCE_CACHE = 20_000  # sentence vectors kept for the semantic fallback


def check_question(question: Any, max_chars: int = Settings.max_question_chars) -> str | None:
    """Return a message if the question cannot be asked as is, else None."""
    if not isinstance(question, str) or not question.strip():
        return "请输入一个问题，例如：地区、年份和指标。"
    q = question.strip()
    if len(q) > max_chars:
        return f"问题太长（{len(q)} 字），请控制在 {max_chars} 字以内，只问一件事。"
    if not _CJK_RE.search(q):
        if re.search(r"[A-Za-z]{3,}", q) and not re.fullmatch(r"[\sA-Za-z]*(GDP|CPI)[\sA-Za-z]*", q):
            return "目前只支持中文提问（报告均为中文）。"
        return "没有看懂这个问题，请用中文描述要查的地区、年份和指标。"
    return None


@dataclass
class Trace:
    """One question's whole path: how it was understood, what was retrieved, and the answer."""

    query: Query
    groups: list[PassageGroup]
    answer: Answer


class Assistant:
    """Question answering over an index of government work reports."""

    def __init__(self, index_dir: str | Path | None = None, settings: Settings | None = None,
                 embedder: Embedder | None = None, answerer: Answerer | None = None,
                 store: VectorStore | None = None, docs: DocumentStore | None = None, **overrides: Any) -> None:
        base = settings or Settings.from_env()
        if index_dir is not None:
            overrides["index_dir"] = Path(index_dir)
        self.settings = base.with_(**overrides) if overrides else base
        self.embedder = embedder or _shared_embedder(self.settings)
        self.answerer = answerer or ExtractiveAnswerer(
            similarity=self._similarity if self.settings.semantic_fallback else None,
            min_similarity=self.settings.min_similarity, echo_weight=self.settings.echo_weight)
        self._stores = (store, docs)  # None: Chroma, as the settings say
        self._index: Index | None = None
        self._catalogue = Catalogue([])
        self._rows: list[dict[str, Any]] = []  # every report's indicator rows
        # Answers read the in-memory index while ingest/remove rewrite it: one lock keeps threads apart.
        self._guard = threading.RLock()
        self._sentence_vectors: dict[str, np.ndarray] = {}  # sentences compared with questions, newest last

    # ---- index -------------------------------------------------------------------------
    @property
    def index(self) -> Index:
        """The opened index (opened on first use)."""
        if self._index is None:
            self._index = Index(self.settings, self.embedder, *self._stores)
            self._reload()
        return self._index

    @property
    def catalogue(self) -> Catalogue:
        """The held reports, as query understanding sees them."""
        _ = self.index
        return self._catalogue

    def _reload(self) -> None:
        """Refresh the catalogue and the indicator rows after the index changed."""
        self._catalogue = Catalogue.from_documents((d.doc_id, d.meta) for d in self.index.documents.values())
        self._rows = [r for d in self.index.documents.values() for r in d.indicators]

    def indicators(self, metric: str | None = None, year: int | None = None, region: str | None = None,
                   level: str | None = None, kind: str | None = None) -> list[Indicator]:
        """Every held report's targets and results as rows, filtered (metric by name or any word naming it)."""
        _ = self.index
        voc = vocabulary()
        found = voc.metric(metric) if metric else None
        wanted = found.name if found else metric
        out = []
        for r in self._rows:
            if wanted and r["metric"] != wanted:
                continue
            if year and r.get("year") != int(year):
                continue
            if kind and r["kind"] != kind:
                continue
            if region:
                info = self.catalogue.by_id(r["doc_id"])
                if not (region == r["region"] or (info and region in info.aliases)):
                    continue
            if level and level not in (r.get("level"), tier_of_level(r.get("level", ""))):
                continue
            out.append(Indicator(**r))
        return sorted(out, key=lambda i: (i.metric, i.year or 0, i.region, i.kind))

    def ensure_index(self, progress: bool = True) -> None:
        """Build the index from the corpus folder if it holds no documents yet."""
        if not self.index.documents and Path(self.settings.corpus_dir).exists():
            log.info("index at %s is empty; building it from %s", self.settings.index_dir, self.settings.corpus_dir)
            self.ingest([self.settings.corpus_dir], progress=progress)

    def ingest(self, paths: Iterable[str | Path], progress: bool = False,
               overrides: dict[str, Any] | None = None, batch_docs: int | None = None) -> IngestSummary:
        """Add or update documents from files and folders; unchanged files are skipped.

        `overrides` sets metadata fields (e.g. {"region": "运城市"}) on every document ingested; they stick
        to a document until it is ingested with other overrides. Raises IndexBusyError during another ingest.
        """
        from rag.index.index import write_lock
        from rag.ingest.pipeline import ingest_paths

        # The lock is taken before the store is opened: a second ingest leaves without touching it.
        with self._guard, write_lock(self.settings.index_dir):
            summary = ingest_paths(self.index, paths, progress, overrides, batch_docs or self.settings.batch_docs)
            if summary.changed:
                self._reload()
            return summary

    def remove(self, doc_id: str) -> bool:
        """Delete a document from the index everywhere; False if it is not there."""
        with self._guard, self.index.writing():
            removed = self.index.remove(doc_id)
            if removed:
                self.index.finish_writes()
                self._reload()
        return removed

    def stats(self) -> dict[str, Any]:
        """Counts of documents and chunks."""
        return self.index.stats()

    def reports(self) -> list[dict[str, Any]]:
        """Every indexed report with its metadata and chunk count."""
        return [{"doc_id": d.doc_id, "chunks": d.n_chunks, "path": d.path, **d.meta}
                for d in sorted(self.index.documents.values(), key=lambda d: d.doc_id)]

    def report_text(self, doc_id: str) -> str:
        """The cleaned text of one report ('' if it is not held)."""
        doc = self.index.documents.get(doc_id)
        return doc.text if doc else ""

    def section_text(self, doc_id: str, section: str) -> tuple[str, int]:
        """The whole text of one section of a report and its offset in the report, for the source viewer."""
        doc = self.index.documents.get(doc_id)
        spans = sorted((c.metadata["start"], c.metadata["end"]) for cid in self.index.chunk_ids_of([doc_id])
                       if (c := self.index.chunks[cid]).metadata.get("section") == section)
        if doc is None or not spans:
            return "", -1
        return doc.text[spans[0][0]:spans[-1][1]], spans[0][0]

    # ---- asking ------------------------------------------------------------------------
    def understand(self, question: str, history: Sequence[Any] = ()) -> Query:
        """Resolve follow-ups and parse the question against the held reports."""
        self.ensure_index()
        reports = self.catalogue.reports
        standalone = normalize_question(question)
        if self.settings.use_query_understanding:
            resolved: list[str] = []
            for turn in (_turn_text(h) for h in history):
                if turn.strip():  # earlier turns may be follow-ups themselves: resolve the chain in order
                    resolved.append(resolve_followup(normalize_question(turn), resolved, reports))
            standalone = resolve_followup(standalone, resolved, reports)
        return understand(standalone, reports, self.settings.use_query_understanding, idf=self.index.idf)

    def answer(self, question: str, history: Sequence[Any] = (), regions: Sequence[str] | None = None,
               years: Sequence[int] | None = None) -> Answer:
        """Answer a question from the reports, citing the passages used; refuse when they do not hold it."""
        return self.trace(question, history, regions, years).answer

    def trace(self, question: str, history: Sequence[Any] = (), regions: Sequence[str] | None = None,
              years: Sequence[int] | None = None) -> Trace:
        """Answer a question and keep every stage's result (the evaluation reads the retrieval rankings)."""
        problem = check_question(question, self.settings.max_question_chars)
        if problem:
            return Trace(Query(str(question or ""), "", None), [], Answer(problem, False, [], str(question or ""), "invalid question"))
        with self._guard:
            query = self.understand(question, history)
            if query.problem:
                # "资料中没有厦门市2022年的政府工作报告" reads "资料中没有找到厦门市…", not the lead twice
                held = query.problem.startswith(NOT_HELD)
                said = NOT_FOUND + query.problem[len(NOT_HELD):] if held else f"{NOT_FOUND}：{query.problem}"
                ans = Answer(f"{said}。", False, [], query.text, query.problem)
                return Trace(query, [], self._with_holdings(ans, query))
            scope = _apply_filters(query, self.catalogue, regions, years)
            ask = plan_aggregate(query, self.catalogue.reports)
            if ask is not None:  # a question across reports: the indicators table answers it, each row cited
                if scope is not None:
                    ask.doc_ids = [d for d in (ask.doc_ids if ask.doc_ids is not None else scope) if d in set(scope)]
                rows = select_rows(self._rows, ask)
                few = 0 < len(query.region_docs) <= 3  # the places named can be read one by one
                if not (few and not rows) and (ask.mode != "target_vs_result" or not lacks_a_side(rows, ask, self.catalogue.reports)):
                    texts = {d: self.index.documents[d].text for d in {r["doc_id"] for r in rows}}
                    return Trace(query, [], answer_aggregate(ask, rows, self.catalogue.reports, texts, query.text))
                # The table lacks the target or the result, or every place named: the passages may still state it in
                # words it does not read.
            groups = Retriever(self.index).retrieve(query, scope)
            ans = self.answerer.answer(query, groups)
            return Trace(query, groups, ans if ans.answered else self._with_holdings(ans, query))

    def _similarity(self, question: str, sentences: Sequence[str]) -> list[float]:
        """How close in meaning each sentence is to the question (cosine of the embedding model's vectors)."""
        todo = [s for s in dict.fromkeys(sentences) if s not in self._sentence_vectors]
        if todo:
            for s, v in zip(todo, self.embedder.embed(todo), strict=True):
                if len(self._sentence_vectors) >= _SENTENCE_CACHE:
                    self._sentence_vectors.pop(next(iter(self._sentence_vectors)))
                self._sentence_vectors[s] = v
        q = self.embedder.embed([question])[0]
        return [float(self._sentence_vectors[s] @ q) for s in sentences]

    def _with_holdings(self, ans: Answer, query: Query) -> Answer:
        """Add the held reports close to a refused question: its regions in other years, its years elsewhere."""
        ans.holdings = self.catalogue.nearby(query.regions, query.years, self.settings.nearby_limit)
        return ans


def _turn_text(turn: Any) -> str:
    """The user's text of a history turn: a string, a (user, bot) pair or a {'role','content'} dict."""
    if isinstance(turn, str):
        return turn
    if isinstance(turn, dict):
        return str(turn.get("content", "")) if turn.get("role", "user") == "user" else ""
    if isinstance(turn, (list, tuple)) and turn:
        return str(turn[0])
    return ""


def _apply_filters(query: Query, catalogue: Catalogue, regions: Sequence[str] | None,
                   years: Sequence[int] | None) -> list[str] | None:
    """Combine the question's own scope with UI filters."""
    scope = query.doc_ids
    for keep in ([catalogue.doc_ids(regions=regions)] if regions else []) + ([catalogue.doc_ids(years=years)] if years else []):
        scope = [d for d in (scope if scope is not None else keep) if d in set(keep)]
    return scope


_DEFAULT: Assistant | None = None


def answer(question: str, history: Sequence[Any] = ()) -> Answer:
    """Answer from the default index (built from corpus/ on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Assistant()
    return _DEFAULT.answer(question, history)
