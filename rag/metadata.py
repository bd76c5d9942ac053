"""Read a report's metadata (region, level, years, date, speaker, session) from its own text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from rag.places import Place, gazetteer, is_distinctive, level_of, short_name
from rag.text import normalize_width

__all__ = ["ReportMeta", "extract_metadata", "site_title", "cn_to_int"]

_CN_DIGITS = {"〇": 0, "零": 0, "O": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇零○一二两三四五六七八九十"
_DATE = re.compile(rf"(\d{{4}}|[{_CN_NUM}]{{4}})年(\d{{1,2}}|[{_CN_NUM}]{{1,3}})月(\d{{1,2}}|[{_CN_NUM}]{{1,3}})日")
_GARBLED_DATE = re.compile(r"(20\d{2})(\d{1,2})(\d{2})日")  # "2023223日": 年/月 lost in scraping
_SESSION = re.compile(
    rf"在(?P<place>[\u4e00-\u9fff]{{0,12}}?)第?(?P<term>[{_CN_NUM}\d]*)届人(?:民代表大会|大)\s*第?(?P<sess>[{_CN_NUM}\d]*)次(?:会议)?"
)
_SHORT_SESSION = re.compile(rf"(?P<place>[省市区县])(?P<term>[{_CN_NUM}]+)届人大(?P<sess>[{_CN_NUM}]+)次会议")
_POST = re.compile(r"(?P<org>[\u4e00-\u9fff]{0,12}?人民政府)?(?P<post>代?副?(?:省|市|区|县|州|旗)长)\s*")
_TITLE = re.compile(r"(?:(\d{4})年)?[\[【(（]?[\u4e00-\u9fff]{0,4}[\]】)）]?\s*(?:\d{4}年)?([\u4e00-\u9fff]{2,14}?)(?:人民)?政府工作报告")


@dataclass
class ReportMeta:
    """What a report says about itself; `conflicts` lists where the site's title disagrees."""

    region: str = ""
    short_region: str = ""
    province: str = ""
    level: str = ""
    year: int | None = None        # the year the report was delivered
    plan_year: int | None = None   # the year its targets are for
    review_year: int | None = None # the year whose results it reviews
    date: str = ""                 # ISO date of the meeting, as far as the text gives it
    speaker: str = ""
    speaker_title: str = ""
    session: str = ""
    title: str = ""
    site_title: str = ""
    aliases: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict."""
        return asdict(self)


def cn_to_int(text: str) -> int | None:
    """Convert '2022', '二〇一九', '十五', '十一' or '七' to an int."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def site_title(raw: str) -> str:
    """Return the first title line the collecting site put above the report."""
    for line in normalize_width(raw).split("\n"):
        line = line.strip()
        if "工作报告" in line and len(line) <= 60:
            return line
    return ""


def _read_date(head: str, meta: ReportMeta) -> None:
    """Fill year and date from the meeting date line."""
    m = _DATE.search(head)
    if m:
        y, mo, d = (cn_to_int(g) for g in m.groups())
        if y and mo and d:
            meta.year, meta.date = y, f"{y:04d}-{mo:02d}-{d:02d}"
            return
    g = _GARBLED_DATE.search(head)
    if g and 1 <= int(g.group(2)) <= 12:
        y, mo, d = int(g.group(1)), int(g.group(2)), int(g.group(3))
        meta.year, meta.date = y, f"{y:04d}-{mo:02d}-{d:02d}"
        meta.conflicts.append(f"date line is garbled ({g.group(0)}); read as {meta.date}")
        return
    meta.missing.append("date")


def _read_session(head: str, meta: ReportMeta) -> str:
    """Fill the session and return the place named in the session line."""
    m = _SESSION.search(head) or _SHORT_SESSION.search(head)
    if not m:
        meta.missing.append("session")
        return ""
    term, sess = m.group("term"), m.group("sess")
    meta.session = f"第{term or '?'}届人民代表大会第{sess or '?'}次会议"
    if not term or not sess:
        meta.conflicts.append(f"session number lost in the text: {m.group(0)}")
    return m.group("place")


def _read_speaker(head: str, meta: ReportMeta) -> str:
    """Fill speaker and title from the line between the session and the salutation; return the org."""
    start = head.find("会议上")
    start = start + 3 if start >= 0 else 0
    end = head.find("各位代表", start)
    block = head[start:end if end > 0 else start + 40].strip(" ——-\n")
    m = _POST.search(block)
    org = ""
    if m:
        org = (m.group("org") or "").replace("人民政府", "")
        meta.speaker_title = m.group("post")
        name = block[m.end():].split()[0] if block[m.end():].split() else ""
    else:
        name = block.split("\n")[-1].strip()
    name = re.sub(r"[^\u4e00-\u9fff·]", "", name)
    if 2 <= len(name) <= 4:
        meta.speaker = name
    else:
        meta.missing.append("speaker")
    return org


def _resolve_place(candidates: list[str], body: str) -> Place | None:
    """Pick the gazetteer place the candidate names agree on, or the one the body names most."""
    gaz = gazetteer()
    for cand in sorted((c for c in candidates if c), key=len, reverse=True):
        for key in (cand, short_name(cand)):
            places = gaz.get(key)
            if places:
                # Prefer a place whose full name or parents the other candidates mention.
                ctx = "".join(candidates)
                best = max(places, key=lambda p: (sum(x in ctx for x in p.parents if x), p.is_prefecture_or_above))
                return best
        # A district named with its city prefix: 焦作市解放区 → 解放区.
        m = re.match(r"[\u4e00-\u9fff]{2,4}[市州](?P<rest>[\u4e00-\u9fff]{2,6}[区县市])$", cand)
        if m and m.group("rest") in gaz:
            return gaz[m.group("rest")][0]
    counts: Counter[str] = Counter()
    for key, places in gaz.items():
        if any(p.is_prefecture_or_above for p in places) and len(key) >= 2:
            n = body.count(key)
            if n >= 3:
                counts[key] = n
    if counts:
        key = counts.most_common(1)[0][0]
        return next(p for p in gaz[key] if p.is_prefecture_or_above)
    return None


def _read_years(body: str, meta: ReportMeta) -> None:
    """Fill plan_year and review_year from the report's own section headings."""
    plan = re.search(r"(\d{4})年(?:政府)?(?:工作)?(?:的)?(?:总体要求|主要目标|重点工作|工作安排|工作任务|主要预期目标|经济社会发展)", body)
    review = re.search(r"(?:一、|^|\s)(?:过去五年及)?(\d{4})年(?:和过去五年的?)?(?:政府)?工作回顾", body)
    if plan:
        meta.plan_year = int(plan.group(1))
    if review:
        meta.review_year = int(review.group(1))
    if meta.plan_year is None and meta.year is not None:
        month = int(meta.date[5:7]) if meta.date else 1
        meta.plan_year = meta.year + 1 if month >= 10 else meta.year
    if meta.review_year is None and meta.plan_year is not None:
        meta.review_year = meta.plan_year - 1
    if meta.year is None and meta.plan_year is not None:
        meta.year = meta.plan_year
        meta.conflicts.append(f"delivery year not stated; assumed {meta.year} from the plan year")


def extract_metadata(clean: str, raw: str = "") -> ReportMeta:
    """Read metadata from a cleaned report; the raw text supplies only the site's title."""
    meta = ReportMeta(site_title=site_title(raw) if raw else "")
    head = clean[:800].replace("\n", " ")
    _read_date(head, meta)
    place_in_session = _read_session(head, meta)
    org = _read_speaker(head, meta)
    title_m = _TITLE.search(clean[:200])
    title_region = title_m.group(2) if title_m else ""
    place = _resolve_place([title_region, place_in_session, org], clean)
    if place is None:
        meta.missing.append("region")
    else:
        meta.region = place.full_name
        meta.province = place.province
        meta.short_region = short_name(place.name)
        meta.level = level_of(place.name)
    _read_years(clean, meta)
    if not meta.level and meta.speaker_title:
        meta.level = meta.speaker_title.replace("代", "").replace("副", "")[0]
    suffix = "（摘要）" if "摘要" in clean[:100] else ""
    meta.title = f"{meta.region}{meta.plan_year or ''}年政府工作报告{suffix}" if meta.region else site_title(clean)
    meta.aliases = _aliases(place) if place else []
    _record_title_conflicts(meta)
    return meta


def _aliases(place: Place) -> list[str]:
    """Names a user may type for the place: 焦作市解放区, 焦作解放区, 解放区 …"""
    short = short_name(place.name)
    names = {place.name, place.full_name} | ({short} if is_distinctive(short) else set())
    if place.full_name != place.name:
        city = place.parents[-1]
        names.add(short_name(city) + place.name)
    if place.parents and place.parents[0] in ("北京市", "天津市", "上海市", "重庆市"):
        names |= {place.parents[0] + place.name, short_name(place.parents[0]) + place.name}
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


def _record_title_conflicts(meta: ReportMeta) -> None:
    """Note where the collecting site's title disagrees with the text."""
    if not meta.site_title:
        return
    years = {int(y) for y in re.findall(r"(\d{4})年", meta.site_title)}
    ok = {meta.year, meta.plan_year}
    for y in years:
        if y not in ok:
            meta.conflicts.append(f"site title says {y} ({meta.site_title}); the text says delivered {meta.year}, planning {meta.plan_year}")
    named = _TITLE.search(meta.site_title)
    if named and meta.short_region and meta.short_region not in meta.site_title and named.group(2) in gazetteer():
        meta.conflicts.append(f"site title names another region ({meta.site_title}); the text says {meta.region}")
