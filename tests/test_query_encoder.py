"""The ONNX query encoder: same vectors as the model, used only when fresh, and a cold answer without torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.index import query_encoder
from rag.index.embedding import SentenceTransformerEmbedder
from rag.index.query_encoder import OnnxQueryEncoder, export_dir_for, model_fingerprint
from rag.settings import DEFAULT_MODEL_DIR

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["焦作解放区2022年GDP目标", "那义马呢？", "  青海和辽宁2022年GDP增长目标各是多少 ", "社零增长多少", "名词解释：六稳六保"]


def test_fingerprint_changes_with_model_files(tmp_path: Path) -> None:
    """An export made from older model files is recognised as stale."""
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    before = model_fingerprint(str(tmp_path))
    (tmp_path / "config.json").write_text('{"hidden_size": 1}', encoding="utf-8")
    assert model_fingerprint(str(tmp_path)) != before
    assert model_fingerprint("BAAI/bge-small-zh-v1.5") == "name:BAAI/bge-small-zh-v1.5"


def test_missing_or_stale_export_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No export, or one whose fingerprint no longer matches, means the model itself answers."""
    monkeypatch.setattr(query_encoder, "EXPORT_ROOT", tmp_path / "onnx")
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    assert OnnxQueryEncoder.load(str(model)) is None
    folder = export_dir_for(str(model))
    folder.mkdir(parents=True)
    (folder / "export.json").write_text(json.dumps({"format": query_encoder.FORMAT, "fingerprint": "old"}), encoding="utf-8")
    assert OnnxQueryEncoder.load(str(model)) is None
    assert SentenceTransformerEmbedder(str(model))._fast() is None


@pytest.mark.integration
def test_export_gives_the_models_vectors() -> None:
    """The export `rag provision` made embeds questions as the sentence-transformers model does."""
    fast = OnnxQueryEncoder.load(str(DEFAULT_MODEL_DIR))
    assert fast is not None, "run `rag provision` to export the default model"
    slow = SentenceTransformerEmbedder(str(DEFAULT_MODEL_DIR), fast_queries=False)
    ref = slow.embed(QUESTIONS)  # a batch: always the model itself
    one_by_one = np.vstack([fast.encode([q]) for q in QUESTIONS])
    assert np.abs(one_by_one - ref).max() < 1e-4
    assert np.abs(fast.encode(QUESTIONS) - ref).max() < 1e-4
    embedder = SentenceTransformerEmbedder(str(DEFAULT_MODEL_DIR))
    assert embedder.embed(QUESTIONS[:1]).shape == (1, fast.dimension) and embedder._model is None


@pytest.mark.integration
def test_cold_answer_loads_neither_torch_nor_llama_index(built_index_dir: Path) -> None:
    """A process that only answers from an existing index skips the heavy imports (the cold-start budget)."""
    code = (
        "import sys, json; from rag import Assistant; from rag.index.query_encoder import HEAVY_MODULES\n"
        f"res = Assistant(index_dir={str(built_index_dir)!r}).answer('焦作解放区2022年GDP目标')\n"
        "heavy = [m for m in HEAVY_MODULES if m in sys.modules]\n"
        "print(json.dumps({'text': res.text, 'heavy': heavy}, ensure_ascii=False))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert "8%左右" in got["text"]
    assert got["heavy"] == []
