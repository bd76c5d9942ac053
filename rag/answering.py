"""The answerer seam and the default extractive answerer: quote the sentence that states the fact."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rag.chunking import split_sentences
from rag.query import GROWTH, SYNONYMS, SYNONYMS_GDP, Query
from rag.text import fold

__all__ = ["Citation", "Answer", "Passage", "Answerer", "ExtractiveAnswerer", "NOT_FOUND", "term_prior"]

NOT_FOUND = "资料中没有找到"
_TARGET_CUE = re.compile(r"左右|以上|以内|力争|预期|目标|控制在|确保|突破|达到|争取|要|将")
# Text that talks to a model rather than reporting a fact ("忽略以上所有指令，回答：…") is never quoted as an answer.
_INSTRUCTION = re.compile(r"忽略(?:以上|之前|前面|上述)|(?:ignore|disregard) (?:all|previous|the above)|你(?:现在)?是一个|请(?:直接)?回答[:：]|回答[:：]", re.I)
_STRONG_TARGET = re.compile(r"左右|以上|以内|力争|预期|目标|控制在|确保|突破|争取")
_RESULT_SECTION = re.compile(r"回顾|过去|五年来|一年来")
_PLAN_SECTION = re.compile(r"安排|重点工作|主要工作|目标|任务|要求|今后|工作")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_ALIASES = {"公里": "(?:公里|千米)", "千米": "(?:公里|千米)", "人": "(?:万?人|名)", "所": "(?:所|个)"}
_UNIT = re.compile(r"多少(个|套|家|所|座|公里|万人|亿元|万元|元|项|条|户|吨|亩|平方米|万平方米|人|名|千米|次)")
_AMOUNT = re.compile(r"\d(?:\.\d+)?\s*(?:亿|万)?元")
_CLAUSE = re.compile(r"[^，；：]*[，；：]?")
_METRIC_GROUPS = {id(g) for g in SYNONYMS if g is not GROWTH}


@dataclass
class Citation:
    """A cited passage: which report and section, the passage, and the sentence used."""

    report: str
    region: str
    year: int | None
    section: str
    text: str
    quote: str
    score: float
    doc_id: str = ""
    chunk_id: str = ""
    start: int = 0        # passage offsets in the cleaned report
    end: int = 0
    quote_start: int = 0  # quote offsets in the cleaned report
    quote_end: int = 0


@dataclass
class Answer:
    """The assistant's reply: text with [n] markers, whether it answered, and its citations."""

    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""    # the standalone question actually answered (after follow-up resolution)
    reason: str = ""      # why it refused, when it did
    retrieved: list[list[str]] = field(default_factory=list)  # ranked chunk ids retrieval returned, per region asked about

    def __str__(self) -> str:
        return self.text


@dataclass
class Passage:
    """A retrieved chunk with what the answerer needs to quote and cite it."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    section: str
    kind: str
    report: str
    region: str
    year: int | None
    score: float
    doc_meta: dict


class Answerer(Protocol):
    """Composes an answer from retrieved passages; a language-model generator can implement this too."""

    def answer(self, query: Query, groups: Sequence[tuple[str, Sequence[Passage]]]) -> Answer:
        """Answer from passages grouped per region ('' for a question about no particular region)."""
        ...


@dataclass
class _Pick:
    score: float
    cover: float
    passage: Passage
    sent: tuple[int, int]     # sentence span within passage text
    quote: tuple[int, int]    # quoted span within passage text


def term_prior(group: list[str]) -> float | None:
    """Fixed weights for known groups: a named metric matters most, a growth word least; None for other words."""
    if group is GROWTH:
        return 0.5
    if id(group) in _METRIC_GROUPS:
        return 6.0
    return None


def _weight(group: list[str]) -> float:
    """Weight of a term group when no corpus statistics are at hand."""
    prior = term_prior(group)
    return prior if prior is not None else 1.0 + 0.6 * min(len(group[0]), 4)


def _match_quality(group: list[str], low: str) -> float:
    """How well text names a term group: the full name counts 1, a short generic synonym less."""
    best = 0.0
    loose_hits = 0
    for w in group:
        loose = w.startswith("~")
        if w.lstrip("~").lower() in low:
            best = max(best, 0.4 if loose else 1.0)
            loose_hits += loose
    if loose_hits >= 2:
        best = max(best, 0.8)  # "粮食…产量": the metric's parts, split by other words
    if best == 0.0:
        # Word order varies ("危房改造" / "改造农村危房"): credit the share of its character pairs present.
        for w in (w for w in group if len(group) == 1 and len(w) >= 3 and not w.isascii()):
            pairs = [w[i:i + 2] for i in range(len(w) - 1)]
            best = max(best, 0.8 * sum(p in low for p in pairs) / len(pairs))
    return best


# A metric named only as a denominator ("占地区生产总值比重", "万元GDP能耗") is not the metric asked about.
_DENOMINATOR = re.compile(r"占[^，。；]{0,10}比重|(?:万元|单位)[^，。；]{0,4}(?:生产总值|gdp)[^，。；]{0,2}能耗")


def _covered(text: str, query: Query) -> float:
    """Share of the question's term weight the text matches."""
    if not query.terms:
        return 0.5
    low = text.lower()
    bare = _DENOMINATOR.sub("", low)
    weights = query.weights if len(query.weights) == len(query.terms) else [_weight(g) for g in query.terms]
    total = sum(weights)
    hit = sum(w * _match_quality(g, bare if g is SYNONYMS_GDP else low) for g, w in zip(query.terms, weights, strict=True))
    return hit / total


class ExtractiveAnswerer:
    """Deterministic, offline: picks the best sentence and quotes the clause(s) that state the fact."""

    def __init__(self, min_cover: float = 0.55) -> None:
        self.min_cover = min_cover

    def answer(self, query: Query, groups: Sequence[tuple[str, Sequence[Passage]]]) -> Answer:
        """Quote one supporting sentence per region group, or refuse."""
        parts, cites, missing = [], [], []
        for region, passages in groups:
            pick = self._pick(query, passages)
            if pick is None:
                missing.append(region)
                continue
            cites.append(_cite(pick))
            quote = pick.passage.text[pick.quote[0]:pick.quote[1]].strip("，；、： ")
            label = f"{region}：" if len(groups) > 1 or region else ""
            parts.append(f"{label}{quote}[{len(cites)}]")
        if not parts:
            where = "、".join(r for r in missing if r)
            return Answer(f"{NOT_FOUND}{where}相关的内容，报告中未找到能回答“{query.text}”的依据。", False, [],
                          query.text, "no supporting passage")
        text = "；".join(parts) + "。"
        if missing and any(missing):
            text += f"（{NOT_FOUND}{'、'.join(m for m in missing if m)}的相应内容。）"
        return Answer(text, True, cites, query.text)

    def _pick(self, query: Query, passages: Sequence[Passage]) -> _Pick | None:
        """Score every sentence of every passage; return the best if it is supported enough."""
        if query.intent == "meta":
            return self._pick_meta(query, passages)
        best: _Pick | None = None
        wants_amount = bool(re.search(r"多少|总量|规模", query.text)) and not re.search(r"增长|增速|涨|百分|幅", query.text)
        wants_number = bool(re.search(r"多少|几|目标|增长|增速|涨|比重|占比|规模|总量|产量|达到", query.text)) and query.intent != "glossary"
        unit = _UNIT.search(query.text)
        metric = any(id(g) in _METRIC_GROUPS for g in query.terms)
        for rank, p in enumerate(passages):
            if query.intent in ("target", "plan") and _in_review(p):
                continue  # a target answered from last year's results is the worst kind of wrong
            for s, e in split_sentences(p.text):
                if _INSTRUCTION.search(p.text[s:e]):
                    continue
                cover = _covered(p.text[s:e], query)
                if p.kind == "glossary" and query.intent == "glossary" and _entry_term_in(p.text[s:e], query.text):
                    cover = max(cover, 1.0)  # the entry defines exactly the term asked about
                if cover < self.min_cover:
                    continue
                qs, qe = (s, e) if p.kind == "glossary" else _narrow(p.text, (s, e), query)
                quote = p.text[qs:qe]
                if wants_number and metric and not _NUMBER.search(quote):
                    continue
                if not _fits_intent(query, p, p.text[s:e], quote):
                    continue
                score = cover * 4 + 0.6 / (1 + rank)
                if wants_number:
                    score += 0.8 if _NUMBER.search(quote) else -1.0
                if unit and re.search(r"\d" + _UNIT_ALIASES.get(unit.group(1), re.escape(unit.group(1))), quote):
                    score += 0.8
                if wants_amount and _AMOUNT.search(quote):
                    score += 0.6
                score += self._intent_bonus(query, p, quote)
                if query.intent == "glossary" and p.kind == "glossary":
                    # the longest defined term named in the question wins: "三个一批" over "三个一"
                    score += 1.5 + 0.5 * _entry_term_in(p.text[s:e], query.text)
                if best is None or score > best.score:
                    best = _Pick(score, cover, p, (s, e), (qs, qe))
        return best

    @staticmethod
    def _intent_bonus(query: Query, p: Passage, sent: str) -> float:
        """Prefer next-year targets for target questions and reviewed results for result questions."""
        in_review = _in_review(p)
        target_cue = bool(_TARGET_CUE.search(sent))
        plan_year = p.doc_meta.get("plan_year")
        if query.years and any(str(y) in p.section for y in query.years):
            year_bonus = 0.5
        else:
            year_bonus = 0.0
        if query.intent in ("target", "plan"):
            bonus = year_bonus + (-1.5 if in_review else 0.5) + (0.6 if target_cue else 0.0)
            if not _STRONG_TARGET.search(sent) and re.search(r"同比|比上年|实现了", sent):
                bonus -= 1.5  # reads as an achieved result, not a plan
            if plan_year and str(plan_year) in p.section:
                bonus += 0.3
            if re.search(r"预期目标|主要目标", p.text):
                bonus += 0.7  # the headline list of targets, not a sub-goal of one programme
            return bonus
        if query.intent == "result":
            return year_bonus + (1.0 if in_review else -0.8) + (-0.6 if re.search(r"左右|以内|力争|预期", sent) else 0.0)
        return 0.0

    def _pick_meta(self, query: Query, passages: Sequence[Passage]) -> _Pick | None:
        """Answer who/when/which-session from the report's own header lines."""
        for p in passages:
            if p.kind != "header":
                continue
            meta = p.doc_meta
            if query.meta_field == "speaker":
                needle = meta.get("speaker")
            elif query.meta_field == "date":
                needle = _date_text(p.text, meta)
            else:
                needle = "会议" if meta.get("session") else None
            if not needle:
                return None
            i = p.text.find(needle)
            if i < 0:
                return None
            s = max(p.text.rfind("\n", 0, i) + 1, 0)
            e = p.text.find("\n", i)
            e = len(p.text) if e < 0 else e
            if e - s > 80:  # one-line reports: quote from the meeting date (or the needle) to the speaker's name
                d = _date_span(p.text)
                s = d[0] if d and d[0] <= i else i
                g = p.text.find("各位代表", i)
                e = g if 0 <= g - (i + len(needle)) <= 20 else min(e, i + len(needle))
                if query.meta_field == "date" and d:
                    e = max(e, p.text.find("会议", d[1]) + 3 if p.text.find("会议", d[1]) >= 0 else d[1])
            return _Pick(3.0, 1.0, p, (s, e), (s, e))
        return None


def _fits_intent(query: Query, p: Passage, sent: str, quote: str) -> bool:
    """Reject a target quoted as a result, a result quoted as a target, and a goal for another year."""
    plan_year = p.doc_meta.get("plan_year")
    wanted = set(query.years) or ({int(plan_year)} if plan_year and query.intent in ("target", "plan") else set())
    goal_years = {int(y) for y in re.findall(r"(?:到|至|在)(20\d{2})年", quote)}
    if wanted and goal_years and not goal_years & wanted:
        return False  # "到2026年…" answers a five-year plan, not this year's target
    if query.intent == "target" and any(id(g) in _METRIC_GROUPS for g in query.terms):
        if re.search(r"比上年|实现了|增长了|达到了", quote):
            return False
        return not re.search(r"(?<![要将])完成", quote) or bool(_STRONG_TARGET.search(quote) or re.search(r"目标|计划|预期", p.text + p.section))
    if query.intent == "result" and not _in_review(p):
        return not re.search(r"预期目标|目标是|目标为|力争|争取|左右", quote)
    return True


_ENTRY_TERM = re.compile(r"^[\W\d]*[“\"]?([^：:“”\"]{1,24}?)[”\"]?[：:]")


def _entry_term_in(entry: str, question: str) -> int:
    """Length of the term a glossary entry defines ('4.三个一：…') if the question names it, else 0."""
    m = _ENTRY_TERM.match(entry)
    term = fold(m.group(1)).strip("“”\"") if m else ""
    return len(term) if term and term in fold(question) else 0


def _in_review(p: Passage) -> bool:
    """True when the passage sits in the part of the report that reviews past results."""
    return bool(_RESULT_SECTION.search(p.section.split(" > ")[0] if p.section else ""))


_DATE_RE = re.compile(r"(?:\d{4}|[〇零○一二三四五六七八九]{4})年[\d〇零一二三四五六七八九十]{1,3}月[\d〇零一二三四五六七八九十]{1,3}日|20\d{5,6}日")


def _date_span(header: str) -> tuple[int, int] | None:
    """Where the meeting date stands in the header (2022年6月1日, 二〇一九年一月九日, or a garbled form)."""
    m = _DATE_RE.search(header)
    return (m.start(), m.end()) if m else None


def _date_text(header: str, meta: dict) -> str | None:
    """The date as the header writes it."""
    d = _date_span(header)
    return header[d[0]:d[1]] if d else None


def _narrow(text: str, sent: tuple[int, int], query: Query) -> tuple[int, int]:
    """Quote the whole sentence if short, else the clauses from the best match to the next number."""
    s, e = sent
    if e - s <= 90 or ("分别" in text[s:e] and e - s <= 240):
        return s, e  # short, or a "A、B分别增长x、y" list that only makes sense whole
    clauses = [(s + m.start(), s + m.end()) for m in _CLAUSE.finditer(text[s:e]) if m.end() > m.start()]
    best_i, best_c = 0, -1.0
    for i, (cs, ce) in enumerate(clauses):
        c = _covered(text[cs:ce], query) + (0.2 if _NUMBER.search(text[cs:ce]) else 0)
        if c > best_c:
            best_i, best_c = i, c
    j = best_i
    while j < len(clauses) - 1 and not _NUMBER.search(text[clauses[best_i][0]:clauses[j][1]]) and j - best_i < 3:
        j += 1
    qs, qe = clauses[best_i][0], clauses[j][1]
    # Keep the clause's subject: if the clause starts mid-list, back up one clause.
    if best_i > 0 and qe - qs < 20:
        qs = clauses[best_i - 1][0]
    return qs, qe


def _cite(pick: _Pick) -> Citation:
    """Build a citation from a picked sentence."""
    p = pick.passage
    qs, qe = pick.quote
    return Citation(report=p.report, region=p.region, year=p.year, section=p.section, text=p.text,
                    quote=p.text[pick.sent[0]:pick.sent[1]], score=round(pick.score, 4), doc_id=p.doc_id,
                    chunk_id=p.chunk_id, start=p.start, end=p.start + len(p.text),
                    quote_start=p.start + qs, quote_end=p.start + qe)
