"""The lexical index: BM25 (bm25s) over jieba tokens, persisted beside the vector store."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["tokenize", "tokenize_precise", "word_spans", "word_tag", "LexicalIndex"]

log = logging.getLogger(__name__)
_KEEP = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]")
_STOP = set("的 了 和 与 及 是 在 为 对 等 将 把 被 个 年 我 我们 要 有 也 都 以 中 上 下 这 那 呢 吗 啊 多少 什么 哪些 怎么 如何".split())


@lru_cache(maxsize=1)
def _jieba():  # noqa: ANN202
    """Import jieba quietly (its dictionary load logs to stderr), once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str) -> list[str]:
    """Split Chinese text into jieba search-mode tokens, lower-cased, without punctuation or stop words."""
    words = _jieba().cut_for_search(text)
    return [w.lower() for w in words if _KEEP.search(w) and w not in _STOP]


def tokenize_precise(text: str) -> list[str]:
    """Split text into jieba's precise-mode words (no overlapping sub-words), without stop words."""
    return [w.lower() for w in _jieba().cut(text) if _KEEP.search(w) and w not in _STOP]


def dictionary_words() -> dict[str, int]:
    """jieba's dictionary: word → frequency (0 for a prefix that is no word of its own)."""
    tokenizer = _jieba().dt
    tokenizer.check_initialized()
    return tokenizer.FREQ


@lru_cache(maxsize=4096)
def word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each of jieba's precise-mode words in text (cached: a question is segmented several times)."""
    return tuple((s, e) for _, s, e in _jieba().tokenize(text))


def word_tag(word: str, default: str = "x") -> str:
    """A word's part of speech in jieba's dictionary (`default` if it has none)."""
    import jieba.posseg  # lazy: the tag table loads with it

    return jieba.posseg.dt.word_tag_tab.get(word, default)


def word_tags(text: str) -> list[tuple[int, int, str]]:
    """(start, end, part of speech) of each of jieba's precise-mode words, the tag from its dictionary ('x' if none)."""
    return [(s, e, word_tag(text[s:e])) for s, e in word_spans(text)]


class LexicalIndex:
    """BM25 scores over chunk texts; scores are raw BM25 (unbounded, higher is better)."""

    def __init__(self, ids: Sequence[str], retriever: Any) -> None:
        self.ids = list(ids)
        self._pos = {cid: i for i, cid in enumerate(self.ids)}
        self._retriever = retriever

    @staticmethod
    def fingerprint(ids: Sequence[str]) -> str:
        """Identify a set of chunk ids, to tell a stale saved index from a current one."""
        return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
        """Index texts (aligned with ids)."""
        import bm25s

        if not ids:
            return cls([], None)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([tokenize(t) or ["_"] for t in texts], show_progress=False)
        return cls(ids, retriever)

    def save(self, path: Path) -> None:
        """Write the index and its chunk ids to a folder."""
        path.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(path), show_progress=False)
        (path / "ids.json").write_text(json.dumps({"fingerprint": self.fingerprint(self.ids), "ids": self.ids}))

    @classmethod
    def load(cls, path: Path, expected_ids: Sequence[str]) -> LexicalIndex | None:
        """Load a saved index if it matches expected_ids; None if missing or stale."""
        import bm25s

        meta = path / "ids.json"
        if not meta.exists():
            return None
        try:
            saved = json.loads(meta.read_text())
            if saved["fingerprint"] != cls.fingerprint(expected_ids):
                return None
            retriever = bm25s.BM25.load(str(path), show_progress=False) if saved["ids"] else None
        except (OSError, ValueError, KeyError) as err:
            log.warning("lexical index at %s unreadable (%s); rebuilding", path, err)
            return None
        return cls(saved["ids"], retriever)

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Return (chunk id, BM25 score) of the k best chunks, optionally only among allowed ids."""
        tokens = tokenize(query)
        if self._retriever is None or not tokens:
            return []
        scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            for cid in allowed:
                if cid in self._pos:
                    mask[self._pos[cid]] = True
            scores = np.where(mask, scores, -1.0)
        top = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
