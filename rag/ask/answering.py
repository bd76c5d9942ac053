"""The answerer seam and the default extractive answerer: quote the sentence that states the fact, or refuse."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

from rag.ask.catalogue import Holding
from rag.ask.features import (
    NAMED_YEAR,
    NUMBER,
    PERCENT,
    STRONG_TARGET,
    Candidate,
    asks_period,
    asks_wording,
    counts_the_thing,
    figure_asked,
    in_review,
    in_unit,
    ordinal_asked,
    score,
    unit_asked,
    wants_number,
)
from rag.ask.query import Query, names, one_counted, side_of, term_weight, units_alternation
from rag.ask.retrieval import Passage, PassageGroup
from rag.index.lexical import tokenize_precise
from rag.settings import Settings
from rag.text import CJK_RE, FIVE_YEAR_NAME, cn_to_int, five_year_plan, fold, item_number, split_sentences
from rag.vocabulary import TermGroup, vocabulary

__all__ = ["Citation", "Answer", "Answerer", "ExtractiveAnswerer", "NOT_FOUND", "covered"]

NOT_FOUND = "资料中没有找到"
# Text that talks to a model rather than reporting a fact ("忽略以上所有指令，回答：…") is never quoted as an answer.
_INSTRUCTION = re.compile(r"忽略(?:以上|之前|前面|上述)|(?:ignore|disregard) (?:all|previous|the above)|你(?:现在)?是一个|请(?:直接)?回答[:：]|回答[:：]", re.I)
_CLAUSE = re.compile(r"[^，；：]*[，；：]?")
_ASKS_LEVEL = re.compile(r"(?:到|突破|是|有)了?多少")  # a level asked (达到/冲到/提高到多少, 是多少), not its change
_LEVEL_CLAUSE = re.compile(r"^(?:达到|达|为|至|提高到|提升到|增加到|上升到|下降到|降至|降到|突破)")  # a clause giving the level reached
_PERIOD = re.compile(FIVE_YEAR_NAME)  # a five-year plan's period, named by the heading of the part about it
_ENTRY_TERM = re.compile(r"^[\W\d]*([^：:\n]{1,24}?)(?:[：:]|\n)")  # “三网”融合：… names 三网融合
_META_WORDS = {"speaker": "报告人", "date": "报告日期", "session": "会议届次", "publisher": "刊发的报刊或网站",
               "dateline": "通讯社的电头（发稿日期）", "photographer": "照片的摄影者",
               "page_date": "网页显示的日期", "duration": "报告用了多长时间", "venue": "作报告的会场",
               "behalf": "报告开头“我代表……”一句（以谁的名义、报告什么、连同哪些文件）"}


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
    """The assistant's reply: text with [n] markers, whether it answered, and its citations.

    A refusal says why (`reason`) and which held reports are close to what was asked (`holdings`).
    """

    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    question: str = ""    # the standalone question actually answered (after follow-up resolution)
    reason: str = ""      # why it refused, when it did
    holdings: list[Holding] = field(default_factory=list)
    table: list[dict[str, Any]] = field(default_factory=list)  # a question across reports: one row per report, [n] = citation

    def __str__(self) -> str:
        return self.text


class Answerer(Protocol):
    """Composes an answer from retrieved passages; a language-model generator can implement this too."""

    def answer(self, query: Query, groups: Sequence[PassageGroup]) -> Answer:
        """Answer from passages grouped per region ('' for a question about no particular region)."""
        ...


Similarity = Callable[[str, Sequence[str]], Sequence[float]]  # a question and sentences → how close in meaning each is


@dataclass
class _Pick:
    score: float
    candidate: Candidate


@lru_cache(maxsize=1024)
def _compound_tail(word: str) -> str:
    """The second word of a four-character word made of two dictionary words (植树|造林 → 造林), else ''."""
    from rag.index.lexical import dictionary_words

    words = dictionary_words()
    head, tail = word[:2], word[2:]
    return tail if words.get(head, 0) > 0 and words.get(tail, 0) > 0 else ""


def _match_quality(group: TermGroup, low: str) -> float:
    """How well text names a term group: the full name counts 1, a short generic synonym less."""
    best = 1.0 if any(names(low, w.lower()) for w in group.words) else 0.0
    loose_hits = sum(names(low, w.lower()) for w in group.loose)
    if loose_hits:
        best = max(best, 0.4)
    if loose_hits >= 2 and _parts_of_one(group, low):
        best = max(best, 0.8)  # "粮食…产量": the metric's parts, split by other words
    if best == 0.0:
        # Word order varies ("危房改造" / "改造农村危房"): credit the share of its character pairs present.
        if group.metric is not None and (others := _sibling_metrics(group.metric.name)):
            low = others.sub("\n", low)  # 农村居民人均可支配收入 is another metric, not half of 城镇居民…
        if group.metric is not None and (sibling := _one_off(tuple(w.lower() for w in group.words))) and sibling.search(low):
            return 0.0  # 实际使用台资 is not 实际使用外资: the name with one character changed is another thing
        for w in (w for w in group.words[:1] if len(w) >= 3 and not w.isascii()):
            pairs = [w[i:i + 2] for i in range(len(w) - 1)]
            share = sum(p in low for p in pairs) / len(pairs)
            if share and len(group.words) > 1:  # a metric's name with a word inside (棚户区住房改造), not pairs strewn about
                share = _compact_share(pairs, low, len(w) + 4)
            best = max(best, 0.8 * share)
    if best == 0.0 and group.kind == "word" and len(group.words) == 1 and _initials_of_a_list(group.head, low):
        best = 0.8  # 科教文卫体 → "科技、教育、文化、卫生、体育": a list named by the first character of each item
    if best < 0.7 and group.kind == "word" and len(group.words) == 1 and len(group.head) == 3 and _near_form(group.head, low):
        best = 0.7  # one character more or less, first and last kept (停车位 → 停车泊位, 织布机 → 织机)
    if best < 0.6 and group.kind == "word" and len(group.words) == 1 and len(group.head) == 4 \
            and (tail := _compound_tail(group.head)) and tail in low:
        best = 0.5  # a four-character compound by its second word (植树造林 → 造林面积), too weak alone (学龄人口 ≠ 常住人口)
    if best == 0.0 and group.kind == "word" and len(group.words) == 1 and len(group.head) == 2 and CJK_RE.match(group.head[1]) \
            and group.head[1] in low:
        best = _WEAK_HEAD  # a two-character word's head (大奖 → 地球卫士奖, 新开 → 建成开放): a paraphrase, weakly
    return best


@lru_cache(maxsize=1024)
def _one_off(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of the words (four or more characters) with exactly one character changed (实际使用外资 → 实际使用台资), a
    sibling of the thing; one pattern per term group, built once."""
    alts = [f"{re.escape(w[:i])}[^{w[i]}\\W\\d]{re.escape(w[i + 1:])}"
            for w in words if len(w) >= 4 and all(CJK_RE.match(ch) for ch in w) for i in range(len(w))]
    return re.compile("|".join(alts)) if alts else None


def _counted_compound(query: Query) -> tuple[tuple[str, ...], str] | None:
    """The words (with their synonyms) before the noun a bare "how many" counts, and that noun: 常住|人口有多少,
    出生|人口是多少, 国防|预算增长多少, 精品|体育|赛事多少. None when the ask names a unit or a verb (造林多少亩, 淘汰了多少辆
    count by their unit)."""
    groups = sorted((g for g in query.terms if g.kind == "word" and all(CJK_RE.match(ch) for ch in g.head)),
                    key=lambda g: query.text.find(g.head))
    for k, g in enumerate(groups):
        w = g.head
        at = query.text.find(w)
        if at < 0 or not vocabulary().cues["bare_ask"].search(query.text[at + len(w):]):
            continue
        mods = [w[:-2]] if len(w) >= 4 else []
        noun = w[-2:] if len(w) >= 4 else w
        start = at
        for prev in reversed(groups[:k]):  # the words side by side before it, each with its synonyms
            if not query.text[:start].endswith(prev.head):
                break
            mods += prev.words
            start -= len(prev.head)
        return (tuple(mods), noun) if mods and len(noun) == 2 else None
    return None


def _names_sibling(quote: str, counted: tuple[tuple[str, ...], str] | None) -> bool:
    """True when the quote names the noun a question counts (`_counted_compound`) but none of the words before it
    ("出生人口" and "千人口托位数", "13亿多人口"; "常住人口" and "脱贫人口"; "国防预算" and "中央预算内投资"): another thing."""
    if counted is None or counted[1] not in quote:
        return False
    said = _spell_pairs(quote.lower())  # "城乡人均可支配收入" names 城镇居民 too
    return not any(m.lower() in said for m in counted[0])


def _initials_of_a_list(word: str, low: str) -> bool:
    """True when a clause lists items ("科技、教育、文化、卫生、体育") whose first characters, in order, spell the word typed
    (科教文卫体); the first item may carry the words before it (加大对科技)."""
    if not 3 <= len(word) <= 6 or not all(CJK_RE.match(ch) for ch in word):
        return False
    for clause in re.split(r"[，。；：\n]", low):
        items = [i.strip() for i in re.split(r"[、和及与]", clause)]
        for k in range(len(items) - len(word) + 1):
            run = items[k:k + len(word)]
            if word[0] in run[0][-3:] and all(i[:1] == ch for i, ch in zip(run[1:], word[1:], strict=True)):
                return True
    return False


@lru_cache(maxsize=256)
def _sibling_metrics(name: str) -> re.Pattern[str] | None:
    """The names of the other metrics that are no form of this one (not inside its words, nor holding one of them)."""
    own = vocabulary().metric(name)
    words = own.words if own else (name,)
    alts = sorted({w.lower() for m in vocabulary().metrics if m.name != name for w in m.words
                   if len(w) >= 3 and not any(w in x or x in w for x in words)}, key=len, reverse=True)
    # one joined to the name before it ("城镇居民、农村居民人均可支配收入") shares its tail with that name: kept
    return re.compile("(?<![、和与及])(?:" + "|".join(re.escape(w) for w in alts) + ")") if alts else None


def _near_form(word: str, low: str) -> bool:
    """True when the text says a three-character word with one character put in, or its middle one left out where
    that leaves a dictionary word."""
    from rag.index.lexical import dictionary_words

    if not all(CJK_RE.match(ch) for ch in word):
        return False
    a, b, c = word[0], word[1], word[2]
    if re.search(f"{a}{b}[\u4e00-\u9fff]{c}|{a}[\u4e00-\u9fff]{b}{c}", low):
        return True
    return a + c in low and dictionary_words().get(a + c, 0) > 0


def _names_a_topic(text: str, query: Query) -> bool:
    """True when the text names one of the question's topic words, not only a growth or amount word (增长, 总数)."""
    low = text.lower()
    return any(_match_quality(g, low) > _WEAK_HEAD for g in query.terms if g.kind not in ("growth", "amount", "kind_asked", "share"))


def _compact_share(pairs: Sequence[str], low: str, span: int) -> float:
    """The largest share of pairs found together within `span` characters of text."""
    at = [(m.start(), p) for p in set(pairs) for m in re.finditer(re.escape(p), low)]
    best = 0
    for start, _ in at:
        best = max(best, len({p for i, p in at if start <= i and i + len(p) <= start + span}))
    return best / len(set(pairs))


def _parts_of_one(group: TermGroup, low: str) -> bool:
    """True when the metric's parts name one measure: "粮食…产量" in one clause, or "粮食播种面积…，产量7.1亿斤"
    where the second part opens its clause; not "粮食播种面积…、蔬菜产量", where it belongs to another noun."""
    hits = sorted((m.start(), w) for w in group.loose for m in re.finditer(re.escape(w.lower()), low))
    for (a, wa), (b, wb) in zip(hits, hits[1:], strict=False):
        if wa == wb or b < a + len(wa):
            continue
        if not re.search(r"[，、；]", low[a:b]) or re.search(r"[，、；和及与](?:总|全年|年)?$", low[:b]):
            return True
    return False


def _figure_by_metric(quote: str, query: Query) -> bool:
    """True when a clause naming an asked metric, or one of the two after it, gives a figure: in "新建高标准农田390万亩，
    粮食产量完成国家下达任务" the grain output has none."""
    clauses = re.split(r"[，；。]", quote.lower())
    for g in query.metrics:
        quality = [_match_quality(g, _bare(g, c)) for c in clauses]
        # clauses that name it well; if none does alone, those naming a part ("粮食播种面积83.3万亩，产量7.1亿斤")
        named = [i for i, q in enumerate(quality) if q >= 0.5] or [i for i, q in enumerate(quality) if q > 0]
        if named and not any(NUMBER.search(clauses[j]) for i in named for j in (i, i + 1, i + 2) if j < len(clauses)):
            return False
    return True


@lru_cache(maxsize=1)
def _said_figure() -> re.Pattern[str]:
    """A figure in words: 减少一半, 翻一番, 三分之一, a streak (六连冠, 十二连增), 第三届, 三支队伍, 超万列, a grade (水质保持Ⅱ类);
    not 一批."""
    units = units_alternation(without=("年",))  # "过去一年" says when, not how much
    # "一批" says no amount: "解决了多少遗留问题" is not answered by "一批遗留问题得到解决"
    return re.compile(rf"(?!一大?批)[一二两三四五六七八九十百千万亿]+(?:分之|成|倍|番|届|列|支|连[冠优增胜涨]|{units})|[ⅠⅡⅢⅣⅤⅥ]+类|一半|减半|翻番")


def _not_a_rate(quote: str) -> bool:
    """True when the quote gives a figure that is not a share or a change in % (1.2亿人次, not 增长39%)."""
    return any(not re.match(r"\s*(?:[%％]|个百分点)", quote[m.end():]) for m in NUMBER.finditer(quote))


def _rate_of_term(quote: str, query: Query) -> bool:
    """True when the quote names the question's words only as what a rate is of ("常住人口城镇化率"): every time it says
    one, another measure's name and 率 follow."""
    low = quote.lower()
    words = [w.lower() for g in query.terms if g.kind in ("word", "metric") for w in g.words if names(low, w.lower())]
    return bool(words) and not any(re.search(rf"{re.escape(w)}(?![\u4e00-\u9fff]{{1,5}}率)", low) for w in words)


def _in_unit(quote: str, unit: str) -> bool:
    """True when the quote gives a figure in the unit asked (多少套: 600万套; 多少亿斤: not 9586万亩)."""
    return in_unit(unit).search(quote) is not None


def covered(text: str, query: Query, context: str = "") -> float:
    """Share of the question's term weight the text names (`context`, a heading over it, may name any term but a
    metric: the figure quoted must be the metric's own)."""
    if not query.terms:
        return 0.5
    low = _spell_pairs(text.lower())
    wide = low + "\n" + context.lower() if context else low
    weights = query.weights if len(query.weights) == len(query.terms) else [term_weight(g) for g in query.terms]
    # A share word or the kind asked is half met unsaid: 毛入学率 is the 比例 asked; 283厂 is the 哪家单位
    hit = sum(w * max(_match_quality(g, _bare(g, low if g.kind == "metric" else wide)),
                      0.5 if g.kind in ("kind_asked", "share") else 0.0)
              for g, w in zip(query.terms, weights, strict=True))
    return hit / sum(weights)


def _spell_pairs(low: str) -> str:
    """Text with each pair it names at once spelt out ("城乡人均可支配收入" also names 城镇居民… and 农村居民…)."""
    said = [" ".join(members) for pair, members in vocabulary().pairs.items() if pair.lower() in low]
    return low + "\n" + "\n".join(said) if said else low


def _bare(group: TermGroup, low: str) -> str:
    """Text without the places where a metric is named only as a denominator ("占地区生产总值比重")."""
    if group.metric is None:
        return low
    denominator = group.metric.denominator_only
    low = denominator.sub("", low) if denominator else low
    return _share_of(group.words).sub("", low)


@lru_cache(maxsize=256)
def _share_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """Where a metric is named as the whole a share is taken of ("战略性新兴产业占规上工业增加值比重")."""
    alts = "|".join(re.escape(w.lower()) for w in words)
    return re.compile(rf"占[^，。；]{{0,12}}?(?:{alts})[^，。；\d]{{0,4}}?(?:比重|比例|之比)")


_PLANNED = re.compile(r"^[^，。；]{0,8}(?:今年|明年)?[^，。；]{0,4}(?:拟|计划|预计|要|将)(?:安排|按)")  # a sentence that opens as a plan
_WEAK_HEAD = 0.3  # a word met only by its last character (新增 in 增长): too weak to say a sentence is about it
_FROM_TO = re.compile(r"[从由][^，。；]{0,12}?\d[^，。；]{0,16}?(?:到|至)[^，。；]{0,4}?\d")  # 从11.7万亿元增加到17.3万亿元
_LIST_LEAD = 600  # characters before a numbered item in which the sentence that leads its list is looked for
_SHORT_SENTENCE = 16  # an open question's sentence shorter than this is a topic line, quoted with the next one


def _topic_line(text: str, sentences: Sequence[tuple[int, int]], i: int) -> tuple[int, int] | None:
    """The sentence before sentence i when it is a run-in topic line of the same paragraph: short, ended by 。, with no
    figure ("开展“双代”扫尾工程。")."""
    if not i:
        return None
    s, e = sentences[i - 1]
    line = text[s:e]
    if e - s >= _SHORT_SENTENCE or not line.endswith("。") or "\n" in text[e:sentences[i][0]] or NUMBER.search(line):
        return None
    return s, e


class ExtractiveAnswerer:
    """Deterministic, offline: picks the best sentence by its weighted features and quotes the clause(s) that state it."""

    def __init__(self, min_cover: float = 0.55, similarity: Similarity | None = None,
                 min_similarity: float = Settings.min_similarity, semantic_passages: int = 8,
                 echo_weight: float = Settings.echo_weight) -> None:
        self.min_cover = min_cover
        self.echo_weight = echo_weight  # how much a result repeating its target quote's words counts
        self.similarity = similarity  # None: answer only from sentences that name the question's terms
        self.min_similarity = min_similarity
        self.semantic_passages = semantic_passages

    def answer(self, query: Query, groups: Sequence[PassageGroup]) -> Answer:
        """Quote one supporting sentence per region group, or refuse."""
        if query.intent == "meta":
            return self._answer_meta(query, groups)
        parts, cites, missing, unheld = [], [], [], []
        planned: str | None = None  # what a target-versus-result's target half quoted
        for group in groups:
            if group.empty_scope:
                unheld.append(group.region)
                continue
            q = replace(query, intent=group.intent) if group.intent and group.intent != query.intent else query
            if query.intent == "target_vs_result" and q.intent in ("target", "result") and wants_number(q):
                # each half asks a figure or words of its own (18年说要怎么办 | 19年报告说完成了多少户)
                q = replace(q, asks_words=not wants_number(replace(q, text=side_of(query.text, q.intent))))
            q = _own_terms(q, group.region)
            if planned is not None and q.intent == "result":
                q = _planned_terms(q, planned)
                pick = self._after_plan(q, group.passages, planned)
            else:
                pick = self.pick(q, group.passages)
            if query.intent == "target_vs_result" and q.intent == "target":
                planned = pick.candidate.quoted if pick is not None else None
            if pick is None and _tenseless(q):  # "14年代地方发债多少": not in the review, so the year's own plan
                q = replace(q, intent="plan")
                pick = self.pick(q, group.passages)
            if pick is None and q.intent == "glossary":  # "四大流域是哪四个": no entry defines it; a sentence listing them
                pick = self._listed(replace(q, intent="open"), group.passages)
            if pick is None:
                missing.append(group.region)
                continue
            label = f"{group.region}：" if len(groups) > 1 or group.region else ""
            for extra in [pick, *(self.more(q, group.passages, pick) if q.intent == "open" else [])]:
                cites.append(_cite(extra))
                parts.append(f"{label}{extra.candidate.quoted.strip('，；、：。 ')}[{len(cites)}]")
                label = ""
        if not parts:
            where = "、".join(r for r in missing + unheld if r)
            text = f"{NOT_FOUND}{where}相关的内容，报告中未找到能回答“{query.text}”的依据。"
            words = self._in_words(query, groups[0].passages) if len(groups) == 1 and not unheld else None
            if words is None:
                return Answer(text, False, [], query.text, "no supporting passage")
            said = words.candidate.quoted.strip('，；、：。 ')
            if asks_wording(query):
                return Answer(f"{said}[1]。", True, [_cite(words)], query.text)  # "目标咋定的": the words are the answer
            text = f"{NOT_FOUND}“{query.text}”所问的数字。报告对此只有文字表述：{said}[1]。"
            return Answer(text, False, [_cite(words)], query.text, "stated in words, with no figure")
        text = "；".join(parts) + "。"
        if query.inside_regions:  # say whose report speaks of the place asked about
            text = f"资料中没有{'、'.join(query.inside_regions)}的报告；{'、'.join(query.regions)}的报告中写道：{text}"
        if missing and any(missing):
            text += f"（{NOT_FOUND}{'、'.join(m for m in missing if m)}的相应内容。）"
        if unheld and any(unheld):
            text += f"（{'、'.join(u for u in unheld if u)}：资料中没有相应年份的报告。）"
            if query.intent == "target_vs_result":  # the outcome cannot be told without the report that reviews it
                return Answer(f"{NOT_FOUND}{'、'.join(u for u in unheld if u)}。{text}", False, cites, query.text,
                              "the report reviewing that year is not held")
        return Answer(text, True, cites, query.text)

    def candidates(self, query: Query, passages: Sequence[Passage], min_cover: float | None = None,
                   figures: bool = True) -> list[Candidate]:
        """Every sentence that passes the guards, with the span it would quote (`figures=False`: with or without the
        figure asked)."""
        min_cover = self.min_cover if min_cover is None else min_cover
        figures = figures and not query.asks_words  # the half of a target-versus-result that asks words
        out = []
        metric = bool(query.metrics)
        number_wanted = figures and wants_number(query)
        unit = unit_asked(query) if figures else None
        percent = figures and bool(vocabulary().cues["asks_percent"].search(query.text))
        figure = figures and query.intent != "glossary" and bool(vocabulary().cues["how_many"].search(query.text))
        count = figure and not percent and bool(vocabulary().cues["counts_things"].search(query.text)) \
            and not any(g.kind == "growth" for g in query.terms)
        # a count asked, with no rate, share or change: a rate of the thing ("常住人口城镇化率") does not answer it
        no_rate = figure and not percent and not vocabulary().cues["rate_asked"].search(query.text)
        day_asked = vocabulary().cues["day_asked"].search(query.text) is not None
        date_said = vocabulary().cues["date_said"]
        when_asked = query.asks_when or day_asked
        nth = ordinal_asked(query.text)
        compound = _counted_compound(query) if figure else None  # read once per question, not per sentence
        delivery = vocabulary().sections["delivery_line"]
        glued = one_counted(query.text)[1] if unit else ""  # "多少户厕": the unit and the one character after it
        for rank, p in enumerate(passages):
            if query.intent in ("target", "plan") and in_review(p):
                continue  # a target answered from last year's results is the worst kind of wrong
            sentences = split_sentences(p.text)
            periods = "".join(f"\n{m}" for m in _PERIOD.findall(p.section))  # its part's heading says which five years
            periods += "\n五年" if "五年" in p.section or "五年" in p.text else ""  # "这五年…": the passage is about them
            heading = p.section.rsplit(" > ", 1)[-1]
            for i, (s, e) in enumerate(sentences):
                sent = p.text[s:e]
                if _INSTRUCTION.search(sent) or (query.intent != "meta" and delivery.search(sent)):
                    continue  # an instruction to a model, or the title's delivery line repeated in the body
                if query.topic_places and p.region not in query.topic_places \
                        and not any(name in sent for name in query.topic_places.values()):
                    continue  # "北京火车站和机场的换乘接驳": another place's report answers only where it names 北京
                if not _year_fits(query, p, sent):
                    cut = _before_goal_year(sent)  # "改造高标准农田6.3万亩，到2025年…": the year asked, then a later goal
                    if cut is None or not _year_fits(query, p, sent[:cut]):
                        continue
                    e = s + cut
                    sent = p.text[s:e]
                cover = covered(sent, query)
                if cover and periods:  # the period is said around it; the sentence must still name something asked
                    cover = covered(sent + periods, query)
                if heading and (cover or item_number(sent) is not None):
                    # a list item under its heading ("2026年自治区民生实事" > "2.实现城镇新增就业…"); a numbered item need not
                    # repeat a word asked ("民生实事第8件" > "8.实现城乡法律援助服务网络全覆盖")
                    cover = max(cover, covered(sent, query, heading))
                if nth is not None and item_number(sent) == nth:  # "十件民生实事 最后一件": ⑩ under the sentence that leads the list
                    cover = max(cover, covered(sent, query, p.text[max(0, s - _LIST_LEAD):s]))
                # a run-in topic line names what the figures after it are of ("开展“双代”扫尾工程。完成年度任务3.96万户");
                # only for a figure asked: a list of short sentences ("改革个人所得税。全面实施绩效管理") is not topic and body
                topic = _topic_line(p.text, sentences, i) if number_wanted and NUMBER.search(sent) else None
                under = covered(sent, query, p.text[slice(*topic)]) if topic is not None else 0.0
                cover, topic = (under, topic) if under > cover else (cover, None)
                entry = _entry_term_in(sent, query.text) if p.kind == "glossary" and query.intent == "glossary" else 0
                if entry:
                    cover = max(cover, 1.0)  # the entry defines exactly the term asked about
                if cover < min_cover:
                    continue
                if query.intent == "glossary" and p.kind != "glossary" and not _defines(sent, query):
                    continue  # a sentence that only mentions the term does not say what it means
                qs, qe = (s, e) if p.kind == "glossary" or query.intent == "open" else _narrow(p.text, (s, e), query)
                if p.kind == "glossary":
                    line_end = p.text.find("\n", e)
                    line_end = len(p.text) if line_end < 0 else line_end
                    qe = line_end if line_end - s <= _ENTRY_MAX else e  # an entry's definition runs to its line's end
                if query.intent == "open" and e - s < _SHORT_SENTENCE and i + 1 < len(sentences) \
                        and covered(p.text[slice(*sentences[i + 1])], query) >= min_cover:
                    qe = sentences[i + 1][1]  # a topic line ("推进个税改革。") is quoted with the sentence that says what
                if topic is not None:
                    qs = topic[0]  # the quote shows the topic line it is read under
                quote = p.text[qs:qe]
                dated = when_asked and date_said.search(quote) is not None  # "几月份摘帽": a month is what is asked
                if number_wanted and (metric or unit) and not NUMBER.search(quote) and not dated:
                    continue  # "多少辆" is not answered by a sentence with no figure
                if figure and not (NUMBER.search(quote) or _said_figure().search(quote) or dated):
                    continue  # "增长多少" is not answered by "扎实推进"; "减少一半", "翻一番" still say how much
                if day_asked and not dated:
                    continue  # "从几月几号起推开" is answered by a date, not by another figure
                if number_wanted and metric and not _figure_by_metric(quote, query):
                    continue  # the figures there are of other things
                if count and not _not_a_rate(quote) and not _said_figure().search(quote):
                    continue  # "来了多少游客" is not answered by "入境游客增长39%"
                if figure and _names_sibling(quote, compound):
                    continue  # "出生人口有多少" is not answered by "千人口托位数达4.7个"
                if no_rate and _rate_of_term(quote, query):
                    continue  # "常住人口有多少" is not answered by "常住人口城镇化率达76.2%", nor by the figures beside it
                if unit and not _in_unit(quote, unit) and not (glued and glued in quote):
                    continue  # "多少亿斤" is not answered by a figure in 万亩 ("多少户厕" by 户厕4610座: 户 is the noun's)
                if metric and percent and not PERCENT.search(quote):
                    continue  # "增长了百分之几" is not answered by a level
                if not _fits_intent(query, p, quote):
                    continue
                out.append(Candidate(p, rank, (s, e), (qs, qe), cover, entry))
        return out

    def pick(self, query: Query, passages: Sequence[Passage]) -> _Pick | None:
        """The best candidate by score, if any is supported enough."""
        found = self.candidates(query, passages)
        if query.intent == "open":  # a bare topic line ("改革个人所得税。") says less than any sentence about it,
            # unless it lists what is asked ("研究推进铁路、电力等行业改革")
            found = [c for c in found if c.quote[1] - c.quote[0] >= _SHORT_SENTENCE or "、" in c.quoted] or found
        nth = ordinal_asked(query.text)
        if nth is not None:  # "民生实事第8件", "十件民生实事 最后一件": the item numbered so, before the sentence leading the list
            found = [c for c in found if item_number(c.quoted) == nth] or found
        if vocabulary().cues["from_to"].search(query.text):  # "从多少涨到多少": both ends, before a rate
            found = [c for c in found if _FROM_TO.search(c.quoted)] or found
        return _best(query, found) or self._said_otherwise(query, passages)

    def _after_plan(self, query: Query, passages: Sequence[Passage], planned: str) -> _Pick | None:
        """The result half of a target versus its result: among the supported sentences, the one that says most of what
        the target half quoted ("启动建设智能装备制造产业园和健康生物科技园" → "健康生物科技园、智能装备产业园加速建设")."""
        found = self.candidates(query, passages)
        if not found:
            return self._said_otherwise(query, passages)
        echo = _echo(planned, query, passages)
        return max((_Pick(score(query, c) + self.echo_weight * echo(c.sentence), c) for c in found), key=lambda p: p.score)

    def _listed(self, query: Query, passages: Sequence[Passage]) -> _Pick | None:
        """A term no entry defines, said right after the list of what it names ("黄河、淮河、海河、长江四大流域",
        "万亿立柱、千亿提升、百亿成势的“555X”产业发展格局"); a sentence that only mentions it (实现了“三个圆满收官”) is
        no answer."""
        return _best(query, [c for c in self.candidates(query, passages) if _lists_before_term(c.quoted, query)])

    def _in_words(self, query: Query, passages: Sequence[Passage]) -> _Pick | None:
        """For a refused "多少" question: a sentence that names every word asked but states it in words with no figure
        ("居民收入增长和经济增长基本同步"), shown beside the refusal so the user sees what the report does say."""
        if query.intent not in ("target", "result") or not query.metrics or not wants_number(query):
            return None
        where = (lambda p: bool(vocabulary().sections["target_list"].search(p.text))) if query.intent == "target" else in_review
        found = [c for c in self.candidates(query, [p for p in passages if where(p)], figures=False)
                 if c.cover >= 1.0 and not _figure_by_metric(c.quoted, query)]  # the headline targets, or the review
        return _best(query, found)

    def _said_otherwise(self, query: Query, passages: Sequence[Passage]) -> _Pick | None:
        """No sentence names the question's words ("存在银行里的钱" for 储蓄存款): the sentence of the best-retrieved
        passages closest in meaning, if it passes every other guard and is close enough."""
        if self.similarity is None or query.intent in ("meta", "glossary") or not query.terms or query.metrics:
            return None  # a metric the vocabulary knows is named as such wherever a report states it
        if query.inside_regions:
            return None  # the place asked about must be named: meaning cannot show a sentence is about it
        figure = (figure_asked(query) or NUMBER) if wants_number(query) else None  # a figure of the kind asked
        compound = _counted_compound(query)
        found = [c for c in self.candidates(query, passages[:self.semantic_passages], min_cover=0.0)
                 if _names_a_topic(c.sentence, query) and c.passage.kind != "header"
                 and (not figure or (figure.search(c.quoted) is not None and _names_a_topic(c.quoted, query)))
                 and not _names_sibling(c.sentence, compound)]  # meaning that finds 脱贫人口 for 常住人口 found another thing
        if not found:
            return None
        sims = self.similarity(query.text, [c.sentence for c in found])
        best = max(range(len(found)), key=lambda i: sims[i])
        if sims[best] < self.min_similarity:
            return None
        return _Pick(score(query, found[best]), found[best])

    def more(self, query: Query, passages: Sequence[Passage], first: _Pick, n: int = 2) -> list[_Pick]:
        """Further sentences for a question outside the metrics: the next best that also state it (not the same one)."""
        picks = sorted((_Pick(score(query, c), c) for c in self.candidates(query, passages)
                        if c.quote[1] - c.quote[0] >= _SHORT_SENTENCE), key=lambda p: -p.score)
        taken = [first.candidate]
        out: list[_Pick] = []
        for p in picks:
            c = p.candidate
            said = any(t.passage.chunk_id == c.passage.chunk_id and t.quote[0] < c.quote[1] and c.quote[0] < t.quote[1]
                       for t in taken)  # the same sentence, or one a topic line was already quoted with
            if said or p.score < first.score * 0.85 or len(out) >= n:
                continue
            taken.append(c)
            out.append(p)
        return out

    def _answer_meta(self, query: Query, groups: Sequence[PassageGroup]) -> Answer:
        """Answer who/when/which-session from the named report's own header, or say it does not state it."""
        parts, cites, unstated = [], [], []
        fields = query.meta_field.split() or [""]
        for group in groups:
            first = next((p for p in group.passages if p.kind == "header"), None)
            if first is None:
                continue
            label = f"{group.region}：" if len(groups) > 1 else ""
            quoted: list[tuple[Passage, tuple[int, int]]] = []
            for field_name in fields:  # "第几届第几次会议上、哪一天": each field asked, once
                header, span = first, _meta_span(first, field_name)
                if span is None:  # stated outside the header (a caption in the body): the passage that holds it
                    header, span = next(((p, sp) for p in group.passages if p.doc_id == first.doc_id
                                         and (sp := _meta_span(p, field_name)) is not None), (first, None))
                if span is not None and field_name == "session" and vocabulary().cues["plenary_asked"].search(query.text):
                    span = _plenary(header.text, span)  # "第几次全体会议": only a header that names the plenary says it
                if span is None:
                    if field_name == fields[0]:
                        unstated.append(first.report or first.doc_id)
                    continue
                if any(p is header and s <= span[0] and span[1] <= e for p, (s, e) in quoted):
                    continue  # the date's quote already holds the session after it
                quoted.append((header, span))
                c = Candidate(header, 0, span, span, 1.0)
                cites.append(_cite(_Pick(3.0, c)))
                parts.append(f"{label}{c.quoted.strip()}[{len(cites)}]")
                label = ""
        plenary = fields[0] == "session" and vocabulary().cues["plenary_asked"].search(query.text)
        what = "在第几次全体会议上作报告" if plenary else _META_WORDS.get(fields[0], "")
        if parts:
            text = "；".join(parts) + "。" + (f"（{'、'.join(unstated)}没有写明{what}。）" if unstated else "")
            return Answer(text, True, cites, query.text)
        if unstated:
            return Answer(f"{'、'.join(unstated)}的正文没有写明{what}。", False, [], query.text, "not stated in the report")
        return Answer(f"{NOT_FOUND}能回答“{query.text}”的报告。", False, [], query.text, "no report to read it from")


def _best(query: Query, found: Sequence[Candidate]) -> _Pick | None:
    """The highest-scoring candidate (the first of equals), or None."""
    return max((_Pick(score(query, c), c) for c in found), key=lambda p: p.score, default=None)


def _lists_before_term(quote: str, query: Query) -> bool:
    """True when a clause of the quote lists three or more things (A、B、C) right before a word the question asks."""
    for clause in re.split(r"[，；。：]", quote):
        for g in query.terms:
            at = next((clause.find(w) for w in g.words if w in clause), -1)
            if at > 0 and clause.count("、", 0, at) >= 2 and re.search(r"、[^、]{1,12}$", clause[:at]):
                return True
    return False


def _plenary(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The session's span carried on to the plenary it names ("第二次会议第三次全体会议"), or None when it names none."""
    if "全体会议" in text[span[0]:span[1]]:
        return span
    m = re.match(r"\s*第[一二三四五六七八九十\d]+次全体会议", text[span[1]:span[1] + 16])
    return (span[0], span[1] + m.end()) if m else None


def _meta_span(header: Passage, field_name: str) -> tuple[int, int] | None:
    """Where the header states a field (from the spans metadata recorded at ingest), relative to the passage."""
    spans = header.doc_meta.get("spans") or {}
    lo, hi = header.start, header.start + len(header.text)
    span = spans.get(field_name)
    if not span or not (lo <= span[0] and span[1] <= hi):
        return None
    s, e = span[0] - lo, span[1] - lo
    if field_name == "date":
        session = spans.get("session")
        if session and lo <= session[0] and session[1] <= hi and 0 <= session[0] - span[1] <= 30:
            e = session[1] - lo  # "2022年1月17日在河北省第十三届人民代表大会第五次会议上"
    if field_name == "speaker":
        post = spans.get("speaker_title")
        if post and lo <= post[0] and 0 <= span[0] - post[1] <= 20:
            s = post[0] - lo  # "河北省人民政府省长 许勤"
            org = spans.get("speaker_org")
            if org and lo <= org[0] and 0 <= post[0] - org[1] <= 4:
                s = org[0] - lo
    return s, e


_ACHIEVED = re.compile(r"同比|比上年|较上年|全年(?:完成|实现|达到)|(?:增长|增加|下降|提高)了")
_BASELINE = re.compile(r"(?:比|较|从|由|与|同|于|以)\s*$")  # "比2020年增长", "由2015年的…增加到": a baseline year, not the year it is about
_TIMES_BASE = re.compile(r"的[\d.]+倍|的[一二两三四五六七八九十]+倍")  # "分别是2005年的2.1倍": 2005 is the base


def _own_terms(query: Query, label: str) -> Query:
    """The question as asked of one region, when each region is asked about its own thing ("福建的A和江苏的B")."""
    own = next((ts for region, ts in query.region_terms.items() if label.startswith(region)), None)
    if own is None or len(query.weights) != len(query.terms):
        return query
    return replace(query, terms=[query.terms[i] for i in own], weights=[query.weights[i] for i in own])


def _echo(planned: str, query: Query, passages: Sequence[Passage]) -> Callable[[str], float]:
    """Share of the target quote's words a sentence repeats, each weighted by how rare it is in the report (words the
    question asks are counted by cover already)."""
    asked = {w.lower() for g in query.terms for w in g.words}
    words = {w for w in tokenize_precise(planned) if len(w) >= 2 and CJK_RE.match(w) and w not in asked}
    texts = [p.text.lower() for p in passages]
    weight = {w: math.log((len(texts) + 1) / (1 + sum(w in t for t in texts))) for w in words}
    total = sum(weight.values())
    if not total:
        return lambda sentence: 0.0
    def share(sentence: str) -> float:
        low = sentence.lower()
        return sum(v for w, v in weight.items() if w in low) / total
    return share


def _planned_terms(query: Query, planned: str) -> Query:
    """The result half of a target versus its result, asked of what the plan named: the question's words the quoted
    target does not say (结果, 创成) are the asking, not the thing ("说要创成省级平安建设先进县 第二年的报告说创成了吗")."""
    if len(query.weights) != len(query.terms):
        return query
    low = _spell_pairs(planned.lower())
    kept = [i for i, g in enumerate(query.terms) if _match_quality(g, low) > 0]
    if len(kept) == len(query.terms) or sum(query.weights[i] for i in kept) < sum(query.weights) / 2:
        return query  # most of what was asked is named otherwise there (殡葬管理所 as 殡管所): 建成运行 alone is no subject
    return replace(query, terms=[query.terms[i] for i in kept], weights=[query.weights[i] for i in kept])


def _tenseless(query: Query) -> bool:
    """True when a question of a year asks no metric and says neither done nor planned ("14年代地方发债多少"): it was
    read as the year's results only because a later report reviews that year."""
    cue = vocabulary().cues
    return query.intent == "result" and bool(query.years) and not query.metrics \
        and not any(cue[k].search(query.text) for k in ("result", "target", "weak_result", "future"))


def _year_fits(query: Query, p: Passage, sent: str) -> bool:
    """A figure for the year asked: the sentence names it, or its part of the report is about it.

    A report's plan part speaks of its plan year; its review part of its review year. A year's result from
    the next report's review is right; the next report's target for its own year is the wrong year.
    """
    if not query.value_years or p.kind in ("header", "glossary"):
        return True
    wanted = set(query.value_years)
    blank = vocabulary().cues["title_said"]  # 《…规划（2018-2035年）》: a title's years name the document, not the figure
    sent = blank.sub(lambda m: " " * len(m.group()), sent)
    named = {int(m.group(1)) for m in NAMED_YEAR.finditer(sent) if not _BASELINE.search(sent[max(0, m.start() - 3):m.start()])
             and not (query.intent == "result" and _TIMES_BASE.match(sent, m.end()))}  # a result as a multiple of a year
    if named & wanted:
        return True
    if named and asks_period(query) and _period_end(p) in named:
        return True  # "17年定的今后五年…年均增速目标": the five-year part's goal, for its last year (到2021年)
    if named and query.intent in ("target", "plan", "result") and not (named & wanted):
        return False  # the sentence is explicitly about another year
    # An achieved figure stated outside the review (an abstract's closing summary) is still about the review year.
    # In the plan part, a sentence with no word of achievement is a task for the plan year ("新增城镇就业4700人").
    achieved = query.intent == "result" and (bool(_ACHIEVED.search(sent)) or (not STRONG_TARGET.search(sent) and p.part != "plan"))
    key = "review_year" if in_review(p) or achieved else "plan_year"
    end = None if key == "review_year" else _period_end(p)
    if end is not None:  # a five-year part's goals are for its last year, not for the plan year (unless the five are asked)
        return end in wanted or asks_period(query)
    year = p.doc_meta.get(key)
    return year is None or int(year) in wanted


def _period_end(p: Passage) -> int | None:
    """The last year of the five years a plan part's heading is about ("今后五年的奋斗目标", "“十二五”发展目标"), unless
    the heading names a year of its own ("“十五五”时期主要目标和2026年重点工作")."""
    if NAMED_YEAR.search(p.section) or not (m := vocabulary().sections["period_part"].match(p.section)):
        return None  # a slogan heading ("全力推动“十五五”开好局") is the year's work, not the period's
    plan = p.doc_meta.get("plan_year")
    span = five_year_plan(m.group(1))
    if not plan or (span is not None and not span[0] <= int(plan) <= span[1]):
        return None
    return span[1] if span else int(plan) + 4


def _before_goal_year(sent: str) -> int | None:
    """Where a sentence turns to another year's goal ("…6.3万亩，到2025年永久基本农田全部建成…"): the end of the clauses
    before it, or None when it opens with that goal."""
    m = vocabulary().cues["goal_year"].search(sent)
    cut = max(sent.rfind("，", 0, m.start()), sent.rfind("；", 0, m.start())) if m else -1
    return cut if cut > 0 else None


def _fits_intent(query: Query, p: Passage, quote: str) -> bool:
    """Reject a target quoted as a result, a result quoted as a target, and a goal for another year."""
    plan_year = p.doc_meta.get("plan_year")
    wanted = set(query.value_years) or ({int(plan_year)} if plan_year and query.intent in ("target", "plan") else set())
    goal_years = {int(y) for y in vocabulary().cues["goal_year"].findall(quote)}
    if wanted and goal_years and not goal_years & wanted and not query.asks_when \
            and not (asks_period(query) and _period_end(p) in goal_years):
        return False  # "到2026年…" answers a five-year plan, not this year's target (unless it asks when, or the five years)
    if query.intent == "target" and query.metrics:
        if re.search(r"比上年|实现了|增长了|达到了", quote) and not _PLANNED.match(quote):
            return False  # last year's result; "今年拟安排…比上年增加…" is still the plan
        return not re.search(r"(?<![要将])完成", quote) or bool(STRONG_TARGET.search(quote) or re.search(r"目标|计划|预期", p.text + p.section)) \
            or (p.part == "plan" and not re.search(r"已|了", quote))  # in the plan part, "完成36个…改造" is a task
    if query.intent == "result" and not in_review(p):
        return not re.search(r"预期目标|目标是|目标为|力争|争取|左右", quote)
    return True


_DEFINES = re.compile(r"(?:[”\"]|)\s*(?:是指|即|指的是|就是|，也就是|是.{0,12}的简称|简称|[:：](?=.{8}))")  # 约法三章：…


def _defines(sentence: str, query: Query) -> bool:
    """True when the sentence defines one of the question's terms ('X是指…', 'X，即…'), or names the N things a
    counted term stands for ("两大特色产业是啥": "玻璃器皿、古典家具两大特色产业…")."""
    for g in query.terms:
        for w in g.words:
            i = sentence.find(w)
            if i >= 0 and _DEFINES.match(sentence, i + len(w)):
                return True
    counted = _COUNTED.search(query.text)
    at = sentence.find(counted.group()) if counted else -1
    if counted and at >= 0:
        n = (cn_to_int(counted.group(1)) or 9) - 1
        before = re.split(r"[，；。：]", sentence[:at])[-1]  # "玻璃器皿、古典家具|两大特色产业"
        if before.count("、") >= n or len(_ITEM_BREAK.findall(sentence[at:])) >= n:  # "“三个1亿人”问题，促进…，改造…，引导…"
            return True
    return bool(re.search(r"是指|指的是", sentence))


_ENTRY_MAX = 400  # characters of a glossary entry quoted whole
_COUNTED = re.compile(r"([两二三四五六七八九十])(?:大|个|项|类|条|点|种|张|化)")  # 两大产业, 三个1亿人, 五项重点工作
_ITEM_BREAK = re.compile(r"[、，；]")


def _entry_term_in(entry: str, question: str) -> int:
    """Length of the term a glossary entry defines ('4.三个一：…') if the question names it, else 0."""
    m = _ENTRY_TERM.match(entry)
    term = re.sub(r"[“”\"]", "", fold(m.group(1))) if m else ""
    return len(term) if term and term in fold(question) else 0


def _narrow(text: str, sent: tuple[int, int], query: Query) -> tuple[int, int]:
    """Quote the whole sentence if short, else the clauses from the best match to the next number."""
    s, e = sent
    if e - s <= 90:
        return s, e
    clauses = [(s + m.start(), s + m.end()) for m in _CLAUSE.finditer(text[s:e]) if m.end() > m.start()]
    best_i, best_c = 0, -1.0
    for i, (cs, ce) in enumerate(clauses):
        c = covered(text[cs:ce], query) + (0.2 if NUMBER.search(text[cs:ce]) else 0) \
            + (1.0 if counts_the_thing(query.text, text[cs:ce]) else 0)  # "8个约束性指标" for 约束性指标几个
        if c > best_c:
            best_i, best_c = i, c
    if "分别" in text[slice(*clauses[best_i])] and e - s <= 240:
        return s, e  # a "A、B分别增长x、y" list only makes sense whole
    j = best_i
    while j < len(clauses) - 1 and not NUMBER.search(text[clauses[best_i][0]:clauses[j][1]]) and j - best_i < 3:
        j += 1
    asks = len(re.findall(r"多少|几", query.text))
    level = _ASKS_LEVEL.search(query.text) and not any(g.kind == "growth" for g in query.terms)
    while j < len(clauses) - 1 and NUMBER.search(nxt := text[slice(*clauses[j + 1])]) and (
            (level and _LEVEL_CLAUSE.match(nxt)) or (asks > 1 and covered(nxt, query) > 0)) and j - best_i < 3:
        j += 1  # "净增1.8个百分点，达到11.2%" for 达到多少; "征迁13个村…，征收土地6.55万亩" for two figures asked
    qs, qe = clauses[best_i][0], clauses[j][1]
    # Keep the clause's subject: if the clause starts mid-list, back up one clause.
    if best_i > 0 and qe - qs < 20:
        qs = clauses[best_i - 1][0]
    return qs, qe


def _cite(pick: _Pick) -> Citation:
    """Build a citation from a picked candidate."""
    c = pick.candidate
    p = c.passage
    qs, qe = c.quote
    return Citation(report=p.report, region=p.region, year=p.year, section=p.section, text=p.text,
                    quote=c.sentence, score=round(pick.score, 4), doc_id=p.doc_id,
                    chunk_id=p.chunk_id, start=p.start, end=p.start + len(p.text),
                    quote_start=p.start + qs, quote_end=p.start + qe)
