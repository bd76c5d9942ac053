"""A gazetteer of Chinese administrative divisions, from the cpca package's data file."""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Place", "gazetteer", "short_name", "level_of", "tier_of", "tier_of_level", "is_distinctive"]

# Longest suffixes first, so "自治州" wins over "州".
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
             "新区", "林区", "地区", "省", "市", "区", "县", "盟", "旗")


@dataclass(frozen=True)
class Place:
    """One administrative division: its name, code and the chain of its parents."""

    name: str
    code: str
    parents: tuple[str, ...]  # e.g. ("河南省", "焦作市") for 解放区

    @property
    def full_name(self) -> str:
        """Name with its prefecture prefix when it is a district, e.g. 焦作市解放区."""
        city = self.parents[1] if len(self.parents) == 2 else ""
        if self.name.endswith("区") and city.endswith("市") and self.code[4:6] != "00":
            return city + self.name
        return self.name

    @property
    def province(self) -> str:
        """The province-level division the place belongs to."""
        return self.parents[0] if self.parents else self.name

    @property
    def is_prefecture_or_above(self) -> bool:
        """True for provinces and prefecture-level cities."""
        return self.code[4:6] == "00"


def short_name(name: str) -> str:
    """Strip the administrative suffix: 义马市 → 义马, 广西壮族自治区 → 广西."""
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def level_of(place: Place | str) -> str:
    """The administrative level: 省, 自治区, 直辖市, 特别行政区, 市, 自治州, 盟, 地区, 县级市, 县, 区, 旗, 自治县 (or '')."""
    name = place.name if isinstance(place, Place) else place
    code = place.code if isinstance(place, Place) else ""
    if name in _MUNICIPALITIES:
        return "直辖市"
    for suf in ("特别行政区", "自治区", "省", "自治州", "自治县", "盟", "地区", "旗", "区", "县"):
        if name.endswith(suf):
            return suf
    if name.endswith("市"):
        if code:
            return "市" if code[4:6] == "00" else "县级市"
        return "市"
    return ""


_TIERS = {"国家": "国家", "省": "省级", "自治区": "省级", "直辖市": "省级", "特别行政区": "省级",
          "市": "地级", "自治州": "地级", "盟": "地级", "地区": "地级"}


def tier_of_level(level: str) -> str:
    """The tier (国家, 省级, 地级, 县级) of a level name; '' when the level is unknown."""
    return _TIERS.get(level, "县级" if level else "")


def tier_of(place: Place) -> str:
    """The tier of government: 省级, 地级 or 县级."""
    if place.code[2:6] == "0000":
        return "省级"
    return "地级" if place.code[4:6] == "00" else "县级"


def _data_file() -> Path:
    """Locate cpca's adcodes.csv without importing cpca (its import is slow)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the gazetteer needs the 'cpca' package: pip install cpca")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, list[Place]]:
    """Map every full and short place name to the places it may denote."""
    rows: dict[str, str] = {}
    with _data_file().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows[row["adcode"][:6]] = row["name"]
    index: dict[str, list[Place]] = {}
    for code, name in rows.items():
        prov = rows.get(code[:2] + "0000", "")
        city = rows.get(code[:4] + "00", "") if code[4:6] != "00" else ""
        parents = tuple(p for p in (prov, city) if p and p != name)
        place = Place(name=name, code=code, parents=parents)
        for key in {name, short_name(name)}:
            if len(key) >= 2:
                index.setdefault(key, []).append(place)
    return index


@lru_cache(maxsize=4096)
def is_distinctive(name: str) -> bool:
    """Return False for a short name that is mostly a common word (解放, 和平), so not an alias."""
    from rag.index.lexical import dictionary_words, word_tag  # lazy: jieba's dictionary takes a moment to load

    flag = word_tag(name, "ns")
    freq = dictionary_words().get(name, 0)
    return flag.startswith("ns") or flag in ("nr", "nrt") or freq < 500
