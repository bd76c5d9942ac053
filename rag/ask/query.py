"""Query understanding: regions, years, typed term groups and intent, against the catalogue of held reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rag.ask.catalogue import ReportInfo
from rag.ingest.places import gazetteer, is_distinctive, short_name
from rag.text import CJK_RE, FIVE_YEAR_NAME, FIVE_YEAR_PLANS, five_year_plan
from rag.vocabulary import Metric, TermGroup, vocabulary

__all__ = ["Query", "understand", "resolve_followup", "term_groups", "years_in", "names", "NOT_HELD"]

# A year: "2022年", "22年"; not a length of time ("延长30年", "近20年来", "30年以上").
_DURATION_BEFORE = ("延长", "长达", "连续", "历时", "持续", "经过", "近", "满", "超过", "未来", "过去", "再", "用了", "用")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2}|" + "".join(f"(?<!{w})" for w in _DURATION_BEFORE)
                   + r"\d{2})\s*年(?!(?<=0年)代|来(?![了过])|间|以上|之久|时间)")  # 90年代 is a decade; 2023年代(发债) is not
# A year that names a report, not a figure: "22年报告", "2023年的政府工作报告".
# "15年报告", and each year of "10年和12年报告"
NOT_HELD = "资料中没有"  # how a problem with the question's scope begins (资料中没有厦门市2022年的政府工作报告)
_REPORT_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2}|\d{2})\s*年(?=(?:\d{1,2}\s*月(?:\d{1,2}\s*[日号])?)?"
                          r"(?:\s*[和与、跟及]\s*[\u4e00-\u9fff]{0,8}?(?:20\d{2}|19\d{2}|\d{2})\s*年)*(?:的)?"
                          r"(?:那份|这份|那个|这个|那篇|这篇)?(?:总理(?:的|做的|作的)?(?=报告)|(?:国务院|全国|中央|[\u4e00-\u9fff]{1,7}?(?:省|市|县|区|旗|盟|州))(?:人民)?(?=(?:政府)?(?:工作)?报告)"
                          r"|[\u4e00-\u9fff]{2,4}(?=政府工作报告))?(?:政府)?(?:工作)?报告)")  # 2016年国务院政府工作报告, 2022年1月那份报告 name the report
_TOTAL = re.compile(r"累计|加起来|一共|总共|合计")
_PLAN_PERIOD = re.compile(rf"[“\"]?{FIVE_YEAR_NAME}[”\"]?(?:规划)?(?:时期|期间|末|以来|这五年|五年)")  # a plan's five years
# The plan itself, named in a question about its goals: "十五五", "“十三五”纲要草案", "十四五规划末".
_PLAN_ASK = re.compile(r"要[\u4e00-\u9fff]{0,4}(?:多少|几)")  # "十四五末…要受多少年教育": what the plan sets
_PLAN_NAMED = re.compile(rf"[“\"]?{FIVE_YEAR_NAME}[”\"]?(?:规划)?(?:纲要)?(?:[（(]?草案[）)]?)?(?:时期|期间|末|期末)?")
_PERIOD_SAID = re.compile(rf"五年来|过去五年|这五年|[“\"]?{FIVE_YEAR_NAME}[”\"]?(?:时期|期间|以来)")  # a period a follow-up keeps
_LAST_YEAR = re.compile(r"去年|上年|上一年")
# The base a change is measured from, not the year asked: "与2020年相比", "比2020年下降了多少", "较15年".
_BASE_YEAR = re.compile(r"(?:(?:与|同|跟)\s*(20\d{2}|19\d{2}|\d{2})\s*年(?:末|底)?\s*(?=相比|比较)"
                        r"|(?<![对相])(?:较|比)\s*(20\d{2}|19\d{2}|\d{2})\s*年(?:末|底)?(?![和与、及至到]))")
_RELATIVE_YEAR = re.compile(r"去年|今年|明年|前年|上年|上一年")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{1,20})[”\"」』]")
# A national word inside a compound is no scope: 国家级开发区, 中国式现代化, 中国特色.
_NATIONAL_COMPOUND = re.compile(r"^(?:级|式|特色|队|标准)")


@dataclass
class Lookup:
    """One thing to look up for a question: some reports, read with one intent, answered under one label."""

    label: str                       # '' for the only lookup; a region, a year, '2012年目标' …
    doc_ids: list[str] | None        # None: every report
    intent: str                      # the intent to answer it with


@dataclass
class Query:
    """A question as the pipeline understands it."""

    text: str
    search_text: str
    doc_ids: list[str] | None                # None: search all reports
    regions: list[str] = field(default_factory=list)
    region_docs: dict[str, list[str]] = field(default_factory=dict)  # region → its matching reports
    region_years: dict[str, list[int]] = field(default_factory=dict)  # "河北21年和满城22年": each region's own years
    region_terms: dict[str, list[int]] = field(default_factory=dict)  # "福建的A和江苏的B": the terms each region is asked
    unknown_regions: list[str] = field(default_factory=list)
    inside_regions: list[str] = field(default_factory=list)  # places with no report, asked of the held region around them
    topic_places: dict[str, str] = field(default_factory=dict)  # region → its name as typed inside a topic (北京火车站)
    years: list[int] = field(default_factory=list)
    value_years: list[int] = field(default_factory=list)  # the years the figure asked for is about ([] : any)
    report_years: list[int] = field(default_factory=list)  # the years named as reports ("21年和22年报告")
    intent: str = "any"                      # target | result | plan | meta | glossary | open | any
    meta_field: str = ""                     # speaker, date, session, publisher, dateline, photographer, page_date, behalf, duration, venue, or several
    terms: list[TermGroup] = field(default_factory=list)  # key terms, each a group of synonyms
    weights: list[float] = field(default_factory=list)    # how much each term matters (rarer words more)
    problem: str = ""                        # why it cannot be answered from the reports held, if known
    lookups: list[Lookup] = field(default_factory=list)  # what retrieval looks up, one passage group each
    asks_words: bool = False                 # this half of a target-versus-result asks words only (脱贫情况怎样)

    @property
    def metrics(self) -> list[TermGroup]:
        """The named metrics among the terms."""
        return [g for g in self.terms if g.kind == "metric"]

    @cached_property
    def asks_when(self) -> bool:
        """True when the question asks when ("啥时候", "哪一天"), read once per question."""
        return bool(vocabulary().cues["meta_date"].search(self.text))


_YEAR_RANGE = re.compile(r"(?<!\d)(20\d{2}|\d{2})\s*年?\s*(?:到|至|-|－|—|~|～)\s*(20\d{2}|\d{2})\s*年")


def full_year(digits: str) -> int:
    """A year as typed, in full: '22' → 2022, '2022' → 2022."""
    return int(digits) + (2000 if len(digits) == 2 else 0)


def years_in(text: str) -> list[int]:
    """Years named in text: '22年' → 2022, '2022年' → 2022, '2020到2023年' → 2020…2023."""
    out = [full_year(m.group(1)) for m in _YEAR.finditer(text)]
    for m in _YEAR_RANGE.finditer(text):
        a, b = (full_year(g) for g in m.groups())
        if 0 < b - a <= 30:
            out += range(a, b + 1)
    return sorted(set(out))


@lru_cache(maxsize=8)
def _aliases(reports: tuple[ReportInfo, ...]) -> list[tuple[str, str]]:
    """Every held report's (alias, region), longest alias first, read once per set of reports held."""
    return sorted({(a, r.region) for r in reports for a in r.aliases}, key=lambda x: -len(x[0]))


def _match_regions(text: str, reports: Sequence[ReportInfo]) -> tuple[dict[str, list[str]], list[tuple[int, int]]]:
    """Find held regions named in text; return region → doc ids and the matched spans."""
    text = _scope_part(text)
    found: dict[str, list[str]] = {}
    spans: list[tuple[int, int]] = []
    national = set(vocabulary().national)
    aliases = _aliases(tuple(reports))
    named: list[tuple[int, int, str]] = []
    for alias, region in aliases:
        for m in re.finditer(re.escape(alias), text):
            if any(s <= m.start() < e or s < m.end() <= e for s, e in spans):
                continue
            if alias in national and (_NATIONAL_COMPOUND.match(text[m.end():]) or _yardstick(text, m.start(), m.end())):
                continue
            if _is_topic(text, m.start(), m.end(), vocabulary().topic_after_place):
                continue  # 雄安新区 is no mention of 安新县, 上海自贸区 asks about a topic, not Shanghai's report
            spans.append((m.start(), m.end()))
            found.setdefault(region, [])
            named.append((m.start(), m.end(), region))
    for region in _enclosing(text, named):
        found.pop(region, None)  # "保定满城", "河北保定": the place named, not the one around it
    national_region = vocabulary().national_region
    if national_region in found and len(found) > 1 and all(
            _describes(text, s, e) for s, e, r in named if r == national_region):
        found.pop(national_region)  # "福建…入选国家数据产业集聚区": 国家 describes a programme; the place asked is 福建
        spans = [(s, e) for s, e, r in named if r != national_region]
    first = {region: min(s for s, _, r in named if r == region) for region in found}
    found = {region: [r.doc_id for r in reports if r.region == region] for region in sorted(found, key=first.__getitem__)}
    return found, spans  # in the order the question names them (answers list them so)


def _topic_places(text: str, reports: Sequence[ReportInfo]) -> dict[str, str]:
    """Held regions whose name opens a longer word or a topic (北京火车站, 北京机场): no report is named, but a sentence
    that answers is of that place, so it is read in the place's reports or must name it (region → name as typed)."""
    from rag.index.lexical import word_spans

    text = _scope_part(text)
    starts = {s for s, _ in word_spans(text)}
    national = set(vocabulary().national)
    out: dict[str, str] = {}
    for alias, region in _aliases(tuple(reports)):
        if len(alias) >= 2 and alias not in national and region not in out:
            if any(m.start() in starts for m in re.finditer(re.escape(alias), text)):
                out[region] = alias
    gaz, held = gazetteer(), "".join(out.values())
    for s in sorted(starts):  # a city or province no report is of ("北京火车站" with no 北京 report): named, or no answer
        name = next((text[s:s + n] for n in (3, 2) if text[s:s + n] in gaz), "")
        if name and name not in held and name not in national and is_distinctive(name) \
                and any(p.is_prefecture_or_above for p in gaz[name]):
            out.setdefault(name, name)
    return out


def _describes(text: str, start: int, end: int) -> bool:
    """True when the national word at [start, end) stands before a noun it describes (中央财政, 国家数据产业集聚区)."""
    return text[start:end] in vocabulary().attribute_national \
        and re.match(r"[\u4e00-\u9fff](?<![和与及跟同的])", text[end:end + 1]) is not None


_INSIDE_REPORT = re.compile(r"报告(?:里|中|上|说|提|讲|对|关于)")


def _scope_part(text: str) -> str:
    """The text with what follows "…报告里/报告说" blanked once a report is named before it: a place named
    after that ("满城23年报告里河北京车…", "10年报告说珠海…") is the topic, not another report."""
    m = _INSIDE_REPORT.search(text)
    if m is None or len(text[:m.start()].strip()) < 2:
        return text
    return text[:m.end()] + " " * (len(text) - m.end())


def _enclosing(text: str, named: Sequence[tuple[int, int, str]]) -> set[str]:
    """Regions named right before a place inside them (保定满城, 河北省保定市): they only say where it lies."""
    out = set()
    for _, e1, outer in named:
        for s2, _, inner in named:
            if inner != outer and 0 <= s2 - e1 <= 1 and text[e1:s2] in ("", "的", "市", "省") and _inside(inner, outer):
                out.add(outer)
    return out


def _inside(inner: str, outer: str) -> bool:
    """True when region inner lies within region outer."""
    if inner.startswith(outer):
        return True
    return any(outer in p.parents for p in gazetteer().get(inner, [])[:1])


def _yardstick(text: str, start: int, end: int) -> bool:
    """True when 全国 at [start, end) is what a place is measured against ("被评为全国典型"), not the report asked about."""
    return any(m.start() <= start and end <= m.end() for m in vocabulary().yardstick.finditer(text))


def _held_parents(unknown: Sequence[str], text: str, reports: Sequence[ReportInfo]) -> dict[str, list[str]]:
    """The held regions that contain places the question names but no report covers, when it asks about no figure.

    A figure of the place's own (unheld) report is refused; a topic it names may be in its province's report.
    """
    voc = vocabulary()
    asks_own = ("target_vs_result", "meta_speaker", "meta_date", "meta_session")  # its own report's figures or header
    if any(names(text, w) for m in voc.metrics for w in m.all_words()) or any(voc.cues[c].search(text) for c in asks_own):
        return {}
    places = [place for name in unknown for place in gazetteer().get(name, [])[:1]]
    parents = {p for place in places for p in place.parents}
    held = list(dict.fromkeys(r.region for r in reports if r.region in parents))  # in the reports' order, not a set's
    if not held and places:  # the State Council's report speaks of the whole country ("10年报告说珠海要开发哪个岛")
        held = list(dict.fromkeys(r.region for r in reports if r.level == voc.national_level))
    return {region: [r.doc_id for r in reports if r.region == region] for region in held}


def _short_regions(text: str, reports: Sequence[ReportInfo], found: dict[str, list[str]],
                   spans: list[tuple[int, int]]) -> list[str]:
    """Add provinces named by their one-character short name ("苏豫今年社零目标"); return those not held."""
    voc = vocabulary()
    if voc.province_short_re is None:
        return []
    unknown = []
    for m in [*voc.province_short_re.finditer(text), *_standing_short(text)]:
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        for i, ch in enumerate(m.group(1)):
            full = voc.province_short[ch]
            held = sorted({r.region for r in reports if r.region.startswith(full)})
            spans.append((m.start() + i, m.start() + i + 1))
            if not held:
                unknown.append(full)
            for region in held:
                found[region] = [r.doc_id for r in reports if r.region == region]
    return unknown


def _standing_short(text: str) -> list[re.Match[str]]:
    """Short names jieba leaves as a word of their own before a content word ("苏粮食年产量": 苏|粮食)."""
    from rag.index.lexical import word_spans

    voc = vocabulary()
    if voc.province_short_bare is None:
        return []
    spans = word_spans(text)
    out = []
    for m in voc.province_short_bare.finditer(text):
        # the word jieba made there: the short name alone, or a run of short names ("苏豫专精特新": 苏豫|专精)
        end = next((e for s, e in spans if s == m.start(1) and all(c in voc.province_short for c in text[s:e])), None)
        nxt = next((text[s:e] for s, e in spans if s == end), "")
        run = re.compile("(.+)").match(text, m.start(1), end) if end is not None else None
        if run and len(nxt) >= 2 and CJK_RE.match(nxt) and not voc.filler.fullmatch(nxt):
            out.append(run)
    return out


def _blank_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Replace the given spans by spaces, keeping offsets."""
    for s, e in spans:
        text = text[:s] + " " * (e - s) + text[e:]
    return text


def _blank(text: str, words: Sequence[str]) -> str:
    """Replace words by spaces of the same length, keeping offsets."""
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, " " * len(w))
    return text


def _unknown_regions(text: str, spans: list[tuple[int, int]], known: set[str]) -> list[str]:
    """Place names in text that no held report covers (e.g. 洛阳, 广东省)."""
    voc = vocabulary()
    text = _blank(text, [*voc.filler_words, *voc.national, *voc.not_places])
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
                if _is_topic(text, i, i + n, voc.topic_after_place):
                    continue
                spans.append((i, i + n))
                out.append(name)
    return out


def _is_topic(text: str, start: int, end: int, suffixes: Sequence[str]) -> bool:
    """True when a place name is part of a longer word (雄安新区 holds 安新) or names a topic (上海自贸区)."""
    from rag.index.lexical import word_spans

    if any(text.startswith(s, end) for s in suffixes):
        return True
    spans = word_spans(text)
    if text.startswith(("政府", "人民政府"), end) and text[start:end] not in vocabulary().national \
            and any(s == start for s, _ in spans):
        return False  # "河南省政府工作报告": jieba's 河南省政府 is the place and its government (中央政府 stays a topic)
    if short_name(text[start:end]) != text[start:end] and end in {e for _, e in spans} and _AFTER_YEAR.search(text[:start + 1]):
        return False  # "2019年满城区": jieba's 年满 takes the place's first character; a name with its level is the place
    return not _on_word_boundary(spans, start, end) and not _cut_into_next(text, spans, start, end)


def _cut_into_next(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """True when jieba cut a place's last characters into the word after it (容|城固|投 for "容城固投"): the place starts a
    word, and the word that begins inside it and runs past it is not ten times better known than the place's name
    (安|国家 in "安国家" stays 国家)."""
    from rag.index.lexical import dictionary_words

    if start not in {s for s, _ in spans}:
        return False
    words = dictionary_words()
    known = max(words.get(text[start:end], 0), 1)
    return any(start < s < end < e and words.get(text[s:e], 0) < _BETTER_KNOWN * known for s, e in spans)


_BETTER_KNOWN = 10  # how many times better jieba must know the glued word than the place's name to keep the word (国家 vs 安国)


_AFTER_YEAR = re.compile(r"(?:\d|年).$")  # the name typed right after a year ("2019年满城区", "22年满城区")


def _on_word_boundary(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) begins and ends where jieba's words do."""
    starts = {s for s, _ in spans}
    ends = {e for _, e in spans}
    return start in starts and end in ends


def _word_starts(text: str, phrase: str) -> list[int]:
    """Where the phrase is typed not ending a word with the character before it: 盖了 in 新盖了几栋楼, not in
    覆盖了多少人; 少种 not in 多少种 (jieba reads 覆盖 and 多少 there, and both are dictionary words)."""
    from rag.index.lexical import dictionary_words, word_spans

    inside = {i for s, e in word_spans(text) for i in range(s + 1, e)}
    words = dictionary_words()
    return [m.start() for m in re.finditer(re.escape(phrase), text)
            if m.start() not in inside or not words.get(text[m.start() - 1:m.start() + 1])
            or text[:m.start()].strip() in ("那", "那么")]  # "那种树多出来多少亩": a follow-up's 那, then 种树


def term_groups(text: str) -> list[TermGroup]:
    """Key term groups in the question: known metrics, quoted terms, then remaining content words."""

    voc = vocabulary()
    groups: list[TermGroup] = []
    rest = voc.filler_phrases.sub(" ", text)

    def named(metric: Metric, text: str) -> str | None:
        """The longest of the metric's words the text names (a loose one only standing alone)."""
        return next((w for w in sorted(metric.all_words(), key=len, reverse=True) if names(text, w)
                     and (w not in metric.loose or not _compound(text, w))), None)

    for metric in voc.metrics:
        hit = named(metric, rest)
        if hit is None and (joined := voc.inside_metric.sub("", rest)) != rest and (hit := named(metric, joined)):
            rest = joined  # "经济实际增长": the adverb typed inside the metric's name is read past
        if hit:
            typed_loose = hit in metric.loose and not any(names(rest, w) for w in metric.words)
            # "财政收入多少": the loose word typed on its own is the term asked, named in full where a sentence says it
            words = (*metric.words, hit) if typed_loose else metric.words
            groups.append(TermGroup(words, "metric", tuple(w for w in metric.loose if w not in words), metric))
            rest = rest.replace(hit, " ")
    for short, full in voc.abbreviations.items():
        said = short if short in rest else full if len(full) > 2 and full in rest else ""
        if said:  # either form typed names both: reports say 友城 as often as 友好城市
            groups.append(TermGroup((full, short)))
            rest = rest.replace(said, " ")
    rest = _joined_verb_object(rest)
    for said, written in sorted(voc.colloquial.items(), key=lambda kv: -len(kv[0])):  # 新开的公司 before 公司
        if said in rest and (at := _word_starts(rest, said)):
            groups.append(TermGroup(tuple(dict.fromkeys((*written, said)))))
            rest = _blank_spans(rest, [(s, s + len(said)) for s in at])
    coined = rf"[A-Za-z]+\d+(?:\.\d+)?|(?<![A-Za-z0-9])[A-Za-z](?!级)[\u4e00-\u9fff]|{voc.cues['numbered_name'].pattern}"
    for code in dict.fromkeys(re.findall(coined, rest)):  # PM2.5, 5G, C919, C位, 1118工程: a term as typed
        groups.append(TermGroup((code,)))
        rest = rest.replace(code, " ")
    growth = next((w for w in sorted(voc.growth, key=len, reverse=True) if w in rest), None)
    if growth:
        groups.append(voc.growth_group())
        rest = rest.replace(growth, " ")
    for q in _QUOTED.findall(text):
        groups.append(TermGroup((q,)))
        rest = rest.replace(q, " ")
    taken = {w for g in groups for w in (*g.words, *g.loose)}
    rest = _counted(rest)
    for tok in _content_words(_blank(rest, voc.filler_words)):
        if tok not in taken:
            asked = re.search(f"(?:{voc.cues['kind_asked'].pattern}){re.escape(tok)}", text)
            kind = "amount" if tok in voc.amount else "share" if tok in voc.share else "kind_asked" if asked else "word"
            groups.append(TermGroup((tok,), kind))
            taken.add(tok)
    thing = one_counted(text)[0]  # "多少头猪": the one character counted is the thing asked, unless a term holds it (修桥)
    if thing and not any(thing in w for w in taken) and not voc.filler.fullmatch(thing):
        groups.append(TermGroup((thing,)))
    return groups


def _joined_verb_object(text: str) -> str:
    """A verb and its object said apart around the count or 了 ("种了多少亩树", "修了几公里路", "脱了贫") said together (种树, 修路, 脱贫),
    when together they are a dictionary word: the thing done, as one term."""
    from rag.index.lexical import dictionary_words

    words = dictionary_words()

    def join(m: re.Match[str]) -> str:
        verb, obj = m.group(1), m.group(2)
        return f"{verb}{obj} {m.group(0)[1:-1]}" if words.get(verb + obj, 0) > 0 else m.group(0)

    return _split_count_re().sub(join, text)


@lru_cache(maxsize=1)
def _split_count_re() -> re.Pattern[str]:
    """A one-character verb, 了 and/or a count, and a one-character object ("种了多少亩树", "脱了贫的")."""
    return re.compile(rf"([\u4e00-\u9fff])(?:了?(?:多少|几)(?:{units_alternation()})?|了)([\u4e00-\u9fff])(?=[^\u4e00-\u9fff]|[的吗呢没]|$)")


@lru_cache(maxsize=1)
def _one_counted_re() -> re.Pattern[str]:
    """A count and its measure word before a thing of one character at the question's end ("多少头猪", "几座桥呢")."""
    return re.compile(rf"(?:多少|几)(?P<unit>{units_alternation()})(?P<thing>[\u4e00-\u9fff])(?=[^\u4e00-\u9fff]|[吗呢啊呀？?]|$)")


def one_counted(text: str) -> tuple[str, str]:
    """The one character counted after a count and its measure word, and the two as typed ("多少户厕": 厕, 户厕)."""
    m = _one_counted_re().search(text)
    if m is None or any(u.startswith(m.group("unit") + m.group("thing")) for u in vocabulary().units_asked):
        return ("", "")  # "多少人次": 次 ends the unit 人次, it is no thing counted
    return (m.group("thing"), m.group("unit") + m.group("thing"))


@lru_cache(maxsize=1)
def _counter_re() -> re.Pattern[str]:
    """多少/几 and the measure word after it ("多少座", "几个")."""
    return re.compile(rf"(?:多少|几)(?:{units_alternation()})")


def units_alternation(without: tuple[str, ...] = ()) -> str:
    """The units a question may name after 多少 (but those `without`), as one alternation, longest first."""
    return "|".join(sorted((re.escape(u) for u in vocabulary().units_asked if u not in without), key=len, reverse=True))


def _counted(text: str) -> str:
    """Blank "多少个" and the like, so jieba cannot glue the measure word to the noun after it (个省, 座户),
    unless the measure word begins a dictionary word there (多少项目 keeps its 项目)."""
    from rag.index.lexical import word_spans

    starts = {s for s, _ in word_spans(text)}

    def blank(m: re.Match[str]) -> str:
        i = m.end() - 1
        return m.group() if i in starts and text[i:i + 2] in measure_words() else " " * len(m.group())

    return _counter_re().sub(blank, text)


@lru_cache(maxsize=1)
def measure_words() -> frozenset[str]:
    """jieba's two-character dictionary words that begin with a measure word (项目, 个人, 家庭 …); rare entries that are
    only a measure word and its noun (辆车, 台车) are not among them."""
    from rag.index.lexical import dictionary_words

    units = {u for u in vocabulary().units_asked if len(u) == 1}
    return frozenset(w for w, f in dictionary_words().items() if f >= _COMMON and len(w) == 2 and w[0] in units)


_COMMON = 20  # a jieba frequency below this is a glued phrase rather than a word people use (辆车 3, 台车 9; 场馆 104)


def names(text: str, word: str) -> bool:
    """True when text names word: a Latin word (M2, CPI) only standing alone, not inside PM2.5."""
    if not word.isascii():
        return word in text
    return re.search(rf"(?<![A-Za-z0-9.]){re.escape(word)}(?![A-Za-z0-9])", text, re.I) is not None


def _compound(text: str, word: str) -> bool:
    """True when a vague metric word ends a longer noun (煤炭产量, 工业投资): that names another measure."""
    from rag.index.lexical import word_spans

    i = text.find(word)
    spans = word_spans(text[:i])
    before = [text[s:e] for s, e in spans if e == i]
    if before == ["总"]:
        return True  # 总投资, 总产量: the total of some projects, not the metric
    if before == ["的"]:  # "肉和奶的产量": the measure of a thing named before 的 (places and years are already gone),
        before = [text[s:e] for s, e in spans if e == i - 1]  # not a one-character verb's object (地里打的粮食)
    return bool(before) and len(before[0]) >= 2 and CJK_RE.match(before[0]) is not None \
        and (not vocabulary().filler.fullmatch(before[0]) or _planned_for(text[:i]))


def _planned_for(head: str) -> bool:
    """True when the words before a vague metric word are a plan's verbs after a project ("重点项目计划完成投资"): the
    amount is the projects', not the metric."""
    from rag.index.lexical import word_spans

    words = [head[s:e] for s, e in word_spans(head)]
    while words and vocabulary().filler.fullmatch(words[-1]):
        words.pop()
    return bool(words) and words[-1].endswith(vocabulary().projects)


def _content_words(text: str) -> list[str]:
    """The words left once question words go: whole jieba words only, so 上市 keeps its 上 and 提到 goes whole.

    A run of single characters jieba could not join (a name it does not know: 屠呦呦) is kept as one word.
    """
    from rag.index.lexical import dictionary_words, word_spans

    voc = vocabulary()
    filler = voc.filler
    out: list[str] = []
    run = ""
    for s, e in [*word_spans(text), (len(text), len(text))]:
        raw = text[s:e].strip().lower()
        word = raw if _common_noun(raw) else voc.filler_affixes.sub("", raw)  # 能源, 会议, 要素 keep their first character
        if len(word) == 2 and dictionary_words().get(word, 0) == 0:
            word = voc.filler_lead.sub("", voc.filler_glued.sub("", word))  # 解决|率要 and 说|前一年: the glued character belongs elsewhere
        single = len(raw) == 1 and CJK_RE.fullmatch(word) is not None and not filler.fullmatch(word)
        if single:
            run += word
            continue
        if len(run) >= 2 and not filler.fullmatch(run):
            out.append(run)
        run = ""
        if len(word) >= 2 and word not in voc.units_asked and not re.fullmatch(rf"(?:{filler.pattern})+|\d+", word):
            out.extend(_coordinated(word))
    return out


@lru_cache(maxsize=4096)
def _common_noun(word: str) -> bool:
    """True for a noun in everyday use (能源, 会议, 要素, 会展): its first or last character is no particle."""
    from rag.index.lexical import dictionary_words, word_tag

    tag = word_tag(word, "")
    return (tag.startswith("n") or tag == "vn") and dictionary_words().get(word, 0) >= _COMMON


def _coordinated(word: str) -> list[str]:
    """Two things jieba glued with their 和 ("肉和奶", "水与电"): each its own term, as reports list them (肉、奶)."""
    from rag.index.lexical import dictionary_words

    m = re.fullmatch(r"([\u4e00-\u9fff]{1,3})[和与及跟]([\u4e00-\u9fff]{1,3})", word)
    return [m.group(1), m.group(2)] if m and dictionary_words().get(word, 0) == 0 else [word]


def _about_event(tail: str) -> bool:
    """True when what follows 哪天/谁 asks about something the body states (哪天批准…退出贫困县序列, 啥时候通车), not
    about the report's own delivery (哪天作的报告, 什么时候开的会)."""
    cue = vocabulary().cues
    said = _blank(cue["meta_report_act"].sub(" ", tail), vocabulary().speaker_posts)  # "谁作的，是省长吗"
    return bool(cue["meta_event"].search(tail)) or bool(_content_words(said))


def _meta_fields(text: str, first: str) -> str:
    """The header fields asked, `first` first: "在第几届第几次会议上、于哪一天作的" asks the date and the session."""
    cue = vocabulary().cues
    also = [f for f in ("session", "speaker") if f != first and cue[f"meta_{f}"].search(text) and cue[f"meta_{f}_asked"].search(text)]
    return " ".join([first, *also])


def _intent(text: str, years: list[int], docs: Sequence[ReportInfo]) -> tuple[str, str]:
    """Classify what the question asks for."""
    cue = vocabulary().cues
    text = cue["set_phrases"].sub(" ", text)  # 人均预期寿命 asks no target
    if years and cue["target_vs_result"].search(text):
        return "target_vs_result", ""
    if cue["glossary"].search(text) and not cue["figure"].search(text) and not cue["name_asked"].search(text) \
            and not cue["attribute_asked"].search(text) and not cue["kind_of_meaning"].search(text) \
            and not cue["ordinal_asked"].search(text) and not cue["last_asked"].search(text):
        return "glossary", ""
    if cue["meta_publisher"].search(text) and cue["meta_publisher_of"].search(text):
        return "meta", "publisher"
    if cue["meta_photographer"].search(text):
        return "meta", "photographer"
    if cue["meta_dateline"].search(text):
        return "meta", "dateline"
    if cue["meta_page_date"].search(text):
        return "meta", "page_date"
    if cue["meta_behalf"].search(text):
        return "meta", "behalf"
    if cue["meta_duration"].search(text):
        return "meta", "duration"  # "讲了多长时间": no header states it (its 时间 is not the date asked)
    if cue["meta_venue"].search(text):
        return "meta", "venue"  # "在哪个会场作的": likewise
    when = cue["meta_date"].search(text)
    if when and not cue["figure_or_target"].search(text):
        owner = re.search(r"[\u4e00-\u9fff]{2}$", text[:when.start()]) if when.group() in ("时间", "日期") else None
        if not _about_event(text[when.end():]) and not (owner and _about_event(owner.group())):  # 审批时间: another thing's
            return "meta", _meta_fields(text, "date")
        if not years and not cue["result"].search(text) and not cue["target"].search(text):
            return "any", ""  # "12年报告说…啥时候实现制度全覆盖": when an event is due, told wherever the report says it
    metric = any(w in text for m in vocabulary().metrics for w in m.all_words())
    who = cue["meta_speaker"].search(text)
    if who and cue["meta_speaker_confirm"].search(text) and not metric and not _about_event(text[who.end():]):
        return "meta", _meta_fields(text, "speaker")
    if cue["meta_session"].search(text) and cue["which"].search(text) and "多少" not in text:
        return "meta", "session"
    if cue["done_share"].search(text):
        return "result", ""  # "完成年度投资计划的比例": the share of the plan done, which the review states
    if cue["target"].search(text) or (metric and cue["metric_target"].search(text)):
        return "target", ""
    if cue["result"].search(text):
        return "result", ""
    if cue["open"].search(text) and not metric:
        return "open", ""
    if cue["plan_year_words"].search(text):
        return ("plan" if cue["plan"].search(text) else "target"), ""
    if not years and cue["holding"].search(text):
        return "result", ""
    weak_result = bool(cue["weak_result"].search(text))  # "要完成" plans, "完成了" reports
    plan_item = not metric and bool(cue["plan"].search(text)) and not weak_result  # "要淘汰多少", "安排多少"
    if years and docs:
        if all(d.plan_year == years[0] for d in docs):
            return ("plan" if cue["plan"].search(text) else "target"), ""
        planned = any(d.plan_year == years[0] for d in docs)
        if any(d.review_year == years[0] for d in docs):
            # Only a later report speaks of that year: its review. Both held: a plan item said as one (要新增多少) is the
            # plan; a count with no word of the future (22年新增…多少户) is what was done, else the plan (answerer)
            return ("plan" if planned and plan_item and cue["future"].search(text) else "result"), ""
    if weak_result:
        return "result", ""
    if cue["plan"].search(_counter_re().sub(" ", text)):
        return "plan", ""  # with no year, "新发现多少处" asks a count, not a plan ("要建多少个" still plans)
    return "any", ""


def understand(text: str, reports: Sequence[ReportInfo], use_understanding: bool = True,
               idf: Callable[[str], float] | None = None) -> Query:
    """Parse a question against the held reports' metadata; `idf` weighs plain words by their rarity."""
    if not use_understanding:
        q = Query(text=text, search_text=text, doc_ids=None, terms=term_groups(text))
        q.weights = [term_weight(g, idf) for g in q.terms]
        return q
    region_docs, spans = _match_regions(text, reports)
    before = len(spans)
    unknown = _short_regions(_scope_part(text), reports, region_docs, spans)
    short_spans = spans[before:]
    unknown += _unknown_regions(_scope_part(text), list(spans), {r.region for r in reports})
    within: list[str] = []
    years = years_in(text)
    base = {full_year(m.group(1) or m.group(2)) for m in _BASE_YEAR.finditer(text)}
    years = [y for y in years if y not in base] if set(years) - base else years  # "与2020年相比…下降了多少": 2020 is a base
    of_place = [r for r in reports if any(r.doc_id in ids for ids in region_docs.values())] or reports
    horizon = {int(m.group(1)) for m in vocabulary().cues["horizon_year"].finditer(text)} - {y for r in of_place for y in (r.year, r.plan_year)}
    # "到2035年要在哪两方面走在前列", "容城到2021年…每年要涨多少": no report of the place asked is of that year; its goal is
    years = [y for y in years if y not in horizon]
    plan = five_year_plan(text)
    scope_years: list[int] = []
    period = bool(plan) and not years and _PLAN_PERIOD.search(text) is not None
    cue = vocabulary().cues
    # "豫十五五粮食综合生产能力目标", "十四五末森林覆盖率要到多少", "十三五纲要提出到2020年…": the plan's own goal, set in
    # the report of its first year; any year of the plan is the goal's year
    named_reports = {full_year(m.group(1)) for m in _REPORT_YEAR.finditer(text)}  # "16年报告"
    goal = plan is not None and set(years) - named_reports <= {plan[1]} and bool(cue["target"].search(text) or _PLAN_ASK.search(text)) \
        and not cue["target_vs_result"].search(text) and not cue["result"].search(text)
    plans = sorted({span for name, span in FIVE_YEAR_PLANS.items() if name in text})
    if goal and plan:  # "十三五时期…目标 16年报告": the report named is the scope, else the plan's first year's
        years = sorted(named_reports) or [p[0] for p in plans]  # "河南十五五和河北十四五": each plan's first year
        scope_years = list(years)
    elif not years and plan and cue["target_vs_result"].search(text):
        years = [plan[1]]  # "“十二五”目标完成了吗": the plan's goal for its last year, and the review of it
        scope_years = list(range(plan[0], plan[1] + 2))  # set in its first year's report, reviewed in the next plan's
    elif period and plan:
        # "十二五时期GDP年均增长多少": the review of the period, in the report of the year after it
        years = [plan[0]] if cue["target"].search(text) else [plan[1]]
    report_years = sorted(named_reports)
    for m in _YEAR_RANGE.finditer(text):  # "2020到2024年的报告": every year of the range names a report
        a, b = (full_year(g) for g in m.groups())
        if b in report_years:
            report_years = sorted(set(report_years) | set(range(a, b + 1)))
    value_years = [y for y in years if y not in report_years]
    if goal and plan:
        value_years = [y for p in plans for y in range(p[0], p[1] + 1)]
    if report_years and _LAST_YEAR.search(text):
        value_years = sorted({y - 1 for y in report_years} | set(value_years))
    value_years = sorted(set(value_years) | horizon)  # the goal's year, read in whichever report sets it
    if unknown and not region_docs:
        inside = _held_parents(unknown, text, reports)
        if inside:  # "泉州成了什么美食之都": no report of 泉州, but 福建's may speak of it
            region_docs, unknown, within = inside, [], unknown
    candidates = [r for r in reports if not region_docs or any(r.doc_id in d for d in region_docs.values())]
    flagged = not region_docs and any(r.flagged for r in candidates)
    candidates = [r for r in candidates if not (flagged and r.flagged)]  # a news article answers only when named
    problem = ""
    if unknown and not region_docs:
        problem = f"{NOT_HELD}{('、'.join(unknown))}的政府工作报告"
    if years:
        def held(r: ReportInfo, y: int) -> bool:
            return (r.year == y or r.plan_year == y) if y in report_years else r.covers(y)

        # "根据2012年报告，2011年…": the report named is the scope; the year asked is read inside it
        wanted = report_years or scope_years or years
        if report_years and cue["target_vs_result"].search(text):
            wanted = sorted(set(report_years) | set(value_years))  # "18年说要… 19年报告说…了没": 2018's plan too
            if not value_years:  # "2022年报告说要… 第二年报告说…": the next year's report says what became of it
                wanted = sorted(set(wanted) | {y + 1 for y in report_years})
        covered = [r for r in candidates if any(held(r, y) for y in wanted)]
        if not covered and not problem:
            where = "、".join(region_docs) if region_docs else "所收录地区"
            problem = f"{NOT_HELD}{where}{'、'.join(map(str, years))}年的政府工作报告"
        candidates = covered
        region_docs = {reg: [d for d in ids if any(d == c.doc_id for c in covered)] for reg, ids in region_docs.items()}
    if years and not region_docs:
        national = [c for c in candidates if c.level == vocabulary().national_level]
        if national and len(national) < len(candidates):
            candidates = national  # "2017年政府工作报告" with no place named: the State Council's
        elif not national and not problem and cue["bare_report"].search(text) \
                and any(r.level == vocabulary().national_level for r in reports):
            # "2019年政府工作报告GDP目标" with the State Council's reports held, but not that year's: not a county's
            problem = f"{NOT_HELD}{'、'.join(map(str, years))}年的国务院政府工作报告"
            candidates = []
    doc_ids = [c.doc_id for c in candidates] if (region_docs or years or flagged) else None
    # "15年报告" names the report, not the year a figure is for: only a value year can make it a target or a result;
    # but "2022年报告说要争创… 第二年报告说…评上了" asks that report's plan and what became of it
    own_plan = not value_years and bool(cue["target_vs_result"].search(text))
    intent, meta_field = _intent(text, value_years if report_years and not own_plan else years, candidates)
    if goal:
        intent = "target"
    elif intent in ("target", "plan") and cue["done_planning"].search(text) and not cue["strong_target"].search(text) \
            and _asked_only_reviewed(value_years if report_years else years, candidates):
        intent = "result"  # "09年中央财政就业专项资金安排了多少", with only the 2010 report: what it says was spent
    if period and plan and years == [plan[1]] and intent in ("plan", "target", "any"):
        intent = "result"  # "十二五末高铁里程多少公里": what the period reached
    if report_years and plan and plan[1] < report_years[0] and _PLAN_PERIOD.search(text) and intent in ("plan", "target", "any"):
        intent = "result"  # "2026年报告说十四五末公园多少个": the report looks back on a finished plan period
    asked = value_years if report_years else years  # "18年报告说过去五年…": 2018 names the report, not the year asked
    if intent == "result" and len(asked) == 1 and not problem and not period and candidates \
            and not any(r.review_year == asked[0] for r in candidates) and any(r.plan_year == asked[0] for r in candidates):
        # "满城2023年新增就业最后完成了多少": only 2023's own report is held, and it states the plan, not the outcome
        problem = f"{NOT_HELD}回顾{'、'.join(region_docs)}{asked[0]}年的报告（{asked[0] + 1}年的报告）；{asked[0]}年的报告只写了当年的安排和目标"
    topic_places = _topic_places(text, reports) if not region_docs and not unknown and not within else {}
    topic = _strip_places(_blank_spans(text, short_spans), reports)
    topic = _PLAN_PERIOD.sub(" ", topic) if period else topic
    topic = _PLAN_NAMED.sub(" ", topic) if goal else topic
    terms = _rejoin(term_groups(topic), topic, idf) if idf is not None else term_groups(topic)
    search = text + "".join(" " + g.head for g in terms if g.kind == "metric" and g.head not in text)
    q = Query(text=text, search_text=search, doc_ids=doc_ids, regions=list(region_docs), region_docs=region_docs,
              unknown_regions=unknown, inside_regions=within, topic_places=topic_places, years=years,
              value_years=value_years, report_years=report_years, intent=intent, meta_field=meta_field,
              terms=terms, problem=problem)
    q.weights = [term_weight(g, idf) for g in terms]
    q.region_years = _region_years(text, region_docs, reports, goal) if len(region_docs) > 1 and len(years) > 1 else {}
    q.region_terms = _region_terms(text, terms, region_docs, reports) if len(region_docs) > 1 else {}
    q.lookups = _lookups(q, candidates)
    return q


def _region_terms(text: str, terms: Sequence[TermGroup], region_docs: dict[str, list[str]],
                  reports: Sequence[ReportInfo]) -> dict[str, list[int]]:
    """Which terms each region is asked about when the question gives each its own ("福建自贸试验区的首创举措和江苏
    示范区的创新成果各有多少项": 首创举措 of 福建, 创新成果 of 江苏); {} when the regions share what is asked."""
    split = _region_parts(text, region_docs, reports)
    if not split:
        return {}
    order, parts = [r for r, _ in split], [part for _, part in split]

    def typed_in(g: TermGroup, part: str) -> bool:
        return any(w and w in part for w in (*g.words, *g.loose))

    if not all(vocabulary().cues["side_by_side"].search(part) for part in parts[:-1]):
        return {}  # a place inside the topic ("米易县哪个地方入选了四川十大冬游胜地"), not regions set side by side
    homes = [{i for i, part in enumerate(parts) if typed_in(g, part)} for g in terms]
    if any(sum(h == {i} for h in homes) < 2 for i in range(len(parts))):
        return {}  # a region with less than two terms of its own: every region is asked the same ("河南和福建…就业目标")
    return {r: [t for t, h in enumerate(homes) if not h or i in h] for i, r in enumerate(order)}


def _asked_only_reviewed(years: Sequence[int], reports: Sequence[ReportInfo]) -> bool:
    """True when the reports in scope only look back on the year asked: none of them plans it."""
    return len(years) == 1 and bool(reports) and all(r.plan_year != years[0] for r in reports) \
        and any(r.review_year == years[0] for r in reports)


def _region_years(text: str, region_docs: dict[str, list[str]], reports: Sequence[ReportInfo],
                  goal: bool = False) -> dict[str, list[int]]:
    """Each region's years when the question pairs them ("河北21年和满城区22年"; a plan's goals, "河南十五五和河北十四五":
    each plan's first year); {} when it does not."""
    def own(part: str) -> list[int]:
        plan = five_year_plan(part) if goal else None
        return [plan[0]] if plan else years_in(part)

    out = {r: own(part) for r, part in _region_parts(text, region_docs, reports)}
    return out if out and all(out.values()) else {}


def _region_parts(text: str, region_docs: dict[str, list[str]],
                  reports: Sequence[ReportInfo]) -> list[tuple[str, str]]:
    """Each region with the stretch of the question from where it is named to where the next one is ("河北21年和", "满城区22年");
    [] when a region is not named in the text."""
    where = {region: min((i for r in reports if r.region == region if (i := r.named_at(text)) >= 0), default=-1)
             for region in region_docs}
    if min(where.values()) < 0:
        return []
    order = sorted(where, key=where.__getitem__)
    bounds = [where[r] for r in order] + [len(text)]
    return [(r, text[bounds[i]:bounds[i + 1]]) for i, r in enumerate(order)]


def _lookups(q: Query, candidates: Sequence[ReportInfo]) -> list[Lookup]:
    """Decide what to look up: per region compared, per year compared, or a year's target and its result."""
    regions = list(q.region_docs.items()) if q.region_docs else [("", q.doc_ids)]
    by_id = {c.doc_id: c for c in candidates}
    compared = [y for y in q.years if y not in q.value_years] or q.years  # the reports named, when the question names them
    out: list[Lookup] = []
    for region, ids in regions:
        reports = [by_id[i] for i in (ids if ids is not None else []) if i in by_id]
        own_years = q.region_years.get(region)
        if own_years and len(own_years) == 1 and q.intent != "target_vs_result":
            y = own_years[0]  # this region's own year, not every year the question names
            out.append(Lookup(f"{region}{y}年", _own_reports(reports, y, q.intent), q.intent))
        elif q.intent == "target_vs_result" and q.years:
            # "18年说要… 19年报告说…": 2019 names the report reviewing 2018; so does "11年报告说… 12年报告里…"
            for y in q.value_years or [y for y in q.years if y - 1 not in q.years]:
                out.append(Lookup(f"{region}{y}年目标", [r.doc_id for r in reports if r.plan_year == y], "target"))
                out.append(Lookup(f"{region}{y}年实际", [r.doc_id for r in reports if r.review_year == y], "result"))
        elif len(compared) > 1 and len({r.plan_year for r in reports}) > 1:
            for y in compared:  # one region across years: each year from its own report, the one named if named
                named = [r.doc_id for r in reports if y in q.report_years and y in (r.year, r.plan_year)]
                out.append(Lookup(f"{region}{y}年", named or _own_reports(reports, y, q.intent), q.intent))
        else:
            out.append(Lookup(region if len(regions) > 1 else "", ids, q.intent))
    return out


def side_of(text: str, intent: str) -> str:
    """The half of a target-versus-result question that asks the target or the result (18年说要怎么办 | 19年报告说完成了
    多少户); the whole question when it does not turn."""
    turn = next((m for m in vocabulary().cues["result_side"].finditer(text) if m.start() >= 4), None)
    if turn is None:
        return text
    return text[:turn.start()] if intent == "target" else text[turn.start():]


def _own_reports(reports: Sequence[ReportInfo], year: int, intent: str) -> list[str]:
    """The reports that speak of a year as asked: its review for a result, its plan otherwise; else any covering it."""
    own = [r.doc_id for r in reports if (r.review_year if intent == "result" else r.plan_year) == year]
    return own or [r.doc_id for r in reports if r.covers(year)]


def _rejoin(groups: list[TermGroup], text: str, idf: Callable[[str], float]) -> list[TermGroup]:
    """Mend a word jieba cut wrong (提胖|东来 for 提|胖东来): a plain word no passage holds becomes the
    stretch of the question around it that passages do hold, if that keeps all but one of its characters."""
    unseen = _unseen(idf)
    out = list(groups)
    for g in groups:
        i = text.find(g.head)
        if g.kind != "word" or g not in out or i < 0 or not all(CJK_RE.match(c) for c in g.head) or idf(g.head) < unseen:
            continue
        j = i + len(g.head)
        lo, hi = i, j
        while lo > 0 and lo > i - 4 and CJK_RE.match(text[lo - 1]):
            lo -= 1
        while hi < len(text) and hi < j + 4 and CJK_RE.match(text[hi]):
            hi += 1
        # stretches of three or more that keep all but one of its characters and reach beyond it; longest first
        spans = [(a, b) for a in range(lo, i + 2) for b in range(max(a + 3, j - 1), hi + 1) if a < i or b > j]
        best = next(((a, b) for a, b in sorted(spans, key=lambda x: x[0] - x[1]) if idf(text[a:b]) < unseen), None)
        if best:
            a, b = best
            out = [x for x in out if x is not g and not (x.kind == "word" and (x.head in text[a:b] or _overlaps(text, x.head, a, b)))]
            out.insert(groups.index(g), TermGroup((text[a:b],)))
        elif (part := _held_part(g.head, idf, unseen)) is not None:
            out[out.index(g)] = TermGroup((part, g.head))
    return out


def _held_part(word: str, idf: Callable[[str], float], unseen: float) -> str | None:
    """The longest head or tail of two or more characters of a word no passage holds that passages do hold,
    the rarer first (影视剧 → 影视, 纪念活动 → 纪念, 保障扩 → 保障): the question's word, said as reports say it.
    Dictionary words come before stray characters (北京地铁 → 地铁, not 北京地 of 北京地区)."""
    found = [p for n in range(len(word) - 1, 1, -1) for p in (word[:n], word[-n:]) if idf(p) < unseen]
    from rag.index.lexical import dictionary_words

    words = [p for p in found if dictionary_words().get(p, 0) > 0]
    for pool in (words, found):
        if pool:
            longest = max(map(len, pool))
            return max((p for p in pool if len(p) == longest), key=idf)
    return None


def _overlaps(text: str, word: str, start: int, end: int) -> bool:
    """True when word, where text has it, shares characters with [start, end) (里河 with 河北京车)."""
    i = text.find(word)
    return i >= 0 and i < end and start < i + len(word)


def term_weight(group: TermGroup, idf: Callable[[str], float] | None = None) -> float:
    """How much a term matters: a named metric most, a growth or amount word least, other words by rarity (or length);
    a share word (比例) or the kind of thing asked (哪家单位) weighs like any word but is half met where it is not said."""
    if group.kind in ("growth", "amount"):
        return 0.5
    if group.kind == "metric":
        return 6.0
    if idf is not None:
        w = idf(group.head)
        return w * _ABSENT if w >= _unseen(idf) else w  # a word no passage holds (前后, 新开) cannot tell passages apart
    return 1.0 + 0.6 * min(len(group.head), 4)


_ABSENT = 0.3


def _unseen(idf: Callable[[str], float]) -> float:
    """The weight idf gives a word no passage contains."""
    return idf("\uffff")


def _strip_places(text: str, reports: Sequence[ReportInfo]) -> str:
    """Remove the region names the question uses as places (not 雄安新区's 安新) and years, leaving its topic."""
    _, spans = _match_regions(text, reports)
    return _YEAR.sub(" ", _blank_spans(text, spans))


def resolve_followup(text: str, history: Sequence[str], reports: Sequence[ReportInfo]) -> str:
    """Rewrite a follow-up ('那义马呢？', '那2015年呢', '它的规上工业呢？') into a standalone question using the previous one."""
    if not history:
        return text
    prev = history[-1]
    cur_regions, cur_spans = _match_regions(text, reports)
    if _short_regions(text, reports, cur_regions, cur_spans):
        return text  # "晋呢": a province of its own, with no report held
    held = {r.region for r in reports}
    unknown_spans = list(cur_spans)
    if _unknown_regions(text, unknown_spans, held):
        # it names a place of its own, even if no report of it is held; or swaps the place asked about ("那内蒙古对包头呢")
        return _swap_places(prev, text, cur_spans, unknown_spans[len(cur_spans):], reports, held) or text
    prev_regions, prev_spans = _match_regions(prev, reports)
    _short_regions(prev, reports, prev_regions, prev_spans)
    national = vocabulary().national_region
    if list(cur_regions) == [national] and national not in prev_regions and prev_regions \
            and all(_describes(_scope_part(text), s, e) for s, e in cur_spans):
        cur_regions, cur_spans = {}, []  # "那中央环保督察交办的…" after a question about 内蒙古: 中央 describes, 内蒙古 stays
    cur_terms = [g for g in term_groups(_strip_places(text, reports)) if g.kind != "growth"]
    short = len(text) <= 16 or bool(vocabulary().cues["followup"].search(text))
    if not short:
        return text
    cur_years = years_in(text)
    ordinal = vocabulary().cues["ordinal_asked"]
    lead = vocabulary().cues["followup_lead"]  # 那, 还有, 其中 …: how a follow-up opens
    if (said := ordinal.search(text)) and ordinal.search(prev) and not re.sub(r"[呢？?\s]", "", lead.sub("", ordinal.sub("", text))):
        return ordinal.sub(lambda _: said.group(), prev, count=1)  # "民生实事第9件是啥" → "那第8件呢": the other item
    if text.startswith("其中") and not cur_regions:
        return f"{prev.rstrip('？?。')}，{text}"  # narrows the previous question
    if cur_regions and not cur_terms:
        # Same question about another region: swap the region; keep the year if that region has a report of that
        # year, or (unless a target is asked) one reviewing it.
        body = prev
        for s, e in sorted(prev_spans, reverse=True):
            body = body[:s] + body[e:]
        prev_years = years_in(prev)
        reviewed = not vocabulary().cues["target"].search(prev)
        kept = not cur_years and prev_years and all(
            any(r.region in cur_regions and (y in (r.year, r.plan_year) or (reviewed and y == r.review_year)) for r in reports)
            for y in prev_years)
        body = body if kept else _YEAR.sub("", body)  # the other region's report may be of another year
        named = "".join(f"{y}年" for y in cur_years)
        return f"{''.join(cur_regions)}{named}{body}"
    period = _PLAN_PERIOD.search(text)
    if not cur_regions and not cur_years and period and _YEAR.search(prev) \
            and not term_groups(_TOTAL.sub(" ", _PLAN_PERIOD.sub(" ", text))):
        # Same question over a plan's five years ("那十三五五年加起来呢"): the period replaces the year.
        total = "累计" if _TOTAL.search(text) and "累计" not in period.group() else ""
        return _YEAR.sub(period.group() + total, prev, count=1)
    if not cur_regions and cur_years and not cur_terms:
        # Same question for another year: swap the year (or add it).
        if moved := _report_moved(prev, text, cur_years):
            return moved
        named = "".join(f"{y}年" for y in cur_years)
        if _YEAR.search(prev):
            return _YEAR.sub(named, prev, count=1)
        return f"{named}{prev}" if not prev_spans else _insert_after_regions(prev, prev_spans, named)
    if not cur_regions and prev_regions:
        prefix = "".join(prev_regions)
        ystr = _years_said(prev, text, cur_years)
        body = lead.sub("", text.strip())
        if not cur_terms:
            base = _YEAR.sub("", _strip_places(prev, reports)).strip()
            return f"{prefix}{ystr}{base}{body}"
        cue = vocabulary().cues
        # What the previous question kept implicit carries over: its relative year (去年), its period, and its ask.
        when = "" if ystr or _RELATIVE_YEAR.search(text) else "".join(_RELATIVE_YEAR.findall(prev)[:1])
        when += _period_kept(prev, text)
        tail = "" if cue["figure_or_target"].search(body) or cue["result"].search(text) else _ask_tail(prev, reports)
        if tail:  # "…就业专项资金安排了多少" → "社会保障资金呢": the same ask (安排了多少) of the new metric
            return f"{prefix}{ystr}{when}{body.rstrip('？?呢')}{tail}"
        intent_word = "目标" if cue["target"].search(prev) and not cue["result"].search(text) and "目标" not in body else ""
        ask = "多少" if "多少" in prev and "多少" not in body and not intent_word else ""
        growth = next((w for w in vocabulary().growth if w in prev), "") if ask and not any(
            w in body for w in vocabulary().growth) else ""
        if not (intent_word or ask) and (swapped := _swap_topic(prev, body.rstrip("？?呢"), reports)):
            return swapped  # "食用菌种植规模多大" → "那果园呢": the same ask of the new thing
        return f"{prefix}{ystr}{when}{body.rstrip('？?呢')}{intent_word}{growth}{ask}"
    if not cur_regions and not prev_regions and cur_terms and vocabulary().cues["followup"].search(text):
        # Only the metric changes, in a question that named no region: keep its year.
        ystr = _years_said(prev, text, cur_years)
        body = lead.sub("", text.strip()).rstrip("？?呢")
        cue = vocabulary().cues
        intent_word = "目标" if cue["target"].search(prev) and "目标" not in body else ""
        tail = "" if intent_word or cue["figure_or_target"].search(body) or cue["result"].search(text) else _ask_tail(prev, reports)
        return f"{ystr}{_period_kept(prev, text)}{body}{intent_word}{tail}"
    return text


def _swap_places(prev: str, text: str, cur_spans: Sequence[tuple[int, int]], places: Sequence[tuple[int, int]],
                 reports: Sequence[ReportInfo], held: set[str]) -> str:
    """The previous question asked of another report's place ("江苏…对徐州有啥定位" → "那内蒙古对包头呢": 内蒙古…对包头有啥
    定位): the held region named replaces the previous one, and the place no report is of the previous such place; "" unless
    the follow-up names just those two and says nothing else."""
    rest = _blank_spans(text, [*cur_spans, *places])
    if len(places) != 1 or len(cur_spans) != 1 or re.sub(r"[对在的呢？?\s]", "", vocabulary().cues["followup_lead"].sub("", rest)):
        return ""
    _, prev_spans = _match_regions(prev, reports)
    before = list(prev_spans)
    if len(_unknown_regions(prev, before, held)) != 1 or len(prev_spans) != 1:
        return ""
    swaps = [(before[-1], text[slice(*places[0])]), (prev_spans[0], text[slice(*cur_spans[0])])]
    out = prev
    for (s, e), name in sorted(swaps, reverse=True):
        out = out[:s] + name + out[e:]
    return out


def _swap_topic(prev: str, new: str, reports: Sequence[ReportInfo]) -> str:
    """The previous question asked of the follow-up's thing: the first run of words of the same kind (nouns, or
    verbs) that names a topic is replaced ("涞水十一五末食用菌种植规模多大" → "那果园呢": 果园种植规模多大;
    "这五年建成了几座过江通道" → "在建的呢"); "" when the follow-up asks its own figure or nothing fits."""
    from rag.index.lexical import word_tags

    cue = vocabulary().cues
    if cue["own_ask"].search(new) or not cue["figure"].search(prev):
        return ""
    _, spans = _match_regions(prev, reports)
    topic = _blank_spans(prev, spans)
    for rx in (_YEAR, _PERIOD_SAID, _PLAN_PERIOD):  # the years and periods stay; the topic is what else it names
        topic = rx.sub(lambda m: " " * len(m.group()), topic)
    # the new thing's kind is its head's, the last content word ("便民市场": 市场, a noun; "在建的": 在建, a verb)
    head = next((t for t in reversed(word_tags(new)) if t[2][0] not in "xuy"), None)
    kind = _word_kind(head[2]) if head else None
    if kind is None:
        return ""
    words = {w for g in term_groups(topic) if g.kind != "growth" for w in g.words}
    tags = [t for t in word_tags(topic) if topic[t[0]:t[1]].strip()]
    runs = []  # (words in the run, start, end) of each run of that kind holding a word asked
    for n, (s, e, flag) in enumerate(tags):
        if _word_kind(flag) == kind and any(w in topic[s:e] or topic[s:e] in w for w in words):
            end, size = e, 1
            for s2, e2, flag2 in tags[n + 1:]:
                if s2 != end or _word_kind(flag2) != kind:
                    break
                end, size = e2, size + 1
            runs.append((size, s, end))
    if not runs:
        return ""
    # the longest run is the thing counted (新建|几座|农村污水处理设施: jieba tags 新建 a place, a noun of one word)
    _, s, end = max(runs, key=lambda r: (r[0], -r[1]))
    return prev[:s] + new + prev[end:]


def _word_kind(flag: str) -> str | None:
    """'noun' or 'verb' for a jieba part-of-speech tag (an abbreviation such as 省运会 is a noun), else None."""
    return "noun" if flag[0] in "nj" or flag in ("vn", "l") else "verb" if flag[0] == "v" else None


_ASK_CUES = ("target", "plan", "result")  # the cues whose words say how a question asks, not what about


def _ask_tail(prev: str, reports: Sequence[ReportInfo]) -> str:
    """What the previous question asked of its last term ("安排了多少", "增长目标是多少"), when that is only question
    words: the ask a follow-up that swaps the metric repeats. A unit after 多少 stays behind (多少亩 → 多少)."""
    topic = _strip_places(prev, reports)
    cue = vocabulary().cues
    asking = [g for g in term_groups(topic) if g.kind != "growth"
              and not any(cue[k].search(g.head) for k in _ASK_CUES)]  # 安排, 新建 ask; they are no topic
    ends = [topic.rfind(w) + len(w) for g in asking for w in (*g.words, *g.loose) if w and w in topic]
    if not ends:
        return ""
    tail = _counter_re().sub("多少", topic[max(ends):]).rstrip("？?。呢吗 ")
    said = _blank(tail, [*vocabulary().filler_words, *vocabulary().growth])
    for k in _ASK_CUES:
        said = cue[k].sub(lambda m: " " * len(m.group()), said)
    if not (cue["figure"].search(tail) or cue["figure_or_target"].search(tail)) or _content_words(said):
        return ""
    return tail


def _report_moved(prev: str, text: str, cur_years: list[int]) -> str | None:
    """"14年报告说13年…" → "那18年报告呢": another report, and the years read inside it move with it (13年 → 2017年)."""
    new, old = _REPORT_YEAR.search(text), _REPORT_YEAR.search(prev)
    if not (new and old and len(cur_years) == 1) or len(years_in(prev)) < 2:
        return None
    shift = cur_years[0] - full_year(old.group(1))
    return _YEAR.sub(lambda m: f"{full_year(m.group(1)) + shift}年", prev)


def _period_kept(prev: str, text: str) -> str:
    """The period the previous question named (五年来, 十三五时期), kept by a follow-up that names none."""
    return "" if _PERIOD_SAID.search(text) else "".join(_PERIOD_SAID.findall(prev)[:1])


def _years_said(prev: str, text: str, cur_years: list[int]) -> str:
    """The years a follow-up keeps, as the previous question said them: "12年报告里去年" stays a report and its review."""
    if cur_years:
        return "".join(f"{y}年" for y in cur_years)
    report = _REPORT_YEAR.search(prev)
    if report and not _RELATIVE_YEAR.search(text):
        asked = "".join(f"{y}年" for y in years_in(prev) if y != full_year(report.group(1)))  # "12年报告 2011年…": the year read inside it
        return f"{report.group(1)}年报告里{''.join(_RELATIVE_YEAR.findall(prev)[:1])}{asked}"
    return "".join(f"{y}年" for y in years_in(prev))


def _insert_after_regions(text: str, spans: list[tuple[int, int]], insert: str) -> str:
    """Insert text right after the last region named."""
    end = max(e for _, e in spans)
    return text[:end] + insert + text[end:]

