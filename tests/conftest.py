"""Shared fixtures: small real texts, and one real index of the whole corpus per test session."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shipped corpus folder."""
    return CORPUS


@pytest.fixture(scope="session")
def raw_report():
    """Return a function reading a corpus report's raw text by its id."""
    def read(doc_id: str) -> str:
        return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    return read


@pytest.fixture(scope="session")
def built_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the whole corpus, built once per session with the real model and embedded Chroma."""
    from rag import Assistant

    path = tmp_path_factory.mktemp("index")
    Assistant(index_dir=path).ensure_index(progress=False)
    return path


@pytest.fixture(scope="session")
def bot(built_index_dir: Path):
    """An Assistant over the session's corpus index."""
    from rag import Assistant

    return Assistant(index_dir=built_index_dir)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui_url(bot):
    """The chat UI served in-process on a free local port."""
    from ui.app import start

    demo = start(bot, port=free_port())
    yield demo.local_url
    demo.close()
