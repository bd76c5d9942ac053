"""Questions across reports (filter, rank, list, count, compare), answered from the indicator rows.

Every qualifying report is listed with its value and its own citation; the answer says how many reports
were considered and which of them state no value for the metric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.ask.answering import NOT_FOUND, Answer, Citation
from rag.ask.catalogue import ReportInfo
from rag.ask.query import Query
from rag.ingest.places import tier_of_level
from rag.text import FIVE_YEAR_NAME

__all__ = ["AggregateAsk", "plan_aggregate", "answer_aggregate", "select_rows"]

_RANK = re.compile(r"从高到低|从低到高|由高到低|由低到高|从多到少|从少到多|由多到少|由少到多|排名|排序|排行|最高|最低|最快|最慢|最多|最少"
                   r"|谁[^，。？?]{0,3}(?:高|低|快|慢|大|多|少)|哪个[^，。？?]{0,3}(?:高|低|快|慢|大|多|少)")
_ASC = re.compile(r"从低到高|由低到高|从少到多|由少到多|最低|最慢|最少|(?:谁|哪个)[^，。？?]{0,3}(?:低|慢|少)")
_PER_YEAR = re.compile(r"哪几年|哪些年|哪年|各年|历年|逐年|每年|这几年|有几年|那些年")
_NUMERIC = re.compile(r"具体(?:的)?(?:数字|数值|数)|数字目标|量化|定量")
_GROWTH_ASKED = re.compile(r"增长|增速|增幅|涨幅|涨|%|百分")
_LEVEL_ASKED = re.compile(r"总量|规模|多少亿|多少万|总额是多少|达到多少")
_COUNT = re.compile(r"(?<!哪)几个(?!百分点)|多少个(?:地方|地区|省|市|县|区|报告)|有几")
_LIST = re.compile(r"哪些|哪几个|各地|各省|各市|各县|各区|分别|列出|所有|都是多少|对比|比较|各是|各自|历年|逐年")
_THRESHOLD = re.compile(r"(?P<op>超过|高于|大于|不低于|不少于|低于|小于|不高于|不超过|达到|在|是|为|定为)\s*(?P<v>\d+(?:\.\d+)?)\s*%?\s*"
                        r"(?P<post>(?:左右)?(?:以上|以下|及以上|及以下|或更高|或以上|或更低)|左右)?")
_MULTI_YEAR_ASKED = re.compile(rf"五年|{FIVE_YEAR_NAME}|年均|规划期")  # a five-year goal or average, not one year's
_ALL_TARGETS = re.compile(r"(?:主要预期目标|主要目标|预期目标|经济社会发展目标|各项指标|主要指标)[^。？?]{0,6}(?:有哪些|是什么|是啥|都是|分别|包括|哪些|多少)"
                          r"|有哪些(?:预期)?(?:目标|指标)|哪些(?:主要)?(?:预期)?(?:目标|指标)")
_TIERS = {"省": "省级", "省份": "省级", "自治区": "省级", "直辖市": "省级", "市": "地级", "县": "县级", "区": "县级"}
_TIER_ASKED = re.compile(r"各(省|市|县|区)|哪些(省份|省|市|县|区)|(省份|省)(?:的|里)")


@dataclass
class AggregateAsk:
    """What an aggregate question asks: which metric, kind and years, over which reports, and how to show them."""

    mode: str                   # filter | rank | list | count | target_vs_result | all (every target of one report)
    metric: str
    kind: str                   # target | result
    years: list[int]
    doc_ids: list[str] | None   # None: every report
    tier: str = ""
    op: str = ""                # >, >=, <, <=, = (with `qualifier`)
    threshold: float | None = None
    ascending: bool = False
    measure: str = ""           # growth | level | '' (either: a report's growth figure when it has one)
    qualifier: str = ""
    multi_year: bool = False    # the question asks about five-year goals or averages
    numeric: bool = False       # only figures count ("给了具体的数字目标"), not a qualitative target


def plan_aggregate(query: Query, reports: Sequence[ReportInfo]) -> AggregateAsk | None:
    """Recognise a question across reports; None for a single fact (one region, one year), which passages answer."""
    metrics = [g.metric for g in query.metrics if g.metric is not None and g.metric.indicator]
    if len(metrics) == 1 and query.intent == "target_vs_result" and query.years and len(query.region_docs) <= 1:
        # "郴州2022年GDP目标完成了吗": that year's target (its own report) beside its result (the next year's report).
        ids = next(iter(query.region_docs.values()), None) if query.region_docs else query.doc_ids
        many = bool(_MULTI_YEAR_ASKED.search(query.text))
        return AggregateAsk("target_vs_result", metrics[0].name, "target", list(query.value_years or query.years), ids,
                            measure=_measure_asked(query.text, None), multi_year=many)
    if not metrics and _ALL_TARGETS.search(query.text) and query.intent not in ("meta", "glossary") \
            and query.doc_ids and len(query.region_docs) <= 1 and len(query.doc_ids) <= 3:
        # "河北2021年主要预期目标有哪些": every target one report sets, each cited.
        many = bool(_MULTI_YEAR_ASKED.search(query.text))
        return AggregateAsk("all", "", "target", list(query.value_years or query.years), list(query.doc_ids), multi_year=many)
    if len(metrics) != 1 or query.intent in ("meta", "glossary", "target_vs_result", "open"):
        return None
    text = query.text
    many_regions = len(query.region_docs) > 1
    many_years = len(query.years) > 1
    cue = _RANK.search(text) or _COUNT.search(text) or _LIST.search(text) or _THRESHOLD.search(text)
    per_year = bool(_PER_YEAR.search(text)) and len(query.region_docs) == 1 and len(query.doc_ids or []) > 1  # one report: its own words
    if not (many_regions or many_years or per_year or (cue and len(query.region_docs) != 1)):
        return None
    few = len(query.region_docs) in (2, 3) or (len(query.region_docs) <= 1 and len(query.years) in (2, 3) and not per_year)
    if few and not (_RANK.search(text) or _COUNT.search(text) or _THRESHOLD.search(text)):
        return None  # "A和B…各多少", "21年和23年…各多少": a fact each, which the passages answer one by one
    th = _THRESHOLD.search(text)
    mode = ("rank" if _RANK.search(text) else "count" if _COUNT.search(text) or re.search(r"有几|(?<!哪)几年|(?<!哪)几份", text)
            else "filter" if th else "list")
    op, value, qualifier = "", None, ""
    if th:
        value = float(th.group("v"))
        word, post = th.group("op"), th.group("post") or ""
        if post == "左右" or (word in ("是", "为", "定为") and not post):
            op, qualifier = "=", post
        else:  # "5.5%左右或更高": at least 5.5
            post = post.removeprefix("左右")
            op = (">" if word in ("超过", "高于", "大于") else
                  ">=" if word in ("不低于", "不少于", "达到") or post in ("以上", "及以上", "或更高", "或以上") else
                  "<" if word in ("低于", "小于") else "<=")
    kind = "result" if query.intent == "result" else "target"
    tier_m = _TIER_ASKED.search(text)
    tier = _TIERS.get(next(g for g in tier_m.groups() if g), "") if tier_m else ""
    measure = _measure_asked(text, th)
    many = bool(_MULTI_YEAR_ASKED.search(text))
    return AggregateAsk(mode, metrics[0].name, kind, list(query.value_years or query.years),
                        query.doc_ids, tier, op, value, bool(_ASC.search(text)), measure, qualifier, many,
                        bool(_NUMERIC.search(text)))


def _measure_asked(text: str, th: re.Match[str] | None) -> str:
    """'level' when the question asks for an amount, 'growth' for a rate of growth, '' when it does not say."""
    return "level" if _LEVEL_ASKED.search(text) else "growth" if (_GROWTH_ASKED.search(text) or th) else ""


def select_rows(rows: Sequence[dict[str, Any]], ask: AggregateAsk) -> list[dict[str, Any]]:
    """The indicator rows that answer: the metric and kind, for the years asked, within the reports asked about."""
    out = []
    for r in rows:
        if (r["metric"] != ask.metric and ask.mode != "all") or (r["kind"] != ask.kind and ask.mode != "target_vs_result"):
            continue
        if ask.measure == "growth" and r["measure"] == "level" or ask.measure == "level" and r["measure"] != "level":
            continue
        if ask.years and r.get("year") not in ask.years:
            continue
        if ask.doc_ids is not None and r["doc_id"] not in ask.doc_ids:
            continue
        if "-" in str(r.get("period")) and not ask.multi_year:
            continue  # a five-year goal is no year's target unless the question asks for one
        out.append(r)
    return out


def _passes(r: dict[str, Any], ask: AggregateAsk) -> bool:
    """True when a row's value passes the question's threshold."""
    if ask.threshold is None:
        return True
    v = r.get("value")
    if v is None:
        return False
    t = ask.threshold
    if ask.op == "=":
        return v == t and (not ask.qualifier or r.get("qualifier") == ask.qualifier)
    return {">": v > t, ">=": v >= t, "<": v < t, "<=": v <= t}.get(ask.op, True)


# Units to one scale per quantity, so a ranking compares like with like (4万亿元 above 2770亿元).
_SCALE = {"万亿元": 1e4, "亿元": 1.0, "万元": 1e-4, "元": 1e-8, "亿美元": 1.0, "万美元": 1e-4, "万人": 1e4, "人": 1.0,
          "亿斤": 1.0, "万吨": 0.2, "吨": 0.00002}
# At one value 以上 ranks above an exact figure or 左右 (which rank together), 以内 below them.
_QUALIFIER_ORDER = {"以上": 2, "力争": 1.5, "": 1, "range": 1, "左右": 1, "以内": 0}


def _rank_key(r: dict[str, Any]) -> tuple[float, float]:
    """Order rows by value on a common scale; at a tie, 以上 before an exact figure before 左右 before 以内."""
    value = float(r["value"]) * _SCALE.get(str(r.get("unit") or ""), 1.0)
    return value, _QUALIFIER_ORDER.get(str(r.get("qualifier") or ""), 1)


_VERBS = "年均增长|年均增速|增长|增速|增幅|下降|降低|上涨|涨幅|提高|突破|超过|超|完成|达到|达|实现|控制在|稳定在|保持在"


def _value_text(r: dict[str, Any]) -> str:
    """The value as the report writes it: its quote from the number on (not a digit of a name like M2)."""
    quote = str(r["quote"])
    if r.get("value") is None:
        return quote
    number = f"{abs(float(r['value'])):g}"
    # From the verb before the number ("突破4万亿元", "下降3.5%", "完成21亿元"), as the report words it.
    m = re.search(rf"(?:{_VERBS})?\s*(?:力争|争取)?\s*(?:{_VERBS})?\s*{re.escape(number)}", quote) \
        or re.search(r"力争|(?<![A-Za-z])\d", quote)
    return quote[m.start():] if m else quote


def answer_aggregate(ask: AggregateAsk, rows: Sequence[dict[str, Any]], reports: Sequence[ReportInfo],
                     texts: dict[str, str], question: str) -> Answer:
    """A table answer: every qualifying report with its value and citation, how many were considered, which state none."""
    if ask.mode == "target_vs_result":
        return _target_vs_result(ask, rows, reports, texts, question)
    if ask.mode == "all":
        return _all_targets(ask, rows, reports, texts, question)
    key_year = "plan_year" if ask.kind == "target" else "review_year"
    considered = [r for r in reports if (ask.doc_ids is None or r.doc_id in ask.doc_ids)
                  and (not ask.years or getattr(r, key_year) in ask.years or r.year in ask.years)
                  and (not ask.tier or tier_of_level(r.level) == ask.tier)]
    ids = {r.doc_id for r in considered}
    chosen = [r for r in select_rows(rows, ask) if r["doc_id"] in ids]
    # One row per report and year: the first stated (its headline); a multi-year goal only if that is all there is.
    best: dict[tuple[str, Any], dict[str, Any]] = {}
    for r in chosen:
        k = (r["doc_id"], r.get("year"))
        if k not in best or _better(r, best[k]):
            best[k] = r
    stated = list(best.values())
    if ask.mode in ("list", "compare"):  # show every row a report states (a target and its 力争), not only the first
        stated = [r for r in chosen if (r["doc_id"], r.get("year")) in best and (r["measure"] == best[(r["doc_id"], r.get("year"))]["measure"])]
    qualifying = [r for r in stated if _passes(r, ask) and (r.get("value") is not None or not ask.numeric)]
    if ask.mode == "rank":  # ties keep the order the question names the regions in, then the years' order
        order = {r.doc_id: i if (i := r.named_at(question)) >= 0 else len(question) for r in considered}
        qualifying.sort(key=lambda r: (order.get(r["doc_id"], len(question)), r.get("year") or 0))
        qualifying = sorted((r for r in qualifying if r.get("value") is not None), key=_rank_key, reverse=not ask.ascending)
    else:
        qualifying.sort(key=lambda r: (r.get("year") or 0, r["region"]))
    by_id = {r.doc_id: r for r in considered}
    no_value = [by_id[d] for d in sorted(ids - {r["doc_id"] for r in stated})]
    kind_word = "目标" if ask.kind == "target" else "实际"
    years = "、".join(f"{y}年" for y in ask.years)
    cites, table, parts = [], [], []
    for r in qualifying:
        cites.append(_cite(r, texts.get(r["doc_id"], ""), by_id[r["doc_id"]].title))
        table.append({"n": len(cites), "region": r["region"], "year": r.get("year"), "value": _value_text(r),
                      "quote": r["quote"], "doc_id": r["doc_id"], "kind": r["kind"]})
        label = r["region"] + (f"（{r.get('year')}年）" if len(ask.years) != 1 else "")
        parts.append(f"{label}：{_value_text(r)}[{len(cites)}]")
    head = f"{years}{ask.metric}{kind_word}，比较了{len(considered)}份报告"
    if ask.mode == "count":
        head += f"，符合条件的有{len(qualifying)}个"
    if not considered:
        return Answer(f"资料中没有找到{years}可比较的报告。", False, [], question, "no report in scope")
    text = head + ("：" + "；".join(parts) + "。" if parts else "，没有符合条件的报告。")
    if no_value:
        named = [(r.region or r.doc_id) + (f"（{getattr(r, key_year)}年）" if len(ask.years) != 1 else "") for r in no_value]
        text += f"未写明{ask.metric}{kind_word}的：{'、'.join(named)}。"
    ans = Answer(text, bool(parts) or ask.mode == "count", cites, question, "" if parts else "no qualifying report")
    ans.table = table
    return ans


def _all_targets(ask: AggregateAsk, rows: Sequence[dict[str, Any]], reports: Sequence[ReportInfo],
                 texts: dict[str, str], question: str) -> Answer:
    """Every target a report sets, in the order it states them, each cited (a metric's first statement stands for it)."""
    by_id = {r.doc_id: r for r in reports}
    chosen = [r for r in select_rows(rows, ask) if r["doc_id"] in by_id]
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for r in chosen:
        k = (r["doc_id"], r["metric"])
        if k not in best or _better(r, best[k]):
            best[k] = r
    stated = sorted(best.values(), key=lambda r: (r["doc_id"], int(r["start"])))
    cites, table, parts = [], [], []
    for r in stated:
        info = by_id[r["doc_id"]]
        cites.append(_cite(r, texts.get(r["doc_id"], ""), info.title))
        table.append({"n": len(cites), "region": r["region"], "year": r.get("year"), "metric": r["metric"],
                      "value": f"{r['metric']}：{_value_text(r)}", "quote": r["quote"], "doc_id": r["doc_id"], "kind": r["kind"]})
        parts.append(f"{r['metric']}：{_value_text(r)}[{len(cites)}]")
    names = "、".join(f"{by_id[d].region}{by_id[d].plan_year or ''}年" for d in dict.fromkeys(ask.doc_ids or []) if d in by_id)
    if not parts:
        return Answer(f"资料中没有找到{names}报告列出的主要预期目标。", False, [], question, "no target rows")
    ans = Answer(f"{names}报告的主要预期目标（{len(parts)}项，按报告中的顺序）：" + "；".join(parts) + "。",
                 True, cites, question)
    ans.table = table
    return ans


def _better(r: dict[str, Any], than: dict[str, Any]) -> bool:
    """Which of two rows of a report stands for it: one year over a period, growth over a level, the first stated."""
    def rank(x: dict[str, Any]) -> tuple[bool, bool, bool]:  # a rate of growth before an amount added ("增加10亿元")
        return ("-" in str(x.get("period")), x["measure"] == "level", str(x.get("unit") or "%") not in ("%", "个百分点"))
    return rank(r) < rank(than)


def _cite(r: dict[str, Any], doc_text: str, title: str) -> Citation:
    """A citation for one row: the sentence around its quote, the quote marked."""
    s, e = int(r["start"]), int(r["end"])
    lo = max(doc_text.rfind("。", 0, s) + 1, doc_text.rfind("\n", 0, s) + 1, 0) if doc_text else s
    hi_candidates = [i for i in (doc_text.find("。", e), doc_text.find("\n", e)) if i >= 0] if doc_text else []
    hi = min(hi_candidates) + 1 if hi_candidates else (len(doc_text) if doc_text else e)
    passage = doc_text[lo:hi] if doc_text else r["quote"]
    return Citation(report=title or r["doc_id"], region=r["region"], year=r.get("year"), section=r.get("section", ""), text=passage,
                    quote=r["quote"], score=1.0, doc_id=r["doc_id"], start=lo, end=lo + len(passage),
                    quote_start=s, quote_end=e)



def lacks_a_side(rows: Sequence[dict[str, Any]], ask: AggregateAsk, reports: Sequence[ReportInfo]) -> bool:
    """True when a held report should state a target or result asked for but the table has no row for it."""
    held = [r for r in reports if ask.doc_ids is None or r.doc_id in ask.doc_ids]
    for y in ask.years:
        for kind, has_report in (("target", any(r.plan_year == y for r in held)), ("result", any(r.review_year == y for r in held))):
            if has_report and not any(r["kind"] == kind and r.get("year") == y for r in rows):
                return True
    return False


def _target_vs_result(ask: AggregateAsk, rows: Sequence[dict[str, Any]], reports: Sequence[ReportInfo],
                      texts: dict[str, str], question: str) -> Answer:
    """A year's target from that year's report beside its result from the next year's report, each cited.

    A multi-year goal ("十二五" GDP 年均增长7%) pairs with the five-year review of the report after its last year.
    When the next year's report is not held, the answer says so instead of guessing.
    """
    held = [r for r in reports if ask.doc_ids is None or r.doc_id in ask.doc_ids]
    by_id = {r.doc_id: r for r in held}
    cites: list[Citation] = []
    table: list[dict[str, Any]] = []
    lines: list[str] = []

    def pick(kind: str, year: int, own: set[str]) -> dict[str, Any] | None:
        found = [r for r in select_rows(rows, ask) if r["kind"] == kind and r["doc_id"] in own and r.get("year") == year
                 and ("-" in str(r.get("period"))) == ask.multi_year and r.get("qualifier") != "力争"]
        if ask.measure:
            found = [r for r in found if (r["measure"] == "level") == (ask.measure == "level")] or found
        found.sort(key=lambda r: (r["measure"] == "level", int(r["start"])))
        return found[0] if found else None

    def cite(r: dict[str, Any]) -> str:
        cites.append(_cite(r, texts.get(r["doc_id"], ""), by_id[r["doc_id"]].title))
        table.append({"n": len(cites), "region": r["region"], "year": r.get("year"), "value": _value_text(r),
                      "quote": r["quote"], "doc_id": r["doc_id"], "kind": r["kind"]})
        return f"{r['quote']}[{len(cites)}]"

    for y in ask.years:
        plan_docs = {r.doc_id for r in held if r.plan_year == y or (ask.multi_year and r.plan_year and r.plan_year <= y)}
        review_docs = {r.doc_id for r in held if r.review_year == y}
        target = pick("target", y, plan_docs)
        result = pick("result", y, review_docs)
        label = f"{y}年{ask.metric}"
        if target is None:
            lines.append(f"资料中{'没有' + str(y) + '年的报告' if not plan_docs else '该年报告未写明' + ask.metric + '目标'}。")
        else:
            lines.append(f"{label}目标：{cite(target)}。")
        if result is not None:
            lines.append(f"实际完成：{cite(result)}。")
            verdict = _verdict(target, result) if target is not None else ""
            if verdict:
                lines.append(verdict)
        elif not review_docs:
            lines.append(f"{y + 1}年的报告不在资料库中，无法核对实际完成情况。")
        else:
            lines.append(f"{y + 1}年的报告未写明{ask.metric}的实际数值。")
    text = "".join(lines)
    unreviewed = [y for y in ask.years if not any(r.review_year == y for r in held)]
    if unreviewed:  # the outcome cannot be told: refuse, and show the target that is held
        text = f"{NOT_FOUND}{'、'.join(map(str, unreviewed))}年的实际完成情况。{text}"
        return Answer(text, False, cites, question, "the report reviewing that year is not held", table=table)
    ans = Answer(text, bool(cites), cites, question, "" if cites else "no target or result stated")
    ans.table = table
    return ans


# Metrics whose target is a ceiling even when written "3%左右": prices, unemployment, the deficit.
_CEILINGS = {"居民消费价格", "城镇调查失业率", "城镇登记失业率", "赤字率"}


def _verdict(target: dict[str, Any], result: dict[str, Any]) -> str:
    """Whether a result meets its target, when both are figures of one measure and unit."""
    t, r = target.get("value"), result.get("value")
    if t is None or r is None or target["measure"] != result["measure"] or target.get("unit") != result.get("unit"):
        return ""
    q = str(target.get("qualifier") or "")
    high = target.get("value_high")
    if q == "以内" or target["metric"] in _CEILINGS:  # a price or unemployment target is a ceiling: below it is met
        return "在目标以内，完成目标。" if r <= t else "超出目标上限，未完成目标。"
    if r >= t:
        return "达到目标。" if high is None or r <= high else "超过目标。"
    if q == "左右" and t - r <= 0.3:
        return "接近目标（目标为左右）。"
    return "低于目标，未完成。"
