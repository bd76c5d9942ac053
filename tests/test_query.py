"""Query understanding against the corpus metadata."""

import pytest

from rag.ask.catalogue import ReportInfo
from rag.ask.query import resolve_followup, understand

REPORTS = [
    ReportInfo("004_jiefang", "焦作市解放区", ("焦作市解放区", "焦作解放区", "解放区"), 2022, 2022, 2021),
    ReportInfo("000_yima", "义马市", ("义马市", "义马"), 2023, 2023, 2022),
    ReportInfo("003-10_liaoning", "辽宁省", ("辽宁省", "辽宁"), 2022, 2022, 2021),
    ReportInfo("003-05_qinghai", "青海省", ("青海省", "青海"), 2022, 2022, 2021),
]


def test_region_alias_and_short_year():
    """'解放区22年' restricts to the 解放区 report, year 2022, target intent, GDP synonyms."""
    q = understand("解放区22年GDP目标", REPORTS)
    assert q.doc_ids == ["004_jiefang"] and q.years == [2022] and q.intent == "target"
    assert "地区生产总值" in q.search_text


def test_unknown_region_refused():
    """A region the corpus lacks is reported as a problem."""
    q = understand("洛阳2022年GDP增长目标", REPORTS)
    assert q.problem and "洛阳" in q.problem


def test_year_not_covered():
    """A year no report of that region covers is a problem."""
    assert understand("义马2019年GDP增长多少", REPORTS).problem


def test_no_region_searches_all():
    """No region, no year: search everything."""
    assert understand("保障性租赁住房建多少套", REPORTS).doc_ids is None


@pytest.mark.parametrize("text, intent", [("义马去年规上工业增加值涨了多少", "result"), ("侯马市长是谁", "meta"),
                                          ("四早是什么意思", "glossary"), ("辽宁要建多少套保租房", "plan")])
def test_intent(text, intent):
    """Intent follows the question's wording."""
    assert understand(text, REPORTS).intent == intent


def test_two_regions():
    """A comparison names two regions, each with its report."""
    q = understand("青海和辽宁2022年GDP增长目标各是多少", REPORTS)
    assert set(q.region_docs) == {"青海省", "辽宁省"}


def test_followup_swaps_region():
    """'那义马呢？' asks the previous question of 义马."""
    out = resolve_followup("那义马呢？", ["焦作解放区2022年GDP目标"], REPORTS)
    assert "义马" in out and "GDP目标" in out and "解放区" not in out


def test_followup_keeps_region():
    """'它的规上工业增加值呢？' keeps the previous region."""
    out = resolve_followup("它的规上工业增加值呢？", ["辽宁2022年GDP增长目标"], REPORTS)
    assert out.startswith("辽宁省") and "规上工业增加值" in out


def test_followup_does_not_swallow_unknown_region():
    """A new question about a place the corpus lacks is not rewritten into the previous one."""
    assert resolve_followup("洛阳2022年GDP增长目标", ["焦作解放区2022年GDP目标"], REPORTS) == "洛阳2022年GDP增长目标"


def test_province_short_names():
    """'辽青今年…' names both provinces by their short names; 青年 and 新增 name no place; an unheld 粤 is refused."""
    q = understand("辽青今年GDP目标比一比", REPORTS)
    assert set(q.region_docs) == {"辽宁省", "青海省"} and all(len(g.head) > 1 for g in q.terms)
    assert not understand("青年新增就业多少", REPORTS).region_docs
    assert "广东" in understand("粤今年GDP目标", REPORTS).problem


def test_terms_are_whole_words():
    """Unknown names stay whole, particles glued to verbs go, a place inside a topic (雄安新区) is kept."""
    heads = [g.head for g in understand("2022年报告提到屠呦呦了吗", REPORTS).terms]
    assert heads == ["屠呦呦"]
    heads = [g.head for g in understand("辽宁22年建了多少保租房", REPORTS).terms]
    assert heads == ["保障性租赁住房"]
    assert [g.head for g in understand("义马报告里煤炭产量多少", REPORTS).terms] == ["煤炭", "产量"]


def test_report_year_is_not_a_target_year():
    """'22年报告里…' names the report: with no target or result word the question is not forced to a target."""
    assert understand("辽宁22年报告里城镇化率多少", REPORTS).intent != "target"


def test_followup_carries_relative_year_and_growth():
    """'社零呢' after '义马去年GDP增长多少' asks last year's retail growth of 义马."""
    out = resolve_followup("社零呢", ["义马去年GDP增长多少"], REPORTS)
    assert out.startswith("义马市") and "去年" in out and "社零增长多少" in out


def test_place_inside_a_held_province():
    """A city with no report, asked about a topic, is looked up in its held province's report; its figures are refused."""
    reports = [*REPORTS, ReportInfo("henan", "河南省", ("河南省", "河南"), 2026, 2026, 2025)]
    q = understand("洛阳有什么新项目", reports)
    assert q.doc_ids == ["henan"] and q.inside_regions == ["洛阳"] and not q.problem
    assert understand("洛阳2026年GDP目标", reports).problem
    assert understand("洛阳市长是谁", reports).problem
