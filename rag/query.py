"""Query understanding: regions, years, metric synonyms and intent, driven by the corpus's own metadata."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.places import gazetteer, is_distinctive

__all__ = ["ReportInfo", "Query", "understand", "resolve_followup", "SYNONYMS", "GROWTH"]

SYNONYMS_GDP = ["地区生产总值", "生产总值", "GDP", "gdp", "经济总量", "国内生产总值"]
# Words for growth: matched, but worth little on their own.
GROWTH = ["增长", "增速", "涨", "增幅", "提高", "增加"]
# Each group lists ways of naming one metric; the first is the report's usual wording.
# A "~" marks a loose synonym: it names the metric only vaguely, so it counts for less.
SYNONYMS: list[list[str]] = [
    ["人均地区生产总值", "人均生产总值", "人均GDP"],
    ["单位地区生产总值能耗", "单位生产总值能耗", "单位GDP能耗", "万元生产总值能耗", "~能耗"],
    SYNONYMS_GDP,
    ["规模以上工业增加值", "规上工业增加值", "规模工业增加值", "~工业增加值"],
    ["规模以上", "规上"],
    ["社会消费品零售总额", "社零", "社会消费品零售额", "消费品零售总额", "消费品零售额", "社消零"],
    ["固定资产投资", "固投", "~投资"],
    ["一般公共预算收入", "地方财政收入", "地方一般公共预算收入", "公共预算收入", "~财政收入"],
    ["居民消费价格", "CPI", "cpi", "消费价格", "~物价"],
    ["城镇新增就业", "新增就业", "~就业"],
    ["城镇调查失业率", "调查失业率", "~失业率"],
    ["居民人均可支配收入", "人均可支配收入", "~居民收入"],
    ["保障性租赁住房", "保租房", "保障性租赁房", "~保障性住房"],
    ["进出口总额", "进出口", "外贸", "外贸进出口"],
    ["老旧小区", "旧改"],
    ["粮食产量", "粮食总产", "~粮食", "~产量"],
    ["棚户区改造", "棚改"],
    ["高新技术企业", "高企", "~高新技术"],
    ["研发经费", "R&D", "研发投入"],
    GROWTH,
]
_TARGET = re.compile(r"目标|预期|计划|力争|打算|要达到|要实现|要完成|今年要|定了|确定|规划|预计.{0,4}(今年|明年)|控制在|要求|争取")
_RESULT = re.compile(r"完成了|实现了|达到了|增长了|涨了|多少了|去年|上年|过去|取得|成效|成绩|同比|一年来|实际|结果|回顾|五年来|已经|累计")
_PLAN = re.compile(r"要建|新建|建成|建设|改造|开工|实施|打造|多少个|多少套|多少家|多少所|多少公里|多少座|多少项|新增|培育|引进")
_META_SPEAKER = re.compile(r"谁|市长|省长|区长|县长|作报告的|做报告的|报告人|谁作|谁做")
_META_DATE = re.compile(r"哪天|哪一天|什么时候|何时|日期|几月几[号日]|几号|时间|哪年哪月")
_META_SESSION = re.compile(r"哪次会|什么会|第几次会|哪个会|会议|几届|届")
_GLOSS = re.compile(
    r"什么意思|啥意思|是什么|指什么|是啥|含义|解释|指的是|是指|怎么理解|什么是|是哪[几两三四五六七八九十]|包括哪|包含哪|指哪"
    r"|哪[几两三四五六七八九十]?[样项条种方面]"
)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|\d{2})\s*年(?!代)")
_FOLLOW = re.compile(r"^(那|那么|还有|再看|换成|换到|同样|也)|呢[？?]?$|^(它|他|她|该)")
_FILLER = re.compile(r"(那|那么|呢|吗|啊|吧|请问|一下|告诉我|的|是|多少|几|什么|怎么|哪些|报告|里|中|上|今年|去年|明年|现在|目前|"
                     r"预期|目标|计划|打算|要求|力争|完成|实现|达到|各|分别|比较|对比|谁快|谁高|多|少|和|与|及|"
                     r"全年|全市|全省|全区|要|会|将|能|了|有|达|说|提|讲|定|规定|意思|指|含义|解释|啥|实际|大概|大约|一共|总共|哪[几两三四五六七八九十]?个|包括|包含|"
                     r"[？?。，,！!（）()\s])")


@dataclass(frozen=True)
class ReportInfo:
    """What query understanding needs to know about one indexed report."""

    doc_id: str
    region: str
    aliases: tuple[str, ...]
    year: int | None
    plan_year: int | None
    review_year: int | None

    def covers(self, year: int) -> bool:
        """True if the report states targets or results for that year."""
        return year in {self.year, self.plan_year, self.review_year}


@dataclass
class Query:
    """A question as the pipeline understands it."""

    text: str
    search_text: str
    doc_ids: list[str] | None                # None: search all reports
    regions: list[str] = field(default_factory=list)
    region_docs: dict[str, list[str]] = field(default_factory=dict)  # region → its matching reports
    unknown_regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    intent: str = "any"                      # target | result | plan | meta | glossary | any
    meta_field: str = ""                     # speaker | date | session
    terms: list[list[str]] = field(default_factory=list)  # key term groups, each a list of synonyms
    weights: list[float] = field(default_factory=list)    # how much each group matters (rarer words more)
    problem: str = ""                        # why it cannot be answered from the corpus, if known


def words(group: list[str]) -> list[str]:
    """The words of a synonym group, without their looseness marks."""
    return [w.lstrip("~") for w in group]


def _years(text: str) -> list[int]:
    """Years named in text: '22年' → 2022, '2022年' → 2022."""
    out = []
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        out.append(y + 2000 if y < 100 else y)
    return sorted(set(out))


def _match_regions(text: str, reports: Sequence[ReportInfo]) -> tuple[dict[str, list[str]], list[tuple[int, int]]]:
    """Find corpus regions named in text; return region → doc ids and the matched spans."""
    found: dict[str, list[str]] = {}
    spans: list[tuple[int, int]] = []
    aliases = sorted({(a, r.region) for r in reports for a in r.aliases}, key=lambda x: -len(x[0]))
    for alias, region in aliases:
        for m in re.finditer(re.escape(alias), text):
            if any(s <= m.start() < e or s < m.end() <= e for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            found.setdefault(region, [])
    for region in found:
        found[region] = [r.doc_id for r in reports if r.region == region]
    return found, spans


def _unknown_regions(text: str, spans: list[tuple[int, int]], known: set[str]) -> list[str]:
    """Place names in text that no indexed report covers (e.g. 洛阳, 广东省)."""
    gaz = gazetteer()
    out = []
    for n in range(6, 1, -1):
        for i in range(len(text) - n + 1):
            name = text[i:i + n]
            if name in gaz and not any(s <= i < e or s < i + n <= e for s, e in spans):
                places = gaz[name]
                full = name == places[0].name
                if not full and not (any(p.is_prefecture_or_above for p in places) and is_distinctive(name)):
                    continue
                if full and not is_distinctive(name):
                    continue
                if any(p.full_name in known or p.name in known for p in places):
                    continue
                spans.append((i, i + n))
                out.append(name)
    return out


def _term_groups(text: str) -> list[list[str]]:
    """Key term groups in the question: known metric synonyms plus remaining content words."""
    from rag.lexical import tokenize_precise

    groups: list[list[str]] = []
    rest = text
    for group in SYNONYMS:
        hit = next((w for w in sorted(words(group), key=len, reverse=True) if w in rest), None)
        if hit:
            groups.append(group)
            rest = rest.replace(hit, " ")
    quoted = re.findall(r"[“\"「『]([^”\"」』]{1,20})[”\"」』]", text)
    for q in quoted:
        groups.append([q])
        rest = rest.replace(q, " ")
    rest = _FILLER.sub(" ", rest)
    for tok in tokenize_precise(rest):
        if len(tok) >= 2 and not any(tok in words(g) for g in groups) and not re.fullmatch(r"\d+", tok):
            groups.append([tok])
    return groups


def _intent(text: str, years: list[int], docs: Sequence[ReportInfo]) -> tuple[str, str]:
    """Classify what the question asks for."""
    if _GLOSS.search(text) and not re.search(r"多少|几(?!个)", text):
        return "glossary", ""
    if _META_DATE.search(text) and not re.search(r"多少|目标", text):
        return "meta", "date"
    metric = any(w in text for g in SYNONYMS if g is not GROWTH for w in words(g))
    if _META_SPEAKER.search(text) and re.search(r"谁|哪位|作报告|做报告|作的|做的|报告人|名字|叫什么", text) and not metric:
        return "meta", "speaker"
    if _META_SESSION.search(text) and re.search(r"哪|什么|第几|几", text) and not re.search(r"多少", text):
        return "meta", "session"
    if _TARGET.search(text):
        return "target", ""
    if _RESULT.search(text):
        return "result", ""
    weak_result = bool(re.search(r"完成|实现|达到", text))  # "要完成" plans, "完成了" reports
    if years and docs:
        if all(d.plan_year == years[0] for d in docs):
            return ("plan" if _PLAN.search(text) else "target"), ""
        if all(d.review_year == years[0] or (d.plan_year or 0) > years[0] for d in docs):
            return "result", ""
    if weak_result:
        return "result", ""
    if _PLAN.search(text):
        return "plan", ""
    return "any", ""


def understand(text: str, reports: Sequence[ReportInfo], use_understanding: bool = True) -> Query:
    """Parse a question against the indexed reports' metadata."""
    if not use_understanding:
        return Query(text=text, search_text=text, doc_ids=None, terms=_term_groups(text))
    region_docs, spans = _match_regions(text, reports)
    unknown = _unknown_regions(text, list(spans), {r.region for r in reports})
    years = _years(text)
    candidates = [r for r in reports if not region_docs or any(r.doc_id in d for d in region_docs.values())]
    problem = ""
    if unknown and not region_docs:
        problem = f"资料中没有{('、'.join(unknown))}的政府工作报告"
    if years:
        covered = [r for r in candidates if any(r.covers(y) for y in years)]
        if not covered and not problem:
            where = "、".join(region_docs) if region_docs else "所收录地区"
            problem = f"资料中没有{where}{'、'.join(map(str, years))}年的政府工作报告"
        candidates = covered
        region_docs = {reg: [d for d in ids if any(d == c.doc_id for c in covered)] for reg, ids in region_docs.items()}
    doc_ids = [c.doc_id for c in candidates] if (region_docs or years) else None
    intent, meta_field = _intent(text, years, candidates)
    search = text
    for group in SYNONYMS:
        if group is not GROWTH and any(w in text for w in words(group)):
            search += " " + group[0]
    return Query(text=text, search_text=search, doc_ids=doc_ids, regions=list(region_docs), region_docs=region_docs,
                 unknown_regions=unknown, years=years, intent=intent, meta_field=meta_field,
                 terms=_term_groups(_strip_places(text, reports)), problem=problem)


def _strip_places(text: str, reports: Sequence[ReportInfo]) -> str:
    """Remove region names and years, leaving what the question is about."""
    for alias in sorted({a for r in reports for a in r.aliases}, key=len, reverse=True):
        text = text.replace(alias, " ")
    return _YEAR.sub(" ", text)


def resolve_followup(text: str, history: Sequence[str], reports: Sequence[ReportInfo]) -> str:
    """Rewrite a follow-up ('那义马呢？', '它的规上工业呢？') into a standalone question using the previous one."""
    if not history:
        return text
    prev = history[-1]
    cur_regions, cur_spans = _match_regions(text, reports)
    if _unknown_regions(text, list(cur_spans), {r.region for r in reports}):
        return text  # it names a place of its own, even if the corpus lacks it
    prev_regions, prev_spans = _match_regions(prev, reports)
    cur_terms = _term_groups(_strip_places(text, reports))
    short = len(text) <= 16 or bool(_FOLLOW.search(text))
    if not short:
        return text
    if text.startswith("其中") and not cur_regions:
        return f"{prev.rstrip('？?。')}，{text}"  # narrows the previous question
    if cur_regions and not cur_terms:
        # Same question about another region: swap the region, drop the old year.
        body = prev
        for s, e in sorted(prev_spans, reverse=True):
            body = body[:s] + body[e:]
        body = _YEAR.sub("", body)
        named = "".join(f"{y}年" for y in _years(text))
        return f"{''.join(cur_regions)}{named}{body}"
    if not cur_regions and prev_regions:
        prefix = "".join(prev_regions)
        years = _years(text) or _years(prev)
        ystr = "".join(f"{y}年" for y in years)
        body = re.sub(r"^(那么?|还有|再看|它的|他的|她的|该地的?|其中)", "", text.strip())
        if not cur_terms or not any(g for g in cur_terms if g[0] not in ("增长",)):
            base = _YEAR.sub("", _strip_places(prev, reports)).strip()
            return f"{prefix}{ystr}{base}{body}"
        intent_word = "目标" if _TARGET.search(prev) and not _RESULT.search(text) and "目标" not in body else ""
        ask = "多少" if "多少" in prev and "多少" not in body and not intent_word else ""
        return f"{prefix}{ystr}{body.rstrip('？?呢')}{intent_word}{ask}"
    return text
