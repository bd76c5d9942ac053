"""Questions across reports answered from indicator rows: values as written, rank ties, figures only, target vs result."""

from typing import Any

from rag.ask.aggregate import AggregateAsk, answer_aggregate, select_rows
from rag.ask.catalogue import ReportInfo


def report(doc_id: str, region: str, plan_year: int, alias: str) -> ReportInfo:
    """A held report for the year's targets and the year before's results."""
    return ReportInfo(doc_id, region, (alias,), plan_year, plan_year, plan_year - 1, "省", f"{plan_year}年{region}政府工作报告")


def row(doc_id: str, region: str, year: int, kind: str, value: float | None, qualifier: str, quote: str,
        unit: str = "%", measure: str = "growth", metric: str = "GDP") -> dict[str, Any]:
    """One indicator row as the index stores it."""
    return {"doc_id": doc_id, "region": region, "level": "省", "year": year, "metric": metric, "measure": measure,
            "value": value, "value_high": None, "unit": unit, "qualifier": qualifier, "kind": kind, "period": str(year),
            "quote": quote, "start": 0, "end": len(quote), "section": ""}


REPORTS = [report("bj", "北京市", 2026, "北京"), report("js", "江苏省", 2026, "江苏"), report("nm", "内蒙古自治区", 2026, "内蒙古"),
           report("bj25", "北京市", 2025, "北京")]


def ask(mode: str, **kw: Any) -> AggregateAsk:
    """An aggregate ask over the 2026 reports unless told otherwise."""
    base: dict[str, Any] = {"metric": "GDP", "kind": "target", "years": [2026], "doc_ids": None}
    base.update(kw)
    return AggregateAsk(mode, **base)


def test_rank_ties_keep_the_order_the_question_names_regions_and_values_keep_their_verb():
    """5%左右 and 5% rank together, in the question's order; 以上 ranks above; 突破 stays with the figure."""
    rows = [row("nm", "内蒙古自治区", 2026, "target", 5, "左右", "地区生产总值增长5%左右"),
            row("js", "江苏省", 2026, "target", 5, "", "地区生产总值增长5%"),
            row("bj", "北京市", 2026, "target", 5, "左右", "地区生产总值增长5%左右")]
    q = "2026年北京江苏内蒙古GDP目标从高到低"
    ans = answer_aggregate(ask("rank"), select_rows(rows, ask("rank")), REPORTS, {}, q)
    assert [c.doc_id for c in ans.citations] == ["bj", "js", "nm"]
    assert "增长5%左右" in ans.text
    level = [row("bj", "北京市", 2026, "target", 4, "以上", "经济总量突破4万亿元", "万亿元", "level")]
    assert "突破4万亿元" in answer_aggregate(ask("list"), level, REPORTS, {}, "2026年各地GDP总量目标").text


def test_figures_only_when_the_question_asks_for_numbers():
    """"给了具体的数字目标": a qualitative target does not count."""
    rows = [row("bj", "北京市", 2026, "target", None, "", "粮食产量保持稳定", "", "growth", "粮食产量"),
            row("js", "江苏省", 2026, "target", 730, "以上", "粮食产量730亿斤以上", "亿斤", "level", "粮食产量")]
    a = ask("list", metric="粮食产量", numeric=True)
    ans = answer_aggregate(a, select_rows(rows, a), REPORTS, {}, "2026年哪些省份给了具体的粮食产量数字目标")
    assert [c.doc_id for c in ans.citations] == ["js"]


def test_target_vs_result_pairs_the_target_with_the_next_years_report():
    """2025's target from the 2025 report, its result from the 2026 report's review; a missing next report is said."""
    rows = [row("bj25", "北京市", 2025, "target", 5, "左右", "地区生产总值增长5%左右"),
            row("bj", "北京市", 2025, "result", 5.4, "", "地区生产总值增长5.4%"),
            row("bj", "北京市", 2026, "target", 5, "左右", "地区生产总值增长5%左右")]
    a = ask("target_vs_result", years=[2025], doc_ids=["bj", "bj25"])
    ans = answer_aggregate(a, select_rows(rows, a), REPORTS, {}, "北京2025年GDP目标完成了吗")
    assert [c.doc_id for c in ans.citations] == ["bj25", "bj"] and "5.4%" in ans.text and "达到目标" in ans.text
    a = ask("target_vs_result", years=[2026], doc_ids=["bj", "bj25"])
    ans = answer_aggregate(a, select_rows(rows, a), REPORTS, {}, "北京2026年GDP目标完成了吗")
    assert [c.doc_id for c in ans.citations] == ["bj"] and "2027年的报告不在资料库中" in ans.text


def test_about_or_higher_is_at_least():
    """"在5.5%左右或更高": 5.7%左右 qualifies as well as 5.5%左右; 5%左右 does not."""
    from rag.ask.aggregate import _THRESHOLD

    m = _THRESHOLD.search("失业率目标在5.5%左右或更高")
    assert m is not None and m.group("post") == "左右或更高"
    rows = [row("nm", "内蒙古自治区", 2026, "target", 5.7, "左右", "城镇调查失业率5.7%左右", metric="城镇调查失业率"),
            row("js", "江苏省", 2026, "target", 5, "左右", "城镇调查失业率5%左右", metric="城镇调查失业率"),
            row("bj", "北京市", 2026, "target", 5.5, "左右", "城镇调查失业率5.5%左右", metric="城镇调查失业率")]
    a = ask("filter", metric="城镇调查失业率", op=">=", threshold=5.5)
    ans = answer_aggregate(a, select_rows(rows, a), REPORTS, {}, "2026年哪几个省城镇调查失业率目标在5.5%左右或更高")
    assert sorted(c.doc_id for c in ans.citations) == ["bj", "nm"]


def test_a_price_target_is_a_ceiling():
    """CPI 3%左右 with 2% reached is met, not missed."""
    rows = [row("bj25", "北京市", 2025, "target", 3, "左右", "居民消费价格涨幅3%左右", metric="居民消费价格"),
            row("bj", "北京市", 2025, "result", 2, "", "居民消费价格上涨2%", metric="居民消费价格")]
    a = ask("target_vs_result", metric="居民消费价格", years=[2025], doc_ids=["bj", "bj25"])
    ans = answer_aggregate(a, select_rows(rows, a), REPORTS, {}, "北京2025年CPI目标实现了吗")
    assert "完成目标" in ans.text and "未完成" not in ans.text


def test_every_target_of_one_report_in_its_order():
    """'北京2026年主要预期目标有哪些' lists each metric's target once, in the report's order, each cited; no results."""
    rows = [row("bj", "北京市", 2026, "target", 5, "左右", "地区生产总值增长5%左右"),
            row("bj", "北京市", 2026, "target", 2, "左右", "居民消费价格涨幅2%左右", metric="居民消费价格"),
            row("bj", "北京市", 2025, "result", 5.2, "", "地区生产总值增长5.2%"),
            row("js", "江苏省", 2026, "target", 5, "", "地区生产总值增长5%")]
    rows[1].update(start=30, end=42)
    a = ask("all", metric="", doc_ids=["bj"])
    ans = answer_aggregate(a, select_rows(rows, a), REPORTS, {}, "北京2026年主要预期目标有哪些")
    assert [c.doc_id for c in ans.citations] == ["bj", "bj"]
    assert ans.text.index("GDP：增长5%左右") < ans.text.index("居民消费价格：涨幅2%左右") and "5.2%" not in ans.text


def test_these_years_of_one_report_are_read_in_its_words():
    """'这几年' about a place with one report held asks what that report says of the years, not a table of one row;
    with several of its reports held it is still a table."""
    from rag.ask.aggregate import plan_aggregate
    from rag.ask.query import understand

    assert plan_aggregate(understand("江苏粮食这几年总产量多少", REPORTS), REPORTS) is None
    assert plan_aggregate(understand("北京这几年GDP增长目标", REPORTS), REPORTS) is not None


def test_how_many_points_is_a_change_not_a_count():
    """'低了几个百分点' asks the change a report states, not how many reports pass a test."""
    from rag.ask.aggregate import plan_aggregate
    from rag.ask.query import understand

    assert plan_aggregate(understand("26年赤字率比上一年低了几个百分点", REPORTS), REPORTS) is None
    assert plan_aggregate(understand("有几个省GDP目标超过5%", REPORTS), REPORTS) is not None
