"""Loading the embedding model: a clear error for a model that cannot be loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.cli import main
from rag.index.embedding import SentenceTransformerEmbedder


@pytest.mark.integration
def test_unloadable_model_gives_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing folder (or a hub name without hub access) names the model and how to fix it; no traceback."""
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(FileNotFoundError, match="cannot load the embedding model"):
        SentenceTransformerEmbedder(missing).embed(["一", "二", "三"])
    assert main(["provision", "--model", missing]) == 2
    assert "cannot load the embedding model" in capsys.readouterr().err
