"""The Assistant: ingest reports, answer questions with citations; `answer()` for one-line use."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rag.answering import NOT_FOUND, Answer, Answerer, ExtractiveAnswerer, Passage
from rag.embedding import Embedder, SentenceTransformerEmbedder
from rag.index import Index, IngestSummary
from rag.query import Query, ReportInfo, resolve_followup, understand
from rag.retrieval import Retriever
from rag.settings import Settings
from rag.text import CJK

__all__ = ["Assistant", "answer", "check_question"]

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
            _EMBEDDERS[key] = SentenceTransformerEmbedder(settings.model, settings.device, fast_queries=settings.fast_queries)
        return _EMBEDDERS[key]


def check_question(question: Any, max_chars: int = 500) -> str | None:
    """Return a message if the question cannot be asked as is, else None."""
    if not isinstance(question, str) or not question.strip():
        return "请输入一个问题，例如：“焦作解放区2022年GDP目标”。"
    q = question.strip()
    if len(q) > max_chars:
        return f"问题太长（{len(q)} 字），请控制在 {max_chars} 字以内，只问一件事。"
    if not _CJK_RE.search(q):
        if re.search(r"[A-Za-z]{3,}", q) and not re.fullmatch(r"[\sA-Za-z]*(GDP|CPI)[\sA-Za-z]*", q):
            return "目前只支持中文提问（报告均为中文），例如：“辽宁2022年GDP增长目标”。"
        return "没有看懂这个问题，请用中文描述要查的地区、年份和指标。"
    return None


class Assistant:
    """Question answering over an index of government work reports."""

    def __init__(self, index_dir: str | Path | None = None, settings: Settings | None = None,
                 embedder: Embedder | None = None, answerer: Answerer | None = None, **overrides: Any) -> None:
        base = settings or Settings.from_env()
        if index_dir is not None:
            overrides["index_dir"] = Path(index_dir)
        self.settings = base.with_(**overrides) if overrides else base
        self.embedder = embedder or _shared_embedder(self.settings)
        self.answerer = answerer or ExtractiveAnswerer()
        self._index: Index | None = None
        self._reports: list[ReportInfo] = []
        self._idf: dict[str, float] = {}
        self._texts: list[str] | None = None  # every passage text, for word rarities; dropped on reload
        # Answers read the in-memory index while ingest/remove rewrite it: one lock keeps threads apart.
        self._guard = threading.RLock()

    # ---- index -------------------------------------------------------------------------
    @property
    def index(self) -> Index:
        """The opened index (opened on first use)."""
        if self._index is None:
            self._index = Index(self.settings, self.embedder)
            self._reload_reports()
        return self._index

    def _reload_reports(self) -> None:
        """Refresh the report list query understanding uses (and forget word rarities)."""
        self._idf, self._texts = {}, None
        self._reports = [
            ReportInfo(d.doc_id, str(d.meta.get("region", "")), tuple(d.meta.get("aliases") or ()),
                       d.meta.get("year"), d.meta.get("plan_year"), d.meta.get("review_year"))
            for d in self.index.documents.values()
        ]

    def ensure_index(self, progress: bool = True) -> None:
        """Build the index from the corpus folder if it holds no documents yet."""
        if not self.index.documents and Path(self.settings.corpus_dir).exists():
            log.info("index at %s is empty; building it from %s", self.settings.index_dir, self.settings.corpus_dir)
            self.ingest([self.settings.corpus_dir], progress=progress)

    def ingest(self, paths: Iterable[str | Path], progress: bool = False,
               overrides: dict[str, Any] | None = None, batch_docs: int = 16) -> IngestSummary:
        """Add or update documents from files and folders (see _ingest); safe alongside answering threads."""
        with self._guard:
            return self._ingest(paths, progress, overrides, batch_docs)

    def _ingest(self, paths: Iterable[str | Path], progress: bool = False,
                overrides: dict[str, Any] | None = None, batch_docs: int = 16) -> IngestSummary:
        """Add or update documents from files and folders; unchanged files are skipped.

        `overrides` sets metadata fields (e.g. {"region": "运城市"}) on every document ingested; they stick
        to a document until it is ingested with other overrides. Documents are written `batch_docs` at a time
        (fewer store calls; a kill loses at most the batch in progress). Raises IndexBusyError during another ingest.
        """
        from rag.index import check_overrides
        from rag.loading import DocumentError, iter_documents, load_document

        wanted = check_overrides(overrides) if overrides is not None else None
        summary = IngestSummary()
        with self.index.writing():
            changed = False
            batch: list[tuple[Path, str, str, dict[str, Any] | None]] = []
            files = list(iter_documents(paths))
            for i, path in enumerate(_progress(files, progress)):
                try:
                    doc = load_document(path)
                    batch.append((Path(path), doc.text, doc.sha256, wanted))
                except DocumentError as err:
                    summary.skipped.append((str(path), str(err)))
                if batch and (len(batch) >= max(1, batch_docs) or i == len(files) - 1):
                    changed |= self._ingest_batch(batch, summary)
                    batch = []
            if changed:
                self.index.finish_writes()
                self._reload_reports()
        return summary

    def _ingest_batch(self, batch: Sequence[tuple[Path, str, str, dict[str, Any] | None]], summary: IngestSummary) -> bool:
        """Write one batch of loaded documents; record the outcomes; True if anything changed."""
        changed = False
        for (path, _, _, _), (doc_id, status, meta) in zip(batch, self.index.add_documents(batch), strict=True):
            if status == "empty":
                summary.skipped.append((str(path), f"{path}: no text left to index after cleaning"))
                continue
            getattr(summary, status).append(doc_id)
            changed |= status != "unchanged"
            if meta.missing and status != "unchanged":
                summary.warnings.append((doc_id, "could not read: " + ", ".join(meta.missing)))
        return changed

    def remove(self, doc_id: str) -> bool:
        """Delete a document from the index everywhere; False if it is not there."""
        with self._guard, self.index.writing():
            removed = self.index.remove(doc_id)
            if removed:
                self.index.finish_writes()
                self._reload_reports()
        return removed

    def stats(self) -> dict[str, Any]:
        """Counts of documents and chunks."""
        return self.index.stats()

    def reports(self) -> list[dict[str, Any]]:
        """Every indexed report with its metadata and chunk count."""
        return [{"doc_id": d.doc_id, "chunks": d.n_chunks, "path": d.path, **d.meta}
                for d in sorted(self.index.documents.values(), key=lambda d: d.doc_id)]

    def section_text(self, doc_id: str, section: str) -> str:
        """The whole text of one section of a report, for the source viewer."""
        doc = self.index.documents[doc_id]
        spans = sorted((c.metadata["start"], c.metadata["end"]) for c in self.index.chunks.values()
                       if c.metadata.get("doc_id") == doc_id and c.metadata.get("section") == section)
        if not spans:
            return ""
        return doc.text[spans[0][0]:spans[-1][1]]

    # ---- asking ------------------------------------------------------------------------
    def understand(self, question: str, history: Sequence[Any] = ()) -> Query:
        """Resolve follow-ups and parse the question against the corpus metadata."""
        self.ensure_index()
        standalone = question.strip()
        if self.settings.use_query_understanding:
            resolved: list[str] = []
            for turn in (_turn_text(h) for h in history):
                if turn.strip():  # earlier turns may be follow-ups themselves: resolve the chain in order
                    resolved.append(resolve_followup(turn.strip(), resolved, self._reports))
            standalone = resolve_followup(standalone, resolved, self._reports)
        query = understand(standalone, self._reports, self.settings.use_query_understanding)
        query.weights = [self._term_weight(g) for g in query.terms]
        return query

    def _term_weight(self, group: list[str]) -> float:
        """Weight a term group: metrics high, growth words low, other words by rarity in the corpus (IDF)."""
        from rag.answering import term_prior

        prior = term_prior(group)
        if prior is not None:
            return prior
        word = group[0]
        if word not in self._idf:
            if self._texts is None:
                self._texts = self.index.chunk_texts()
            texts = self._texts
            df = sum(word in t for t in texts)
            self._idf[word] = 0.5 + math.log((len(texts) + 1) / (df + 1))
        return self._idf[word]

    def answer(self, question: str, history: Sequence[Any] = (), regions: Sequence[str] | None = None,
               years: Sequence[int] | None = None) -> Answer:
        """Answer a question from the reports, citing the passages used; refuse when they do not hold it."""
        problem = check_question(question, self.settings.max_question_chars)
        if problem:
            return Answer(problem, False, [], str(question or ""), "invalid question")
        with self._guard:
            return self._answer(question, history, regions, years)

    def _answer(self, question: str, history: Sequence[Any], regions: Sequence[str] | None,
                years: Sequence[int] | None) -> Answer:
        """Answer a checked question (caller holds the guard)."""
        query = self.understand(question, history)
        if query.problem:
            return Answer(f"{NOT_FOUND}：{query.problem}。{self._holdings()}", False, [], query.text, query.problem)
        scope = _apply_filters(query, self._reports, regions, years)
        groups, rankings = self._retrieve_groups(query, scope)
        result = self.answerer.answer(query, groups)
        result.retrieved = rankings
        if not result.answered:
            result.text += self._holdings()
        return result

    def _retrieve_groups(self, query: Query, scope: list[str] | None) -> tuple[list[tuple[str, list[Passage]]], list[list[str]]]:
        """Retrieve passages per named region (or once overall); also return each group's ranked chunk ids."""
        retriever = Retriever(self.index)
        targets = [(r, ids) for r, ids in query.region_docs.items()] if len(query.region_docs) > 1 else [("", scope)]
        groups, rankings = [], []
        for region, ids in targets:
            if scope is not None and ids is not None:
                ids = [i for i in ids if i in scope]
            hits = retriever.retrieve(query, doc_ids=ids)
            rankings.append([h.chunk_id for h in hits])
            if query.intent == "meta":
                hits = self._header_hits(ids if ids is not None else [h.chunk_id.split(":")[0] for h in hits[:1]]) + hits
            passages = [self._passage(h.chunk_id, h.score) for h in hits]
            if ids is not None and 0 < len(ids) <= self.settings.scan_max_docs:
                # A question scoped to a few reports: let the answerer read all their passages,
                # retrieved ones first, so a retrieval miss cannot hide the sentence that answers it.
                seen = {h.chunk_id for h in hits}
                passages += [self._passage(cid, 0.0) for cid in self.index.chunk_ids_of(ids) if cid not in seen]
            groups.append((region, passages))
        return groups, rankings

    def _header_hits(self, doc_ids: Sequence[str]) -> list[Any]:
        """The header chunk of each report, for who/when questions."""
        from rag.retrieval import Hit

        return [Hit(cid, 1.0) for cid in self.index.chunk_ids_of(doc_ids)
                if self.index.chunks[cid].metadata.get("kind") == "header"]

    def _passage(self, chunk_id: str, score: float) -> Passage:
        """Turn a stored chunk into a passage for the answerer."""
        c = self.index.chunks[chunk_id]
        m = c.metadata
        doc = self.index.documents.get(str(m.get("doc_id")))
        return Passage(chunk_id, str(m.get("doc_id")), c.text, int(m.get("start", 0)), str(m.get("section", "")),
                       str(m.get("kind", "body")), str(m.get("title", "")), str(m.get("region", "")),
                       m.get("plan_year") or m.get("year"), score, doc.meta if doc else {})

    def _holdings(self) -> str:
        """A hint listing what the corpus does hold."""
        names = sorted({f"{r.region}（{r.plan_year}年）" for r in self._reports if r.region})
        return f"\n目前收录的报告：{'、'.join(names)}。" if names else ""


def _turn_text(turn: Any) -> str:
    """The user's text of a history turn: a string, a (user, bot) pair or a {'role','content'} dict."""
    if isinstance(turn, str):
        return turn
    if isinstance(turn, dict):
        return str(turn.get("content", "")) if turn.get("role", "user") == "user" else ""
    if isinstance(turn, (list, tuple)) and turn:
        return str(turn[0])
    return ""


def _apply_filters(query: Query, reports: Sequence[ReportInfo], regions: Sequence[str] | None,
                   years: Sequence[int] | None) -> list[str] | None:
    """Combine the question's own scope with UI filters."""
    scope = query.doc_ids
    if regions:
        keep = {r.doc_id for r in reports if r.region in set(regions)}
        scope = [d for d in (scope if scope is not None else keep) if d in keep]
    if years:
        keep = {r.doc_id for r in reports if any(r.covers(int(y)) for y in years)}
        scope = [d for d in (scope if scope is not None else keep) if d in keep]
    return scope


def _progress(items: list[Any], enabled: bool) -> Iterable[Any]:
    """Wrap items in a tqdm bar when asked."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="ingesting", unit="doc")


_DEFAULT: Assistant | None = None


def answer(question: str, history: Sequence[Any] = ()) -> Answer:
    """Answer from the default index (built from corpus/ on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Assistant()
    return _DEFAULT.answer(question, history)
