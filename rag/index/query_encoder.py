"""A fast query encoder: the sentence-transformers pipeline exported once to ONNX and run with onnxruntime.

Importing torch, transformers and sentence-transformers is most of a cold start, yet one question needs only
one forward pass. `rag provision` exports the model's whole pipeline (transformer, pooling, normalisation)
with torch's ONNX exporter, saves its fast tokenizer, checks the export against the model's own `encode`,
and records which model files it came from. Questions then use onnxruntime and the `tokenizers` library
(both light to import); batches (ingest) keep using sentence-transformers. A missing, stale or failed
export is never an error: the embedder falls back to the model itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.settings import DEFAULT_MODEL_DIR

__all__ = ["OnnxQueryEncoder", "export_query_encoder", "export_dir_for", "fresh_export", "model_fingerprint",
           "embedding_dimension", "HEAVY_MODULES"]

log = logging.getLogger(__name__)

EXPORT_ROOT = DEFAULT_MODEL_DIR.parent / "onnx"
FORMAT = 1  # bump when the export layout changes
MAX_DIFF = 1e-4  # largest element-wise difference from the model's own vectors that the check accepts
PROBES = ["焦作解放区2022年GDP目标", "  义马市规上工业增加值增长多少？ ", "一、2022年工作回顾\n全年地区生产总值增长6.5%。", "GDP", "长" * 700]
# What a process that only answers questions never needs to import, thanks to the export.
HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "llama_index.core")
_WEIGHT_FILES = re.compile(r"\.(json|txt|bin|safetensors|model)$")


def export_dir_for(model: str) -> Path:
    """Where the export of a model (name or path) lives: models/onnx/<readable name>-<hash>."""
    key = str(Path(model).resolve()) if Path(model).exists() else model
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model).name or model)[-40:]
    return EXPORT_ROOT / f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def model_fingerprint(model: str) -> str:
    """Identify a model's files (names, sizes, modification times), so an export of older files is not used."""
    root = Path(model)
    if not root.is_dir():
        return f"name:{model}"  # a hub name: the export is as fresh as the snapshot it was made from
    h = hashlib.sha1()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and _WEIGHT_FILES.search(p.name)):
        st = f.stat()
        h.update(f"{f.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def fresh_export(model: str) -> dict[str, Any] | None:
    """The export record of a model if its export was made by this code from the model's current files; else None."""
    folder = export_dir_for(model)
    try:
        info = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("format") != FORMAT or info.get("fingerprint") != model_fingerprint(model):
        log.info("query encoder export at %s is stale; run `rag provision` to rebuild it", folder)
        return None
    return info


class OnnxQueryEncoder:
    """Encodes a few texts exactly as the exported sentence-transformers model would, on one thread."""

    def __init__(self, folder: Path, info: dict[str, Any]) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.input_names: list[str] = info["input_names"]
        self.prompt: str = info.get("prompt") or ""
        self.dimension: int = int(info["dimension"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(info["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=int(info["pad_id"]), pad_token=str(info["pad_token"]))
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # one short question: one thread is fastest, and far faster when cores are shared
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])

    @classmethod
    def load(cls, model: str) -> OnnxQueryEncoder | None:
        """Open the export of a model if there is one made from its current files; else None."""
        info = fresh_export(model)
        if info is None:
            return None
        folder = export_dir_for(model)
        try:
            return cls(folder, info)
        except Exception as err:  # a damaged export must never stop answering: the model itself still works
            log.warning("cannot open the query encoder export at %s (%s); using the model itself", folder, err)
            return None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors of texts."""
        encs = self.tokenizer.encode_batch([self.prompt + t for t in texts])
        columns = {"input_ids": [e.ids for e in encs], "attention_mask": [e.attention_mask for e in encs],
                   "token_type_ids": [e.type_ids for e in encs]}
        feed = {name: np.asarray(columns[name], dtype=np.int64) for name in self.input_names}
        vecs = np.asarray(self.session.run(None, feed)[0], dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def export_query_encoder(st_model: Any, model: str) -> Path | None:
    """Export a loaded SentenceTransformer to ONNX for questions, verify it, and return its folder (None if it cannot)."""
    folder = export_dir_for(model)
    if fresh_export(model) is not None:
        log.info("query encoder already exported at %s", folder)
        return folder
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        info = _export(st_model, staging)
        info.update(format=FORMAT, model=model, fingerprint=model_fingerprint(model))
        diff = _max_difference(st_model, OnnxQueryEncoder(staging, info))
        if diff > MAX_DIFF:
            raise ValueError(f"exported vectors differ from the model's by up to {diff:.2g}")
        info["max_difference"] = diff
        (staging / "export.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    except Exception as err:  # an unusual model (custom modules, no fast tokenizer): questions use the model itself
        log.warning("could not export %s for fast questions (%s); questions will load the full model", model, err)
        shutil.rmtree(staging, ignore_errors=True)
        return None
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    log.info("query encoder exported to %s (max difference from the model %.1e)", folder, diff)
    return folder


def _export(st_model: Any, folder: Path) -> dict[str, Any]:
    """Write model.onnx and tokenizer.json for a SentenceTransformer; return what loading them needs."""
    import torch

    tok = st_model.tokenizer
    names = [n for n in tok.model_input_names if n in ("input_ids", "attention_mask", "token_type_ids")]

    class Pipeline(torch.nn.Module):
        """The model's own modules, called with positional tensors as the exporter wants."""

        def __init__(self) -> None:
            super().__init__()
            self.st = st_model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            """Return the sentence embedding (before the final normalisation, which the encoder applies)."""
            return self.st(dict(zip(names, tensors, strict=True)))["sentence_embedding"]

    sample = tok(["焦作解放区2022年GDP目标", "短句"], return_tensors="pt", padding=True)
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter warns that it is not the default one any more
        torch.onnx.export(Pipeline().eval(), tuple(sample[n] for n in names), str(folder / "model.onnx"),
                          input_names=names, output_names=["sentence_embedding"],
                          dynamic_axes={**axes, "sentence_embedding": {0: "batch"}}, opset_version=17, dynamo=False)
    tok.backend_tokenizer.save(str(folder / "tokenizer.json"))
    prompt = (st_model.prompts or {}).get(st_model.default_prompt_name or "", "")
    return {"input_names": names, "max_seq_length": int(st_model.max_seq_length), "pad_id": int(tok.pad_token_id or 0),
            "pad_token": str(tok.pad_token or "[PAD]"), "prompt": prompt,
            "dimension": embedding_dimension(st_model)}


def embedding_dimension(st_model: Any) -> int:
    """Embedding length, under the method name of any sentence-transformers version."""
    getter = getattr(st_model, "get_embedding_dimension", None) or st_model.get_sentence_embedding_dimension
    return int(getter())


def _max_difference(st_model: Any, enc: OnnxQueryEncoder) -> float:
    """Largest element-wise difference between the export's vectors and the model's own, on probe texts."""
    ref = np.asarray(st_model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True), dtype=np.float32)
    one_by_one = np.vstack([enc.encode([p]) for p in PROBES])
    return float(max(np.abs(one_by_one - ref).max(), np.abs(enc.encode(PROBES) - ref).max()))
