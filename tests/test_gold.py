"""Tests for the gold evaluation set and its validator."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold.jsonl"
CORPUS = ROOT / "corpus"


def _load_validator() -> ModuleType:
    """Import eval/validate_gold.py by path (eval/ is not a package)."""
    spec = importlib.util.spec_from_file_location("validate_gold", ROOT / "eval" / "validate_gold.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


validate_gold = _load_validator()


def test_gold_file_is_valid() -> None:
    """The real gold file passes every validator check against the real corpus."""
    assert validate_gold.validate(GOLD, CORPUS) == []


def test_gold_covers_every_report_and_type() -> None:
    """Every corpus report and every item type appears in the gold file."""
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    reports = {e["report"] for item in items for e in item["expected"]}
    assert reports == {p.stem for p in CORPUS.glob("*.txt")}
    assert {item["type"] for item in items} == set(validate_gold.ALLOWED_TYPES)


def test_broken_answer_is_reported(tmp_path: Path) -> None:
    """An answer string that does not occur in its report is flagged with the item id."""
    broken = {
        "id": "broken-01",
        "type": "target",
        "turns": ["解放区22年GDP目标"],
        "expected": [{"report": "004_jiefang", "answers": ["99.9%左右"], "evidence": "地区生产总值增长8%左右"}],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(broken, ensure_ascii=False) + "\n", encoding="utf-8")
    errors = validate_gold.validate(path, CORPUS)
    assert any("[broken-01]" in e and "answer not found" in e for e in errors)
    assert any("[broken-01]" in e and "not inside its evidence" in e for e in errors)
