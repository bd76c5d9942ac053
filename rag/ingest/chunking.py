"""Split a cleaned report into section chunks that follow its own structure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text import DATE, FIVE_YEAR_NAME, FIVE_YEAR_PLANS, NAMED_YEAR, cn_to_int, split_sentences
from rag.vocabulary import vocabulary

__all__ = ["Chunk", "chunk_report"]

_NUM = "一二三四五六七八九十"
# A heading starts a line or follows a sentence end; "第一、" is an ordinal, not a heading.
_BOUNDARY = r"(?:^|(?<=[。！？：；!?”]))[ \t]?"
_PART = re.compile(rf"{_BOUNDARY}([{_NUM}]{{1,3}})、(?![{_NUM}]+[、期])", re.M)
_SUB = re.compile(rf"{_BOUNDARY}[（(]([{_NUM}]{{1,3}})[）)]", re.M)
_BARE = re.compile(r"^[^\n。！？；：，]{2,30}$", re.M)
# An unnumbered part heading: a short line of its own naming a review or the year's work, no sentence punctuation.
_BARE_PART = re.compile(r"^[^\n。！？；：，]{0,30}(?:工作回顾|发展成就|主要目标|重点工作|工作重点|工作安排|目标任务|工作任务|主要任务|重点任务)"
                        r"[^\n。！？；：，]{0,12}$", re.M)
# A glossary term on a line of its own: short, no colon, no sentence punctuation.
_TERM_ONLY = re.compile(r"^(?:\d{1,2}[、.．]\s*)?[“\"]?[^\n：:。，；！？]{2,24}[”\"]?$")
_ITEM = re.compile(r"^\s*(\d{1,2})(?:[.、．](?!\d)|[)）])", re.M)
# Numbered notes after the closing with no heading: "1、“三网”融合：是指…", "〔1〕九大攻坚行动：…" (two or more in a row, to the end).
_NOTES = re.compile(r"(?:^(?:\d{1,2}[、.．]|[〔\[［]\d{1,2}[〕\]］])\s*[^\n：:]{1,30}[：:][^\n]+\n?){2,}\Z", re.M)
_TITLE_END = re.compile(
    r"(?:工作回顾|回顾|工作安排|重点工作|主要工作|目标任务|主要任务|重点任务|总体要求|主要目标|自身建设|工作|目标|任务|安排|建设|要求|思路)"
)
_LEAD = re.compile(rf"^(?:[{_NUM}]是|首先|其次|再次|最后)")


@dataclass
class Chunk:
    """A passage of a report with its place in the report's structure."""

    text: str                      # the passage itself, verbatim from the cleaned report
    start: int                     # offset of text in the cleaned report
    end: int
    section: list[str] = field(default_factory=list)  # e.g. ["三、2022年重点工作", "（一）…"]
    kind: str = "body"             # "header" | "body" | "glossary"
    part: str = ""                 # the top-level part it lies in: "review" (past results) | "plan" | ""

    def breadcrumb(self, title: str) -> str:
        """Return 'title > part > sub' for display and indexing."""
        return " > ".join([title, *self.section])


@dataclass
class _Heading:
    start: int
    body_start: int
    level: int
    title: str


def _title_at(text: str, pos: int, whole_line: bool, level: int) -> tuple[str, int]:
    """Return a heading's title and where its body starts (inline headings have no line end)."""
    eol = text.find("\n", pos)
    eol = len(text) if eol < 0 else eol
    if whole_line and eol - pos <= 40:
        return text[pos:eol].strip(), eol
    window = text[pos:min(eol, pos + 40)]
    stop = re.search(r"[。！？：；，]", window)
    cut = stop.start() if stop else len(window)
    if level > 0 and stop and cut <= 30:
        end = cut + 1 if stop.group() != "，" else cut
        return window[:end].strip(), pos + end
    prefix = re.match(r"^\s*(?:[（(][^）)]{1,3}[）)]|[^、]{1,3}、)", window)
    head = prefix.end() if prefix else 0
    ends = [m.end() for m in _TITLE_END.finditer(window, head, min(cut, 24))]
    end = max(ends) if ends else min(cut, 24)
    return window[:end].strip(), pos + end


def _headings(text: str) -> list[_Heading]:
    """Find part and sub-section headings, tracking nested 一、 lists by their numbering."""
    found: list[tuple[int, int, str]] = []  # (pos, number, kind)
    for kind, rx in (("part", _PART), ("sub", _SUB)):
        for m in rx.finditer(text):
            found.append((m.start(1) - (1 if kind == "sub" else 0), cn_to_int(m.group(1)) or 0, kind))
    found.sort()
    stack: list[tuple[str, int]] = []  # (kind, last number) per open level
    out: list[_Heading] = []
    for pos, num, kind in found:
        line_start = pos == 0 or text[pos - 1] == "\n"
        line_end = text.find("\n", pos)
        whole = line_start and (line_end < 0 or line_end - pos <= 40)
        # a date line ("2020年1月10日在…会议上") is the header, even after a stray "一、"
        if kind == "part" and DATE.search(text, pos, min(pos + 40, line_end if line_end >= 0 else len(text))):
            continue
        depths = [d for d in range(len(stack)) if stack[d] == (kind, num - 1)]
        # A heading on a line of its own continues the top list it can, not a list nested in the text.
        level = (depths[0] if whole else depths[-1]) if depths else None
        if level is None and num == 1:
            level = len(stack)
        if level is None:
            continue
        del stack[level:]
        stack.append((kind, num))
        title, body = _title_at(text, pos, whole, level)
        out.append(_Heading(pos, body, level, title))
    if not any(h.level == 0 for h in out) and "\n" in text:
        out = [_Heading(m.start(), m.end(), 1 if m.group()[0] in "●◆■▲★" else 0, m.group().strip())
               for m in _BARE.finditer(text) if m.start() > 0]
    return _with_bare_parts(text, out)


def _with_bare_parts(text: str, heads: list[_Heading]) -> list[_Heading]:
    """Add unnumbered part headings ("“十四五”时期发展成就和2025年工作回顾") that come before the numbered parts.

    Some reports open with unnumbered parts and number only the parts of the last one: then the bare
    headings are the top level and the numbered parts nest under the bare heading before them.
    """
    first = next((h.start for h in heads if h.level == 0), len(text))
    greet = text.find("各位代表")
    bare = [m for m in _BARE_PART.finditer(text, max(greet, 0), first) if m.start() > 0 and greet >= 0]
    if not bare:
        return heads
    tops = [_Heading(m.start(), m.end(), 0, m.group().strip()) for m in bare]
    nested = [_Heading(h.start, h.body_start, h.level + 1, h.title) for h in heads if h.start > tops[0].start]
    return sorted([h for h in heads if h.start < tops[0].start] + tops + nested, key=lambda h: h.start)


def _pack(text: str, start: int, end: int, section: list[str], max_chars: int, min_chars: int) -> list[Chunk]:
    """Pack the sentences of one section into chunks of at most max_chars, breaking at paragraph leads."""
    chunks: list[Chunk] = []
    cur_s: int | None = None
    cur_e = start
    for s, e in split_sentences(text[start:end], start):
        new_para = s > 0 and (text[s - 1] == "\n" or bool(_LEAD.match(text[s:s + 4])))
        if cur_s is not None:
            size = e - cur_s
            if size > max_chars or (new_para and cur_e - cur_s >= min_chars and size > max_chars * 0.6):
                chunks.append(Chunk(text[cur_s:cur_e], cur_s, cur_e, list(section)))
                cur_s = None
        if cur_s is None:
            cur_s = s
        cur_e = e
    if cur_s is not None:
        if chunks and cur_e - cur_s < min_chars and chunks[-1].end - chunks[-1].start + (cur_e - cur_s) <= max_chars * 1.3:
            last = chunks.pop()
            cur_s = last.start
        chunks.append(Chunk(text[cur_s:cur_e], cur_s, cur_e, list(section)))
    return chunks


def _packed(text: str, start: int, end: int, section: list[str], part: str, max_chars: int, min_chars: int) -> list[Chunk]:
    """The chunks of one stretch of a section, each marked with the part (review or plan) it lies in."""
    chunks = _pack(text, start, end, section, max_chars, min_chars)
    for c in chunks:
        c.part = part
    return chunks


def _glossary(text: str, start: int, section: list[str]) -> list[Chunk]:
    """Make one chunk per glossary entry: one line, or a term alone on a line with its definition on the next."""
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:].split("\n"):
        s = pos + len(line) - len(line.lstrip())
        e = pos + len(line.rstrip())
        pos += len(line) + 1
        if e - s <= 2:
            continue
        if spans and _TERM_ONLY.match(text[spans[-1][0]:spans[-1][1]]) and not _TERM_ONLY.match(text[s:e]):
            spans[-1] = (spans[-1][0], e)  # the definition of the term on the line before
        else:
            spans.append((s, e))
    return [Chunk(text[s:e], s, e, list(section), kind="glossary") for s, e in spans]


# How a part that reviews the past opens when its heading is a slogan ("一、一年接着一年干，…"): "2025年，…".
_REVIEW_OPENING = re.compile(rf"^(?:过去一年|过去五年|刚刚过去的|一年来|五年来|“{FIVE_YEAR_NAME}”时期(?:是|，))")
_REVIEW_TITLE = re.compile(r"回顾|过去|五年来|一年来|成就|成绩")
_PLAN_TITLE = re.compile(r"目标|任务|安排|重点工作|主要工作|建议|要求|思路|今后|\d{4}年(?:工作|政府工作)")


def _part_kind(title: str, opening: str, years: tuple[int | None, int | None] = (None, None)) -> str:
    """Whether a top-level part reviews past results or sets out the plan: its title, else its opening words.

    `years` are the report's review and plan years (from its metadata): a slogan-headed part that opens
    "2025年是…" reviews 2025; one that opens "2026年是…" plans 2026.
    """
    review, plan = years
    if _REVIEW_TITLE.search(title):
        return "review"
    named = NAMED_YEAR.search(title)
    if named and plan and int(named.group(1)) < plan:  # "一、关于2012年政府工作" in the 2013 report
        return "review"
    if named and plan and int(named.group(1)) == plan:  # an appendix "安国市2022年十大工程" in the 2022 report
        return "plan"
    if _PLAN_TITLE.search(title):
        return "plan"
    opening = opening.strip()
    period = _PERIOD_OPENING.match(opening)
    if period and plan and period.group(1) in FIVE_YEAR_PLANS:  # "“十五五”时期是…" in a 2026 report opens its plan
        first, last = FIVE_YEAR_PLANS[period.group(1)]
        return "plan" if first <= plan <= last else "review" if last < plan else ""
    if _REVIEW_OPENING.match(opening) or (review and opening.startswith(f"{review}年")):
        return "review"
    return "plan" if plan and (opening.startswith(f"{plan}年") or opening.startswith("今年")) else ""


def _plan_opening(rx: re.Pattern[str], text: str, start: int, end: int, plan: int | None) -> re.Match[str] | None:
    """The first line in text[start:end] that opens the plan year's part (a heading naming another year does not)."""
    for m in rx.finditer(text, start, end):
        named = re.match(r"(20\d{2})年", m.group())
        if not named or (plan is not None and int(named.group(1)) == plan):
            return m
    return None


_PERIOD_OPENING = re.compile(rf"^(?:[“\"]?({FIVE_YEAR_NAME})[”\"]?(?:时期|期间)|(?:今后|未来)五年)", re.MULTILINE)


def _period_opening(text: str, start: int, end: int, plan: int | None) -> re.Match[str] | None:
    """In a part whose heading joins a review and a plan ("…发展成就和…主要目标任务"), the first paragraph that opens
    the plan year's five-year period ("“十五五”时期是…", "今后五年…"), where the plan begins."""
    for m in _PERIOD_OPENING.finditer(text, start, end):
        span = FIVE_YEAR_PLANS.get(m.group(1) or "")
        if m.group(1) is None or (plan is not None and span is not None and span[0] <= plan <= span[1]):
            return m
    return None


_PERIOD_TITLE = "过去五年"


def _period_review(text: str, start: int, end: int, path: list[str]) -> int | None:
    """In a part reviewing one year ("一、2015年工作回顾"), where a paragraph turns to the five years behind it
    ("2015年是“十二五”收官之年。过去五年，…"): the rest of the part is filed under a 过去五年 sub-section."""
    if not path or not NAMED_YEAR.search(path[0]) or any(vocabulary().sections["several_years"].search(t) for t in path):
        return None
    m = vocabulary().sections["period_review"].search(text, start, end)
    return m.start() if m and m.start() > start else None


def _appendix_title(text: str, m: re.Match[str], end: int) -> tuple[str, int]:
    """An appendix's title and where its body starts: the rest of its line, else the short line after it."""
    if m.group(1).strip():
        return m.group().strip(), m.end()
    nl = text.find("\n", m.end() + 1, end)
    line = text[m.end():nl if nl >= 0 else end].strip()
    if line and len(line) <= 40 and not re.search(r"[。！？；]", line):
        return f"{m.group().strip()} {line}", (nl if nl >= 0 else end)
    return m.group().strip(), m.end()


def chunk_report(text: str, max_chars: int = 360, min_chars: int = 60,
                 years: tuple[int | None, int | None] = (None, None)) -> list[Chunk]:
    """Split a cleaned report into chunks carrying their section path, part and offsets; years = (review, plan)."""
    heading_re = vocabulary().sections["glossary_heading"]
    plan_opening = vocabulary().sections["plan_opening"]
    gloss = heading_re.search(text) or _NOTES.search(text)
    body_end = gloss.start() if gloss else len(text)
    greet = text.find("各位代表")
    appendices = list(vocabulary().sections["appendix_heading"].finditer(text, greet, body_end)) if greet >= 0 else []
    main_end = appendices[0].start() if appendices else body_end
    heads = _headings(text[:main_end])
    header_end = heads[0].start if heads else min(body_end, text.find("\n") + 1 or 200)
    chunks: list[Chunk] = []
    if header_end > 0:
        hdr_end = header_end if greet < 0 else min(header_end, max(greet + 5, text.find("。", greet) + 1))
        chunks.append(Chunk(text[:hdr_end].strip(), 0, len(text[:hdr_end].rstrip()), ["报告信息"], kind="header"))
        if hdr_end < header_end:
            chunks += _pack(text, hdr_end, header_end, ["开场"], max_chars, min_chars)
    path: list[str] = []
    part = ""
    for i, h in enumerate(heads):
        del path[h.level:]
        path.append(h.title)
        nxt = heads[i + 1].start if i + 1 < len(heads) else main_end
        if h.level == 0:
            part = _part_kind(h.title, text[h.body_start:h.body_start + 160], years)
        start = h.body_start
        opening = _plan_opening(plan_opening, text, start, nxt, years[1]) if part == "review" else None
        if part == "review" and not opening and _PLAN_TITLE.search(h.title):  # "“十四五”时期发展成就和“十五五”时期主要目标任务"
            opening = _period_opening(text, start, nxt, years[1])
        if opening and opening.start() > start:  # the plan begins inside a review part whose heading was lost
            chunks += _packed(text, start, opening.start(), path, part, max_chars, min_chars)
            start, part = opening.start(), "plan"
        elif opening:
            part = "plan"
        period = _period_review(text, start, nxt, path) if part == "review" else None
        if period is not None:  # "2015年是“十二五”收官之年。过去五年，…" inside "一、2015年工作回顾"
            chunks += _packed(text, start, period, path, part, max_chars, min_chars)
            chunks += _packed(text, period, nxt, [*path, _PERIOD_TITLE], part, max_chars, min_chars)
        elif start < nxt:
            chunks += _packed(text, start, nxt, path, part, max_chars, min_chars)
    if not heads and header_end < main_end:
        chunks += _pack(text, header_end, main_end, ["正文"], max_chars, min_chars)
    for i, m in enumerate(appendices):
        end = appendices[i + 1].start() if i + 1 < len(appendices) else body_end
        title, start = _appendix_title(text, m, end)
        chunks += _packed(text, start, end, [title], _part_kind(title, text[start:start + 160], years), max_chars, min_chars)
    if gloss:
        heading = gloss.re is heading_re
        title = gloss.group().strip() if heading else "注释"
        chunks += _glossary(text, gloss.end() if heading else gloss.start(), [title])
    return [c for c in chunks if c.text.strip()]
