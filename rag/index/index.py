"""The index: documents and their chunks in the vector store, plus the lexical index derived from them."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from rag.index.chroma import ChromaStore, store_errors
from rag.index.embedding import Embedder
from rag.index.lexical import LexicalIndex
from rag.index.store import DocumentRecord, DocumentStore, StoredChunk, StoreError, VectorStore
from rag.ingest.chunking import Chunk
from rag.ingest.loading import SourceDocument
from rag.ingest.metadata import ReportMeta, check_overrides
from rag.ingest.prepare import prepare
from rag.settings import LOCK_FILE, Settings

__all__ = ["Index", "Document", "SourceDocument", "IngestSummary", "IndexBusyError", "StoreError", "check_overrides"]

log = logging.getLogger(__name__)
_DOCS_SUFFIX = "-docs"
# With a Chroma server, writers sharing it may use other index folders (so other locks): chunks no
# committed record owns are deleted only once older than this, as they may belong to an ingest in progress.
ORPHAN_GRACE_S = 15 * 60


class IndexBusyError(RuntimeError):
    """Another process is writing to the index."""


def ingest_lock(index_dir: str | Path) -> FileLock:
    """The index folder's write lock: one object per folder in a process, so a holder may take it again."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return FileLock(str(Path(index_dir) / LOCK_FILE), is_singleton=True)


@contextmanager
def write_lock(index_dir: str | Path, then: str = "try again") -> Iterator[None]:
    """Hold the index folder's write lock, or raise IndexBusyError at once if another process holds it."""
    lock = ingest_lock(index_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexBusyError(f"another ingest is writing to {index_dir}; wait for it to finish and {then}") from None
    try:
        yield
    finally:
        lock.release()


def _version(sha256: str, overrides: Mapping[str, Any]) -> str:
    """Identify what was indexed: the file's hash, mixed with the metadata overrides when there are any."""
    if not overrides:
        return sha256
    return hashlib.sha256((sha256 + json.dumps(overrides, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()


@dataclass
class Document:
    """One ingested report: its identity, metadata and cleaned text."""

    doc_id: str
    sha256: str
    path: str
    text: str
    meta: dict[str, Any]
    n_chunks: int
    overrides: dict[str, Any] = field(default_factory=dict)
    version: str = ""  # the chunks' doc_hash: sha256, mixed with the overrides when there are any
    indicators: list[dict[str, Any]] = field(default_factory=list)  # its targets and results (rag.ingest.indicators)

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
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, why it may not be a report)

    @property
    def changed(self) -> bool:
        """True if anything was added or replaced."""
        return bool(self.added or self.replaced)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict."""
        return {"added": self.added, "replaced": self.replaced, "unchanged": self.unchanged,
                "skipped": [list(s) for s in self.skipped], "warnings": [list(w) for w in self.warnings],
                "flagged": [list(f) for f in self.flagged]}


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

    def __init__(self, settings: Settings, embedder: Embedder, store: VectorStore | None = None,
                 docs: DocumentStore | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        Path(settings.index_dir).mkdir(parents=True, exist_ok=True)
        self._lock = ingest_lock(settings.index_dir)
        if store is None:
            chroma = ChromaStore.from_settings(settings)
            store, docs = chroma, docs or chroma.documents(_DOCS_SUFFIX)
        if docs is None:
            raise ValueError("an Index given its own vector store needs a document store too")
        self.store: VectorStore = store
        self.docs_store: DocumentStore = docs
        self.documents: dict[str, Document] = {}
        self.chunks: dict[str, StoredChunk] = {}
        self._by_doc: dict[str, list[str]] | None = None  # doc_id -> its chunk ids in order, built on demand
        self._idf_texts: list[str] | None = None  # passage texts for word rarities, read on first use
        self._idf: dict[str, float] = {}
        self.lexical = LexicalIndex([], None)
        with store_errors(settings):  # a half-written store may only fail when read
            self.refresh()

    # ---- opening -------------------------------------------------------------------------
    def _read_documents(self) -> dict[str, Document]:
        """Read the committed document records."""
        docs = {}
        for rec in self.docs_store.records(with_text=True):
            did, text, meta = rec.id, rec.text, dict(rec.metadata)
            info = json.loads(meta.pop("_meta", "{}"))
            sha = str(meta.get("sha256", ""))
            docs[did] = Document(did, sha, str(meta.get("path", "")), text or "", info, int(meta.get("n_chunks", 0)),
                                 json.loads(meta.get("overrides", "{}")), str(meta.get("version") or sha),
                                 json.loads(meta.get("_indicators", "[]")))
        return docs

    def _versions(self) -> dict[str, str]:
        """The committed version of every document, read from the store (cheap: no texts)."""
        return {r.id: str(r.metadata.get("version") or r.metadata.get("sha256", ""))
                for r in self.docs_store.records(with_text=False)}

    def refresh(self) -> None:
        """Load documents and chunks, set aside chunks no committed document owns, and ready the lexical index."""
        docs = self._read_documents()
        chunks = {c.id: c for c in self.store.all()}
        orphans = [chunks.pop(cid) for cid, c in list(chunks.items())
                   if c.metadata.get("doc_id") not in docs or docs[c.metadata["doc_id"]].version != c.metadata.get("doc_hash")]
        if orphans:
            self._drop_orphans(orphans)
        self.documents, self.chunks = docs, chunks
        self._changed()
        ids = sorted(chunks)
        lex_dir = Path(self.settings.index_dir) / "lexical"
        try:
            lex = LexicalIndex.load(lex_dir, ids)
        except Exception as err:  # a damaged cache is never fatal: Chroma holds everything needed to rebuild it
            log.warning("lexical index at %s unreadable (%s); rebuilding", lex_dir, err)
            lex = None
        if lex is None:
            lex = LexicalIndex.build(ids, [self.index_text(chunks[i]) for i in ids])
            self._save_lexical(lex)
        self.lexical = lex

    def _drop_orphans(self, orphans: Sequence[StoredChunk]) -> None:
        """Delete chunks of uncommitted versions, unless a writer may still be about to commit them."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:  # an ingest is running here: its new chunks look orphaned until its commit point
            log.info("%d uncommitted chunks ignored while another ingest runs", len(orphans))
            return
        try:
            if self.settings.uses_server:
                cutoff = time.time() - ORPHAN_GRACE_S
                orphans = [c for c in orphans if float(c.metadata.get("added_at", 0)) < cutoff]
            if orphans:
                log.warning("removing %d chunks left by an interrupted ingest", len(orphans))
                self.store.delete_ids([c.id for c in orphans])
        finally:
            self._lock.release()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's write lock (IndexBusyError if another ingest holds it), reloading if others wrote."""
        with write_lock(self.settings.index_dir):
            if self._versions() != {d.doc_id: d.version for d in self.documents.values()}:
                self.refresh()  # another process wrote since this index was opened
            yield

    def _save_lexical(self, lex: LexicalIndex) -> None:
        """Save the lexical index; its fingerprint goes first so a save cut short is never loaded."""
        lex_dir = Path(self.settings.index_dir) / "lexical"
        try:
            (lex_dir / "ids.json").unlink(missing_ok=True)
            lex.save(lex_dir)
        except OSError as err:
            log.warning("could not save the lexical index (%s); it will be rebuilt next time", err)

    def index_text(self, chunk: StoredChunk) -> str:
        """The text that is embedded and lexically indexed: breadcrumb plus passage."""
        if not self.settings.use_breadcrumbs:
            return chunk.text
        return f"{chunk.metadata.get('title', '')} > {chunk.metadata.get('section', '')}\n{chunk.text}"

    # ---- writing -------------------------------------------------------------------------
    def _doc_id_for(self, path: Path, sha256: str, taken: set[str]) -> str:
        """A stable id: the file stem, made unique when another file (with other content) already uses it."""
        did = path.stem
        existing = self.documents.get(did)
        clash = existing and existing.path and existing.sha256 != sha256 and Path(existing.path).resolve() != path.resolve()
        if clash or did in taken:
            did = f"{did}-{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:6]}"
        return did

    def add_document(self, path: Path, raw: str, sha256: str,
                     overrides: Mapping[str, Any] | None = None) -> tuple[str, str, ReportMeta]:
        """Ingest one decoded document; return (doc_id, 'added'|'replaced'|'unchanged'|'empty', metadata)."""
        return self.add_documents([SourceDocument(Path(path), raw, sha256, overrides=overrides)])[0]

    def add_documents(self, items: Sequence[SourceDocument]) -> list[tuple[str, str, ReportMeta]]:
        """Ingest decoded documents as one batch; return what happened to each.

        Each result is (doc_id, 'added'|'replaced'|'unchanged'|'empty', metadata). Overrides stick: a document
        given None keeps the overrides it was last ingested with. Writing a batch costs a few store calls
        whatever its size, which is what makes batches faster than one document at a time.
        """
        results: list[tuple[str, str, ReportMeta]] = []
        todo: list[tuple[Document, bool, list[StoredChunk]]] = []  # (new document, replaces one, its chunks)
        taken: set[str] = set()
        for src in items:
            path, raw, sha256 = src.path, src.text, src.sha256
            doc_id = src.doc_id or self._doc_id_for(path, sha256, taken)
            taken.add(doc_id)
            old = self.documents.get(doc_id)
            wanted = check_overrides(src.overrides) if src.overrides is not None else dict(old.overrides if old else {})
            version = _version(sha256, wanted)
            if old and old.version == version:
                kept = ReportMeta(**{k: v for k, v in old.meta.items() if k in ReportMeta.__dataclass_fields__})
                results.append((doc_id, "unchanged", kept))
                continue
            ready = prepare(doc_id, raw, src.fields, wanted, src.override_source if src.overrides is not None else "override",
                            self.settings.chunk_max_chars, self.settings.chunk_min_chars)
            text, meta, pieces = ready.text, ready.meta, ready.chunks
            results.append((doc_id, ("replaced" if old else "added") if pieces else "empty", meta))
            if pieces:
                stored = self._stored_chunks(doc_id, version, meta, pieces)
                rows = [r.to_dict() for r in ready.indicators]
                todo.append((Document(doc_id, sha256, str(path), text, meta.to_dict(), len(stored), wanted, version, rows),
                             old is not None, stored))
        if todo:
            self._write(todo)
        return results

    def _write(self, todo: Sequence[tuple[Document, bool, list[StoredChunk]]]) -> None:
        """Embed and store new document versions, committing them all at once."""
        stored = [c for _, _, chunks in todo for c in chunks]
        vectors = self.embedder.embed([self.index_text(c) for c in stored])
        for c, v in zip(stored, vectors, strict=True):
            c.embedding = v
        # Commit order makes a kill at any point safe: new chunks, then the document records
        # (the commit point), then the old chunks go. refresh() drops chunks of uncommitted versions.
        self.store.add(stored)
        records = [{"sha256": d.sha256, "version": d.version, "path": d.path, "n_chunks": d.n_chunks,
                    "overrides": json.dumps(d.overrides, ensure_ascii=False),
                    "_meta": json.dumps(d.meta, ensure_ascii=False),
                    "_indicators": json.dumps(d.indicators, ensure_ascii=False)} for d, _, _ in todo]
        self.docs_store.upsert([DocumentRecord(d.doc_id, d.text, r) for (d, _, _), r in zip(todo, records, strict=True)])
        replaced = {d.doc_id for d, was, _ in todo if was}
        if replaced:
            new_ids = {c.id for c in stored}
            # Ask the store, not memory: another process may have written these documents since we opened.
            self.store.delete_ids([cid for cid in self.store.ids_of(sorted(replaced)) if cid not in new_ids])
            for cid in [cid for cid, c in self.chunks.items() if c.metadata.get("doc_id") in replaced]:
                self.chunks.pop(cid)
        for c in stored:
            c.embedding = None
            self.chunks[c.id] = c
        for d, _, _ in todo:
            self.documents[d.doc_id] = d
        self._changed()

    def _stored_chunks(self, doc_id: str, version: str, meta: ReportMeta, pieces: Sequence[Chunk]) -> list[StoredChunk]:
        """Turn chunks into store records with flat metadata."""
        base = _flat({"doc_id": doc_id, "doc_hash": version, "region": meta.region, "level": meta.level,
                      "year": meta.year, "plan_year": meta.plan_year, "review_year": meta.review_year,
                      "title": meta.title, "added_at": int(time.time())})
        return [
            StoredChunk(f"{doc_id}:{version[:12]}:{i:04d}", c.text,
                        {**base, "section": " > ".join(c.section), "kind": c.kind, "part": c.part, "start": c.start, "end": c.end,
                         "ordinal": i})
            for i, c in enumerate(pieces)
        ]

    def remove(self, doc_id: str) -> bool:
        """Delete a document and its chunks everywhere; False if it was not there."""
        if doc_id not in self.documents:
            return False
        self.docs_store.delete([doc_id])  # the commit point: its chunks are orphans from here on
        self.store.delete_ids(self.store.ids_of([doc_id]))
        for cid in [cid for cid, c in self.chunks.items() if c.metadata.get("doc_id") == doc_id]:
            self.chunks.pop(cid)
        del self.documents[doc_id]
        self._changed()
        return True

    def _changed(self) -> None:
        """Forget what is derived from the chunks (the per-document map, word rarities)."""
        self._by_doc, self._idf_texts, self._idf = None, None, {}

    def chunk_ids_of(self, doc_ids: Iterable[str]) -> list[str]:
        """Ids of the chunks of some documents, each document's in reading order, without scanning every chunk."""
        if self._by_doc is None:
            by_doc: dict[str, list[str]] = {}
            for cid, c in self.chunks.items():
                by_doc.setdefault(str(c.metadata.get("doc_id")), []).append(cid)
            self._by_doc = {d: sorted(ids) for d, ids in by_doc.items()}  # ids end in the chunk's ordinal
        return [cid for d in doc_ids for cid in self._by_doc.get(d, ())]

    def finish_writes(self) -> None:
        """Rebuild and save the lexical index after a batch of writes."""
        ids = sorted(self.chunks)
        self.lexical = LexicalIndex.build(ids, [self.index_text(self.chunks[i]) for i in ids])
        self._save_lexical(self.lexical)

    def idf(self, word: str) -> float:
        """How rare a word is among the passages: 0.5 + log((N + 1) / (df + 1)); cached until the index changes."""
        if self._idf_texts is None:
            self._idf_texts, self._idf = [c.text for c in self.chunks.values()], {}
        if word not in self._idf:
            df = sum(word in t for t in self._idf_texts)
            self._idf[word] = 0.5 + math.log((len(self._idf_texts) + 1) / (df + 1))
        return self._idf[word]

    def stats(self) -> dict[str, Any]:
        """Counts of documents and chunks, and where the index lives."""
        s = self.settings
        where = f"chroma://{s.chroma_host}:{s.chroma_port}" if s.uses_server else str(s.index_dir)
        return {"documents": len(self.documents), "chunks": len(self.chunks), "store": where,
                "model": self.embedder.name}


