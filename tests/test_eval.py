"""Tests for the evaluation harness: metric functions on hand-made items, and one real run on a few gold items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metrics import Outcome, aggregate, evidence_rank, holds, load_gold, numbers, numbers_faithful, percentile, score_item
from eval.run import dump_results, format_table, main, select_items

GDP = {"report": "004_jiefang", "answers": ["8%左右"], "evidence": "地区生产总值增长8%左右"}
TARGET = {"id": "t-1", "type": "target", "turns": ["解放区22年GDP目标"], "expected": [GDP]}
COMPARE = {"id": "c-1", "type": "compare", "turns": ["两地GDP目标"],
           "expected": [GDP, {"report": "000_yima", "answers": ["7%以上"], "evidence": "地区生产总值增长7%以上"}]}
TRAP = {"id": "tr-1", "type": "trap", "turns": ["解放区GDP实际增长多少"], "expected": [GDP], "distractor": "6.5%"}
NONE = {"id": "u-1", "type": "unanswerable", "turns": ["洛阳GDP目标"], "expected": []}
PASSAGE = "主要预期目标是：地区生产总值增长8%左右，一般公共预算收入增长6.5%。"


def test_holds_exact_evidence_with_width_and_spaces() -> None:
    """Full-width digits and spaces in the chunk still match the evidence."""
    assert holds("004_jiefang", "目标：地区生产总值 增长８％左右。", GDP)


def test_holds_lenient_answers_and_wrong_report() -> None:
    """All answers in the chunk count (evidence cut by a boundary), but only in the expected report."""
    assert holds("004_jiefang", "增长8%左右，", GDP)
    assert not holds("000_yima", PASSAGE, GDP)
    assert not holds("004_jiefang", "增长7%左右", GDP)


def test_evidence_rank_takes_best_group_and_stops_at_k() -> None:
    """The rank is the first holding chunk over all retrievals, and None beyond k."""
    miss = ("004_jiefang", "无关内容")
    assert evidence_rank([[miss, ("004_jiefang", PASSAGE)], [("004_jiefang", PASSAGE)]], GDP) == 1
    assert evidence_rank([[miss, miss, ("004_jiefang", PASSAGE)]], GDP) == 3
    assert evidence_rank([[miss] * 5 + [("004_jiefang", PASSAGE)]], GDP) is None


def test_numbers_ignore_citation_markers() -> None:
    """[n] markers are not numbers; decimals and full-width digits are."""
    assert numbers("增长６.５%[1]；8%左右[12]。") == ["6.5", "8"]


def test_numbers_faithful_needs_whole_numbers() -> None:
    """A number cut from a cited one ('022' of '2022') is not faithful."""
    assert numbers_faithful("增长8%左右[1]", [PASSAGE])
    assert not numbers_faithful("增长9%[1]", [PASSAGE])
    assert not numbers_faithful("022年报告[1]", ["2022年报告"])
    row = score_item(TARGET, Outcome("2021年增长8%左右[1]", True, [("004_jiefang", PASSAGE)]))
    assert row["numbers_ok"] is False and row["unsupported_numbers"] == ["2021"] and row["answer_ok"]


def test_score_correct_answer_with_citation() -> None:
    """A quoted answer citing the right passage scores on every answerable metric."""
    out = Outcome("地区生产总值增长8%左右[1]。", True, [("004_jiefang", PASSAGE)], [[("004_jiefang", PASSAGE)]])
    row = score_item(TARGET, out)
    assert (row["answer_ok"], row["citation_ok"], row["hit1"], row["hit5"], row["rr"]) == (True, True, True, True, 1.0)
    assert row["numbers_ok"] and not row["false_refusal"] and row["refusal_ok"] is None


def test_score_citation_from_wrong_report_fails() -> None:
    """The right words cited from another report are a citation error."""
    row = score_item(TARGET, Outcome("增长8%左右[1]", True, [("000_yima", PASSAGE)], []))
    assert row["answer_ok"] and not row["citation_ok"] and row["hit5"] is False and row["rr"] == 0


def test_score_compare_needs_both_reports() -> None:
    """A compare item is right only when both reports' answers are given; MRR averages over them."""
    yima = ("000_yima", "地区生产总值增长7%以上")
    half = Outcome("解放区：增长8%左右[1]", True, [("004_jiefang", PASSAGE)], [[("004_jiefang", PASSAGE)], [("x", ""), yima]])
    row = score_item(COMPARE, half)
    assert not row["answer_ok"] and not row["citation_ok"] and row["hit5"] and not row["hit1"] and row["rr"] == 0.75


def test_score_refusals() -> None:
    """Refusing an unanswerable item is right; refusing an answerable one is a false refusal."""
    refused = Outcome("资料中没有找到", False)
    assert score_item(NONE, refused)["refusal_ok"] and score_item(NONE, refused)["correct"]
    row = score_item(TARGET, refused)
    assert row["false_refusal"] and not row["answer_ok"] and row["numbers_ok"] is None
    assert score_item(NONE, Outcome("增长8%", True))["correct"] is False


def test_score_trap_distractor() -> None:
    """Giving the distractor instead of the gold counts; giving both does not."""
    assert score_item(TRAP, Outcome("一般公共预算收入增长6.5%[1]", True))["distractor_given"]
    assert not score_item(TRAP, Outcome("增长8%左右，收入增长6.5%[1]", True))["distractor_given"]
    assert score_item(TARGET, Outcome("6.5%", True))["distractor_given"] is None


def test_aggregate_groups_and_skips_inapplicable() -> None:
    """Rates average only the items they apply to, per type and per report."""
    rows = [score_item(TARGET, Outcome("增长8%左右[1]", True, [("004_jiefang", PASSAGE)], [], latency=0.1)),
            score_item(TARGET, Outcome("没有", False, latency=0.3)),
            score_item(NONE, Outcome("没有", False, latency=0.2))]
    agg = aggregate(rows)
    assert agg["overall"]["answer_acc"] == 0.5 and agg["overall"]["refusal_acc"] == 1.0
    assert agg["overall"]["accuracy"] == pytest.approx(2 / 3) and agg["overall"]["number_faithfulness"] == 1.0
    assert agg["per_type"]["unanswerable"]["n"] == 1 and agg["per_report"]["004_jiefang"]["n"] == 2
    assert agg["per_report"]["(none)"]["answer_acc"] is None and agg["overall"]["latency_p50"] == pytest.approx(0.2)


def test_percentile_interpolates() -> None:
    """p50 and p95 interpolate between sorted values."""
    assert percentile([4, 1, 3, 2], 50) == 2.5 and percentile([0, 10], 95) == pytest.approx(9.5) and percentile([], 50) is None


def test_select_items_quick_and_ids() -> None:
    """Quick keeps the first few of each type; ids pick exactly those items."""
    gold = load_gold(Path(__file__).resolve().parents[1] / "eval" / "gold.jsonl")
    quick = select_items(gold, quick=True)
    assert max(sum(i["type"] == t for i in quick) for t in {i["type"] for i in gold}) == 4
    assert [i["id"] for i in select_items(gold, ids=["una-01", "yima-01"])] == ["yima-01", "una-01"]


def test_dump_results_is_valid_json() -> None:
    """The line-per-item writer produces JSON that reads back unchanged."""
    res = {"meta": {"items": 1}, "systems": {"full": {"n": 1}}, "gold": {"t-1": {"turns": ["问"]}},
           "items": {"full": [{"id": "t-1", "text": "增长8%"}], "bm25-only": []}}
    assert json.loads(dump_results(res)) == res


def test_unknown_system_is_an_error() -> None:
    """An unknown system name exits with 2 before loading anything."""
    assert main(["--systems", "full,nonsense"]) == 2


@pytest.mark.integration
def test_harness_runs_full_and_bm25(bot, built_index_dir: Path, tmp_path: Path) -> None:
    """A real run over a few gold items scores both systems and writes the report, plots and wrong-answer list."""
    from eval.report import write_report
    from eval.run import evaluate

    gold = load_gold(Path(__file__).resolve().parents[1] / "eval" / "gold.jsonl")
    items = select_items(gold, ids=["yima-01", "houma-01", "xianyang-01", "cmp-01", "una-01", "chenzhou-10", "yima-15"])
    res = evaluate(items, ["full", "bm25-only"], embedder=bot.embedder, cache_root=tmp_path / "cache",
                   default_index_dir=built_index_dir)
    for name in ("full", "bm25-only"):
        overall = res["systems"][name]["overall"]
        assert overall["n"] == len(items) == len(res["items"][name])
        assert all(v is None or 0 <= v <= 1 for k, v in overall.items() if k not in ("n", "latency_p50", "latency_p95"))
    full = res["systems"]["full"]["overall"]
    assert full["answer_acc"] >= 0.5 and full["hit@5"] >= 0.5 and full["latency_p50"] > 0
    assert [r[0] for r in format_table(res)] == ["system", "full", "bm25-only"]
    report = write_report(res, tmp_path).read_text(encoding="utf-8")
    assert "Wrong answers of the full pipeline" in report and "(plots/metrics.png)" in report
    assert (tmp_path / "plots" / "per_type.png").stat().st_size > 1000


class _CountingEmbedder:
    """A fake embedder that records every text it embeds."""

    name, dimension = "fake", 2

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts, show_progress=False):
        """Return one distinct unit-ish vector per text."""
        import numpy as np

        self.seen.extend(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_caching_embedder_reuses_passages_across_runs_but_times_queries(tmp_path: Path) -> None:
    """Batches hit the disk cache (even in a new process); single queries re-embed unless reusing."""
    from eval.baselines import CachingEmbedder

    inner = _CountingEmbedder()
    first = CachingEmbedder.in_folder(inner, tmp_path)
    first.embed(["甲", "乙乙"])
    first.save()
    second = CachingEmbedder.in_folder(inner, tmp_path)
    vecs = second.embed(["乙乙", "丙丙丙"])
    assert inner.seen == ["甲", "乙乙", "丙丙丙"] and second.counts == {"embedded": 1, "reused": 1}
    assert vecs.tolist() == [[2.0, 1.0], [3.0, 1.0]]
    second.embed(["问"])
    second.embed(["问"])
    with second.reusing():
        second.embed(["问"])
    assert inner.seen.count("问") == 2


def test_dev_track_skips_when_reports_are_absent(tmp_path, capsys):
    """Without ../shared/dev_reports the dev-reports track says so and exits cleanly."""
    from eval.dev_track import main as dev_main

    assert dev_main(["--reports", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 0
    assert "skipped" in capsys.readouterr().out
