"""Load the reviewed domain vocabulary (vocabulary.toml) into typed, compiled tables."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.text import FIVE_YEAR_NAME

__all__ = ["Metric", "Vocabulary", "vocabulary", "TermGroup"]

_FILE = Path(__file__).with_name("vocabulary.toml")


@dataclass(frozen=True)
class Metric:
    """One metric: its canonical name, the words that name it, and the vaguer words that hint at it."""

    name: str
    words: tuple[str, ...]
    loose: tuple[str, ...] = ()
    family: bool = False                       # names a family of metrics (规上), not one figure
    indicator: bool = True                     # a headline indicator (the indicators table keeps it)
    indicator_words: tuple[str, ...] = ()      # the words that name it in a report's target list, when narrower
    denominator_only: re.Pattern[str] | None = None  # text where it is only a denominator ("占GDP比重")

    def all_words(self) -> tuple[str, ...]:
        """Every word that names the metric, strict first."""
        return self.words + self.loose


@dataclass(frozen=True)
class TermGroup:
    """A key term of a question: its synonyms and what kind of term it is ('metric', 'growth', 'amount',
    'share', 'kind_asked' or 'word')."""

    words: tuple[str, ...]
    kind: str = "word"
    loose: tuple[str, ...] = ()
    metric: Metric | None = None

    @property
    def head(self) -> str:
        """The group's usual wording."""
        return self.words[0] if self.words else (self.loose[0] if self.loose else "")


@dataclass(frozen=True)
class Vocabulary:
    """The vocabulary tables, compiled once."""

    metrics: tuple[Metric, ...]
    growth: tuple[str, ...]
    amount: tuple[str, ...]  # 总数, 规模, 程度: name the amount, not what it is of
    share: tuple[str, ...]  # 比例, 占比: a share, which a rate's own name (毛入学率) may stand for
    national: tuple[str, ...]
    national_region: str
    national_level: str
    filler_words: tuple[str, ...]
    not_places: tuple[str, ...]
    attribute_national: tuple[str, ...]  # 国家 in 国家试点, with another place named
    topic_after_place: tuple[str, ...]
    yardstick: re.Pattern[str]  # 全国 as what a place is measured against (全国典型, 居全国前列)
    abbreviations: dict[str, str]
    colloquial: dict[str, tuple[str, ...]]  # 评上 → 入选, 获评 …: how people say what reports word otherwise
    pairs: dict[str, tuple[str, ...]]
    speaker_posts: tuple[str, ...]
    speaker_post: re.Pattern[str]
    cues: dict[str, re.Pattern[str]]
    filler: re.Pattern[str]
    filler_phrases: re.Pattern[str]
    province_short: dict[str, str]  # 苏 → 江苏
    province_short_re: re.Pattern[str] | None
    province_short_bare: re.Pattern[str] | None  # the short names with only the context before them
    filler_affixes: re.Pattern[str]  # particles jieba glues to a verb (建了, 要建)
    filler_glued: re.Pattern[str]  # modals glued to the end of a piece that is no word (率要)
    filler_lead: re.Pattern[str]  # a speech verb glued to the start of a piece that is no word (说|前一年)
    inside_metric: re.Pattern[str]  # an adverb typed inside a metric's name (经济实际增长)
    units_asked: tuple[str, ...]
    unit_aliases: dict[str, str]
    figure_kinds: dict[str, tuple[re.Pattern[str], re.Pattern[str]]]  # name → (asked, written); the first asked decides
    projects: tuple[str, ...]  # what a noun ending in these is (重点项目, 引调水工程): a project, whose amount is its own
    sections: dict[str, re.Pattern[str]]

    def metric(self, name: str) -> Metric | None:
        """The metric with this canonical name, or one of whose words it is."""
        for m in self.metrics:
            if name == m.name or name in m.words:
                return m
        return None

    def growth_group(self) -> TermGroup:
        """The term group of growth words."""
        return TermGroup(self.growth, "growth")


@lru_cache(maxsize=1)
def vocabulary(path: Path = _FILE) -> Vocabulary:
    """Read and compile the vocabulary file (once per process)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    metrics = []
    for m in data["metric"]:
        denom = m.get("denominator_only")
        metrics.append(Metric(m["name"], tuple(m["words"]), tuple(m.get("loose", ())), family=bool(m.get("family", False)),
                              denominator_only=re.compile("|".join(denom), re.I) if denom else None,
                              indicator=bool(m.get("indicator", True)), indicator_words=tuple(m.get("indicator_words", ()))))
    scope, speaker, sections = data["scope"], data["speaker"], data["sections"]
    short = data.get("province_short", {})
    raw = {k: v for k, v in data["cues"].items() if not k.endswith("why")}
    cues = {k: re.compile(re.sub(r"<(\w+)>", lambda m: f"(?:{raw[m.group(1)]})" if m.group(1) in raw else m.group(0), v))
            for k, v in raw.items()}  # a cue may name another as <name>
    return Vocabulary(
        metrics=tuple(metrics), growth=tuple(data["growth"]["words"]),
        amount=tuple(data["amount"]["words"]), share=tuple(data["share"]["words"]),
        national=tuple(scope["national"]), national_region=scope["national_region"], national_level=scope["national_level"],
        filler_words=tuple(scope["filler"]), not_places=tuple(scope["not_places"]), attribute_national=tuple(scope["attribute_national"]),
        topic_after_place=tuple(scope["topic_after_place"]),
        yardstick=re.compile("(?:{})全国|全国(?:{})".format("|".join(scope["yardstick_before"]), "|".join(scope["yardstick_after"]))),
        abbreviations={k: v for k, v in data["abbreviations"].items() if k != "why"},
        colloquial={k: tuple(v) for k, v in data.get("colloquial", {}).items() if k != "why"},
        pairs={k: tuple(v) for k, v in data["pairs"].items() if k != "why"},
        speaker_posts=tuple(speaker["posts"]), speaker_post=re.compile(speaker["post_pattern"]),
        cues=cues, filler=re.compile(data["filler"]["pattern"]), filler_phrases=re.compile(data["filler"]["phrases"]),
        filler_affixes=re.compile(data["filler"]["affixes"]), filler_glued=re.compile(data["filler"]["glued"]),
        filler_lead=re.compile(data["filler"]["lead"]), inside_metric=re.compile(data["filler"]["inside_metric"]),
        province_short={k: v for k, v in short.items() if len(k) == 1},
        province_short_re=re.compile(f"{short['before']}([{''.join(k for k in short if len(k) == 1)}]{{1,3}}){short['after']}")
        if short else None,
        province_short_bare=re.compile(f"{short['before']}([{''.join(k for k in short if len(k) == 1)}])") if short else None,
        units_asked=tuple(data["units"]["asked"]), unit_aliases=dict(data["units"]["aliases"]),
        figure_kinds={k["name"]: (re.compile(k["asked"]), re.compile(k["written"])) for k in data["figure_kind"]},
        projects=tuple(data["projects"]["words"]),
        sections={k: re.compile(v.replace("<five_year>", FIVE_YEAR_NAME), re.M) for k, v in sections.items() if not k.endswith("_why")},
    )
