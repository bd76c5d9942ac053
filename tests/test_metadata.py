"""Metadata read from each report's own text."""

import json

import pytest

from rag.ingest.cleaning import clean_text
from rag.ingest.metadata import extract_metadata
from rag.text import cn_to_int


def meta_of(raw_report, doc_id):
    raw = raw_report(doc_id)
    return extract_metadata(clean_text(raw), raw)


def test_cn_numbers():
    """Chinese numerals convert to ints."""
    assert cn_to_int("二〇一九") == 2019
    assert cn_to_int("十五") == 15
    assert cn_to_int("十一") == 11


@pytest.mark.parametrize(
    "doc_id, region, level, year, plan_year, speaker",
    [
        ("004_jiefang", "焦作市解放区", "区", 2022, 2022, "千怀贵"),
        ("000_yima", "义马市", "县级市", 2023, 2023, "袁锐锋"),
        ("001_houma", "侯马市", "县级市", 2024, 2024, "尹明星"),
        ("003-02_dongli", "东丽区", "区", 2021, 2022, "贾堤"),
        ("003-05_qinghai", "青海省", "省", 2022, 2022, "信长星"),
        ("003-06_chenzhou", "郴州市", "市", 2021, 2022, "吴巨培"),
        ("003-08_xiamen", "厦门市", "市", 2019, 2019, "庄稼汉"),
    ],
)
def test_core_fields(raw_report, doc_id, region, level, year, plan_year, speaker):
    """Region, level, delivery year, plan year and speaker come from the text."""
    m = meta_of(raw_report, doc_id)
    assert (m.region, m.level, m.year, m.plan_year, m.speaker) == (region, level, year, plan_year, speaker)


def test_text_beats_site_title(raw_report):
    """The 厦门 site title says 2022; the text says 2019 and the conflict is recorded."""
    m = meta_of(raw_report, "003-08_xiamen")
    assert m.date == "2019-01-09" and m.review_year == 2018
    assert any("2022" in c for c in m.conflicts)


def test_most_mentioned_place_is_not_the_region(raw_report, corpus_dir):
    """The 运城 abstract names its city only in the prose: the text leaves the region missing; the folder's sidecar supplies it."""
    from rag.ingest.manifest import build_manifest

    m = meta_of(raw_report, "002_yuncheng_abstract")
    assert m.region == "" and "region" in m.missing and m.session == "第五届人民代表大会第三次会议"
    entry = next(e for e in build_manifest(corpus_dir) if e["doc_id"] == "002_yuncheng_abstract")
    assert entry["region"] == "运城市" and entry["sources"]["region"] == "sidecar"


def test_garbled_date_recorded(raw_report):
    """义马's date line lost characters; the reading and the loss are recorded."""
    m = meta_of(raw_report, "000_yima")
    assert m.date == "2023-02-23"
    assert any("garbled" in c for c in m.conflicts)


def test_aliases_skip_common_words(raw_report):
    """'解放' alone is a common word, not an alias; '焦作解放区' is."""
    m = meta_of(raw_report, "004_jiefang")
    assert "焦作解放区" in m.aliases and "解放区" in m.aliases and "解放" not in m.aliases


def test_manifest_is_current(corpus_dir):
    """The committed manifest matches what the code reads now (run `rag manifest` to refresh)."""
    from rag.ingest.manifest import build_manifest

    committed = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    assert committed == build_manifest(corpus_dir)


def test_name_the_report_writes_is_an_alias():
    """A county since made a district (徐水县 → 保定市徐水区) is still found by the name its report uses."""
    from rag.ingest.metadata import extract_metadata

    head = "政府工作报告\n——2013年1月20日在徐水县第十五届人民代表大会第二次会议上\n代县长 王某某\n各位代表：\n"
    meta = extract_metadata(head + "现在，我代表县人民政府，向大会报告工作。\n一、2012年工作回顾\n" + "全县地区生产总值增长12%。" * 5)
    assert meta.region == "保定市徐水区" and "徐水县" in meta.aliases


def test_state_council_report_with_a_bare_title_is_national():
    """'我代表国务院' says the report is national even with no 国务院 title or date line; 二〇一六年 in a title is 2016."""
    body = "\n各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2015年工作回顾\n国内生产总值增长6.9%。"
    meta = extract_metadata("政府工作报告" + body)
    assert (meta.region, meta.level) == ("全国", "国家")
    assert extract_metadata("二〇一六年政府工作报告" + body).year == 2016


def test_speaker_from_an_abstracts_body():
    """An abstract names its speaker only in a sentence of the body: '区长程杰代表区人民政府向大会作政府工作报告'."""
    text = ("保定市满城区2021年政府工作报告\n内容摘要：\n在2月5日召开的保定市满城区第二届人民代表大会第五次会议上，"
            "区长程杰代表区人民政府向大会作政府工作报告。报告分为四个部分。\n《报告》说，五年来全区经济稳步增长。")
    assert extract_metadata(text).speaker == "程杰"


def test_a_news_article_about_a_report_is_flagged():
    """An article quoting a report ('记者从会上获悉，政府工作报告提出…') is flagged as maybe not a report."""
    news = ("市政府工作报告解读：今年GDP增长目标7%左右\n3月28日上午，市第九届人民代表大会第一次会议开幕。记者从会上获悉，"
            "政府工作报告提出，今年全市地区生产总值增长7%左右，固定资产投资增长9%左右。\n（记者 王磊）")
    meta = extract_metadata(news)
    assert meta.not_a_report and not meta.region


def test_the_publisher_is_read_from_the_page_line_or_missing():
    """The paper that published it is read from its 来源 line, with its span; a page without one has it missing."""
    clean = "2026年江苏省政府工作报告\n——2026年2月3日在江苏省第十四届人民代表大会第五次会议上\n来源：新华日报\n省长 刘小涛\n各位代表："
    meta = extract_metadata(clean)
    assert meta.publisher == "新华日报" and meta.sources["publisher"] == "page line"
    assert clean[slice(*meta.spans["publisher"])] == "来源：新华日报"
    assert "publisher" in extract_metadata(clean.replace("来源：新华日报\n", "")).missing


def test_title_year_after_the_region_or_the_title():
    """'阿拉善盟2022年政府工作报告' names its region before the year; '…工作报告（2022年）' its year after the title."""
    body = "\n各位代表：\n现在，我代表盟行政公署，向大会报告工作。\n一、2021年工作回顾\n全盟地区生产总值增长6%。"
    meta = extract_metadata("阿拉善盟2022年政府工作报告" + body)
    assert (meta.region, meta.level, meta.year, meta.sources["region"]) == ("阿拉善盟", "盟", 2022, "title")
    meta = extract_metadata("恩施市人民政府工作报告（2022年）" + body)
    assert (meta.region, meta.year, meta.plan_year) == ("恩施市", 2022, 2022)


def test_a_meeting_line_with_no_day_gives_the_year_not_a_date():
    """'2021年1月在海淀区第十七届人民代表大会…' states the year it was delivered; with no day the date stays missing.
    A review sentence ('2014年，在…领导下…完成了县十五届人大三次会议…') is no meeting line."""
    head = "政府工作报告\n——2021年1月在北京市海淀区第十七届人民代表大会第一次会议上\n区长 戴彬彬\n各位代表：\n"
    meta = extract_metadata(head + "现在，我代表区人民政府，向大会报告工作。\n一、2020年工作回顾\n全区经济增长。")
    assert (meta.year, meta.plan_year, meta.sources["year"]) == (2021, 2021, "header line") and "date" in meta.missing
    review = "一、2014年工作回顾\n2014年，在县委的坚强领导下，较好完成了县第十五届人民代表大会第三次会议确定的各项任务。"
    assert extract_metadata(review).year is None


def test_a_shared_place_name_is_not_given_a_province_the_text_does_not_state():
    """'朝阳区' is a district of 北京 and of 长春: with nothing in the header to tell them apart, the region is the
    name as written, no province is guessed, and the conflict says which places it may be. '北京市朝阳区' is 北京's."""
    body = "\n各位代表：\n现在，我代表区人民政府，向大会报告工作。\n一、2023年工作回顾\n全区经济增长。"
    meta = extract_metadata("朝阳区政府工作报告（2024年）" + body)
    assert (meta.region, meta.province, meta.level) == ("朝阳区", "", "区")
    assert any("北京市朝阳区" in c and "长春市朝阳区" in c for c in meta.conflicts)
    meta = extract_metadata("北京市朝阳区2024年政府工作报告\n区长：张三" + body)
    assert (meta.province, meta.speaker) == ("北京市", "张三") and not meta.conflicts
