"""One settings object for the whole pipeline, read from the environment once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = ["Settings", "PROJECT_ROOT", "DEFAULT_MODEL_DIR"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "models" / "m3e-small"


# Environment variable → (settings field, conversion).
_ENV: dict[str, tuple[str, Any]] = {
    "RAG_INDEX_DIR": ("index_dir", Path), "RAG_CORPUS_DIR": ("corpus_dir", Path), "RAG_MODEL": ("model", str),
    "RAG_CHROMA_HOST": ("chroma_host", str), "RAG_CHROMA_PORT": ("chroma_port", int),
    "RAG_CHROMA_TOKEN": ("chroma_token", str), "RAG_COLLECTION": ("collection", str),
    "RAG_FAST_QUERIES": ("fast_queries", lambda v: v.strip().lower() not in ("0", "false", "no", "off")),
}


@dataclass(frozen=True)
class Settings:
    """Where things live and how the pipeline is tuned; every field has a sensible default."""

    index_dir: Path = PROJECT_ROOT / "data" / "index"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    model: str = str(DEFAULT_MODEL_DIR)
    device: str = "cpu"
    fast_queries: bool = True  # embed questions with the model's ONNX export (made by `rag provision`) when present
    collection: str = "reports"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_token: str | None = None
    chunk_max_chars: int = 360
    chunk_min_chars: int = 60
    dense_top_k: int = 30
    lexical_top_k: int = 30
    fusion: str = "rrf"
    rrf_k: int = 60
    top_k: int = 10
    scan_max_docs: int = 3
    use_query_understanding: bool = True
    use_breadcrumbs: bool = True
    use_dense: bool = True
    use_lexical: bool = True
    max_question_chars: int = 500

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from RAG_* environment variables, then apply explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {field: cast(env[var]) for var, (field, cast) in _ENV.items() if env.get(var)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed."""
        return replace(self, **changes)

    @property
    def uses_server(self) -> bool:
        """True when the vector store is a Chroma server rather than an embedded folder."""
        return bool(self.chroma_host)
