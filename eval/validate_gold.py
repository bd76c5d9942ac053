"""Validate the gold evaluation set (eval/gold.jsonl) against the raw report corpus."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from rag.text import fold  # noqa: E402

__all__ = [
    "ALLOWED_TYPES",
    "MIN_TYPE_COUNTS",
    "MIN_TOTAL",
    "MIN_PER_REPORT",
    "REPORT_MIN_OVERRIDES",
    "validate",
]

ALLOWED_TYPES: frozenset[str] = frozenset(
    {"target", "result", "plan", "glossary", "meta", "compare", "trap", "unanswerable", "dialogue"}
)
MIN_TYPE_COUNTS: dict[str, int] = {
    "target": 25,
    "result": 25,
    "plan": 25,
    "glossary": 12,
    "meta": 14,
    "compare": 10,
    "trap": 12,
    "unanswerable": 18,
    "dialogue": 12,
}
MIN_TOTAL = 170
MIN_PER_REPORT = 7
REPORT_MIN_OVERRIDES: dict[str, int] = {"002_yuncheng_abstract": 4}
MAX_ANSWERS = 2
MAX_EVIDENCE_CHARS = 120
_ITEM_KEYS = frozenset({"id", "type", "turns", "expected", "distractor"})
_ENTRY_KEYS = frozenset({"report", "answers", "evidence"})


class _Corpus:
    """Lazily loaded, folded report texts keyed by report id (file stem)."""

    def __init__(self, corpus_dir: Path) -> None:
        """Remember the corpus directory; texts are read on first use."""
        self.dir = corpus_dir
        self._full: dict[str, str] = {}
        self._lines: dict[str, list[str]] = {}

    def report_ids(self) -> list[str]:
        """Return the ids of all reports present in the corpus directory."""
        return sorted(p.stem for p in self.dir.glob("*.txt"))

    def exists(self, report: str) -> bool:
        """Return True if the report file exists."""
        return (self.dir / f"{report}.txt").is_file()

    def _load(self, report: str) -> None:
        """Read and fold one report, both whole and line by line."""
        if report not in self._full:
            raw = (self.dir / f"{report}.txt").read_text(encoding="utf-8")
            self._full[report] = fold(raw)
            self._lines[report] = [fold(line) for line in raw.splitlines()]

    def contains(self, report: str, span: str) -> bool:
        """Return True if the folded span occurs anywhere in the folded report."""
        self._load(report)
        return fold(span) in self._full[report]

    def in_one_line(self, report: str, span: str) -> bool:
        """Return True if the folded span occurs within a single raw line of the report."""
        self._load(report)
        key = fold(span)
        return any(key in line for line in self._lines[report])


def _is_str_list(value: Any, min_len: int = 1) -> bool:
    """Return True if value is a list of at least min_len non-empty strings."""
    return (
        isinstance(value, list)
        and len(value) >= min_len
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _check_entry(where: str, entry: Any, corpus: _Corpus) -> list[str]:
    """Check one expected entry: schema, report file, answers and evidence against the text."""
    if not isinstance(entry, dict):
        return [f"{where}: expected entry must be an object"]
    errors: list[str] = []
    extra = set(entry) - _ENTRY_KEYS
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)}")
    report, answers, evidence = entry.get("report"), entry.get("answers"), entry.get("evidence")
    if not isinstance(report, str) or not report:
        return errors + [f"{where}: 'report' must be a non-empty string"]
    if not _is_str_list(answers) or len(answers) > MAX_ANSWERS:
        errors.append(f"{where}: 'answers' must be a list of 1-{MAX_ANSWERS} non-empty strings")
        answers = []
    if not isinstance(evidence, str) or not evidence.strip():
        errors.append(f"{where}: 'evidence' must be a non-empty string")
        evidence = None
    if not corpus.exists(report):
        return errors + [f"{where}: report file {report}.txt not found"]
    if evidence is not None:
        if len(fold(evidence)) > MAX_EVIDENCE_CHARS:
            errors.append(f"{where}: evidence longer than {MAX_EVIDENCE_CHARS} characters")
        if not corpus.contains(report, evidence):
            errors.append(f"{where}: evidence not found in {report}: {evidence!r}")
        elif not corpus.in_one_line(report, evidence):
            errors.append(f"{where}: evidence crosses a line break in {report}: {evidence!r}")
    for ans in answers:
        if not corpus.contains(report, ans):
            errors.append(f"{where}: answer not found in {report}: {ans!r}")
        if evidence is not None and fold(ans) not in fold(evidence):
            errors.append(f"{where}: answer {ans!r} not inside its evidence")
    return errors


def _check_item(item: Any, corpus: _Corpus) -> list[str]:
    """Check one gold item and return its error messages."""
    if not isinstance(item, dict):
        return ["item is not a JSON object"]
    item_id = item.get("id")
    where = f"[{item_id}]"
    errors: list[str] = []
    if not isinstance(item_id, str) or not item_id.strip():
        errors.append(f"{where}: 'id' must be a non-empty string")
    extra = set(item) - _ITEM_KEYS
    if extra:
        errors.append(f"{where}: unknown keys {sorted(extra)}")
    kind = item.get("type")
    if kind not in ALLOWED_TYPES:
        errors.append(f"{where}: type {kind!r} not in {sorted(ALLOWED_TYPES)}")
    turns = item.get("turns")
    if not _is_str_list(turns):
        errors.append(f"{where}: 'turns' must be a non-empty list of non-empty strings")
    elif kind == "dialogue" and len(turns) < 2:
        errors.append(f"{where}: dialogue items need at least 2 turns")
    elif kind != "dialogue" and len(turns) != 1:
        errors.append(f"{where}: non-dialogue items must have exactly 1 turn")
    expected = item.get("expected")
    if not isinstance(expected, list):
        return errors + [f"{where}: 'expected' must be a list"]
    if kind == "unanswerable":
        if expected:
            errors.append(f"{where}: unanswerable items must have expected == []")
    elif kind == "compare":
        reports = [e.get("report") for e in expected if isinstance(e, dict)]
        if len(expected) != 2 or len(set(reports)) != 2:
            errors.append(f"{where}: compare items need 2 expected entries from 2 different reports")
    elif len(expected) != 1:
        errors.append(f"{where}: {kind} items need exactly 1 expected entry")
    for n, entry in enumerate(expected):
        errors.extend(_check_entry(f"{where} expected[{n}]", entry, corpus))
    if kind == "trap":
        errors.extend(_check_distractor(where, item, corpus))
    elif "distractor" in item:
        errors.append(f"{where}: only trap items may have a distractor")
    return errors


def _check_distractor(where: str, item: dict[str, Any], corpus: _Corpus) -> list[str]:
    """Check that a trap item's distractor is in its report and cannot be confused with the answers."""
    distractor = item.get("distractor")
    if not isinstance(distractor, str) or not distractor.strip():
        return [f"{where}: trap items need a non-empty string 'distractor'"]
    errors: list[str] = []
    d = fold(distractor)
    for entry in item.get("expected") or []:
        if not isinstance(entry, dict) or not corpus.exists(str(entry.get("report"))):
            continue
        if not corpus.contains(entry["report"], distractor):
            errors.append(f"{where}: distractor not found in {entry['report']}: {distractor!r}")
        for ans in entry.get("answers") or []:
            a = fold(ans) if isinstance(ans, str) else ""
            if a and (a == d or a in d or d in a):
                errors.append(f"{where}: distractor {distractor!r} overlaps answer {ans!r}")
    return errors


def _load_items(gold_path: Path) -> tuple[list[Any], list[str]]:
    """Parse the JSONL file, returning the items and any parse errors."""
    items: list[Any] = []
    errors: list[str] = []
    for lineno, line in enumerate(gold_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc})")
    return items, errors


def _check_counts(items: list[Any], corpus: _Corpus) -> list[str]:
    """Check the total, per-type and per-report minimum counts."""
    errors: list[str] = []
    dicts = [i for i in items if isinstance(i, dict)]
    if len(dicts) < MIN_TOTAL:
        errors.append(f"only {len(dicts)} items; need at least {MIN_TOTAL}")
    types = Counter(i.get("type") for i in dicts)
    for kind, minimum in MIN_TYPE_COUNTS.items():
        if types[kind] < minimum:
            errors.append(f"type {kind!r}: {types[kind]} items; need at least {minimum}")
    per_report: Counter[str] = Counter()
    for item in dicts:
        expected = item.get("expected") if isinstance(item.get("expected"), list) else []
        for report in {e.get("report") for e in expected if isinstance(e, dict)}:
            per_report[report] += 1
    for report in corpus.report_ids():
        minimum = REPORT_MIN_OVERRIDES.get(report, MIN_PER_REPORT)
        if per_report[report] < minimum:
            errors.append(f"report {report}: {per_report[report]} items; need at least {minimum}")
    return errors


def validate(gold_path: str | Path, corpus_dir: str | Path) -> list[str]:
    """Validate the gold JSONL file against the corpus; return error messages (empty if valid)."""
    gold_path, corpus_dir = Path(gold_path), Path(corpus_dir)
    if not gold_path.is_file():
        return [f"gold file not found: {gold_path}"]
    if not corpus_dir.is_dir():
        return [f"corpus directory not found: {corpus_dir}"]
    corpus = _Corpus(corpus_dir)
    items, errors = _load_items(gold_path)
    ids = Counter(i.get("id") for i in items if isinstance(i, dict))
    errors.extend(f"duplicate id {i!r} ({n} times)" for i, n in ids.items() if n > 1)
    for item in items:
        errors.extend(_check_item(item, corpus))
    errors.extend(_check_counts(items, corpus))
    return errors


if __name__ == "__main__":
    gold = Path(sys.argv[1]) if len(sys.argv) > 1 else _ROOT / "eval" / "gold.jsonl"
    corpus_path = Path(sys.argv[2]) if len(sys.argv) > 2 else _ROOT / "corpus"
    problems = validate(gold, corpus_path)
    for problem in problems:
        sys.stdout.write(problem + "\n")
    if problems:
        sys.stdout.write(f"{len(problems)} error(s)\n")
        sys.exit(1)
    sys.stdout.write(f"{gold}: OK\n")
