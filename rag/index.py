"""The index: documents and their chunks in the vector store, plus the lexical index derived from them."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from rag.chunking import Chunk, chunk_report
from rag.cleaning import clean_text
from rag.embedding import Embedder
from rag.lexical import LexicalIndex
from rag.metadata import ReportMeta, extract_metadata
from rag.settings import Settings
from rag.store import ChromaStore, StoredChunk, StoreError

__all__ = ["Index", "Document", "IngestSummary", "IndexBusyError", "StoreError"]

log = logging.getLogger(__name__)
_DOCS_SUFFIX = "-docs"


class IndexBusyError(RuntimeError):
    """Another process is writing to the index."""


@dataclass
class Document:
    """One ingested report: its identity, metadata and cleaned text."""

    doc_id: str
    sha256: str
    path: str
    text: str
    meta: dict[str, Any]
    n_chunks: int

    @property
    def title(self) -> str:
        """Report title for citations."""
        return str(self.meta.get("title") or self.doc_id)


@dataclass
class IngestSummary:
    """What an ingest did, per document."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, what metadata is missing)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict."""
        return {"added": self.added, "replaced": self.replaced, "unchanged": self.unchanged,
                "skipped": [list(s) for s in self.skipped], "warnings": [list(w) for w in self.warnings]}


def _flat(meta: dict[str, Any]) -> dict[str, Any]:
    """Make metadata storable in Chroma: scalars only, None dropped, lists as JSON."""
    out: dict[str, Any] = {}
    for k, v in meta.items():
        if v is None:
            continue
        out[k] = json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
    return out


class Index:
    """Chunks in Chroma (source of truth) and a BM25 index rebuilt from them when stale."""

    def __init__(self, settings: Settings, embedder: Embedder, store: ChromaStore | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store or ChromaStore.from_settings(settings)
        self.docs_store = self._open_docs_collection()
        self.documents: dict[str, Document] = {}
        self.chunks: dict[str, StoredChunk] = {}
        self.lexical = LexicalIndex([], None)
        self.refresh()

    # ---- opening -------------------------------------------------------------------------
    def _open_docs_collection(self) -> Any:
        """Open the companion collection that holds one record per document (its text and metadata)."""
        return self.store.companion(_DOCS_SUFFIX)

    def refresh(self) -> None:
        """Load documents and chunks, drop chunks no committed document owns, and ready the lexical index."""
        got = self.docs_store.get(include=["documents", "metadatas"])
        docs = {}
        for did, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
            meta = dict(meta or {})
            info = json.loads(meta.pop("_meta", "{}"))
            docs[did] = Document(did, str(meta.get("sha256", "")), str(meta.get("path", "")), text or "", info,
                                 int(meta.get("n_chunks", 0)))
        chunks = {c.id: c for c in self.store.all()}
        orphans = [cid for cid, c in chunks.items()
                   if c.metadata.get("doc_id") not in docs or docs[c.metadata["doc_id"]].sha256 != c.metadata.get("doc_hash")]
        if orphans:
            log.warning("removing %d chunks left by an interrupted ingest", len(orphans))
            self.store.delete_ids(orphans)
            for cid in orphans:
                chunks.pop(cid)
        self.documents, self.chunks = docs, chunks
        ids = sorted(chunks)
        lex_dir = Path(self.settings.index_dir) / "lexical"
        lex = LexicalIndex.load(lex_dir, ids)
        if lex is None:
            lex = LexicalIndex.build(ids, [self.index_text(chunks[i]) for i in ids])
            try:
                lex.save(lex_dir)
            except OSError as err:
                log.warning("could not save the lexical index (%s); it will be rebuilt next time", err)
        self.lexical = lex

    def index_text(self, chunk: StoredChunk) -> str:
        """The text that is embedded and lexically indexed: breadcrumb plus passage."""
        if not self.settings.use_breadcrumbs:
            return chunk.text
        return f"{chunk.metadata.get('title', '')} > {chunk.metadata.get('section', '')}\n{chunk.text}"

    # ---- writing -------------------------------------------------------------------------
    def _doc_id_for(self, path: Path) -> str:
        """A stable id: the file stem, made unique when another file already uses it."""
        did = path.stem
        existing = self.documents.get(did)
        if existing and existing.path and Path(existing.path).resolve() != path.resolve():
            did = f"{did}-{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:6]}"
        return did

    def add_document(self, path: Path, raw: str, sha256: str, overrides: dict[str, Any] | None = None) -> tuple[str, str, ReportMeta]:
        """Ingest one decoded document; return (doc_id, 'added'|'replaced'|'unchanged', metadata)."""
        doc_id = self._doc_id_for(path)
        old = self.documents.get(doc_id)
        if old and old.sha256 == sha256 and not overrides:
            return doc_id, "unchanged", ReportMeta(**{k: v for k, v in old.meta.items() if k in ReportMeta.__dataclass_fields__})
        text = clean_text(raw)
        meta = extract_metadata(text, raw)
        for k, v in (overrides or {}).items():
            setattr(meta, k, v)
        if overrides and "title" not in overrides and meta.region:
            meta.title = f"{meta.region}{meta.plan_year or ''}年政府工作报告"
        pieces = chunk_report(text, self.settings.chunk_max_chars, self.settings.chunk_min_chars)
        stored = self._stored_chunks(doc_id, sha256, meta, pieces)
        vectors = self.embedder.embed([self.index_text(c) for c in stored])
        for c, v in zip(stored, vectors):
            c.embedding = v
        # Commit order makes a kill at any point safe: new chunks, then the document record
        # (the commit point), then the old chunks go. refresh() removes chunks of uncommitted versions.
        self.store.add(stored)
        record = {"sha256": sha256, "path": str(path), "n_chunks": len(stored),
                  "_meta": json.dumps(meta.to_dict(), ensure_ascii=False)}
        self.docs_store.upsert(ids=[doc_id], documents=[text], metadatas=[record], embeddings=[[0.0]])
        if old:
            stale = [cid for cid, c in self.chunks.items() if c.metadata.get("doc_id") == doc_id]
            self.store.delete_ids(stale)
            for cid in stale:
                self.chunks.pop(cid)
        for c in stored:
            c.embedding = None
            self.chunks[c.id] = c
        self.documents[doc_id] = Document(doc_id, sha256, str(path), text, meta.to_dict(), len(stored))
        return doc_id, "replaced" if old else "added", meta

    def _stored_chunks(self, doc_id: str, sha256: str, meta: ReportMeta, pieces: Sequence[Chunk]) -> list[StoredChunk]:
        """Turn chunks into store records with flat metadata."""
        base = _flat({"doc_id": doc_id, "doc_hash": sha256, "region": meta.region, "level": meta.level,
                      "year": meta.year, "plan_year": meta.plan_year, "review_year": meta.review_year,
                      "title": meta.title})
        return [
            StoredChunk(f"{doc_id}:{sha256[:12]}:{i:04d}", c.text,
                        {**base, "section": " > ".join(c.section), "kind": c.kind, "start": c.start, "end": c.end, "ordinal": i})
            for i, c in enumerate(pieces)
        ]

    def remove(self, doc_id: str) -> bool:
        """Delete a document and its chunks everywhere; False if it was not there."""
        if doc_id not in self.documents:
            return False
        self.docs_store.delete(ids=[doc_id])
        stale = [cid for cid, c in self.chunks.items() if c.metadata.get("doc_id") == doc_id]
        self.store.delete_ids(stale)
        for cid in stale:
            self.chunks.pop(cid)
        del self.documents[doc_id]
        return True

    def finish_writes(self) -> None:
        """Rebuild and save the lexical index after a batch of writes."""
        ids = sorted(self.chunks)
        self.lexical = LexicalIndex.build(ids, [self.index_text(self.chunks[i]) for i in ids])
        self.lexical.save(Path(self.settings.index_dir) / "lexical")

    def stats(self) -> dict[str, Any]:
        """Counts of documents and chunks, and where the index lives."""
        where = f"chroma://{self.settings.chroma_host}:{self.settings.chroma_port}" if self.settings.uses_server else str(self.settings.index_dir)
        return {"documents": len(self.documents), "chunks": len(self.chunks), "store": where,
                "model": self.embedder.name}

    def doc_ids_where(self, pred: Callable[[Document], bool]) -> list[str]:
        """Ids of documents matching a predicate."""
        return [d.doc_id for d in self.documents.values() if pred(d)]


def iter_sorted(items: Iterable[str]) -> list[str]:
    """Sorted list of items."""
    return sorted(items)
