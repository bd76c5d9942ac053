"""Indicators: every report's targets and headline results as rows, read by deterministic rules at ingest.

A row is a metric (named through the vocabulary), a value with its unit and qualifier, whether it is a
target or a result, the year or period it is for, and the verbatim quote with its offsets. Targets come from
the report's target paragraph (主要预期目标 and its equivalents); results from its review part, the first
statement of each metric. A qualitative target ("与经济增长同步") is a row with no value, never a made-up one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rag.ingest.chunking import Chunk
from rag.text import cn_to_int
from rag.vocabulary import Metric, vocabulary

__all__ = ["Indicator", "extract_indicators"]

_NUM = r"\d+(?:\.\d+)?"
_UNITS = r"个百分点|万亿元|亿元|万元|元|万人|人|万吨|吨|亿斤|万亩|亿美元|万美元|美元|万户|万套|套|家|个"
_VALUE = re.compile(
    rf"(?P<pre>力争|争取)?\s*(?P<verb>增长|增速|增幅|下降|降低|上涨|涨幅|提高|控制在|达到|达|完成|实现|突破|超过|高于|低于|不超过|为|稳定在|保持在|在)?"
    rf"(?:幅度)?\s*(?P<v1>{_NUM})\s*(?P<u1>%|{_UNITS})?\s*(?:[-－—~～至到]\s*(?P<v2>{_NUM}))?\s*(?P<unit>%|{_UNITS})?\s*"
    rf"(?P<q>左右|以上|以内|以下|上下)?"
)
_QUALITATIVE = re.compile(r"与经济增长(?:基本)?同步|同步增长|保持(?:总体|基本)?稳定|稳定在合理区间|持续(?:改善|下降|提高)"
                          r"|完成(?:国家|省|市)?下达(?:的)?(?:目标)?任务|高于全国|高于全省|稳居|平稳增长")
_LOCAL_TARGET = re.compile(r"(?:增长|预期)?目标(?:为|是|拟定为)|预期增长|拟按|拟安排")
_TARGET_CUE = re.compile(r"主要预期目标|预期目标|主要目标|发展目标|目标(?:是|为)|经济社会发展的?目标")
_CN_PERCENT = re.compile(r"百分之([〇零一二两三四五六七八九十点]+)")
_PERIOD = re.compile(r"(?:到|至)(20\d{2})年")
_FIVE_YEAR_PLAN = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_MULTI = re.compile(r"年均|五年|累计|十[一二三四五]五|以来")
# Clauses end at ，；。： — except before "同比增长…", which belongs to the figure before it.
_CLAUSES = re.compile(r"(?<=[，；。：])(?!\s*(?:同比|比上年|较上年|按可比口径|可比)?(?:增长|下降))")
_LIST_SEP = re.compile(r"[、和与及]")
_RATE_METRICS = {"城镇调查失业率", "城镇登记失业率", "赤字率"}
_GROWTH_VERBS = {"增长", "增速", "增幅", "下降", "降低", "上涨", "涨幅", "提高"}


@dataclass
class Indicator:
    """One target or result of one report."""

    doc_id: str
    region: str
    level: str
    year: int | None          # the year the value is for (a multi-year goal: its last year)
    metric: str               # canonical name from the vocabulary
    measure: str              # growth | level | rate
    value: float | None       # None: a qualitative target
    value_high: float | None  # the top of a range
    unit: str
    qualifier: str            # 左右 | 以上 | 以内 | range | 力争 | ''
    kind: str                 # target | result
    period: str               # '2023', or '2021-2025'
    quote: str                # verbatim from the cleaned report
    start: int                # quote offsets in the cleaned report
    end: int
    section: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        return asdict(self)

    def value_text(self) -> str:
        """The value as a reader expects it: '7.5%以上', '6%－6.5%', '与经济增长同步'."""
        if self.value is None:
            return self.quote
        def num(v: float) -> str:
            return f"{v:g}"
        unit = self.unit or ""
        core = f"{num(self.value)}{unit}" if self.value_high is None else f"{num(self.value)}{unit}－{num(self.value_high)}{unit}"
        q = "" if self.qualifier in ("", "range") else self.qualifier
        return (f"力争{core}" if q == "力争" else f"{core}{q}")


def _metric_hits(clause: str, metrics: Sequence[Metric]) -> list[tuple[int, int, Metric]]:
    """Where headline metrics are named in a clause (the longest name wins; no overlaps)."""
    found: list[tuple[int, int, Metric]] = []
    names = sorted(((w, m) for m in metrics if m.indicator for w in (m.indicator_words or m.words)), key=lambda x: -len(x[0]))
    for w, m in names:
        for hit in re.finditer(re.escape(w), clause):
            s, e = hit.span()
            if any(s < fe and fs < e for fs, fe, _ in found):
                continue
            if m.denominator_only and m.denominator_only.search(clause[max(0, s - 12):e + 8]):
                continue
            found.append((s, e, m))
    return sorted(found, key=lambda x: x[0])


def _pairs(clause: str, metrics: Sequence[Metric]) -> list[tuple[int, int, list[Metric]]]:
    """Two metrics named at once whose values follow 分别 ("城乡居民收入分别增长7.6%、10.9%")."""
    by_name = {m.name: m for m in metrics}
    out = []
    for words, names in vocabulary().pairs.items():
        for hit in re.finditer(re.escape(words), clause):
            if "分别" in clause[hit.end():hit.end() + 12]:
                out.append((hit.start(), hit.end(), [by_name[n] for n in names if n in by_name]))
    return out


def _normalise(clause: str) -> str:
    """'增长百分之八' → '增长8%', keeping the length so offsets still point into the report."""
    def repl(m: re.Match[str]) -> str:
        digits = m.group(1)
        whole, _, frac = digits.partition("点")
        n = cn_to_int(whole)
        if n is None:
            return m.group(0)
        text = f"{n}" + (f".{''.join(str(cn_to_int(c) or 0) for c in frac)}" if frac else "") + "%"
        return text.ljust(len(m.group(0)), " ")
    return _CN_PERCENT.sub(repl, clause)


def _period(context: str, year: int | None) -> tuple[int | None, str]:
    """The year a value is for and its period: one year, or a multi-year span the context names.

    "到2025年" names the span; then the report's own year named ("2026年…主要预期目标") makes it one year even
    in a "十五五开局之年" sentence; then a five-year plan's name or "今后五年" makes it the plan's span.
    """
    m = _PERIOD.search(context)
    if m and year and int(m.group(1)) > year:
        return int(m.group(1)), f"{year}-{m.group(1)}"
    if year and f"{year}年" in context:
        return year, str(year)
    for name, (a, b) in _FIVE_YEAR_PLAN.items():
        if name in context:
            return b, f"{a}-{b}"
    if re.search(r"今后五年|未来五年|五年后", context) and year:
        return year + 4, f"{year}-{year + 4}"
    return year, str(year) if year else ""


def _position_in_list(clause: str, s: int, e: int) -> int | None:
    """The metric's place in a list of names before 分别 ("A、B分别…"), or None when no such list holds it."""
    k = clause.find("分别", e)
    if k < 0 or k - e > 6 or "，" in clause[e:k]:
        return None
    head = clause[:k]
    names = _LIST_SEP.split(head[max(head.rfind("，"), head.rfind("："), -1) + 1:])
    if len(names) < 2:
        return None
    offset = max(head.rfind("，"), head.rfind("："), -1) + 1
    for i, name in enumerate(names):
        if offset <= s < offset + len(name) + 1:
            return i
        offset += len(name) + 1
    return None


def _row(v: re.Match[str], metric: Metric, tail: str, before: str) -> tuple[float, float | None, str, str, str]:
    """(value, high, unit, qualifier, measure) of a value matched after a metric."""
    unit = v.group("unit") or v.group("u1") or ""
    unit = "%" if unit == "％" else unit
    verb = v.group("verb") or ""
    value = float(v.group("v1"))
    if verb in ("下降", "降低"):
        value = -value
    high = float(v.group("v2")) if v.group("v2") else None
    q = v.group("q") or ""
    qualifier = "range" if high is not None else ("力争" if v.group("pre") or before.endswith(("力争", "争取")) else
                                                  {"以下": "以内", "上下": "左右"}.get(q, q))
    if not q and verb in ("突破", "超过", "高于") and qualifier == "":
        qualifier = "以上"
    if not q and verb in ("低于", "不超过", "控制在") and qualifier == "" and unit == "%":
        qualifier = "以内"
    if metric.name in _RATE_METRICS or "强度" in tail[:6]:
        measure = "rate"
    elif unit in ("%", "个百分点") and (verb in _GROWTH_VERBS or metric.name == "居民消费价格"):
        measure = "growth"
    else:
        measure = "rate" if unit == "%" else "level"
    return value, high, unit, qualifier, measure


def _rows_in(text: str, start: int, end: int, kind: str, meta: Any, section: str, doc_id: str,
             seen: set[tuple[str, str, str, str]], lead: str = "") -> list[Indicator]:
    """Indicator rows in text[start:end] (one paragraph or its target part), read clause by clause.

    `lead` is the paragraph's opening up to the target cue ("“十四五”时期主要目标是"): it sets the period.
    """
    out: list[Indicator] = []
    metrics = vocabulary().metrics
    base_year = meta.get("plan_year") if kind == "target" else meta.get("review_year")
    pos = start

    def add(metric: Metric, qs: int, qe: int, value: float | None, high: float | None, unit: str, qualifier: str,
            measure: str, year: int | None, period: str) -> None:
        key = (metric.name, measure, kind, period + ("力争" if qualifier == "力争" else ""))
        if key in seen:
            return
        seen.add(key)
        quote = text[qs:qe].rstrip("，；。、 ")
        out.append(Indicator(doc_id, str(meta.get("region") or ""), str(meta.get("level") or ""), year, metric.name,
                             measure, value, high, unit, qualifier, kind, period, quote, qs, qs + len(quote), section))

    for clause in _CLAUSES.split(text[start:end]):
        cstart, norm = pos, _normalise(clause)
        pos += len(clause)
        context = lead + clause if kind == "target" else text[start:start + 30] + clause
        year, period = _period(context if kind == "target" else clause, base_year)
        if kind == "result" and _MULTI.search(clause) and base_year:
            period = f"{base_year - 4}-{base_year}"
        for s, e, pair in _pairs(norm, metrics):
            values = [x for x in _VALUE.finditer(norm, e) if x.group("v1") and (x.group("unit") or x.group("u1"))]
            for metric, x in zip(pair, values, strict=False):
                value, high, unit, qualifier, measure = _row(x, metric, norm[e:], norm[:s])
                add(metric, cstart + s, cstart + x.end(), value, high, unit, qualifier, measure, year, period)
        paired = _pairs(norm, metrics)
        hits = [h for h in _metric_hits(norm, metrics) if not any(ps <= h[0] < pe for ps, pe, _ in paired)]
        for i, (s, e, metric) in enumerate(hits):
            stop = hits[i + 1][0] if i + 1 < len(hits) else len(norm)
            tail = norm[e:stop]
            v = _VALUE.search(tail)
            nth = _position_in_list(norm, s, e)
            if nth is not None:  # "商品销售额、社会消费品零售额分别增长6.2%和5.8%": the nth value after 分别
                both = [x for x in _VALUE.finditer(norm, norm.find("分别", e)) if x.group("v1") and (x.group("unit") or x.group("u1"))]
                if nth < len(both):
                    value, high, unit, qualifier, measure = _row(both[nth], metric, tail, norm[:s])
                    add(metric, cstart + s, cstart + both[nth].end(), value, high, unit, qualifier, measure, year, period)
                continue
            has_value = bool(v and v.group("v1") and (v.group("unit") or v.group("u1")) and v.start() <= 8)
            qualitative = None if has_value else _QUALITATIVE.search(tail[:24])
            if has_value and v is not None:
                value, high, unit, qualifier, measure = _row(v, metric, tail, norm[:s])
                add(metric, cstart + s, cstart + e + v.end(), value, high, unit, qualifier, measure, year, period)
                # "增长7%以上、力争8%": the stretch goal is a row of its own.
                stretch = re.match(rf"[、，]?\s*(?:力争|争取)\s*(?:达到|增长)?\s*({_NUM})\s*(%|{_UNITS})", tail[v.end():v.end() + 16])
                if stretch and kind == "target":
                    add(metric, cstart + s, cstart + e + v.end() + stretch.end(), float(stretch.group(1)), None,
                        "%" if stretch.group(2) == "％" else stretch.group(2), "力争", measure, year, period)
                # "完成189亿元，同比增长12.1%": the growth after a level is a row of its own.
                g = re.search(rf"(?:同比|比上年)?(?:增长|下降)\s*({_NUM})\s*%", tail[v.end():v.end() + 16])
                if measure == "level" and g:
                    gv = float(g.group(1)) * (-1 if "下降" in g.group(0) else 1)
                    add(metric, cstart + s, cstart + e + v.end() + g.end(), gv, None, "%", "", "growth", year, period)
            elif qualitative and kind == "target":
                add(metric, cstart + s, cstart + e + qualitative.end(), None, None, "", "", "growth", year, period)
    return out


def extract_indicators(doc_id: str, text: str, chunks: Sequence[Chunk], meta: Any) -> list[Indicator]:
    """Every target of the report's target paragraph and every headline result of its review."""
    rows: list[Indicator] = []
    seen: set[tuple[str, str, str, str]] = set()
    for c in chunks:
        if c.kind != "body":
            continue
        section = " > ".join(c.section)
        if c.part == "review":
            rows += _rows_in(text, c.start, c.end, "result", meta, section, doc_id, seen)
            continue
        cue = _TARGET_CUE.search(text, c.start, c.end)
        if cue is None:
            for m in _LOCAL_TARGET.finditer(text, c.start, c.end):  # a single target stated in a policy paragraph
                s0 = max(text.rfind("。", c.start, m.start()) + 1, text.rfind("\n", c.start, m.start()) + 1, c.start)
                e0 = text.find("。", m.end(), c.end)
                rows += _rows_in(text, s0, e0 + 1 if e0 >= 0 else c.end, "target", meta, section, doc_id, seen)
            continue
        line_end = text.find("\n", cue.end())
        end = min(c.end, line_end if line_end >= 0 else len(text))
        lead = text[max(text.rfind("\n", 0, cue.start()) + 1, cue.start() - 40):cue.end()]
        rows += _rows_in(text, cue.end(), end, "target", meta, section, doc_id, seen, lead)
    return rows
