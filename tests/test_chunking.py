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
