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
from rag.ingest.places import tier_of_level
from rag.text import FIVE_YEAR_NAME, cn_to_int, five_year_plan
from rag.vocabulary import Metric, vocabulary

__all__ = ["Indicator", "extract_indicators"]

_NUM = r"\d+(?:\.\d+)?"
# Units of the headline metrics. Counts of things (家, 个, 套, 户: "外贸出口企业26家", "迈上4个万亿元台阶") never are.
_UNITS = r"个百分点|万亿元|亿元|万元|元|万人|人|万吨|吨|亿斤|万亩|万亿美元|亿美元|万美元|美元"
_VALUE = re.compile(
    rf"(?P<pre>力争|争取)?\s*(?P<verb>增长|增速|增幅|下降|降低|上涨|涨幅|提高|控制在|达到|达|完成|实现|突破|超过|超|高于|低于|不超过|为|稳定在|保持在|在)?"
    rf"(?:幅度)?\s*(?P<over>超过|超)?\s*(?P<v1>{_NUM})\s*(?P<u1>%|{_UNITS})?\s*(?:[-－—~～至到]\s*(?P<v2>{_NUM}))?\s*(?P<unit>%|{_UNITS})?\s*"
    rf"(?P<q>左右|以上|以内|以下|上下)?"
)
_QUALITATIVE = re.compile(r"[与和]经济(?:增长|发展)(?:基本|保持|协调)?同步|同步增长|保持(?:总体|基本)?稳定|稳定在合理区间|持续(?:改善|下降|提高)"
                          r"|完成(?:国家|省|市)?下达(?:的)?(?:目标)?任务|高于全国|高于全省|稳居|平稳增长"
                          # energy intensity under the five-year assessment: "在“十四五”规划期内统筹考核", "完成省定任务"
                          r"|统筹(?:衔接|考核|考虑|完成(?:(?:国家|省|市)(?:规定|下达)的?(?:目标|任务))?)|完成(?:国家|省|市)定(?:目标)?任务|(?:国家|省|市)规定目标")
_LOCAL_TARGET = re.compile(r"(?:增长|预期)?目标(?:为|是|拟定为)|预期增长|拟按|拟安排")
_TARGET_CUE = re.compile(r"主要预期目标|预期目标|主要目标|发展目标|目标(?:是|为)|经济社会发展的?目标")
_CN_PERCENT = re.compile(r"百分之([〇零一二两三四五六七八九十点]+)")
_PERIOD = re.compile(r"(?:到|至)(20\d{2})年")
_MULTI = re.compile(rf"年均|五年|累计|{FIVE_YEAR_NAME}|以来")
# Clauses end at ，；。： — except before "同比增长…", which belongs to the figure before it.
_CLAUSES = re.compile(r"(?<=[，；。：])(?!\s*(?:同比|比上年|较上年|按可比口径|可比)?(?:增长|下降))")
# Between two metrics listed together: a separator, with a few letters of wording around it ("外贸进出口总额").
_LIST_GAP = re.compile(r"[^，。；：:\d%％]{0,3}(?:[、和与及]|以及)[^，。；：:\d%％]{0,3}")
# In a national report bare 财政收入 is the national budget revenue (全国一般公共预算收入); in a local one it may be
# the total revenue (财政总收入), which is not that metric.
_NATIONAL_WORDS = {"财政收入": "一般公共预算收入", "全国财政收入": "一般公共预算收入"}
# Growth of the economy named as such: GDP growth when a figure follows ("经济增长6%左右", "年均经济增速7%左右").
_GROWTH_NAMES = ("经济增长", "经济增速")
_INTENSITY_METRIC = "单位GDP能耗"
_INTENSITY_LIST = re.compile(r"(?:单位|万元)(?:国内|地区)?(?:生产总值|GDP)[^，；。、]{1,8}、(?:[^，；。、]{1,8}、)*?能耗[、和]")
_HOUSEHOLD_INCOME = "居民人均可支配收入"
_URBAN_RURAL = {"城镇居民人均可支配收入", "农村居民人均可支配收入"}
_ASCII_WORD = re.compile(r"[A-Za-z0-9.][A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9.]")
_HEADLINE_METRICS = 3  # a review paragraph stating values for this many metrics is a headline paragraph
_SUMMARY_ITEM_CHARS = 200  # a dash item this short is a line of a summary list, not a section of its own
_RATE_METRICS = {"城镇调查失业率", "城镇登记失业率", "赤字率"}
_SHARE = re.compile(r"占|比重|之比|比例")
_SHARE_METRICS = {"研发经费投入"}
_LEVEL_VERBS = {"达到", "达", "突破", "超过", "超"}
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


def _metric_hits(clause: str, metrics: Sequence[Metric], extra: Sequence[tuple[str, Metric]] = ()) -> list[tuple[int, int, Metric]]:
    """Where headline metrics are named in a clause (the longest name wins; no overlaps).

    `extra`: words naming a metric in this report only (a national report's bare 财政收入).
    """
    found: list[tuple[int, int, Metric]] = []
    names = sorted([*((w, m) for m in metrics if m.indicator for w in (m.indicator_words or m.words)), *extra],
                   key=lambda x: -len(x[0]))
    for w, m in names:
        for hit in re.finditer(re.escape(w), clause):
            s, e = hit.span()
            if m.name == "GDP" and re.search(r"(?:单位|万元|每)(?:国内|地区)?$", clause[max(0, s - 4):s]):
                continue  # "单位国内生产总值用水量": GDP as a denominator
            if w in _GROWTH_NAMES and (re.search(r"[与和同跟随及对]$", clause[max(0, s - 1):s]) or re.match(r"的?贡献", clause[e:])
                                       or not re.match(r"[^，；。、\d]{0,6}\d", clause[e:])):
                continue  # "经济增长6%左右" is GDP growth; "与经济增长同步" is not a GDP figure
            if (w, m) in extra and re.search(r"(?:中央|地方|总|非税|税收)$", clause[max(0, s - 2):s]):
                continue  # "中央财政收入" is the centre's share, not the national budget revenue
            if _ASCII_WORD.search(clause[max(0, s - 1):s + 1] + " " + clause[e - 1:e + 1]):
                continue  # "PM2.5" is not M2: a Latin name stands clear of the Latin letters and digits around it
            if any(s < fe and fs < e for fs, fe, _ in found):
                continue
            if m.denominator_only and m.denominator_only.search(clause[max(0, s - 12):e + 8]):
                continue
            found.append((s, e, m))
    return sorted(found, key=lambda x: x[0])


def _pairs(clause: str, metrics: Sequence[Metric]) -> list[tuple[int, int, list[Metric]]]:
    """Words naming two metrics at once ("城乡居民人均可支配收入": urban and rural), with their span."""
    by_name = {m.name: m for m in metrics}
    out: list[tuple[int, int, list[Metric]]] = []
    for words, names in sorted(vocabulary().pairs.items(), key=lambda x: -len(x[0])):
        for hit in re.finditer(re.escape(words), clause):
            if not any(s < hit.end() and hit.start() < e for s, e, _ in out):
                out.append((hit.start(), hit.end(), [by_name[n] for n in names if n in by_name]))
    return out


def _groups(clause: str, metrics: Sequence[Metric], extra: Sequence[tuple[str, Metric]] = ()) -> list[tuple[int, int, list[Metric]]]:
    """The metrics a clause names, those listed together ("A、B和C", a pair word) as one group, in order."""
    paired = _pairs(clause, metrics)
    items = sorted([(s, e, [m]) for s, e, m in _metric_hits(clause, metrics, extra)
                    if not any(ps <= s < pe for ps, pe, _ in paired)] + paired, key=lambda x: x[0])
    groups: list[tuple[int, int, list[Metric]]] = []
    for s, e, ms in items:
        if groups and s == groups[-1][1] and groups[-1][2][-1:] == ms:  # "外贸" + "进出口总额": one name
            groups[-1] = (groups[-1][0], e, groups[-1][2])
        elif groups and _LIST_GAP.fullmatch(clause[groups[-1][1]:s]):
            gs, _, gms = groups[-1]
            groups[-1] = (gs, e, gms + ms)
        else:
            groups.append((s, e, ms))
    return groups


# Full-width digits, letters and number signs read as half-width ("增长１１．７％", "Ｍ２"), one character for one.
_WIDTH = str.maketrans({**{chr(c): chr(c - 0xFEE0) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))},
                        "％": "%", "．": ".", "－": "-", "＋": "+"})


def _normalise(clause: str) -> str:
    """'增长百分之八' → '增长8%', '１１．７％' → '11.7%', keeping the length so offsets still point into the report."""
    clause = clause.translate(_WIDTH)
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
    plan = five_year_plan(context)
    if plan:
        return plan[1], f"{plan[0]}-{plan[1]}"
    if re.search(r"今后五年|未来五年|五年后", context) and year:
        return year + 4, f"{year}-{year + 4}"
    return year, str(year) if year else ""


# After a metric named in a list, up to 分别: a few letters, or the rest of the list ("、二氧化碳排放量分别").
_BEFORE_EACH = re.compile(r"(?:\S{0,3}|[、和与及][^，；。\d]{1,12}?)分别")


def _place_in_list(clause: str, s: int, tail: str) -> int:
    """How many names come before the metric in a list whose figures follow 分别 ("A、B分别…" → 1 for B), else 0."""
    if not _BEFORE_EACH.match(tail):
        return 0
    head = clause[:s]
    head = head[max(head.rfind(c) for c in "，；。：") + 1:]
    return len(re.findall(r"[、和与及]", head))


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
                                                  _QUALIFIER_WORDS.get(q, q))
    if not q and (verb in ("突破", "超过", "超", "高于") or v.group("over")) and qualifier == "":
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


# Qualifier words as the table writes them: 以下 is 以内, 上下 is 左右.
_QUALIFIER_WORDS = {"以下": "以内", "上下": "左右"}


def _shared_qualifier(values: Sequence[re.Match[str]]) -> str:
    """The qualifier a list of figures shares: the last one written ("3.5%和5.5%以内" → 以内 for both)."""
    q = next((x.group("q") for x in reversed(values) if x.group("q")), "") or ""
    return _QUALIFIER_WORDS.get(q, q)


def _unit_of(v: re.Match[str]) -> str:
    """The unit a value match carries ('' when none)."""
    return v.group("unit") or v.group("u1") or ""


def _to_value(tail: str, v: re.Match[str]) -> re.Match[str]:
    """For "从2649.2亿元增长到3826.4亿元" the value reached, not the starting one."""
    if re.search(r"[从由][^，；。\d]{0,8}(?:\d{4}年的?)?\s*$", tail[:v.start()]):
        to = re.compile(rf"(?:增长|增加|提高|提升|下降|降低|减少)?(?:到|至)[^，；。]{{0,8}}?(?={_NUM})").search(tail, v.end())
        if to and to.start() - v.end() <= 12:
            nxt = next((x for x in _VALUE.finditer(tail, to.end()) if x.group("v1") and _unit_of(x)), None)
            if nxt and nxt.start() - to.end() <= 8:  # "增长到2020年的3.62万亿元"
                return nxt
    return v


def _increment(tail: str, v: re.Match[str]) -> bool:
    """An amount added, not the level reached: "增加11500元", "年均增长10亿元", "增加近1000亿元" (a growth row)."""
    if _unit_of(v) in ("%", "个百分点"):
        return False
    return bool(re.search(r"(?:增加|增收|多增|减少|净增)[近约超逾]?\s*$", tail[:v.start()]) or (v.group("verb") or "") in _GROWTH_VERBS)


def _passing(tail: str, v: re.Match[str]) -> bool:
    """A milestone passed on the way, not the metric's value ("先后跨越4000亿元、5000亿元两个大台阶")."""
    return bool(re.match(r"[^，；。]{0,12}?(?:[两三四五六七八九几]|\d+)个[^，；。\d]{0,6}(?:台阶|大关|关口)", tail[v.end():]))


def _listed_values(group: Sequence[Metric], tail: str, kind: str) -> list[tuple[Metric, re.Match[str], str]]:
    """Values given in order for metrics listed together ("A、B分别增长6%、7%以内"), each with the list's qualifier.

    The values count must fit the list (one each, or a level and a growth each); "均增长8%" gives all one value.
    """
    head = tail[:12]
    values = [x for x in _VALUE.finditer(tail) if x.group("v1") and _unit_of(x)]
    n = len(group)
    if len(values) == 1 and re.search(r"(?<!年)均|都", head):  # "均增长8%", not "年均增长"
        return [(m, values[0], "") for m in group]
    if len(values) < n or (len(values) not in (n, 2 * n) and "分别" not in head):
        return []
    out = []
    for block in range(min(2, len(values) // n)):
        chunk = values[block * n:(block + 1) * n]
        shared = _shared_qualifier(chunk)
        out += [(m, x, "" if x.group("q") else shared) for m, x in zip(group, chunk, strict=True)]
    return out


def _rows_in(text: str, start: int, end: int, kind: str, meta: Any, section: str, doc_id: str,
             seen: set[tuple[str, str, str, str]], lead: str = "") -> list[Indicator]:
    """Indicator rows in text[start:end] (one paragraph or its target part), read clause by clause.

    `lead` is the paragraph's opening up to the target cue ("“十四五”时期主要目标是"): it sets the period.
    """
    out: list[Indicator] = []
    metrics = vocabulary().metrics
    income = next((m for m in metrics if m.name == _HOUSEHOLD_INCOME), None)
    base_year = meta.get("plan_year") if kind == "target" else meta.get("review_year")
    pos = start
    extra = [(w, m) for w in _GROWTH_NAMES for m in metrics if m.name == "GDP"]
    extra += [(w, m) for w, name in (_NATIONAL_WORDS.items() if tier_of_level(str(meta.get("level") or "")) == "国家" else ())
             for m in metrics if m.name == name]

    def add(metric: Metric, qs: int, qe: int, value: float | None, high: float | None, unit: str, qualifier: str,
            measure: str, year: int | None, period: str) -> None:
        key = _seen_key(metric.name, measure, unit, kind, period, qualifier)
        if key in seen:
            return
        seen.add(key)
        quote = text[qs:qe].rstrip("，；。、 ")
        out.append(Indicator(doc_id, str(meta.get("region") or ""), str(meta.get("level") or ""), year, metric.name,
                             measure, value, high, unit, qualifier, kind, period, quote, qs, qs + len(quote), section))

    # Metrics of this sentence, one clause each, still waiting for a figure the next clause may give them:
    # (metric, quote start, the measure they have: '' none, 'level' or 'growth', the rows given, year, period).
    pending: list[tuple[Metric, int, str, list[Indicator], int | None, str]] = []
    for clause in _CLAUSES.split(text[start:end]):
        cstart, norm = pos, _normalise(clause)
        pos += len(clause)
        context = (lead + clause if kind == "target" else text[start:start + 30] + clause).translate(_WIDTH)
        year, period = _period(context if kind == "target" else norm, base_year)
        if kind == "result" and _MULTI.search(clause) and base_year:
            period = f"{base_year - 4}-{base_year}"
        # "单位国内生产总值用水量、能耗、二氧化碳排放量分别下降…": the denominator named once, for every item of the list.
        intensity = [(w, m) for m in metrics if m.name == _INTENSITY_METRIC for w in ("能耗",)] if _INTENSITY_LIST.search(norm) else []
        groups = _groups(norm, metrics, [*extra, *intensity])
        if not groups:
            if pending:
                _follow_on(norm, cstart, pending, add, out, seen, year, period)
            if re.search(r"[。；]\s*$", norm):
                pending = []
            continue
        first_new = len(out)
        for i, (s, e, group) in enumerate(groups):
            stop = groups[i + 1][0] if i + 1 < len(groups) else len(norm)
            tail = norm[e:stop]
            if len(group) > 1:
                listed = _listed_values(group, tail, kind)
                for metric, x, shared in listed:
                    value, high, unit, qualifier, measure = _row(x, metric, tail, norm[:s])
                    add(metric, cstart + s, cstart + e + x.end(), value, high, unit, shared or qualifier, measure, year, period)
                # "城乡居民人均可支配收入增长7%": one figure for urban and rural together is household income.
                if listed or not (income and {m.name for m in group} == _URBAN_RURAL):
                    continue
                group = [income]
            metric = group[0]
            nth = _place_in_list(norm, s, tail)
            # The metric's value: the first figure with a unit, next to the name or reached by a verb a little
            # further on ("连续迈上4个万亿元台阶、达14.2万亿元").
            figures = [x for x in _VALUE.finditer(tail) if x.group("v1") and _unit_of(x) and not _passing(tail, x)]
            v = figures[0] if figures else None
            if nth:  # "商品销售额、社会消费品零售额分别增长6.2%和5.8%": this metric's figure is the nth
                later = figures[nth:]
                v = later[0] if later and _BEFORE_EACH.match(tail) else None
            # "单位国内生产总值能耗和二氧化碳排放分别降低16%和17%": the first of a list whose other items are no metric.
            first_listed = bool(re.match(r"[、和与及][^，；。\d]{1,14}?(?:分别|均|都)", tail))
            has_value = bool(v and (v.start() <= 8 or (v.start() <= 16 and v.group("verb") in _LEVEL_VERBS
                                                       and not re.search(r"[，；。]", tail[:v.start()]))
                                 or ((nth or first_listed) and v.start() <= 24)))
            # "固定资产投资占全市75%", "进出口占比首次超50%", "占全县生产总值的26.8%": a share, not the metric's value
            # (except research spending, whose headline figure is its share of GDP).
            if v is not None and metric.name not in _SHARE_METRICS and (
                    _SHARE.search(tail[:v.start()]) or re.search(r"占[^，；。\d]{0,6}$", norm[:s])):
                has_value = False
            qualitative = None if has_value else _QUALITATIVE.search(tail[:24])
            if has_value and v is not None:
                v = _to_value(tail, v)
                value, high, unit, qualifier, measure = _row(v, metric, tail, norm[:s])
                if measure == "level" and _increment(tail, v):
                    measure = "growth"
                # "用水量、能耗、二氧化碳排放量分别下降23%、15%、18%": the list's verb holds for every figure.
                lv = re.match(r"[^，；。\d]{0,14}?分别(增长|提高|下降|降低)", tail)
                if (nth or first_listed) and lv and not v.group("verb") and unit == "%":
                    value, measure = (-abs(value) if lv.group(1) in ("下降", "降低") else value), "growth"
                add(metric, cstart + s, cstart + e + v.end(), value, high, unit, qualifier, measure, year, period)
                # "增长7%以上、力争8%": the stretch goal is a row of its own.
                stretch = re.match(rf"[、，]?\s*(?:力争|争取)\s*(?:达到|增长)?\s*({_NUM})\s*(%|{_UNITS})", tail[v.end():v.end() + 16])
                if stretch and kind == "target":
                    add(metric, cstart + s, cstart + e + v.end() + stretch.end(), float(stretch.group(1)), None,
                        "%" if stretch.group(2) == "％" else stretch.group(2), "力争", measure, year, period)
                # "完成189亿元，同比增长12.1%": the growth after a level is a row of its own.
                g = re.search(rf"(?:同比|比上年)?(?:增长|下降)\s*({_NUM})\s*%", tail[v.end():v.end() + 16])
                if (measure == "level" or unit not in ("%", "个百分点")) and g:
                    gv = float(g.group(1)) * (-1 if "下降" in g.group(0) else 1)
                    add(metric, cstart + s, cstart + e + v.end() + g.end(), gv, None, "%", "", "growth", year, period)
            elif qualitative and kind == "target":
                # "能耗强度在“十四五”规划期内统筹考核": a plan named inside the target itself is not its period
                qy, qp = _period(((lead + clause[:s]) if kind == "target" else clause[:s]).translate(_WIDTH), base_year)
                add(metric, cstart + s, cstart + e + qualitative.end(), None, None, "", "", "growth", qy, qp)
        new = out[first_new:]
        for s, _e, group in groups:
            given = [r for r in new if r.start == cstart + s]
            # an amount added ("增加10亿元") leaves the metric still open to a growth rate or a level
            measures = {r.measure for r in given if not (r.measure == "growth" and r.unit not in ("%", "个百分点", ""))}
            if len(group) == 1 and len(measures) <= 1 and not any(r.value is None for r in given):
                pending.append((group[0], cstart + s, next(iter(measures), ""), given, year, period))
            else:
                pending = []
        if re.search(r"[。；]\s*$", norm):
            pending = []
        for s, e, group in groups:  # "城乡居民收入与经济增长同步": one qualitative row for household income
            if len(group) > 1 and kind == "target" and _QUALITATIVE.match(norm[e:e + 24].lstrip("实际增长")):
                q = _QUALITATIVE.search(norm, e)
                if income and q:
                    add(income, cstart + s, cstart + q.end(), None, None, "", "", "growth", year, period)
    return out


_FOLLOW_GROWTH = re.compile(r"\s*(?:同比|比上年|较上年|年均)?(?:分别)?(?:实际)?(?:分别)?(?:增长|增速|下降|降低)")
_FOLLOW_LEVEL = re.compile(rf"\s*(?:\d{{4}}年)?(?:稳步|累计|总量|规模|全年)?(?:达到|达|突破|超过|完成)\s*(?={_NUM})")


def _seen_key(metric: str, measure: str, unit: str, kind: str, period: str, qualifier: str) -> tuple[str, str, str, str]:
    """One row per metric, measure, kind and period (a 力争 figure apart; an amount added apart from a growth rate)."""
    amount = measure == "growth" and unit not in ("%", "个百分点", "")
    return metric, measure + ("+amount" if amount else ""), kind, period + ("力争" if qualifier == "力争" else "")


def _follow_on(norm: str, cstart: int, pending: list[Any], add: Any, out: list[Indicator], seen: set[Any],
               year: int | None, period: str) -> None:
    """Figures in a clause naming no metric, for the metrics of the clauses before it in the sentence.

    "城镇居民人均可支配收入17175元，农村居民人均纯收入5153元，实际增长9.8%和8.5%": the growths, in order;
    "年均增长7%左右，达到110亿元" and "增加近1000亿元，稳步达到3000亿元以上": the level reached (it replaces an increment).
    """
    # The figures may follow a remark of their own ("历史性突破百亿大关，增长7.2%"): from the first piece that opens with them.
    at = next((m.start(1) for m in re.finditer(rf"(?:^|，)({_FOLLOW_GROWTH.pattern}|{_FOLLOW_LEVEL.pattern})", norm)), None)
    if at is None:
        return
    figures = [x for x in _VALUE.finditer(norm, at) if x.group("v1") and _unit_of(x)]
    if not figures:
        return
    multi = bool(_MULTI.search(norm))
    g = _FOLLOW_GROWTH.match(norm, at)
    if g and all(_unit_of(x) in ("%", "％") for x in figures) and len(figures) == len(pending) \
            and all(p[2] != "growth" for p in pending):
        shared = _shared_qualifier(figures)
        for (metric, qs, _, _, y, per), x in zip(pending, figures, strict=True):
            value, high, unit, qualifier, _ = _row(x, metric, norm, "")
            value = -abs(value) if re.search(r"下降|降低", g.group(0)) else value
            add(metric, qs, cstart + x.end(), value, high, unit, qualifier or shared, "growth",
                year if multi else y, period if multi else per)
    elif (lv := _FOLLOW_LEVEL.match(norm, at)) and len(pending) == 1 and figures[0].start() <= lv.end() \
            and _unit_of(figures[0]) not in ("%", "个百分点"):
        metric, qs, measure, given, y, per = pending[0]
        increments = [r for r in given if r.measure == "growth" and r.unit not in ("%", "个百分点")]
        if measure == "level":
            pending.clear()
            return
        for r in increments:  # the level reached is the headline, not the amount added on the way
            out.remove(r)
            seen.discard(_seen_key(r.metric, r.measure, r.unit, r.kind, r.period, r.qualifier))
        value, high, unit, qualifier, _ = _row(figures[0], metric, norm, "")
        add(metric, qs, cstart + figures[0].end(), value, high, unit, qualifier, "level", y, per)
    pending.clear()


def _review_paragraphs(text: str, chunks: Sequence[Chunk], part: str = "review") -> list[tuple[int, int, str]]:
    """The review's paragraphs in order, (start, end, section): runs of adjacent review chunks split at line breaks."""
    runs: list[list[Any]] = []
    for c in sorted((c for c in chunks if c.kind == "body" and c.part == part), key=lambda c: c.start):
        if runs and c.start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], c.end)
        else:
            runs.append([c.start, c.end, " > ".join(c.section)])
    out = []
    for start, end, section in runs:
        pos = start
        for para in text[start:end].split("\n"):
            if para.strip():
                out.append((pos, pos + len(para), section))
            pos += len(para) + 1
    return out


def _headline_paragraphs(text: str, chunks: Sequence[Chunk], meta: Any, doc_id: str) -> list[tuple[int, int, str]]:
    """The review paragraphs whose figures are its headline results.

    A review opens its account with a paragraph listing several headline metrics ("地区生产总值增长4.8%，规上工业
    增加值增长7.4%，一般公共预算收入增长6%"), and a five-year review has a summary paragraph like it; the other
    paragraphs each treat one field and give a metric in passing ("城镇新增就业2166人" among the jobs measures).
    So: the first paragraph that states values for two metrics or more, and every paragraph that states three or more.
    A text that has lost its line breaks (a whole report on one line) shows no paragraphs: all its review counts.
    """
    paragraphs = _review_paragraphs(text, chunks)
    if not any("\n" in text[s:e + 1] for s, e, _ in paragraphs):
        return paragraphs
    out = _headlines(text, paragraphs, meta, doc_id)
    if not out:  # the review part told nothing (an abstract whose review stands after the plan, under no known heading):
        out = _headlines(text, _review_paragraphs(text, chunks, ""), meta, doc_id, _HEADLINE_METRICS + 1)
    return out


def _headlines(text: str, paragraphs: list[tuple[int, int, str]], meta: Any, doc_id: str,
               least: int = _HEADLINE_METRICS) -> list[tuple[int, int, str]]:
    """Of the review's paragraphs, the headline ones: the first naming two metrics, every one naming `least`."""
    # A run of short dash items ("——经济运行保持在合理区间。国内生产总值增长6.9%…") is one summary list.
    blocks: list[list[tuple[int, int, str]]] = []
    for s, e, section in paragraphs:
        item = text[s:e].lstrip().startswith("——") and e - s <= _SUMMARY_ITEM_CHARS
        if item and blocks and blocks[-1][-1][1] - blocks[-1][-1][0] <= _SUMMARY_ITEM_CHARS \
                and text[blocks[-1][-1][0]:blocks[-1][-1][1]].lstrip().startswith("——"):
            blocks[-1].append((s, e, section))
        else:
            blocks.append([(s, e, section)])
    out: list[tuple[int, int, str]] = []
    for block in blocks:
        named = {r.metric for s, e, section in block for r in _rows_in(text, s, e, "result", meta, section, doc_id, set())}
        if len(named) >= least or (not out and len(named) >= 2 and least == _HEADLINE_METRICS):
            out += block
    return out


def extract_indicators(doc_id: str, text: str, chunks: Sequence[Chunk], meta: Any) -> list[Indicator]:
    """Every target of the report's target paragraph and every headline result of its review."""
    rows: list[Indicator] = []
    seen: set[tuple[str, str, str, str]] = set()
    for s, e, section in _headline_paragraphs(text, chunks, meta, doc_id):
        rows += _rows_in(text, s, e, "result", meta, section, doc_id, seen)
    body = [c for c in chunks if c.kind == "body"]
    for i, c in enumerate(body):
        if c.part == "review":
            continue
        section = " > ".join(c.section)
        cue = _TARGET_CUE.search(text, c.start, c.end)
        if cue is None:
            for m in _LOCAL_TARGET.finditer(text, c.start, c.end):  # a single target stated in a policy paragraph
                s0 = max(text.rfind("。", c.start, m.start()) + 1, text.rfind("\n", c.start, m.start()) + 1, c.start)
                e0 = text.find("。", m.end(), c.end)
                rows += _rows_in(text, s0, e0 + 1 if e0 >= 0 else c.end, "target", meta, section, doc_id, seen)
            continue
        # The target paragraph runs to its line break, into the next passage if it goes on there (a text without
        # line breaks has no paragraphs: its passage is all there is).
        end = min(_paragraph_end(text, cue.end()), body[i + 1].end if i + 1 < len(body) else len(text))
        end = c.end if end > c.end and text.find("\n", c.end, end) >= 0 else end
        # A list of dash items after it continues it ("明确了今后五年的主要目标任务…⏎——保持经济中高速增长…").
        while text.startswith("——", end + 1):
            end = _paragraph_end(text, end + 1)
        # The cue's own sentence sets the period ("“十四五”时期主要目标是…"); the sentence before it does not,
        # but the heading it stands under does ("二、“十四五”时期的主要目标任务").
        lead = text[max(text.rfind("\n", 0, cue.start()), text.rfind("。", 0, cue.start()), cue.start() - 40) + 1:cue.end()]
        heading = (c.section or [""])[-1]
        if f"{meta.get('plan_year')}年" in heading:  # "“十五五”时期主要目标和2026年重点工作" names both: the lead decides
            heading = ""
        # The metric may come before the cue in its clause ("广义货币M2增长目标为17%左右"): read from the clause's start.
        floor = max(c.start, cue.start() - 40)
        begin = max(floor, *(text.rfind(p, floor, cue.start()) + 1 for p in "，；。：\n"))
        rows += _rows_in(text, begin, end, "target", meta, section, doc_id, seen, heading + " " + lead)
    return rows


def _paragraph_end(text: str, pos: int) -> int:
    """Where the paragraph holding text[pos] ends (its line break, or the end of the text)."""
    end = text.find("\n", pos)
    return end if end >= 0 else len(text)
