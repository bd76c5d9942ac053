"""Evaluation metrics: per-item scoring of one system's outcome against a gold item, and aggregation."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.text import fold

__all__ = ["Outcome", "load_gold", "holds", "evidence_rank", "numbers", "numbers_faithful", "unsupported_numbers",
           "score_item", "aggregate", "percentile", "K"]

K = 5  # retrieval depth for hit@5 and MRR@5
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MARKER = re.compile(r"\[\d+\]")


@dataclass
class Outcome:
    """What one system did for one question, reduced to what the metrics need."""

    text: str
    answered: bool
    citations: list[tuple[str, str]] = field(default_factory=list)       # (doc_id, cited passage text)
    rankings: list[list[tuple[str, str]]] = field(default_factory=list)  # per retrieval: (doc_id, chunk text), best first
    latency: float = 0.0                                                  # seconds spent in answer()
    detail: dict[str, Any] = field(default_factory=dict)                  # shown in reports only


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read the gold JSONL file."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _has_all(text: str, answers: Iterable[str]) -> bool:
    """True if every gold string occurs in the text (both folded)."""
    key = fold(text)
    return all(fold(a) in key for a in answers)


def holds(doc_id: str, text: str, entry: dict[str, Any]) -> bool:
    """True if a chunk of the expected report holds the evidence, or (across a chunk boundary) all gold answers."""
    if doc_id != entry["report"]:
        return False
    return fold(entry["evidence"]) in fold(text) or _has_all(text, entry["answers"])


def evidence_rank(rankings: Sequence[Sequence[tuple[str, str]]], entry: dict[str, Any], k: int = K) -> int | None:
    """1-based rank of the first top-k chunk holding the entry's evidence, over all retrievals; None if absent."""
    ranks = [i + 1 for ranking in rankings for i, (doc, text) in enumerate(ranking[:k]) if holds(doc, text, entry)]
    return min(ranks, default=None)


# What an answer says about the reports rather than quotes from them: a year label ("2022年："), a count of
# reports ("比较了10份报告", "符合条件的有3个"). These are not figures, so they need no cited passage.
_LABELS = re.compile(r"(?:\d{4}年[、，]?)+(?=[^，。；]{0,14}[：，（）])|比较了\d+份报告|有\d+个")


def numbers(text: str) -> list[str]:
    """Numbers in a text, ignoring [n] citation markers and labels about the reports (years, counts)."""
    return _NUMBER.findall(fold(_LABELS.sub("", _MARKER.sub("", text))))


def unsupported_numbers(text: str, passages: Iterable[str]) -> list[str]:
    """Numbers of the answer that occur as a number in no cited passage."""
    cited = {n for p in passages for n in numbers(p)}
    return [n for n in numbers(text) if n not in cited]


def numbers_faithful(text: str, passages: Iterable[str]) -> bool:
    """True if every number in the answer also occurs as a number in some cited passage."""
    return not unsupported_numbers(text, passages)


def score_item(item: dict[str, Any], out: Outcome) -> dict[str, Any]:
    """Score one outcome; metrics that do not apply to the item are None."""
    expected = item["expected"]
    answerable = bool(expected)
    row: dict[str, Any] = {"id": item["id"], "type": item["type"], "answerable": answerable,
                           "reports": [e["report"] for e in expected], "answered": out.answered,
                           "latency": out.latency}
    keys = ("hit1", "hit5", "rr", "answer_ok", "citation_ok", "false_refusal", "refusal_ok", "distractor_given")
    row.update(dict.fromkeys(keys))
    row["numbers_ok"] = None
    if out.answered:
        bad = unsupported_numbers(out.text, (t for _, t in out.citations))
        row["numbers_ok"] = not bad
        if bad:
            row["unsupported_numbers"] = bad
    if not answerable:
        row["refusal_ok"] = row["correct"] = not out.answered
        return row
    ranks = [evidence_rank(out.rankings, e) for e in expected]
    row["ranks"] = ranks
    row["hit1"] = all(r == 1 for r in ranks)
    row["hit5"] = all(r is not None for r in ranks)
    row["rr"] = sum(1.0 / r for r in ranks if r) / len(ranks)
    row["answer_ok"] = row["correct"] = out.answered and all(_has_all(out.text, e["answers"]) for e in expected)
    row["citation_ok"] = out.answered and all(
        any(doc == e["report"] and _has_all(text, e["answers"]) for doc, text in out.citations) for e in expected)
    row["false_refusal"] = not out.answered
    if item.get("distractor"):
        row["distractor_given"] = fold(item["distractor"]) in fold(out.text) and not row["answer_ok"]
    return row


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(rows: Sequence[dict[str, Any]], key: str) -> float | None:
    """Mean of a per-item metric over the items it applies to."""
    vals = [float(r[key]) for r in rows if r.get(key) is not None]
    return sum(vals) / len(vals) if vals else None


_RATES = {"hit@1": "hit1", "hit@5": "hit5", "mrr": "rr", "answer_acc": "answer_ok", "citation_acc": "citation_ok",
          "refusal_acc": "refusal_ok", "false_refusal": "false_refusal", "distractor_rate": "distractor_given",
          "number_faithfulness": "numbers_ok", "accuracy": "correct"}


def _summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """All rate metrics, latency percentiles and the item count for a group of scored items."""
    out: dict[str, Any] = {name: _mean(rows, key) for name, key in _RATES.items()}
    lat = [r["latency"] for r in rows]
    out.update({"latency_p50": percentile(lat, 50), "latency_p95": percentile(lat, 95), "n": len(rows)})
    return out


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Summaries overall, per question type and per expected report ('(none)' for unanswerable items)."""
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_report: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
        for rep in r["reports"] or ["(none)"]:
            by_report[rep].append(r)
    return {"overall": _summary(rows),
            "per_type": {t: _summary(v) for t, v in sorted(by_type.items())},
            "per_report": {t: _summary(v) for t, v in sorted(by_report.items())}}
