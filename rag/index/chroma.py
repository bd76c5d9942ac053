"""The Chroma adapter: chunks in one collection (written through llama-index's ChromaVectorStore), documents in another."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.store import DocumentRecord, StoredChunk, StoreError
from rag.settings import OPEN_LOCK_FILE, OPEN_WAIT_S, Settings

__all__ = ["ChromaStore", "ChromaDocumentStore", "store_errors", "auth_headers"]

log = logging.getLogger(__name__)


def _where(settings: Settings) -> str:
    """Name the store the settings point at, for messages."""
    return f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}" if settings.uses_server \
        else f"the Chroma store in {settings.index_dir}"


@contextmanager
def store_errors(settings: Settings, doing: str = "open") -> Iterator[None]:
    """Turn whatever Chroma raises into one StoreError whose message says how to fix it."""
    try:
        yield
    except (StoreError, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as err:  # chromadb raises many types; its Rust core may panic (pyo3's PanicException is a BaseException)
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        if settings.uses_server:
            fix = (f"Check that the server is running (`chroma run --path DIR --host {settings.chroma_host} "
                   f"--port {settings.chroma_port}`) and that RAG_CHROMA_TOKEN is right.")
        else:
            fix = (f"The index folder looks corrupt or half-written; rebuild it with `rag ingest --rebuild "
                   f"--index-dir {settings.index_dir}` (or delete the folder).")
        raise StoreError(f"cannot {doing} {_where(settings)}: {reason}. {fix}") from err


@contextmanager
def _opening(settings: Settings) -> Iterator[None]:
    """Let one process at a time open (and maybe create) an embedded store: two creating one SQLite schema clash."""
    if settings.uses_server:
        yield
        return
    from filelock import FileLock

    Path(settings.index_dir).mkdir(parents=True, exist_ok=True)
    with FileLock(str(Path(settings.index_dir) / OPEN_LOCK_FILE), timeout=OPEN_WAIT_S):
        yield


class ChromaStore:
    """A Chroma collection, written through llama-index's ChromaVectorStore; never uses Chroma's embedding function.

    Reads (nearest neighbours, records) call the Chroma collection directly: importing llama-index takes
    seconds, which a process that only answers questions need not pay (it was a third of a cold start).
    """

    def __init__(self, collection: Any, client: Any = None, settings: Settings | None = None) -> None:
        self.client = client
        self.collection = collection
        self.settings = settings or Settings()
        self._li_store: Any = None

    @property
    def li_store(self) -> Any:
        """llama-index's ChromaVectorStore over this collection, made on first write."""
        if self._li_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._li_store = ChromaVectorStore(chroma_collection=self.collection)
        return self._li_store

    @classmethod
    def from_settings(cls, settings: Settings) -> ChromaStore:
        """Open the embedded store under index_dir, or the Chroma server the settings name."""
        import chromadb

        with store_errors(settings), _opening(settings):
            if settings.uses_server:
                client = chromadb.HttpClient(host=str(settings.chroma_host), port=settings.chroma_port,
                                             headers=auth_headers(settings.chroma_token))
            else:
                path = Path(settings.index_dir) / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(path))
            collection = client.get_or_create_collection(
                settings.collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        return cls(collection, client, settings)

    def documents(self, suffix: str = "-docs") -> ChromaDocumentStore:
        """The document store beside this collection: one record per document (its text and metadata)."""
        with store_errors(self.settings), _opening(self.settings):
            coll = self.client.get_or_create_collection(self.collection.name + suffix, embedding_function=None)
        return ChromaDocumentStore(coll, self)

    def add(self, chunks: Sequence[StoredChunk]) -> None:
        """Add chunks with their precomputed embeddings."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = []
        for c in chunks:
            vector = [float(x) for x in (c.embedding if c.embedding is not None else [])]
            node = TextNode(id_=c.id, text=c.text, metadata=dict(c.metadata), embedding=vector)
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=str(c.metadata.get("doc_id", "")))
            nodes.append(node)
        with store_errors(self.settings, "write to"):
            for batch in batched(nodes, 500):
                self.li_store.add(list(batch))

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        with store_errors(self.settings, "write to"):
            for batch in batched(list(ids), 500):
                self.collection.delete(ids=list(batch))

    def ids_of(self, doc_ids: Sequence[str]) -> list[str]:
        """Ids of every stored chunk of some documents, as the store holds them now."""
        out: list[str] = []
        with store_errors(self.settings, "read"):
            for batch in batched(list(doc_ids), 100):
                out += self.collection.get(where={"doc_id": {"$in": list(batch)}}, include=[])["ids"]
        return out

    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None, total: int | None = None) -> list[tuple[str, float]]:
        """Return (chunk id, cosine similarity) of the k nearest chunks, optionally within some documents.

        `total` is the number of chunks stored, when the caller knows it (saves a count call).
        """
        where = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}}
        k = min(k, max(self.count() if total is None else total, 1))
        with store_errors(self.settings, "query"):
            res = self.collection.query(query_embeddings=[[float(x) for x in vector]], n_results=k, where=where,
                                        include=["distances"])
        # The collection's space is cosine, where Chroma's distance is 1 - cosine similarity.
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def all(self) -> list[StoredChunk]:
        """Return every chunk (without vectors), for rebuilding the lexical index and citations."""
        return [StoredChunk(cid, doc or "", _strip_llama_keys(meta or {}))
                for cid, doc, meta in self.records(self.collection, ["documents", "metadatas"])]

    def records(self, collection: Any, include: list[str], page: int = 1000) -> list[tuple[str, Any, Any]]:
        """Every (id, document, metadata) of a collection, read in pages so a server never sends one huge reply."""
        out: list[tuple[str, Any, Any]] = []
        with store_errors(self.settings, "read"):
            for offset in range(0, int(collection.count()), page):
                got = collection.get(include=include, limit=page, offset=offset)
                docs = got.get("documents") or [None] * len(got["ids"])
                metas = got.get("metadatas") or [None] * len(got["ids"])
                out.extend(zip(got["ids"], docs, metas, strict=True))
        return out

    def count(self) -> int:
        """Number of chunks stored."""
        with store_errors(self.settings, "read"):
            return int(self.collection.count())


class ChromaDocumentStore:
    """Document records in a Chroma collection of their own (a placeholder vector each: never searched)."""

    def __init__(self, collection: Any, chunks: ChromaStore) -> None:
        self.collection, self._chunks = collection, chunks

    def upsert(self, records: Sequence[DocumentRecord]) -> None:
        """Write records (the commit point of an ingest)."""
        with store_errors(self._chunks.settings, "write to"):
            self.collection.upsert(ids=[r.id for r in records], documents=[r.text for r in records],
                                   metadatas=[dict(r.metadata) for r in records], embeddings=[[0.0]] * len(records))

    def delete(self, ids: Sequence[str]) -> None:
        """Delete records by id."""
        with store_errors(self._chunks.settings, "write to"):
            self.collection.delete(ids=list(ids))

    def records(self, with_text: bool = True) -> list[DocumentRecord]:
        """Every record; without texts when only the metadata is needed (cheap)."""
        include = ["documents", "metadatas"] if with_text else ["metadatas"]
        return [DocumentRecord(i, t or "", dict(m or {})) for i, t, m in self._chunks.records(self.collection, include)]


def auth_headers(token: str | None) -> dict[str, str] | None:
    """HTTP headers carrying a Chroma token: `Authorization: Bearer`, what Chroma's token auth and proxies read."""
    return {"Authorization": f"Bearer {token}"} if token else None


def _strip_llama_keys(meta: dict[str, Any]) -> dict[str, Any]:
    """Drop the bookkeeping keys llama-index adds to Chroma metadata."""
    return {k: v for k, v in meta.items() if not k.startswith("_") and k not in ("document_id", "doc_id_", "ref_doc_id")}


def batched(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """Yield successive slices of items."""
    for i in range(0, len(items), size):
        yield items[i:i + size]
