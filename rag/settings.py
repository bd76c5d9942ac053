"""One settings object for the whole pipeline, read from the environment once, plus where data lives."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings", "DEFAULT_MODEL_DIR", "data_home", "runtime_env", "set_runtime_env", "LOCK_FILE", "OPEN_LOCK_FILE"]

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
LOCK_FILE = ".ingest.lock"  # inside the index folder: one writer at a time
OPEN_LOCK_FILE = ".open.lock"  # held only while a process opens (and may create) the embedded store
OPEN_WAIT_S = 120.0  # how long an opener waits for another process to finish creating the store


def _in_checkout() -> bool:
    """True when the package runs from a source checkout (pyproject.toml beside it), not an installed wheel."""
    return (_PACKAGE_PARENT / "pyproject.toml").exists() and (_PACKAGE_PARENT / "rag").is_dir()


def data_home() -> Path:
    """Where indexes and models live by default: the checkout, or the user's data folder for an installed wheel."""
    if env := os.environ.get("RAG_HOME"):
        return Path(env)
    if _in_checkout():
        return _PACKAGE_PARENT
    import platformdirs

    return Path(platformdirs.user_data_dir("gov-report-rag", appauthor=False))


DEFAULT_MODEL_DIR = data_home() / "models" / "m3e-small"

# Environment variable → (settings field, conversion).
_ENV: dict[str, tuple[str, Any]] = {
    "RAG_INDEX_DIR": ("index_dir", Path), "RAG_CORPUS_DIR": ("corpus_dir", Path), "RAG_MODEL": ("model", str),
    "RAG_CHROMA_HOST": ("chroma_host", str), "RAG_CHROMA_PORT": ("chroma_port", int),
    "RAG_CHROMA_TOKEN": ("chroma_token", str), "RAG_COLLECTION": ("collection", str),
    "RAG_FAST_QUERIES": ("fast_queries", lambda v: v.strip().lower() not in ("0", "false", "no", "off")),
    "RAG_DEV_REPORTS": ("dev_reports_dir", Path),
    "RAG_MIN_SIMILARITY": ("min_similarity", float), "RAG_ECHO_WEIGHT": ("echo_weight", float),
}


@dataclass(frozen=True)
class Settings:
    """Where things live, every limit, and how the pipeline is tuned; every field has a sensible default."""

    index_dir: Path = field(default_factory=lambda: data_home() / "data" / "index")
    corpus_dir: Path = field(default_factory=lambda: data_home() / "corpus")
    dev_reports_dir: Path = field(default_factory=lambda: data_home().parent / "shared" / "dev_reports")
    model: str = str(DEFAULT_MODEL_DIR)
    device: str = "cpu"
    fast_queries: bool = True  # embed questions with the model's ONNX export (made by `rag provision`) when present
    collection: str = "reports"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_token: str | None = None
    # ingest
    chunk_max_chars: int = 360
    chunk_min_chars: int = 60
    batch_docs: int = 16                     # documents written per store batch
    embed_batch_size: int = 32
    max_file_bytes: int = 20 * 1024 * 1024   # the loader's and the upload box's limit
    # retrieval
    dense_top_k: int = 30
    lexical_top_k: int = 30
    fusion: str = "rrf"
    rrf_k: int = 60
    top_k: int = 10
    keep_top_each: int = 3                   # each ranker's best few pass fusion whatever the other ranker says
    scan_max_docs: int = 3                   # a question scoped to this many reports reads all their passages
    # answering
    max_question_chars: int = 500
    nearby_limit: int = 6                    # reports named in a refusal as "held nearby"
    semantic_fallback: bool = True           # with no sentence naming the question's words, quote the closest in meaning
    min_similarity: float = 0.70             # ...if the embedding model puts it at least this close (fit on the tune half)
    echo_weight: float = 4.0                 # a result's share of its target quote's words, beside cover's 4 (tune half: 3-6 best)
    # ablations
    use_query_understanding: bool = True
    use_breadcrumbs: bool = True
    use_dense: bool = True
    use_lexical: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from RAG_* environment variables, then apply explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {field: cast(env[var]) for var, (field, cast) in _ENV.items() if env.get(var)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("index_dir", "corpus_dir", "dev_reports_dir"):
            if key in values:
                values[key] = Path(values[key])
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)

    @property
    def uses_server(self) -> bool:
        """True when the vector store is a Chroma server rather than an embedded folder."""
        return bool(self.chroma_host)


def runtime_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a process of this project runs with: no model hub, quiet tokenizers."""
    env = dict(os.environ if base is None else base)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env


def set_runtime_env() -> None:
    """Apply runtime_env() to this process (entry points call it once, before heavy imports)."""
    for key, value in runtime_env().items():
        os.environ.setdefault(key, value)
