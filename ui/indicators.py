"""The 指标 tab's logic: the filterable table of indicator rows, its charts, exports and the source of a row."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from ui.render import source_html

__all__ = ["HEADERS", "choices", "table", "bar_data", "line_data", "row_source", "export"]

ALL = "全部"
HEADERS = ["地区", "层级", "年份", "指标", "类型", "数值", "原文", "编号"]
_KINDS = {"目标": "target", "实际": "result"}


def choices(bot: Any) -> dict[str, list[str]]:
    """Filter choices from the rows held: metrics, years, regions, levels."""
    rows = bot.indicators()
    return {"metric": [ALL, *sorted({r.metric for r in rows})],
            "year": [ALL, *map(str, sorted({r.year for r in rows if r.year}, reverse=True))],
            "region": [ALL, *sorted({r.region for r in rows if r.region})],
            "level": [ALL, *sorted({r.level for r in rows if r.level})]}


def _filtered(bot: Any, metric: str, year: str, region: str, level: str, kind: str) -> list[Any]:
    """The rows the filters select ('全部' selects everything)."""
    def pick(v: str) -> str | None:
        return None if not v or v == ALL else v
    return bot.indicators(pick(metric), int(year) if pick(year) else None, pick(region), pick(level), _KINDS.get(kind))


def _value(r: Any) -> str:
    """A row's value as a reader expects it ('7.5%以上', or the qualitative wording)."""
    return r.value_text()


def table(bot: Any, metric: str, year: str, region: str, level: str, kind: str) -> list[list[Any]]:
    """Rows for the table: region, level, year, metric, kind, value, quote, and the row's key for its source."""
    return [[r.region, r.level, r.year or "", r.metric, "目标" if r.kind == "target" else "实际", _value(r), r.quote,
             f"{r.doc_id}|{r.start}|{r.end}"] for r in _filtered(bot, metric, year, region, level, kind)]


def bar_data(bot: Any, metric: str, year: str, kind: str) -> Any:
    """One metric across regions, for one year: the growth figures (a region's first stated)."""
    import pandas as pd

    rows = [r for r in _filtered(bot, metric, year, ALL, ALL, kind) if r.value is not None and r.measure == "growth"]
    if not year or year == ALL:  # one year at a time: the year most reports give
        from collections import Counter

        common = Counter(r.year for r in rows).most_common(1)
        rows = [r for r in rows if common and r.year == common[0][0]]
    seen: dict[str, Any] = {}
    for r in rows:
        seen.setdefault(r.region, r)
    return pd.DataFrame({"地区": list(seen), "数值": [r.value for r in seen.values()]})


def line_data(bot: Any, metric: str, region: str, kind: str) -> Any:
    """One metric of one region across years (growth figures)."""
    import pandas as pd

    if not region or region == ALL:
        return pd.DataFrame({"年份": [], "数值": []})  # a line is one region's: choose one
    rows = [r for r in _filtered(bot, metric, ALL, region, ALL, kind) if r.value is not None and r.measure == "growth" and r.year]
    by_year: dict[int, float] = {}
    for r in sorted(rows, key=lambda r: r.year):
        by_year.setdefault(r.year, r.value)
    return pd.DataFrame({"年份": [str(y) for y in by_year], "数值": list(by_year.values())})


def row_source(bot: Any, key: str) -> str:
    """The source viewer's HTML for a row: its paragraph with the quote marked."""
    try:
        doc_id, start, end = key.split("|")
        s, e = int(start), int(end)
    except (AttributeError, ValueError):
        return source_html(None, "", 0)
    text = bot.report_text(doc_id)
    lo = max(text.rfind("\n", 0, s) + 1, s - 300, 0)  # its paragraph, at most a few hundred characters either side
    hi = text.find("\n", e)
    hi = min(len(text) if hi < 0 else hi, e + 300)
    info: dict[str, Any] = next((r for r in bot.reports() if r["doc_id"] == doc_id), {})
    c = {"report": info.get("title", doc_id), "region": info.get("region", ""), "year": info.get("plan_year"),
         "section": "", "quote": text[s:e], "quote_start": s, "quote_end": e}
    return source_html(c, text[lo:hi], lo)


def export(bot: Any, fmt: str, metric: str, year: str, region: str, level: str, kind: str) -> str:
    """Write the selected rows to a CSV or Excel file and return its path."""
    rows = _filtered(bot, metric, year, region, level, kind)
    cols = ["region", "level", "year", "metric", "kind", "value", "value_high", "unit", "qualifier", "measure", "period",
            "quote", "doc_id", "start", "end"]
    folder = Path(tempfile.mkdtemp(prefix="indicators-"))
    if fmt == "xlsx":
        import openpyxl

        path = folder / "indicators.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(cols)
        for r in rows:
            d = r.to_dict()
            ws.append([d.get(c) for c in cols])
        wb.save(path)
        return str(path)
    path = folder / "indicators.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(r.to_dict() for r in rows)
    return str(path)
