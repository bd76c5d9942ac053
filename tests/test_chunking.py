"""Section chunking follows each report's own structure."""

from rag.ingest.chunking import chunk_report
from rag.ingest.cleaning import clean_text


def chunks_of(raw_report, doc_id):
    text = clean_text(raw_report(doc_id))
    return text, chunk_report(text)


def test_offsets_point_into_cleaned_text(raw_report):
    """Every chunk's offsets reproduce its text exactly."""
    for doc in ("004_jiefang", "003-01_xianyang", "002_yuncheng_abstract"):
        text, chunks = chunks_of(raw_report, doc)
        assert chunks
        assert all(text[c.start:c.end] == c.text for c in chunks)


def test_headings_found_inside_one_line_report(raw_report):
    """A report on one line still gets part and nested sub-section paths."""
    _, chunks = chunks_of(raw_report, "003-10_liaoning")
    sections = {" > ".join(c.section) for c in chunks}
    assert "一、2021年工作回顾" in sections
    assert "二、2022年工作安排 > 一、全力以赴稳增长" in sections


def test_spaced_numerals_are_not_headings(raw_report):
    """'统 一、政策…' inside a sentence is not a new section."""
    _, chunks = chunks_of(raw_report, "003-09_xiangyang")
    assert not any("统 一" in s for c in chunks for s in c.section)


def test_glossary_entries_are_chunks(raw_report):
    """Each 名词解释 entry becomes its own chunk."""
    _, chunks = chunks_of(raw_report, "004_jiefang")
    gloss = [c for c in chunks if c.kind == "glossary"]
    assert len(gloss) >= 15
    assert any(c.text.startswith("1.四早") for c in gloss)


def test_chunk_size_bounded(raw_report):
    """Body chunks stay near the configured size."""
    _, chunks = chunks_of(raw_report, "001_houma")
    assert max(len(c.text) for c in chunks if c.kind == "body") <= 360 * 1.3


def _parts(text: str, years: tuple[int, int]) -> dict[str, str]:
    """Each top-level section's part, from a hand-made report."""
    return {c.section[0]: c.part for c in chunk_report(text, min_chars=5, years=years) if c.kind == "body"}


def test_part_naming_the_review_year_is_the_review():
    """'一、关于2012年政府工作' in the 2013 report reviews 2012, though its title says 政府工作."""
    text = ("各位代表：\n一、关于2012年政府工作\n2012年，全县生产总值增长12%。\n"
            "二、2013年经济社会发展任务目标和重点工作\n2013年，生产总值增长10%。\n")
    parts = _parts(text, (2012, 2013))
    assert parts["一、关于2012年政府工作"] == "review"
    assert parts["二、2013年经济社会发展任务目标和重点工作"] == "plan"


def test_unnumbered_plan_headings_start_the_plan():
    """Bare lines '今后五年工作任务' and '今年政府工作重点' open plan parts after a bare review heading."""
    text = ("各位代表：\n过去五年工作回顾\n五年来，生产总值年均增长7%。\n今后五年工作任务\n今后五年，生产总值年均增长6%。\n"
            "今年政府工作重点\n今年的主要预期目标是：生产总值增长6.5%以上。\n一、聚焦产业兴县\n新建项目20个。\n")
    parts = _parts(text, (2021, 2022))
    assert parts == {"过去五年工作回顾": "review", "今后五年工作任务": "plan", "今年政府工作重点": "plan"}


def test_a_part_joining_review_and_plan_splits_at_the_new_period():
    """'“十四五”时期发展成就和“十五五”时期主要目标任务': the 十四五 paragraphs review, the 十五五 ones plan."""
    text = ("各位代表：\n一、“十四五”时期发展成就和“十五五”时期主要目标任务\n“十四五”时期是极不平凡的五年，生产总值年均增长5%。\n"
            "“十五五”时期是关键时期，全社会研发投入占比6%以上。\n二、2026年主要工作\n今年生产总值增长5%左右。\n")
    chunks = chunk_report(text, min_chars=1, years=(2025, 2026))
    part = {c.text.split("，")[0]: c.part for c in chunks if c.kind == "body"}
    assert part["“十四五”时期是极不平凡的五年"] == "review" and part["“十五五”时期是关键时期"] == "plan"


def test_a_date_line_is_not_a_part():
    """A stray '一、' before the date line of the header does not make the header a part."""
    text = ("政府工作报告\n一、......2020年1月10日在易县人民代表大会上\n各位代表：\n一、2019年工作回顾\n"
            "2019年，生产总值增长7%。\n二、2020年工作目标和主要任务\n2020年，生产总值增长6.5%。\n")
    parts = _parts(text, (2019, 2020))
    assert parts.get("一、2019年工作回顾") == "review"
    assert parts.get("二、2020年工作目标和主要任务") == "plan"


def test_bracketed_notes_after_the_closing_are_a_glossary():
    """'※名词解释※' glued to a line's end, then '〔1〕term：definition' lines to the end, are glossary entries."""
    text = ("各位代表：\n一、2021年工作回顾\n完成“双代”改造〔1〕，生产总值增长7%。让我们共创美好未来！※名词解释※\n"
            "〔1〕双代：气代煤、电代煤。\n〔2〕五气共治：治理燃煤、扬尘、工业、机动车和新能源替代。\n")
    gloss = [c.text for c in chunk_report(text, min_chars=5) if c.kind == "glossary"]
    assert gloss == ["〔1〕双代：气代煤、电代煤。", "〔2〕五气共治：治理燃煤、扬尘、工业、机动车和新能源替代。"]


def test_an_appendix_after_the_closing_is_its_own_section():
    """'附件' over '2026年自治区民生实事' is a section of the plan year; '附件2：2025年…完成情况' reviews; '附：短语说明' is a glossary."""
    text = ("各位代表：\n一、2025年工作回顾\n过去一年，生产总值增长5%。\n二、2026年重点工作\n今年就业是民生之本。\n"
            "各位代表！让我们奋斗！\n附件\n2026年自治区民生实事\n1.实现城镇新增就业18万人以上。\n"
            "附件2：2025年民生实事完成情况\n1.新增就业20万人。\n附：短语说明\n1.散乱污企业：指不达标排放的企业。\n")
    chunks = chunk_report(text, min_chars=1, years=(2025, 2026))
    by_text = {c.text.split("\n")[0]: (c.section, c.part, c.kind) for c in chunks}
    assert by_text["1.实现城镇新增就业18万人以上。"] == (["附件 2026年自治区民生实事"], "plan", "body")
    assert by_text["1.新增就业20万人。"] == (["附件2：2025年民生实事完成情况"], "review", "body")
    assert by_text["1.散乱污企业：指不达标排放的企业。"][2] == "glossary"
    assert not any("附件" in c.text for c in chunks if c.section == ["二、2026年重点工作"])


def test_a_year_review_turning_to_the_five_years_files_them_apart():
    """'2015年是“十二五”收官之年。过去五年，…' inside '一、2015年工作回顾' opens a 过去五年 sub-section; a part already
    about the five years ("一、过去五年工作回顾") is not split."""
    text = ("各位代表：\n一、2015年工作回顾\n过去一年，国内生产总值增长6.9%。\n"
            "2015年是“十二五”收官之年。过去五年，保障性住房建设4013万套。\n二、2016年重点工作\n今年要稳增长。\n")
    by_text = {c.text.split("\n")[0]: c.section for c in chunk_report(text, min_chars=1, years=(2015, 2016))}
    assert by_text["过去一年，国内生产总值增长6.9%。"] == ["一、2015年工作回顾"]
    assert by_text["2015年是“十二五”收官之年。过去五年，保障性住房建设4013万套。"] == ["一、2015年工作回顾", "过去五年"]
    whole = "各位代表：\n一、过去五年工作回顾\n五年来，经济增长7.1%。\n二、2018年重点工作\n今年要稳增长。\n"
    assert all(c.section[-1] != "过去五年" for c in chunk_report(whole, min_chars=1, years=(2017, 2018)))


def test_a_part_opening_on_the_coming_five_years_is_the_plan():
    """A slogan-headed part that opens "“十五五”时期是…" in a 2026 report sets out the plan; "“十四五”时期…" reviews."""
    from rag.ingest.chunking import _part_kind

    assert _part_kind("二、一张蓝图绘到底", "“十五五”时期是基本实现社会主义现代化的关键时期", (2025, 2026)) == "plan"
    assert _part_kind("一、砥砺奋进", "“十四五”时期是极不平凡的五年", (2025, 2026)) == "review"
