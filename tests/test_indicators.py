"""Indicator extraction on hand-made report text, and questions across reports on the in-memory fakes."""

from pathlib import Path

import pytest

from rag import Assistant
from rag.ingest.chunking import chunk_report
from rag.ingest.indicators import extract_indicators
from tests.fakes import HashEmbedder, MemoryDocumentStore, MemoryStore

HEAD = ("2023年{r}政府工作报告\n——2023年1月10日在{r}第十届人民代表大会第三次会议上\n{r}人民政府市长 王某某\n"
        "各位代表：\n现在，我代表市人民政府，向大会报告工作。\n")
REVIEW = "一、2022年工作回顾\n过去一年，全市地区生产总值完成189亿元，同比增长4.8%，一般公共预算收入完成18.9亿元。投资100亿元的项目开工建设。\n"
PLAN = ("二、2023年工作安排\n今年经济社会发展的主要预期目标是：地区生产总值增长7%以上、力争8%，固定资产投资增长6%－6.5%，"
        "居民消费价格涨幅3%左右，城镇调查失业率控制在5.5%以内，居民人均可支配收入增长与经济增长同步。\n")


def rows(text: str, plan_year: int = 2023) -> list:
    """Extract from a cleaned text with its own chunks."""
    meta = {"region": "沧州市", "level": "市", "plan_year": plan_year, "review_year": plan_year - 1}
    return extract_indicators("r", text, chunk_report(text, years=(plan_year - 1, plan_year)), meta)


def test_targets_with_qualifiers_ranges_and_no_number():
    """以上 and 力争 are two rows, a range keeps both ends, a qualitative target has no value, never a made-up one."""
    got = {(r.metric, r.kind, r.value, r.value_high, r.qualifier) for r in rows(HEAD.format(r="沧州市") + REVIEW + PLAN)}
    assert ("GDP", "target", 7.0, None, "以上") in got and ("GDP", "target", 8.0, None, "力争") in got
    assert ("固定资产投资", "target", 6.0, 6.5, "range") in got
    assert ("居民消费价格", "target", 3.0, None, "左右") in got and ("城镇调查失业率", "target", 5.5, None, "以内") in got
    assert ("居民人均可支配收入", "target", None, None, "") in got


def test_results_come_from_the_review_with_their_year():
    """A level and its growth are two result rows for the review year; an unrelated 投资100亿元 is no row."""
    got = [r for r in rows(HEAD.format(r="沧州市") + REVIEW + PLAN) if r.kind == "result"]
    assert {(r.metric, r.measure, r.value, r.year) for r in got} >= {("GDP", "level", 189.0, 2022), ("GDP", "growth", 4.8, 2022),
                                                                       ("一般公共预算收入", "level", 18.9, 2022)}
    assert not any(r.metric == "固定资产投资" for r in got)
    for r in got:
        assert r.quote and r.quote in (HEAD.format(r="沧州市") + REVIEW + PLAN)


def test_no_target_paragraph_no_target_rows():
    """A report without a target paragraph yields no target rows and no error."""
    assert not [r for r in rows(HEAD.format(r="沧州市") + REVIEW) if r.kind == "target"]


FIVE_YEAR_REVIEW = ("一、2022年工作回顾\n"
                    "过去一年，全市地区生产总值增长4.8%，规上工业增加值增长7.4%，一般公共预算收入从16.2亿元增长到18.9亿元。\n"
                    "抓好重点群体就业，城镇新增就业2166人，外贸出口企业26家，固定资产投资占全市75%。\n"
                    "生态环境持续改善，PM2.5平均浓度下降5%。\n")


def test_results_only_from_headline_paragraphs():
    """The review's summary paragraph gives the results; a figure in passing in a later paragraph is no row."""
    got = {(r.metric, r.value) for r in rows(HEAD.format(r="沧州市") + FIVE_YEAR_REVIEW + PLAN) if r.kind == "result"}
    assert got == {("GDP", 4.8), ("规上工业增加值", 7.4), ("一般公共预算收入", 18.9)}


def test_counts_shares_and_latin_names_are_no_values():
    """家/个 are counts, 占全市75% a share, PM2.5 is not M2, even in a headline paragraph."""
    review = "一、2022年工作回顾\n过去一年，地区生产总值增长4.8%，一般公共预算收入增长5%，外贸出口企业26家，固定资产投资占全市75%，PM2.5平均浓度下降5%。\n"
    got = {r.metric for r in rows(HEAD.format(r="沧州市") + review + PLAN) if r.kind == "result"}
    assert got == {"GDP", "一般公共预算收入"}


def test_pairs_lists_and_over():
    """城乡… with one figure is household income; 分别 gives each metric its own; 超 means 以上."""
    plan = ("二、2023年工作安排\n今年经济社会发展的主要预期目标是：城乡居民人均可支配收入增长7%，"
            "商品销售额、社会消费品零售总额分别增长6.2%和5.8%，城镇新增就业超1.5万人。\n")
    got = {(r.metric, r.value, r.qualifier) for r in rows(HEAD.format(r="沧州市") + REVIEW + plan) if r.kind == "target"}
    assert got == {("居民人均可支配收入", 7.0, ""), ("社会消费品零售总额", 5.8, ""), ("城镇新增就业", 1.5, "以上")}


@pytest.fixture()
def bot(tmp_path: Path) -> Assistant:
    """Three cities' 2023 reports on the fakes."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, city, gdp in (("a", "沧州市", "7%以上"), ("b", "邯郸市", "6%左右"), ("c", "邢台市", "6.5%")):
        text = HEAD.format(r=city) + REVIEW + PLAN.replace("7%以上、力争8%", gdp)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    b = Assistant(index_dir=tmp_path / "index", embedder=HashEmbedder(), store=MemoryStore(), docs=MemoryDocumentStore())
    b.ingest([folder])
    return b


def test_indicators_api_filters(bot: Assistant):
    """Assistant.indicators filters by metric (any word naming it), year, region and kind."""
    got = bot.indicators(metric="地区生产总值", year=2023, kind="target")
    assert sorted(r.region for r in got) == ["沧州市", "邢台市", "邯郸市"]
    assert [r.value for r in bot.indicators(metric="GDP", region="邯郸", kind="target")] == [6.0]


def test_filter_and_rank_questions_list_every_report(bot: Assistant):
    """A question across reports names every qualifying report with its value and its own citation."""
    res = bot.answer("2023年哪些地方GDP增长目标在6.5%以上")
    assert {c.doc_id for c in res.citations} == {"a", "c"} and "比较了3份报告" in res.text
    ranked = bot.answer("2023年各地GDP增长目标从高到低")
    assert [c.doc_id for c in ranked.citations] == ["a", "c", "b"] and len(ranked.table) == 3


def test_follow_on_clauses_give_figures_to_the_metrics_before_them():
    """Levels then "实际增长a和b" (in order); a growth then "达到…" (the level); an increment gives way to the level."""
    review = ("一、2022年工作回顾\n过去一年，城镇居民人均可支配收入17175元，农村居民人均纯收入5153元，实际增长9.8%和8.5%；"
              "固定资产投资年均增长7%左右，达到110亿元；一般公共预算收入增加近10亿元，稳步达到30亿元以上。\n")
    got = {(r.metric, r.measure, r.value, r.qualifier) for r in rows(HEAD.format(r="沧州市") + review + PLAN) if r.kind == "result"}
    assert {("城镇居民人均可支配收入", "growth", 9.8, ""), ("农村居民人均可支配收入", "level", 5153.0, ""),
            ("农村居民人均可支配收入", "growth", 8.5, ""), ("固定资产投资", "level", 110.0, ""),
            ("一般公共预算收入", "level", 30.0, "以上")} <= got
    assert ("一般公共预算收入", "growth", 10.0, "") not in got


def test_milestones_passed_are_not_the_level():
    """"先后跨越4000亿元、5000亿元两个大台阶，2021年达到5309.43亿元": the level reached."""
    review = "一、2022年工作回顾\n过去五年，经济总量先后跨越4000亿元、5000亿元两个大台阶，2021年达到5309.43亿元，一般公共预算收入增长6%。\n"
    got = {(r.metric, r.value) for r in rows(HEAD.format(r="沧州市") + review + PLAN) if r.kind == "result"}
    assert ("GDP", 5309.43) in got and ("GDP", 4000.0) not in got


def test_bare_fiscal_revenue_is_budget_revenue_only_in_a_national_report():
    """财政收入 in a national report is 一般公共预算收入; in a city's it may be total revenue. 地方级财政收入 is the metric."""
    review = "一、2022年工作回顾\n过去一年，国内生产总值增长8.7%，财政收入6.85万亿元，增长11.7%。\n"
    text = HEAD.format(r="沧州市") + review + PLAN
    meta = {"region": "全国", "level": "国家", "plan_year": 2023, "review_year": 2022}
    national = {(r.metric, r.value) for r in extract_indicators("n", text, chunk_report(text, years=(2022, 2023)), meta)}
    assert ("一般公共预算收入", 6.85) in national and ("一般公共预算收入", 11.7) in national
    assert not any(r.metric == "一般公共预算收入" and r.kind == "result" for r in rows(text))
    plan = "二、2023年工作安排\n今年的主要预期目标是：财政总收入和地方级财政收入分别增长5%和3.5%左右。\n"
    assert ("一般公共预算收入", 3.5, "左右") in {(r.metric, r.value, r.qualifier) for r in rows(HEAD.format(r="沧州市") + REVIEW + plan)}


def test_intensity_list_and_full_width_figures():
    """"单位国内生产总值用水量、能耗…分别下降23%、15%": 能耗 is energy intensity, the GDP a denominator; ８％ reads as 8%."""
    plan = ("二、2023年工作安排\n今年的主要预期目标是：单位国内生产总值用水量、能耗、二氧化碳排放量分别下降23%、15%、18%，"
            "居民消费价格涨幅３％左右，今年广义货币M2增长目标为12%左右。\n")
    got = {(r.metric, r.value, r.qualifier) for r in rows(HEAD.format(r="沧州市") + REVIEW + plan) if r.kind == "target"}
    assert ("单位GDP能耗", -15.0, "") in got and ("居民消费价格", 3.0, "左右") in got
    assert not any(m == "GDP" for m, _, _ in got)


def test_an_amount_added_is_apart_from_the_growth_rate():
    """"增加10亿元，增长8%": the amount added (a growth in 亿元) does not hide the growth rate."""
    review = "一、2022年工作回顾\n过去一年，一般公共预算收入增加10亿元，增长8%，地区生产总值增长6%，固定资产投资增长5%。\n"
    got = {(r.metric, r.value, r.unit) for r in rows(HEAD.format(r="沧州市") + review + PLAN) if r.kind == "result"}
    assert ("一般公共预算收入", 8.0, "%") in got and ("一般公共预算收入", 10.0, "亿元") in got
