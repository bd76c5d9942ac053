"""The answerer's named features: what makes a sentence a good answer to a question.

Each feature is a small function of (question, passage, sentence, quote, rank) returning a number; the
answerer scores a candidate as the weighted sum, with one weight per feature read from `weights.json`
(fitted on gold data by `python -m eval.fit`). Hard guards (a target never quoted from the review, an
instruction aimed at a model never quoted) are not features: they remove candidates outright.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.ask.query import Query, measure_words, units_alternation
from rag.ask.retrieval import Passage
from rag.text import NAMED_YEAR, cn_to_int, fold, item_number
from rag.vocabulary import TermGroup, vocabulary

__all__ = ["Candidate", "FEATURES", "features", "weights", "score", "in_review", "NUMBER", "STRONG_TARGET", "NAMED_YEAR",
           "WEIGHTS_FILE", "unit_asked", "counts_the_thing", "PERCENT", "asks_period", "asks_wording"]

WEIGHTS_FILE = Path(__file__).with_name("weights.json")
# a figure; a year (2022年), a date (8月份, 3月5日), M2 or a list index ("2.专精特新…", "3、") is not one
NUMBER = re.compile(r"(?<![\d.A-Za-z])(?!(?:19|20)\d{2}\s*年)(?!\d{1,2}\s*月)(?!(?<=月)\d{1,2}\s*[日号])"
                    r"(?!\d{1,2}[.．、](?![\d%％]))\d+(?:\.\d+)?")
_AMOUNT = vocabulary().figure_kinds["money"][1]
PERCENT = vocabulary().figure_kinds["growth"][1]
_TARGET_CUE = re.compile(r"左右|以上|以内|力争|预期|目标|控制在|确保|突破|达到|争取|要|将")
STRONG_TARGET = re.compile(r"左右|以上|以内|力争|预期|目标|控制在|确保|突破|争取")  # a goal, not a result
_ACHIEVED = re.compile(r"同比|比上年|实现了")
_VAGUE_TARGET = re.compile(r"左右|以内|力争|预期")
_WANTS_AMOUNT = re.compile(r"多少|总量|规模")
_MONEY = vocabulary().figure_kinds["money"][0]
_WANTS_RATE = vocabulary().figure_kinds["growth"][0]
_WANTS_NUMBER = re.compile(r"多少|(?<![这近])几|目标|增长|增速|涨|比重|占比|规模|总量|产量|达到")
_PRESENT = re.compile(r"现在|目前|如今|当前")
_MAGNITUDE = re.compile(r"[万亿千百]+")


def _several_years() -> re.Pattern[str]:
    """Words of several years (年均, 五年, 累计, 期间): from the vocabulary."""
    return vocabulary().sections["several_years"]


@dataclass
class Candidate:
    """One sentence of one passage considered as an answer, with the span it would quote."""

    passage: Passage
    rank: int                  # the passage's place in its group (retrieved first)
    sent: tuple[int, int]      # sentence span within the passage text
    quote: tuple[int, int]     # quoted span within the passage text
    cover: float               # share of the question's term weight the sentence names
    entry_term: int = 0        # length of the glossary term the sentence defines, if the question names it

    @property
    def sentence(self) -> str:
        """The sentence text."""
        return self.passage.text[self.sent[0]:self.sent[1]]

    @property
    def quoted(self) -> str:
        """The quoted text."""
        return self.passage.text[self.quote[0]:self.quote[1]]


def in_review(p: Passage) -> bool:
    """True when the passage sits in the part of the report that reviews past results (as chunking judged it)."""
    if p.part:
        return p.part == "review"
    top = p.section.split(" > ")[0] if p.section else ""
    return bool(vocabulary().sections["review"].search(top))


def asks_wording(q: Query) -> bool:
    """True when the question asks how something is worded ("目标咋定的", "提出的预期目标是什么"), with no 多少."""
    cue = vocabulary().cues
    return bool(cue["asks_wording"].search(q.text)) and not cue["how_many"].search(q.text)


def wants_number(q: Query) -> bool:
    """True when the question asks for a figure (a target asked "怎么定的", a reason, or the half of a target versus
    its result that asks none, is asked for words)."""
    if (q.intent == "target" and asks_wording(q)) or vocabulary().cues["why_asked"].search(q.text) or q.asks_words:
        return False  # a target asked how it is worded, or a reason asked ("为什么…调低了")
    return bool(_WANTS_NUMBER.search(q.text)) and q.intent != "glossary"


def unit_asked(q: Query, after: str = "多少") -> str | None:
    """The unit a question names after 多少 ('多少套', '多少万辆'), if any."""
    # 多少万辆 asks 辆 (多少万人 stays 万人); 几台 may be answered in 个 (9个天文望远镜): by default only 多少 names one
    m = re.search(f"(?:{after})[万亿千百]??({units_alternation()})", q.text)
    if m and q.text[m.start(1):m.start(1) + 2] in measure_words() and not _word_after(q.text, m.end(1)):
        return None  # "多少项目" asks no unit 项; "多少天空气好" still asks 天 (天|空气, not 天空|气)
    return m.group(1) if m else None


def figure_asked(q: Query) -> re.Pattern[str] | None:
    """How a figure of the kind the question asks is written: in the unit it names (多少亩, 几家), else as a rate, a
    count of people or an amount of money (vocabulary `figure_kind`); None when the question does not say."""
    unit = unit_asked(q, after="多少|几")
    if unit:
        return in_unit(unit)
    return next((written for asked, written in vocabulary().figure_kinds.values() if asked.search(q.text)), None)


@lru_cache(maxsize=64)
def in_unit(unit: str) -> re.Pattern[str]:
    """A figure in the unit (多少套: 600万套; 2100多万人, 30余万套), by the unit's aliases in the vocabulary."""
    return re.compile(rf"\d\s*[多余]?[万亿千百]*[多余]?{vocabulary().unit_aliases.get(unit, re.escape(unit))}")


def _word_after(text: str, at: int) -> bool:
    """True when the two characters from `at` are a dictionary word."""
    from rag.index.lexical import dictionary_words

    return len(text[at:at + 2]) == 2 and dictionary_words().get(text[at:at + 2], 0) > 0


def _target_like(q: Query) -> bool:
    return q.intent in ("target", "plan")


# ---- the features ------------------------------------------------------------------------------
def f_cover(q: Query, c: Candidate) -> float:
    """Share of the question's (weighted) terms the sentence names."""
    return c.cover


def _typed(q: Query, g: TermGroup) -> str:
    """The longest of a term group's words the question typed ('' if it typed none of them)."""
    return max((w for w in g.words if w.lower() in q.text.lower()), key=len, default="")


def f_as_asked(q: Query, c: Candidate) -> float:
    """Share of the named metrics the quote states in the very words the question typed (进出口总额, not just 进出口)."""
    typed = [w for g in q.metrics if (w := _typed(q, g))]
    if not typed:
        return 0.0
    low = c.quoted.lower()
    return sum(w.lower() in low for w in typed) / len(typed)


def f_phrase(q: Query, c: Candidate) -> float:
    """Share of the pairs of words the question types side by side that stand side by side in the quote (宁德|时代 →
    宁德时代; 新增|规上|工业|企业: all three pairs in "新增规上工业企业", one in "规上工业增加值")."""
    typed = [_typed(q, g) if g.kind == "metric" else g.head
             for g in q.terms if g.kind in ("word", "metric")]  # a metric as the question typed it (地方|财政赤字)
    words = sorted((w for w in typed if w), key=q.text.find)
    low = c.quoted.lower()
    pairs = [(a, b) for a, b in zip(words, words[1:], strict=False)
             if (i := q.text.find(a)) >= 0 and q.text.startswith(b, i + len(a))]
    return sum((a + b).lower() in low for a, b in pairs) / len(pairs) if pairs else 0.0


def f_rank(q: Query, c: Candidate) -> float:
    """Retrieval's opinion: 1 for the first passage, falling with rank."""
    return 1.0 / (1 + c.rank)


def f_number(q: Query, c: Candidate) -> float:
    """+1 when a figure is asked for and the quote has a number, -1 when it has none."""
    if not wants_number(q):
        return 0.0
    return 1.0 if NUMBER.search(c.quoted) else -1.0


def f_unit(q: Query, c: Candidate) -> float:
    """1 when the question names a unit ('多少套') and the quote gives a figure in it."""
    unit = unit_asked(q)
    if not unit:
        return 0.0
    alias = vocabulary().unit_aliases.get(unit, re.escape(unit))
    return 1.0 if re.search(r"\d" + alias, c.quoted) else 0.0


def f_amount(q: Query, c: Candidate) -> float:
    """1 when an amount of money is asked for (多少, no rate, no other unit) and the quote gives one in 元."""
    unit = unit_asked(q)
    named = q.text + " ".join(w for g in q.metrics for w in g.words)
    wants = bool(_WANTS_AMOUNT.search(q.text) and _MONEY.search(named)) and not _WANTS_RATE.search(q.text) \
        and (not unit or unit.endswith("元"))
    return 1.0 if wants and _AMOUNT.search(c.quoted) else 0.0


def f_rate(q: Query, c: Candidate) -> float:
    """1 when a growth or rate is asked for ('增长多少', '增速') and the quote gives a percentage."""
    if not (wants_number(q) and _WANTS_RATE.search(q.text)) or unit_asked(q):
        return 0.0
    return 1.0 if PERCENT.search(c.quoted) else 0.0


def asks_period(q: Query) -> bool:
    """True when the question is about several years (十三五时期, 五年来, 累计): a year's own section or list is not it."""
    return _several_years().search(q.text) is not None


def f_year_section(q: Query, c: Candidate) -> float:
    """1 when the passage's section names a year the question asks about (target and result questions)."""
    if q.intent not in ("target", "plan", "result") or asks_period(q):
        return 0.0
    return 1.0 if q.value_years and any(str(y) in c.passage.section for y in q.value_years) else 0.0


def f_plan_part(q: Query, c: Candidate) -> float:
    """For target/plan questions: +1 outside the review, -1 inside it."""
    if not _target_like(q):
        return 0.0
    return -1.0 if in_review(c.passage) else 1.0


def f_target_cue(q: Query, c: Candidate) -> float:
    """For target/plan questions: 1 when the quote reads as a goal (左右, 以上, 力争, 要, 将…)."""
    return 1.0 if _target_like(q) and _TARGET_CUE.search(c.quoted) else 0.0


def f_achieved_wording(q: Query, c: Candidate) -> float:
    """For target/plan questions: 1 when the quote reads as an achieved result (同比, 比上年) with no goal word."""
    if not _target_like(q):
        return 0.0
    return 1.0 if not STRONG_TARGET.search(c.quoted) and _ACHIEVED.search(c.quoted) else 0.0


def f_plan_year_section(q: Query, c: Candidate) -> float:
    """For target/plan questions: 1 when the section names the report's own plan year."""
    plan_year = c.passage.doc_meta.get("plan_year")
    return 1.0 if _target_like(q) and not asks_period(q) and plan_year and str(plan_year) in c.passage.section else 0.0


def f_target_list(q: Query, c: Candidate) -> float:
    """For target/plan questions: 1 inside the headline list of targets (主要预期目标)."""
    return 1.0 if _target_like(q) and not asks_period(q) and vocabulary().sections["target_list"].search(c.passage.text) else 0.0


def f_review_part(q: Query, c: Candidate) -> float:
    """For result questions: +1 inside the review, -1 outside it."""
    if q.intent != "result":
        return 0.0
    return 1.0 if in_review(c.passage) else -1.0


def f_vague_target(q: Query, c: Candidate) -> float:
    """For result questions: 1 when the quote reads as a target (左右, 以内, 力争, 预期)."""
    return 1.0 if q.intent == "result" and _VAGUE_TARGET.search(c.quoted) else 0.0


def f_multi_year(q: Query, c: Candidate) -> float:
    """Period agreement: +1 when the quote (its paragraph so far, or its part's heading) and the question both speak of
    several years, -1 when only one of them does."""
    if c.passage.kind == "glossary":
        return 0.0  # a definition's history ("2003年启动…2011年…") is not a figure for several years
    if not q.value_years and _PRESENT.search(q.text) and not _several_years().search(q.text):
        return 0.0  # "现在算力规模多大": the level a review of five years ends on is today's
    text = c.passage.text
    para = text[text.rfind("\n", 0, c.sent[0]) + 1:c.quote[1]]
    many = bool(_several_years().search(para)) or len(set(NAMED_YEAR.findall(c.quoted))) >= 2
    if not many:
        # a part headed by its period ("“十三五”时期主要目标任务") agrees with a question about the period
        if not _several_years().search(q.text):
            return 0.0
        return 1.0 if _several_years().search(c.passage.section) else -1.0
    return 1.0 if _several_years().search(q.text) else -1.0


def f_year_named(q: Query, c: Candidate) -> float:
    """1 when the sentence names a year the question asks about."""
    return 1.0 if q.value_years and {int(y) for y in NAMED_YEAR.findall(c.sentence)} & set(q.value_years) else 0.0


@lru_cache(maxsize=256)
def _typed_figures(text: str) -> tuple[str, ...]:
    """The figures a question states itself, with their magnitude ("过10亿的项目" → 10亿); not years (14年, 2014年)
    nor ordinals (第9件).
    Cached: every candidate of one question asks it again."""
    return tuple(m.group() + (mag.group() if (mag := _MAGNITUDE.match(text, m.end())) else "")
            for m in NUMBER.finditer(text) if not re.match(r"\s*年", text[m.end():]) and not text[:m.start()].endswith("第"))


def f_figure_typed(q: Query, c: Candidate) -> float:
    """Share of the figures the question states ("投资过10亿的项目") that the quote states too."""
    typed = _typed_figures(fold(q.text))
    if not typed:
        return 0.0
    quote = fold(c.quoted)
    return sum(re.search(rf"(?<![\d.]){re.escape(f)}", quote) is not None for f in typed) / len(typed)


@lru_cache(maxsize=256)
def _title_asked(text: str) -> bool:
    """True when the question asks a work's title (出了本什么书). Cached: every candidate of one question asks it again."""
    return vocabulary().cues["title_asked"].search(text) is not None


def f_title(q: Query, c: Candidate) -> float:
    """1 when the question asks a work's title (出了本什么书) and the quote gives one in 《》."""
    return 1.0 if _title_asked(q.text) and vocabulary().cues["title_said"].search(c.quoted) else 0.0


@lru_cache(maxsize=256)
def counted_noun(text: str) -> tuple[str, str, bool] | None:
    """The thing a question counts and its measure word: after the count ("多少个预期性指标": 预期性指标, 个) or before it
    ("约束性指标一共几个": 约束性指标, 个, said before). None when it counts nothing by name."""
    measures = "|".join(u for u in vocabulary().units_asked if len(u) == 1)
    m = re.search(rf"(?:多少|几)({measures})([\u4e00-\u9fff]{{1,8}})", text)
    if m and (noun := vocabulary().cues["noun_end"].split(m.group(2))[0]):
        return noun, m.group(1), False
    m = re.search(rf"([\u4e00-\u9fff]{{2,8}}?)(?:一共|总共|共|总计|合计)?(?:有|是)?(?:多少|几)({measures})(?![\u4e00-\u9fff])", text)
    return (m.group(1), m.group(2), True) if m else None


def counts_the_thing(question: str, text: str) -> bool:
    """True when the question counts a thing by name ("多少个预期性指标", "约束性指标几个") and the text counts the very
    same thing ("16个预期性指标", not "24个主要指标")."""
    asked = counted_noun(question)
    if asked is None:
        return False
    noun, measure, before = asked
    for m in re.finditer(rf"[\d一二两三四五六七八九十百千万]+\s*{re.escape(measure)}", text):
        after = text[m.end():m.end() + len(noun)]
        if after == noun if not before else any(after[:k] == noun[-k:] for k in range(2, len(noun) + 1)):
            return True
    return False


def f_counted(q: Query, c: Candidate) -> float:
    """1 when the quote counts the very thing the question counts by name (see `counts_the_thing`)."""
    return 1.0 if counts_the_thing(q.text, c.quoted) else 0.0


@lru_cache(maxsize=256)
def ordinal_asked(text: str) -> int | None:
    """The n of a list's n-th item the question asks ("民生实事第9件": 9), if any. Cached per question."""
    cue = vocabulary().cues
    asked = cue["ordinal_asked"].search(text)
    if asked:
        return cn_to_int(asked.group(1))
    last = cue["last_asked"].search(text)  # "十件民生实事 最后一件": the count named is the last item's number
    count = re.search(rf"([\d一二三四五六七八九十]{{1,3}})\s*{last.group()[-1]}", text[:last.start()]) if last else None
    return cn_to_int(count.group(1)) if count else None


def f_ordinal(q: Query, c: Candidate) -> float:
    """1 when the question asks a list's n-th item ("民生实事第9件") and the quote is the item numbered n (9. / （九） / ⑨)."""
    n = ordinal_asked(q.text)
    return 1.0 if n and item_number(c.quoted) == n else 0.0


def f_glossary_entry(q: Query, c: Candidate) -> float:
    """For glossary questions: 1 for a glossary entry, plus half a point per character of the term it defines."""
    if q.intent != "glossary" or c.passage.kind != "glossary":
        return 0.0
    return 1.0 + c.entry_term / 3.0


FEATURES: dict[str, Callable[[Query, Candidate], float]] = {
    "cover": f_cover, "as_asked": f_as_asked, "phrase": f_phrase, "rank": f_rank, "number": f_number, "unit": f_unit, "amount": f_amount, "rate": f_rate,
    "year_section": f_year_section, "plan_part": f_plan_part, "target_cue": f_target_cue,
    "achieved_wording": f_achieved_wording, "plan_year_section": f_plan_year_section,
    "target_list": f_target_list, "review_part": f_review_part, "vague_target": f_vague_target,
    "glossary_entry": f_glossary_entry, "multi_year": f_multi_year, "year_named": f_year_named,
    "figure_typed": f_figure_typed, "title": f_title, "counted": f_counted, "ordinal": f_ordinal,
}


def features(q: Query, c: Candidate) -> dict[str, float]:
    """Every feature's value for one candidate."""
    return {name: fn(q, c) for name, fn in FEATURES.items()}


@lru_cache(maxsize=1)
def weights(path: Path = WEIGHTS_FILE) -> dict[str, float]:
    """The weight table: one weight per feature (fitted, see eval/fit.py)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    table = data["weights"]
    missing = [f for f in FEATURES if f not in table]
    if missing:
        raise ValueError(f"{path}: no weight for feature(s) {', '.join(missing)}")
    return {k: float(v) for k, v in table.items()}


def score(q: Query, c: Candidate, table: dict[str, float] | None = None) -> float:
    """A candidate's score: the weighted sum of its features."""
    table = table or weights()
    return sum(table[name] * value for name, value in features(q, c).items())
