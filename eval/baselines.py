"""The systems under evaluation: the project's pipeline and its ablations, and a stock llama-index baseline."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.embedcache import CachingEmbedder
from eval.metrics import K, Outcome
from rag.settings import Settings

__all__ = ["SYSTEMS", "SystemSpec", "CachingEmbedder", "PipelineSystem", "StockSystem", "open_system", "index_code_digest"]

STOCK = "llamaindex-stock"
_RAG = Path(__file__).resolve().parent.parent / "rag"
_VOCABULARY = _RAG / "vocabulary.toml"
# Settings and modules whose change makes a built index stale.
_INDEX_FIELDS = ("model", "collection", "chunk_max_chars", "chunk_min_chars", "use_breadcrumbs")
_INDEX_PACKAGES = ("ingest", "index")  # the code that shapes what an index holds


@dataclass(frozen=True)
class SystemSpec:
    """A named system: Settings overrides for the pipeline (the stock baseline has none)."""

    name: str
    changes: dict[str, Any] = field(default_factory=dict)
    about: str = ""


SYSTEMS: dict[str, SystemSpec] = {s.name: s for s in [
    SystemSpec(STOCK, {}, "llama-index SentenceSplitter() defaults, Chroma, top-2, answer = top chunk, never refuses"),
    SystemSpec("bm25-only", {"use_dense": False}, "pipeline, lexical retrieval only"),
    SystemSpec("dense-only", {"use_lexical": False}, "pipeline, dense retrieval only"),
    SystemSpec("full", {}, "the default pipeline"),
    SystemSpec("no-query-understanding", {"use_query_understanding": False}, "no regions/years/synonyms/follow-ups"),
    SystemSpec("no-breadcrumbs", {"use_breadcrumbs": False}, "chunks indexed without title > section"),
    SystemSpec("weighted-fusion", {"fusion": "weighted"}, "max-normalised score sum instead of RRF"),
    SystemSpec("chunk-200", {"chunk_max_chars": 200}, "chunks of at most 200 characters"),
    SystemSpec("chunk-600", {"chunk_max_chars": 600}, "chunks of at most 600 characters"),
]}


def _digest(parts: Sequence[Any]) -> str:
    """A short stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


@functools.cache
def index_code_digest() -> str:
    """Hash of the indexing modules' source, read once per process so one run keys every index alike."""
    files = sorted(p for pkg in _INDEX_PACKAGES for p in (_RAG / pkg).glob("*.py"))
    return _digest([(p.name, p.read_text(encoding="utf-8")) for p in files] + [_VOCABULARY.read_text(encoding="utf-8")])


def _corpus_digest(corpus_dir: Path) -> list[tuple[str, str]]:
    """(name, sha256) of every corpus file."""
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(Path(corpus_dir).glob("*.txt"))]


def _cached_dir(cache_root: Path, name: str, key: str) -> tuple[Path, dict[str, Any] | None]:
    """The cache folder for an index and its recorded build (None if it must be built); prunes stale ones."""
    path = cache_root / f"{name}-{key}"
    for old in cache_root.glob(f"{name}-*"):
        if old != path and old.is_dir() and len(old.name) == len(path.name):
            shutil.rmtree(old, ignore_errors=True)
    marker = path / "eval-build.json"
    if marker.exists():
        return path, {**json.loads(marker.read_text()), "built_this_run": False, "scratch_seconds": _scratch(cache_root, name)}
    shutil.rmtree(path, ignore_errors=True)  # half-built or never built
    return path, None


def _scratch(cache_root: Path, name: str, seconds: float | None = None) -> float | None:
    """The last from-scratch build time of an index (every vector computed), recording a new one if given."""
    path = cache_root / "scratch-builds.json"
    record = json.loads(path.read_text()) if path.exists() else {}
    if seconds is not None:
        record[name] = seconds
        path.write_text(json.dumps(record, indent=1))
    return record.get(name)


@contextmanager
def _building(path: Path, name: str, embedder: CachingEmbedder, build: dict[str, Any]) -> Iterator[None]:
    """Time an index build, count computed and cached passage vectors, and mark the folder complete."""
    before, t = dict(embedder.counts), time.perf_counter()
    yield
    build.update({k: embedder.counts[k] - before[k] for k in before}, seconds=round(time.perf_counter() - t, 1))
    (path / "eval-build.json").write_text(json.dumps(build))
    build.update(built_this_run=True, scratch_seconds=_scratch(path.parent, name, None if build["reused"] else build["seconds"]))
    embedder.save()


class PipelineSystem:
    """The project's Assistant with some settings changed; its index is cached by everything that shapes it."""

    def __init__(self, spec: SystemSpec, embedder: CachingEmbedder, cache_root: Path, index_dir: Path | None = None) -> None:
        from rag import Assistant

        base = Settings.from_env().with_(chroma_host=None, **spec.changes)
        self.name, self.embedder = spec.name, embedder
        build: dict[str, Any] | None = {"seconds": 0.0, "built_this_run": False, "given": True}
        if index_dir is None:  # one folder per distinct indexing configuration, shared by systems that agree on it
            label = spec.name if any(k in spec.changes for k in _INDEX_FIELDS) else "default"
            key = _digest([[getattr(base, f) for f in _INDEX_FIELDS], index_code_digest(), _corpus_digest(base.corpus_dir)])
            index_dir, build = _cached_dir(cache_root, label, key)
        self.bot = Assistant(index_dir=index_dir, settings=base, embedder=embedder)
        if build is None:
            build = {}
            with _building(index_dir, label, embedder, build):
                self.bot.ensure_index(progress=False)
        self.build, self.index_dir = build, index_dir

    def run(self, turns: Sequence[str]) -> Outcome:
        """Answer the last turn (earlier turns are history); its retrieval rankings feed the retrieval metrics."""
        t = time.perf_counter()
        trace = self.bot.trace(turns[-1], history=list(turns[:-1]))
        latency = time.perf_counter() - t
        ans, chunks = trace.answer, self.bot.index.chunks
        rankings = [[(str(chunks[cid].metadata.get("doc_id")), chunks[cid].text) for cid in g.ranking[:K]] for g in trace.groups]
        cites = [{"doc_id": c.doc_id, "section": c.section} for c in ans.citations]
        return Outcome(ans.text, ans.answered, [(c.doc_id, c.text) for c in ans.citations], rankings, latency,
                       {"citations": cites, "standalone": ans.question, "reason": ans.reason})


class StockSystem:
    """llama-index with stock settings: SentenceSplitter(), the same embedding model, Chroma, top-2 retrieval."""

    def __init__(self, embedder: CachingEmbedder, cache_root: Path, corpus_dir: Path) -> None:
        import chromadb
        import llama_index.core
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.name, self.embedder = STOCK, embedder
        key = _digest([embedder.name, llama_index.core.__version__, _corpus_digest(corpus_dir)])
        path, build = _cached_dir(cache_root, STOCK, key)
        self.embed_model = _llama_embedding(embedder)
        client = chromadb.PersistentClient(path=str(path / "chroma"))
        store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("stock"))
        if build is None:
            build = {}
            with _building(path, STOCK, embedder, build):
                docs = SimpleDirectoryReader(str(corpus_dir), required_exts=[".txt"]).load_data()
                nodes = SentenceSplitter().get_nodes_from_documents(docs)
                index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store),
                                         embed_model=self.embed_model)
        else:
            index = VectorStoreIndex.from_vector_store(store, embed_model=self.embed_model)
        self.answer_retriever = index.as_retriever(similarity_top_k=2)
        self.rank_retriever = index.as_retriever(similarity_top_k=K)
        self.build, self.index_dir = build, path

    def run(self, turns: Sequence[str]) -> Outcome:
        """Answer with the top chunk for the last turn alone (the baseline keeps no history)."""
        t = time.perf_counter()
        top = self.answer_retriever.retrieve(turns[-1])
        text, doc = (top[0].node.get_content(), _stem(top[0].node.metadata)) if top else ("", "")
        latency = time.perf_counter() - t
        with self.embedder.reusing():
            ranked = [(_stem(n.node.metadata), n.node.get_content()) for n in self.rank_retriever.retrieve(turns[-1])]
        return Outcome(text, True, [(doc, text)] if top else [], [ranked], latency,
                       {"citations": [{"doc_id": doc, "section": ""}]})


def _stem(meta: dict[str, Any]) -> str:
    """The corpus file stem a llama-index node came from."""
    return Path(str(meta.get("file_name", ""))).stem


def _llama_embedding(embedder: CachingEmbedder) -> Any:
    """Wrap the project's embedder as a llama-index BaseEmbedding."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class ProjectEmbedding(BaseEmbedding):
        """The project's sentence-transformers embedder behind llama-index's embedding interface."""

        _inner: Any = PrivateAttr()

        def __init__(self, inner: Any) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=32)
            self._inner = inner

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._inner.embed(texts).tolist()

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._get_text_embeddings([query])[0]

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return ProjectEmbedding(embedder)


def open_system(name: str, embedder: CachingEmbedder, cache_root: Path, default_index_dir: Path | None = None) -> Any:
    """Open (building its index if needed) one named system."""
    spec = SYSTEMS[name]
    if name == STOCK:
        return StockSystem(embedder, cache_root, Settings.from_env().corpus_dir)
    shares_default = not any(k in spec.changes for k in _INDEX_FIELDS)
    return PipelineSystem(spec, embedder, cache_root, default_index_dir if shares_default else None)
