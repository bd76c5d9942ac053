"""The vector store seam: Chroma (embedded folder or server) through llama-index's ChromaVectorStore."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from rag.settings import Settings

__all__ = ["StoredChunk", "VectorStore", "ChromaStore", "StoreError"]

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The vector store cannot be opened or used; the message says how to fix it."""


@dataclass
class StoredChunk:
    """One chunk as the store holds it: id, text to display, flat metadata, optional vector."""

    id: str
    text: str
    metadata: dict[str, Any]
    embedding: Sequence[float] | None = None


class VectorStore:
    """What retrieval needs from a vector store; scores are cosine similarities in [-1, 1]."""

    def add(self, chunks: Sequence[StoredChunk]) -> None: ...
    def delete_ids(self, ids: Sequence[str]) -> None: ...
    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]: ...
    def all(self) -> list[StoredChunk]: ...
    def count(self) -> int: ...


class ChromaStore(VectorStore):
    """A Chroma collection wrapped by llama-index's ChromaVectorStore; never uses Chroma's embedding function."""

    def __init__(self, collection: Any, client: Any = None) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.client = client
        self.collection = collection
        self.li_store = ChromaVectorStore(chroma_collection=collection)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ChromaStore":
        """Open the embedded store under index_dir, or the Chroma server the settings name."""
        import chromadb

        try:
            if settings.uses_server:
                headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
                client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, headers=headers)
            else:
                path = Path(settings.index_dir) / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(path))
            collection = client.get_or_create_collection(
                settings.collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        except Exception as err:  # chromadb raises many types; the user needs one clear message
            where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.uses_server else settings.index_dir
            raise StoreError(
                f"cannot open the Chroma store at {where}: {err}. "
                "If the index folder is corrupt or half-written, rebuild it with `rag ingest --rebuild`."
            ) from err
        return cls(collection, client)

    def companion(self, suffix: str) -> Any:
        """Open (or create) a second collection beside this one, e.g. for per-document records."""
        return self.client.get_or_create_collection(self.collection.name + suffix, embedding_function=None)

    def add(self, chunks: Sequence[StoredChunk]) -> None:
        """Add chunks with their precomputed embeddings."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = []
        for c in chunks:
            node = TextNode(id_=c.id, text=c.text, metadata=dict(c.metadata), embedding=[float(x) for x in (c.embedding if c.embedding is not None else [])])
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=str(c.metadata.get("doc_id", "")))
            nodes.append(node)
        for i in range(0, len(nodes), 500):
            self.li_store.add(nodes[i:i + 500])

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        ids = list(ids)
        for i in range(0, len(ids), 500):
            self.collection.delete(ids=ids[i:i + 500])

    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Return (chunk id, cosine similarity) of the k nearest chunks, optionally within some documents."""
        from llama_index.core.vector_stores.types import (
            FilterOperator, MetadataFilter, MetadataFilters, VectorStoreQuery,
        )

        filters = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            filters = MetadataFilters(filters=[MetadataFilter(key="doc_id", value=list(doc_ids), operator=FilterOperator.IN)])
        k = min(k, max(self.count(), 1))
        res = self.li_store.query(VectorStoreQuery(query_embedding=list(map(float, vector)), similarity_top_k=k, filters=filters))
        # ChromaVectorStore reports exp(-distance); with cosine space distance = 1 - cos, so undo it here.
        return [(i, 1.0 + math.log(max(s, 1e-12))) for i, s in zip(res.ids or [], res.similarities or [])]

    def all(self) -> list[StoredChunk]:
        """Return every chunk (without vectors), for rebuilding the lexical index and citations."""
        out: list[StoredChunk] = []
        total = self.count()
        for offset in range(0, total, 1000):
            got = self.collection.get(include=["documents", "metadatas"], limit=1000, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                out.append(StoredChunk(cid, doc or "", _strip_llama_keys(meta or {})))
        return out

    def count(self) -> int:
        """Number of chunks stored."""
        return int(self.collection.count())


def _strip_llama_keys(meta: dict[str, Any]) -> dict[str, Any]:
    """Drop the bookkeeping keys llama-index adds to Chroma metadata."""
    return {k: v for k, v in meta.items() if not k.startswith("_") and k not in ("document_id", "doc_id_", "ref_doc_id")}


def batched(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """Yield successive slices of items."""
    for i in range(0, len(items), size):
        yield items[i:i + size]
