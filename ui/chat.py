"""Conversation logic behind the UI: one session's turns, filters, citations, the corpus table and /ask."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ui.render import answer_html, cite_label, error_html, refusal_html, source_html

__all__ = ["ALL", "examples", "new_session", "filter_choices", "holdings", "corpus_table", "answer_turn",
           "open_citation", "ask"]

log = logging.getLogger(__name__)
ALL = "全部"
_SPEAKER_WORD = {"国家": "总理", "省": "省长", "自治区": "主席", "直辖市": "市长", "市": "市长", "县级市": "市长",
                 "县": "县长", "区": "区长", "旗": "旗长", "自治州": "州长"}
_CORPUS_HEADERS = ["编号", "标题", "地区", "层级", "省份", "报告年份", "计划年份", "日期", "报告人", "片段数"]


def new_session() -> dict[str, Any]:
    """A fresh conversation: the standalone questions asked so far and the citations shown."""
    return {"questions": [], "citations": {}, "choices": []}


def filter_choices(bot: Any) -> tuple[list[str], list[str]]:
    """Region and year choices from the indexed reports, '全部' first."""
    reports = bot.reports()
    regions = list(dict.fromkeys(str(r["region"]) for r in reports if r.get("region")))
    years = sorted({int(r[k]) for r in reports for k in ("year", "plan_year", "review_year") if r.get(k)}, reverse=True)
    return [ALL, *regions], [ALL, *map(str, years)]


def _scope(region: str | None, year: str | None) -> tuple[list[str] | None, list[int] | None]:
    """Turn the filter dropdowns into answer(regions=, years=) arguments."""
    regions = [region] if region and region != ALL else None
    years = [int(year)] if year and str(year) != ALL else None
    return regions, years


def examples(bot: Any, n: int = 6) -> list[str]:
    """Example questions about the reports actually held: a target, a follow-up, a speaker, a comparison."""
    reports = [r for r in bot.reports() if r.get("region") and r.get("plan_year")]
    reports.sort(key=lambda r: (-(r.get("plan_year") or 0), r["region"]))
    regions = list(dict.fromkeys(r["region"] for r in reports))
    if not regions:
        return []
    first = next(r for r in reports if r["region"] == regions[0])
    out = [f"{_short(first)}{first['plan_year']}年GDP增长目标"]
    if len(regions) > 1:
        out.append(f"那{_short(next(r for r in reports if r['region'] == regions[1]))}呢？")
    for r in reports[:n]:
        if r.get("speaker"):
            out.append(f"{_short(r)}{r['plan_year']}年的{_SPEAKER_WORD.get(r.get('level', ''), '报告人')}是谁")
            break
    if len(regions) > 2:
        a, b = (next(r for r in reports if r["region"] == g) for g in regions[1:3])
        out.append(f"{_short(a)}和{_short(b)}的一般公共预算收入目标")
    out.append(f"{_short(first)}{first['plan_year']}年要新增多少城镇就业")
    return out[:n]


def _short(report: dict[str, Any]) -> str:
    """The shortest name a user would type for a report's region."""
    aliases = [a for a in report.get("aliases") or [] if a]
    return min(aliases, key=len) if aliases else str(report["region"])


def holdings(bot: Any) -> str:
    """What the corpus holds, e.g. '焦作市解放区（2022年）、义马市（2023年）'."""
    seen = {f"{r['region']}（{r.get('plan_year') or r.get('year')}年）" for r in bot.reports() if r.get("region")}
    return "、".join(sorted(seen))


def corpus_table(bot: Any) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the corpus tab: one row per report with its metadata and chunk count."""
    rows = [[r["doc_id"], r.get("title", ""), r.get("region", ""), r.get("level", ""), r.get("province", ""),
             r.get("year") or "", r.get("plan_year") or "", r.get("date", ""),
             f"{r.get('speaker_title', '')} {r.get('speaker', '')}".strip(), r.get("chunks", 0)]
            for r in bot.reports()]
    return _CORPUS_HEADERS, rows


def _citations(res: Any) -> list[dict[str, Any]]:
    """The answer's citations as plain dicts numbered like its [n] markers."""
    return [{**asdict(c), "n": i} for i, c in enumerate(res.citations, 1)]


def answer_turn(bot: Any, question: str, session: dict[str, Any], region: str | None = ALL,
                year: str | None = ALL) -> tuple[str, str | None]:
    """Answer one chat turn in place on the session; return the reply's HTML and the key of its first citation."""
    regions, years = _scope(region, year)
    try:
        res = bot.answer(question, history=list(session["questions"]), regions=regions, years=years)
    except Exception as err:  # the chat must survive a failing question; the log keeps the trace
        log.exception("answering %r failed", question)
        return error_html(f"{type(err).__name__}: {err}"), None
    turn = len(session["questions"]) + 1
    # Keep the standalone question so a chain of follow-ups ('那义马呢？', '那侯马呢？') still resolves.
    session["questions"].append(res.question or question)
    cites = _citations(res)
    for c in cites:
        key = f"{turn}-{c['n']}"
        session["citations"][key] = c
        session["choices"].append((cite_label(turn, c), key))
    if not res.answered:
        active = "，".join(f"{k} {v}" for k, v in (("地区", region), ("年份", year)) if v and v != ALL)
        return refusal_html(res.text, [h.label() for h in res.holdings], active, cites), (f"{turn}-1" if cites else None)
    return answer_html(res.text, cites, res.table), (f"{turn}-1" if cites else None)


def _section_of(bot: Any, c: dict[str, Any]) -> tuple[str, int]:
    """The whole section a citation lies in and its offset in the report (the passage itself as a fallback)."""
    section, offset = bot.section_text(c["doc_id"], c["section"]) if c.get("doc_id") else ("", -1)
    if section and offset <= c["quote_start"] and c["quote_end"] <= offset + len(section):
        return section, offset
    return str(c["text"]), int(c["start"])


def open_citation(bot: Any, session: dict[str, Any], key: str | None) -> str:
    """The source viewer's HTML for one of the session's citations."""
    c = session["citations"].get(key or "")
    if c is None:
        return source_html(None, "", 0)
    return source_html(c, *_section_of(bot, c))


def _history(history: Any) -> list[Any]:
    """Accept history as a list of turns, a JSON list, or one previous question."""
    if history is None or history == "":
        return []
    if isinstance(history, str):
        try:
            history = json.loads(history)
        except json.JSONDecodeError:
            return [history]
    return list(history) if isinstance(history, (list, tuple)) else [str(history)]


def ask(bot: Any, question: str, history: Any = None, regions: Sequence[str] | None = None,
        years: Sequence[int] | None = None) -> dict[str, Any]:
    """Answer one API request: JSON-ready text, answered flag, standalone question, reason and citations."""
    res = bot.answer(question, history=_history(history), regions=list(regions) if regions else None,
                     years=[int(y) for y in years] if years else None)
    return {"question": question, "standalone_question": res.question, "text": res.text, "answered": res.answered,
            "reason": res.reason, "holdings": [asdict(h) for h in res.holdings], "table": res.table,
            "citations": _citations(res)}
