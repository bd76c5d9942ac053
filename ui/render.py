"""HTML for answers, citations, refusals and the source viewer; report text is always escaped."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["table_html", "answer_html", "refusal_html", "error_html", "source_html", "highlight", "excerpt", "cite_label", "CSS"]

_MARKER = re.compile(r"\[(\d+)\]")


def _lines(text: str) -> str:
    """Escape text and keep its line breaks (the chat renders HTML on one line, so no raw newlines)."""
    return escape(text).replace("\r", "").replace("\n", "<br>")


def _span(text: str, start: int, end: int, quote: str = "") -> tuple[int, int] | None:
    """The quoted span in text: the given offsets, else where the quote occurs, else None."""
    if 0 <= start < end <= len(text):
        return start, end
    i = text.find(quote) if quote else -1
    return (i, i + len(quote)) if i >= 0 else None


def highlight(text: str, start: int, end: int, quote: str = "") -> str:
    """Escape text and wrap text[start:end] in <mark>; fall back to finding the quote when offsets miss."""
    span = _span(text, start, end, quote)
    if span is None:
        return _lines(text)
    s, e = span
    return f"{_lines(text[:s])}<mark>{_lines(text[s:e])}</mark>{_lines(text[e:])}"


def excerpt(text: str, start: int, end: int, quote: str = "", before: int = 60, after: int = 100) -> str:
    """The quote marked with some context either side, for the chat (the source viewer shows it all)."""
    span = _span(text, start, end, quote)
    if span is None:
        return _lines(text[: before + after]) + ("…" if len(text) > before + after else "")
    lo, hi = max(0, span[0] - before), min(len(text), span[1] + after)
    body = highlight(text[lo:hi], span[0] - lo, span[1] - lo)
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")


def _where(c: Mapping[str, Any]) -> str:
    """Region and year of a citation, e.g. '焦作市解放区 · 2022年'."""
    year = f"{c['year']}年" if c.get("year") else ""
    return " · ".join(p for p in (str(c.get("region") or ""), year) if p)


def cite_label(turn: int, c: Mapping[str, Any]) -> str:
    """The source viewer's choice label of one citation."""
    section = str(c.get("section") or "报告开头")
    return f"第{turn}问 [{c['n']}] {c.get('region') or c.get('report')} {c.get('year') or ''} · {section}"


def _citation_card(c: Mapping[str, Any]) -> str:
    """One cited passage: report, region and year, section path, the passage with its quote marked."""
    passage = excerpt(str(c["text"]), int(c["quote_start"]) - int(c["start"]), int(c["quote_end"]) - int(c["start"]),
                      str(c.get("quote") or ""))
    return (f'<div class="rag-cite"><div class="rag-cite-head"><span class="rag-n">[{c["n"]}]</span> '
            f'<b>{escape(str(c["report"]))}</b> <span class="rag-where">{escape(_where(c))}</span></div>'
            f'<div class="rag-section">{escape(str(c.get("section") or "报告开头"))}</div>'
            f'<div class="rag-passage">{passage}</div></div>')


def table_html(rows: Sequence[Mapping[str, Any]]) -> str:
    """A compact table for an answer across reports: region, year, value, and the citation marker."""
    if not rows:
        return ""
    body = "".join(f"<tr><td>{escape(str(r.get('region', '')))}</td><td>{escape(str(r.get('year') or ''))}</td>"
                   f"<td>{escape(str(r.get('value', '')))}</td><td><sup class=\"rag-ref\">[{r.get('n')}]</sup></td></tr>"
                   for r in rows)
    return f'<table class="rag-table"><tr><th>地区</th><th>年份</th><th>数值</th><th>出处</th></tr>{body}</table>'


def answer_html(text: str, citations: Sequence[Mapping[str, Any]], table: Sequence[Mapping[str, Any]] = ()) -> str:
    """An answer with its [n] markers (and, across reports, a compact table) and, below it, the cited passages."""
    body = _MARKER.sub(r'<sup class="rag-ref">[\1]</sup>', _lines(text)) + table_html(table)
    cards = "".join(_citation_card(c) for c in citations)
    label = f'<div class="rag-cites-title">引用原文（{len(citations)}）</div>' if citations else ""
    return f'<div class="rag-answer"><div class="rag-text">{body}</div>{label}{cards}</div>'


def refusal_html(text: str, holdings: Sequence[str], filters: str = "",
                 citations: Sequence[Mapping[str, Any]] = ()) -> str:
    """A refusal, styled apart from answers, with the held reports close to what was asked (and the passage that
    states the thing in words only, when there is one)."""
    extra = f'<div class="rag-filters">当前筛选：{escape(filters)}</div>' if filters else ""
    near = (f'<div class="rag-holdings">资料中相近的报告：{escape("、".join(holdings))}</div>' if holdings else "")
    body = _MARKER.sub(r'<sup class="rag-ref">[\1]</sup>', _lines(text.strip())) if citations else _lines(text.strip())
    cards = "".join(_citation_card(c) for c in citations)
    return (f'<div class="rag-refusal"><div class="rag-refusal-title">报告中未找到答案</div>'
            f'<div class="rag-text">{body}</div>{extra}{near}{cards}</div>')


def error_html(message: str) -> str:
    """A failure while answering, shown in the chat instead of a stack trace."""
    return (f'<div class="rag-refusal"><div class="rag-refusal-title">出错了</div>'
            f'<div class="rag-text">{_lines(message)}</div></div>')


def source_html(c: Mapping[str, Any] | None, section: str, offset: int) -> str:
    """The whole section a citation came from, with the quote marked; offset is where the section starts."""
    if c is None:
        return '<div class="rag-source rag-empty">提问后，在上方选择一条引用，查看它所在的整节原文。</div>'
    start, end = int(c["quote_start"]) - offset, int(c["quote_end"]) - offset
    body = highlight(section, start, end, str(c.get("quote") or "")) if offset >= 0 else _lines(section)
    return (f'<div class="rag-source"><div class="rag-cite-head"><b>{escape(str(c["report"]))}</b> '
            f'<span class="rag-where">{escape(_where(c))}</span></div>'
            f'<div class="rag-section">{escape(str(c.get("section") or "报告开头"))}</div>'
            f'<div class="rag-source-text">{body}</div></div>')


CSS = """
.rag-answer, .rag-refusal { line-height: 1.7; }
.rag-ref { color: var(--color-accent); font-weight: 600; }
.rag-cites-title { margin-top: .6em; font-size: .85em; color: var(--body-text-color-subdued); }
.rag-cite { margin-top: .4em; padding: .5em .7em; border-left: 3px solid var(--color-accent);
            background: var(--background-fill-secondary); border-radius: 4px; font-size: .9em; }
.rag-cite-head .rag-n { color: var(--color-accent); font-weight: 600; }
.rag-where, .rag-section { color: var(--body-text-color-subdued); font-size: .9em; }
.rag-passage, .rag-source-text { margin-top: .3em; overflow-wrap: anywhere; }
.rag-answer mark, .rag-source mark { background: #ffe58f; color: #000; padding: 0 2px; border-radius: 2px; }
.rag-refusal { padding: .6em .8em; border: 1px dashed #d48806; background: #fffbe6; color: #613400; border-radius: 6px; }
.rag-refusal-title { font-weight: 700; }
.rag-holdings, .rag-filters { margin-top: .4em; font-size: .88em; }
.rag-source { max-height: 60vh; overflow-y: auto; padding: .6em .8em; line-height: 1.8;
              border: 1px solid var(--border-color-primary); border-radius: 6px; }
.rag-empty { color: var(--body-text-color-subdued); }
.rag-table { margin-top: .5em; border-collapse: collapse; font-size: .9em; }
.rag-table th, .rag-table td { border: 1px solid var(--border-color-primary); padding: 2px 8px; text-align: left; }
"""
