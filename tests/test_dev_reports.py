"""Metadata of the real third-party reports in ../shared/dev_reports (skipped when that folder is absent)."""

from pathlib import Path

import pytest

from rag.ingest.cleaning import clean_text
from rag.ingest.loading import load_sources
from rag.ingest.metadata import extract_metadata
from rag.settings import Settings

DEV = Settings.from_env().dev_reports_dir
pytestmark = pytest.mark.skipif(not Path(DEV).is_dir(), reason=f"dev reports not present at {DEV}")


def meta(name: str, row: str | None = None):
    """Metadata of one dev report (or one row of a table of reports)."""
    for src in load_sources(Path(DEV) / name):
        if row is None or src.doc_id == row:
            return extract_metadata(clean_text(src.text), src.text, src.fields)
    raise KeyError(row)


@pytest.mark.parametrize("name, year, speaker, date", [
    ("national_2010.txt", 2010, "温家宝", "2010-03-05"),   # full-width digits, GBK
    ("national_2014.txt", 2014, "李克强", "2014-03-05"),   # '?' where a special space was lost
    ("national_2016.txt", 2016, "", ""),                    # no date line, no speaker: missing, not guessed
])
def test_national_reports(name, year, speaker, date):
    """National reports are 全国 / 国家, whatever their header looks like."""
    m = meta(name)
    assert (m.region, m.level, m.plan_year, m.speaker, m.date) == ("全国", "国家", year, speaker, date)
    if not speaker:
        assert {"speaker", "date"} <= set(m.missing)


@pytest.mark.parametrize("name, region, level, speaker", [
    ("province_jiangsu_2026.csv", "江苏省", "省", "刘小涛"),            # '省长 刘小涛' names no province
    ("province_neimenggu_2026.csv", "内蒙古自治区", "自治区", "包钢"),  # 自治区人民政府主席
    ("province_shanghai_2026.csv", "上海市", "直辖市", "龚正"),          # a space inside the name
    ("province_hebei_2021.txt", "河北省", "省", "许勤"),                 # the text twice, author header
])
def test_provincial_reports(name, region, level, speaker):
    """One-record CSV exports and doubled pages read like any report."""
    m = meta(name)
    assert (m.region, m.level, m.speaker) == (region, level, speaker)
    assert m.year is not None and m.plan_year == m.year


def test_spreadsheet_row_text_wins_over_its_columns():
    """A row labelled 唐县 whose text is 高唐县's report is 高唐县, with the disagreement recorded."""
    m = meta("counties_baoding_2003-2025.xlsx", "counties_baoding_2003-2025-r87")
    assert m.region == "高唐县" and any("唐县" in c for c in m.conflicts)
