"""Tables of reports (.csv, .xlsx): one document per row, the text column found by its contents."""

import csv
import tracemalloc
from pathlib import Path

import pytest

from rag.ingest.loading import DocumentError, load_sources
from rag.ingest.metadata import extract_metadata

TEXT = ("政府工作报告\\r\\n——2021年2月5日在定兴县第十五届人民代表大会第五次会议上\\r\\n定兴县人民政府县长 吴鹏\\r\\n"
        "各位代表：\\r\\n现在，我代表县人民政府向大会报告工作。\\r\\n一、2020年工作回顾\\r\\n全县地区生产总值增长5%。"
        + "过去一年我们做了大量工作。" * 40)


def write_csv(path: Path, rows: list[list[str]], header: list[str]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_each_row_is_a_document(tmp_path: Path) -> None:
    """Rows become documents named by their row number; empty texts are skipped with their rows named."""
    path = write_csv(tmp_path / "reports.csv", [["2021", "定兴", TEXT], ["2022", "定兴", ""], ["2021", "唐县", TEXT]],
                     ["年份", "区县名称", "报告全文"])
    docs = list(load_sources(path))
    assert [d.doc_id for d in docs if not d.problem] == ["reports-r2", "reports-r4"]
    assert any("3" in d.problem for d in docs if d.problem)
    assert docs[0].fields == {"年份": "2021", "区县名称": "定兴"}


def test_one_record_export_is_a_plain_report(tmp_path: Path) -> None:
    """A CSV with one data row ingests as the file itself."""
    path = write_csv(tmp_path / "beijing_2026.csv", [["北京市", "2026", TEXT]], ["province", "year", "full_text"])
    (doc,) = load_sources(path)
    assert doc.doc_id == "beijing_2026"


def test_quotes_inside_a_cell_stay_in_the_text(tmp_path: Path) -> None:
    """A text with ASCII quotes ("" in the file, as every spreadsheet writes them) stays one cell, whole."""
    quoted = TEXT + '实施"双百"工程，建设"四中心"。'
    path = write_csv(tmp_path / "gaoyang_2015.csv", [["高阳", quoted]], ["标题", "正文"])
    (doc,) = load_sources(path)
    assert doc.text.endswith('建设"四中心"。')


def test_no_text_column_names_the_columns(tmp_path: Path) -> None:
    """A table of numbers is refused with the columns it has."""
    path = write_csv(tmp_path / "numbers.csv", [["2021", "5.5"]], ["年份", "增速"])
    with pytest.raises(DocumentError, match="年份, 增速"):
        list(load_sources(path))


def test_text_wins_over_a_disagreeing_column(tmp_path: Path) -> None:
    """A column naming another county is a recorded conflict; the text's county stands, escapes are undone."""
    from rag.ingest.cleaning import clean_text

    path = write_csv(tmp_path / "t.csv", [["2021", "唐县", TEXT], ["2020", "唐县", TEXT]], ["年份", "区县名称", "报告全文"])
    doc = next(iter(load_sources(path)))
    meta = extract_metadata(clean_text(doc.text), doc.text, doc.fields)
    assert meta.region == "定兴县" and meta.speaker == "吴鹏" and meta.year == 2021
    assert any("唐县" in c for c in meta.conflicts)


def test_big_csv_is_streamed(tmp_path: Path) -> None:
    """A 100,000-row CSV is read row by row: memory stays far below the file's size."""
    path = tmp_path / "big.csv"
    row = "会议" * 300
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        for i in range(100_000):
            w.writerow([str(i), row])
    size = path.stat().st_size
    tracemalloc.start()
    n = sum(1 for _ in load_sources(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert n == 100_000 and peak < size / 10
