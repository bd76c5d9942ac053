"""Read a report's metadata (region, level, years, date, speaker, session, publisher, dateline) from its own text.

Every field records where it was read (`sources`: title, header line, body, column:<name>, sidecar) and,
for the header fields, where in the cleaned text (`spans`), so answers quote it without parsing again.
A field the text does not state is `missing`; a table column or the collecting site's title that disagrees
with the text is a `conflict`, and the text wins. The most-mentioned place is never taken for the region.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rag.ingest.places import Place, gazetteer, is_distinctive, level_of, short_name, tier_of
from rag.text import CN_NUM, DATE, cn_to_int, digit_years, normalize_width
from rag.vocabulary import vocabulary

__all__ = ["ReportMeta", "PAGE_FIELDS", "extract_metadata", "site_title", "read_columns", "check_overrides", "apply_overrides"]

# The page's own fields, each read from its own line: (field, vocabulary pattern, only in the header zone, value and end)
_PAGE_READERS: tuple[tuple[str, str, bool, Callable[[re.Match[str]], tuple[str, int]]], ...] = (
    ("publisher", "publisher_line", False, lambda m: (m.group(1), m.end(1))),  # 来源：新华日报
    ("dateline", "dateline", True, lambda m: (m.group(0), m.end())),  # 新华社北京3月14日电
    ("photographer", "photo_credit", True, lambda m: (re.sub(r"\s", "", m.group(1) or m.group(2)), m.end())),  # 本报记者 朱江 摄
    ("page_date", "page_date_line", True, lambda m: (m.group(1) or m.group(2), m.end(1) if m.group(1) else m.end(2))),  # 时间：2026-02-02
)
PAGE_FIELDS = tuple(f for f, *_ in _PAGE_READERS)  # facts of the page, not the report: missing in the manifest, not warned about on ingest
_GARBLED_DATE = re.compile(r"(20\d{2})(\d{1,2})(\d{2})日")  # "2023223日": 年/月 lost in scraping
_CLOCK = re.compile(r"\s*\d{1,2}\s*(?:时|:)")
_PAGE_LINE = re.compile(r"^(?:时间|发布|来源|发文|日期|更新|作者|编辑|责任编辑)")
_NUM = f"[{CN_NUM}\\d]"
_SESSION = re.compile(
    rf"(?P<place>[\u4e00-\u9fff]{{0,14}}?)第?(?P<term>{_NUM}+)\s*届\s*(?P<place2>全国)?\s*人(?:民代表大会|大)(?:\s*常委会)?"
    rf"\s*第?(?P<sess>{_NUM}+)\s*次(?:全体)?\s*会议"
)
_SHORT_SESSION = re.compile(rf"(?P<place>[省市区县州旗盟])(?P<term>{_NUM}+)届人大(?P<sess>{_NUM}+)次会议")
_TITLE = re.compile(  # the year may stand before the region, after it (阿拉善盟2022年…) or after the title (…报告（2022年）)
    r"(?:(\d{4})\s*年?)?(?:[\[【(（][\u4e00-\u9fff]{0,4}[\]】)）])?\s*(?:(\d{4})\s*年?)?([\u4e00-\u9fff]{2,16}?)?"
    r"(?:(\d{4})\s*年度?)?(?:人民)?政府\s*工作\s*报告(?:\s*[(（](\d{4})\s*年?度?[)）])?")
# A meeting line that gives only the year, or the year and month: "2021年1月在海淀区第十七届人民代表大会…".
_MEETING_YEAR = re.compile(rf"(\d{{4}}|[{CN_NUM}]{{4}})\s*年(?:\s*(\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*月)?[^\n\d]{{0,4}}?[在于]")
_SPACED_TITLE = re.compile(r"政\s*府\s*工\s*作\s*报\s*告")
_SELF = re.compile(r"我代表(?:(?P<org>[\u4e00-\u9fff]{2,16}?)(?:人民政府|政府)|(?P<council>国务院))")  # 我代表国务院 has no 政府
_BAD_NAME = re.compile(r"政府|人民|代表|会议|报告|工作|同志|记者|摄|各位|向大会")
_PLAN_HEAD = re.compile(r"(?:^|\n)[^\n]{0,8}?(\d{4})\s*年(?:政府)?(?:的)?"
                        r"(?:工作安排|主要目标|重点工作|工作任务|目标任务|总体要求|主要预期目标|经济社会发展的?(?:主要)?(?:预期)?目标|工作建议)")
_REVIEW_HEAD = re.compile(r"(?:^|\n)[^\n]{0,12}?(\d{4})\s*年(?:和[^\n]{0,12})?(?:政府)?工作回顾")
_REPORT_WORDS = re.compile(r"各位代表|政府工作报告|工作报告|人民代表大会")
_COLUMN_FIELDS = {  # table column names → metadata field they describe
    "year": re.compile(r"^(?:年份|年度|年|year)$", re.I),
    "region": re.compile(r"^(?:区县名称|区县|地区|地区名称|城市|市|县|省份|省|province|region|city|county)$", re.I),
    "city": re.compile(r"^(?:所属城市|所属地市|地级市)$"),
    "province": re.compile(r"^(?:所属省份|所属省|省份名称)$"),
    "title": re.compile(r"^(?:报告标题|标题|title)$", re.I),
}


@dataclass
class ReportMeta:
    """What a report says about itself, with where each field came from and what disagrees."""

    region: str = ""
    short_region: str = ""
    province: str = ""
    level: str = ""                 # 国家 | 省 | 自治区 | 直辖市 | 市 | 自治州 | 盟 | 县级市 | 县 | 区 | 旗
    tier: str = ""                  # 国家 | 省级 | 地级 | 县级
    year: int | None = None         # the year the report was delivered
    plan_year: int | None = None    # the year its targets are for
    review_year: int | None = None  # the year whose results it reviews
    date: str = ""                  # ISO date of the meeting, as far as the text gives it
    speaker: str = ""
    speaker_title: str = ""
    session: str = ""
    publisher: str = ""             # the paper or site the page says published it (来源：新华日报)
    dateline: str = ""              # a news agency's dateline over the text (新华社北京3月14日电)
    photographer: str = ""          # the credit under the page's photo (本报记者 朱江 摄)
    page_date: str = ""             # the date the web page shows (时间：2026-02-02), not the meeting's
    title: str = ""
    site_title: str = ""
    aliases: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)       # field → title | header line | body | column:X | sidecar
    spans: dict[str, list[int]] = field(default_factory=dict)   # field → [start, end] in the cleaned text
    conflicts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_a_report: str = ""          # why the text may not be a government work report at all

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict."""
        return asdict(self)

    def set(self, name: str, value: Any, source: str, span: tuple[int, int] | None = None) -> None:
        """Set a field, recording where it was read."""
        setattr(self, name, value)
        self.sources[name] = source
        if span is not None:
            self.spans[name] = [span[0], span[1]]


def site_title(raw: str) -> str:
    """Return the first title line the collecting site put above the report."""
    for line in normalize_width(raw).split("\n"):
        line = line.strip()
        if "工作报告" in line and len(line) <= 60:
            return line
    return ""


def _header_end(clean: str) -> int:
    """Where the header zone ends: just after the salutation, or the first 800 characters."""
    g = clean.find("各位代表")
    return g + 5 if 0 <= g <= 1500 else min(len(clean), 800)


def _read_date(clean: str, head_end: int, meta: ReportMeta) -> int | None:
    """Fill the delivery year and date from the meeting date line (page dates are not meeting dates); return its month."""
    for m in DATE.finditer(clean, 0, head_end):
        line_start = clean.rfind("\n", 0, m.start()) + 1
        if _PAGE_LINE.match(clean[line_start:m.start()].strip()) or _CLOCK.match(clean, m.end()):
            continue  # a page's own date or timestamp, not the meeting's
        y, mo, d = (cn_to_int(g.replace(" ", "")) for g in m.groups())
        if y and mo and d and 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            meta.set("date", f"{y:04d}-{mo:02d}-{d:02d}", "header line", (m.start(), m.end()))
            meta.set("year", y, "header line")
            return mo
    g = _GARBLED_DATE.search(clean, 0, head_end)
    if g and 1 <= int(g.group(2)) <= 12:
        y, mo, d = int(g.group(1)), int(g.group(2)), int(g.group(3))
        meta.set("date", f"{y:04d}-{mo:02d}-{d:02d}", "header line", (g.start(), g.end()))
        meta.set("year", y, "header line")
        meta.conflicts.append(f"date line is garbled ({g.group(0)}); read as {meta.date}")
        return mo
    meta.missing.append("date")
    session = _SESSION.search(clean, 0, head_end)
    if session is None:
        return None
    line = _MEETING_YEAR.search(clean, clean.rfind("\n", 0, session.start()) + 1, session.end())
    year = cn_to_int(line.group(1)) if line else None
    if line and year and 1990 <= year <= 2100 and not re.search(r"[，,。；、]", clean[line.start():session.start()]):
        meta.set("year", year, "header line")  # the year is stated; the day is not, so no date
        return cn_to_int(line.group(2)) if line.group(2) else None
    return None


def _read_page_fields(clean: str, head_end: int, meta: ReportMeta) -> None:
    """Fill the page's own fields (publisher, dateline, photographer, page date) from their lines, or record each missing."""
    for name, key, in_header, read in _PAGE_READERS:
        rx = vocabulary().sections[key]
        m = rx.search(clean, 0, head_end + 200) if in_header else rx.search(clean)
        if m is None:
            meta.missing.append(name)
            continue
        value, end = read(m)
        meta.set(name, value, "page line", (m.start(), end))


def _read_session(clean: str, head_end: int, meta: ReportMeta) -> str:
    """Fill the session and return the place named in the session line ('全国' for the national congress)."""
    m = _SESSION.search(clean, 0, head_end) or _SHORT_SESSION.search(clean, 0, head_end)
    if not m:
        meta.missing.append("session")
        return ""
    term, sess = m.group("term"), m.group("sess")
    national = "place2" in m.groupdict() and m.group("place2")
    raw_place = m.group("place")
    if raw_place[:1] in "日号" and m.start("place") and clean[m.start("place") - 1].isdigit():
        raw_place = raw_place[1:]  # "2019年1月29日保定市…": the date's 日 is not the place's
    place = "全国" if national else re.split(r"[在于]", raw_place)[-1].strip()
    start = m.end("place") - len(re.split(r"[在于]", raw_place)[-1])
    body = "全国人民代表大会" if national else "人民代表大会"
    meta.set("session", f"{place if national else ''}第{term}届{body}第{sess}次会议".replace("全国第", "第"), "header line",
             (start, m.end()))
    if national:
        meta.session = f"第{term}届全国人民代表大会第{sess}次会议"
    return place


def _read_speaker(clean: str, head_end: int, meta: ReportMeta) -> str:
    """Fill speaker and post from the header (or a '…作政府工作报告' line in the body); return the speaker's org."""
    post_re = vocabulary().speaker_post
    name_re = re.compile(r"[ \u3000]*[:：]?[ \u3000]*(?:同志)?[ \u3000]*([\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,3})"
                         r"(?=\s|$|各位|作|（|\(|同志|(?<!各位)代表)")
    for source, lo, hi in (("header line", 0, head_end), ("body", head_end, len(clean))):
        for m in post_re.finditer(clean, lo, hi):
            if source == "body" and "作政府工作报告" not in clean[m.end():m.end() + 24]:  # 程杰代表区人民政府向大会作…
                continue
            n = name_re.match(clean, m.end())
            if not n:
                continue
            name = re.sub(r"\s", "", n.group(1))
            name = re.sub(r"(?:作|同志|各位)$", "", name)
            if not 2 <= len(name) <= 4 or _BAD_NAME.search(name):
                continue
            org_start = clean.rfind("\n", 0, m.start()) + 1
            org = clean[org_start:m.start()].strip(" —-")
            org_m = re.search(r"([\u4e00-\u9fff]{2,16}?)(?:人民政府|政府)?$", org) if org else None
            meta.set("speaker", name, source, (n.start(1), n.end(1)))
            meta.set("speaker_title", m.group(0), source, (m.start(), m.end()))
            if org_m and len(org) <= 20:
                meta.spans["speaker_org"] = [org_start + org_m.start(), org_start + org_m.end()]
                return org_m.group(1).replace("人民政府", "")
            return ""
    # No post: a name alone between the session line and the salutation ("…会议上 吴巨培 各位代表").
    s = clean.find("会议上", 0, head_end)
    g = clean.find("各位代表", max(s, 0), head_end + 10)
    if s >= 0 and g > s:
        block = clean[s + 3:g].strip(" ——-\n")
        if re.fullmatch(r"[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,3}", block) and not _BAD_NAME.search(block):
            i = clean.find(block, s)
            meta.set("speaker", re.sub(r"\s", "", block), "header line", (i, i + len(block)))
            return ""
    meta.missing.append("speaker")
    return ""


def _places_of(name: str) -> list[Place]:
    """Gazetteer places a region name may denote (full name, short name, or city + district)."""
    gaz = gazetteer()
    for key in (name, short_name(name)):
        if key in gaz and (key == name or is_distinctive(key)):
            return gaz[key]
    m = re.match(r"[\u4e00-\u9fff]{2,4}[市州](?P<rest>[\u4e00-\u9fff]{2,6}[区县市])$", name)
    if m and m.group("rest") in gaz:
        return gaz[m.group("rest")]
    return []


def _resolve(candidates: list[tuple[str, str]], context: str = "") -> tuple[Place | None, str, list[str], list[Place]]:
    """Pick the place the named candidates denote; return it, its source, the candidates that disagree, and the
    places it may equally be when nothing in the header tells them apart (朝阳区: 北京 or 长春)."""
    context += "".join(c for c, _ in candidates)
    chosen: Place | None = None
    source = ""
    alike: list[Place] = []

    def score(p: Place) -> tuple[int, bool]:
        return sum(x in context for x in p.parents if x and x != "市辖区"), p.is_prefecture_or_above

    for cand, src in sorted((c for c in candidates if c[0]), key=lambda c: -len(c[0])):
        places = _places_of(_strip_prefix(cand))
        if places:
            chosen = max(places, key=score)
            alike = [p for p in places if score(p) == score(chosen) and p.code != chosen.code]
            source = src
            break
    if chosen is None:
        return None, "", [], []
    disagree = [f"{c} ({s})" for c, s in candidates if c and _places_of(_strip_prefix(c))
                and chosen.name not in c and short_name(chosen.name) not in c]
    return chosen, source, disagree, alike


def _strip_prefix(name: str) -> str:
    """Drop a leading province or city name that qualifies the place: 河北省保定市满城区 → 保定市满城区."""
    m = re.match(r"^[\u4e00-\u9fff]{2,3}省(?=[\u4e00-\u9fff]{2,})", name)
    return name[m.end():] if m and len(name) - m.end() >= 2 else name


def _title(clean: str, head_end: int) -> tuple[str, int | None, str]:
    """The report's title line in the header: (region named, year named, the line)."""
    zone = digit_years(_SPACED_TITLE.sub("政府工作报告", clean[:max(head_end, 200)]))  # 二〇一六年…报告 names 2016
    for m in _TITLE.finditer(zone):
        year = m.group(1) or m.group(2) or m.group(4) or m.group(5)
        region = (m.group(3) or "").strip()
        region = re.sub(r"^(?:\d{4}年?)", "", region)
        if region in ("", "市", "县", "区", "省", "市人民", "县人民"):
            region = ""
        if region or year:
            return region, int(year) if year else None, m.group(0).strip()
    return "", None, ""


def read_columns(fields: dict[str, str]) -> dict[str, str]:
    """Map a table row's columns to metadata candidates: year, region, city, province, title."""
    out: dict[str, str] = {}
    for name, value in fields.items():
        for key, rx in _COLUMN_FIELDS.items():
            if rx.match(name.strip()) and value and key not in out:
                out[key] = f"{name}={value}"
    return out


def _read_years(clean: str, meta: ReportMeta, title_year: int | None, month: int | None) -> None:
    """Fill plan and review years: from the meeting date, else the title, else the report's own headings."""
    plan = _PLAN_HEAD.search(clean)
    review = _REVIEW_HEAD.search(clean)
    if meta.year is not None:
        meta.set("plan_year", meta.year + 1 if (month or 1) >= 10 else meta.year, meta.sources.get("year", "header line"))
    elif title_year is not None:
        meta.set("plan_year", title_year, "title")
    elif plan:
        meta.set("plan_year", int(plan.group(1)), "body")
    elif review:
        meta.set("plan_year", int(review.group(1)) + 1, "body")
    if review:
        meta.set("review_year", int(review.group(1)), "body")
    elif meta.plan_year is not None:
        meta.set("review_year", meta.plan_year - 1, meta.sources["plan_year"])
    if meta.plan_year is not None and plan and int(plan.group(1)) != meta.plan_year and meta.year is None:
        meta.conflicts.append(f"a heading names {plan.group(1)} as the plan year; kept {meta.plan_year} ({meta.sources['plan_year']})")
    if meta.year is None and title_year is not None:
        meta.set("year", title_year, "title")
    for name in ("year", "plan_year", "review_year"):
        if getattr(meta, name) is None:
            meta.missing.append(name)


def _apply_columns(meta: ReportMeta, columns: dict[str, str]) -> None:
    """Fill fields the text leaves missing from a table row's columns; record where they disagree."""
    def value(key: str) -> str:
        return columns[key].split("=", 1)[1] if key in columns else ""

    def source(key: str) -> str:
        return "column:" + columns[key].split("=", 1)[0]

    if "year" in columns and value("year").isdigit():
        y = int(value("year"))
        if meta.year is None:
            meta.set("year", y, source("year"))
            meta.missing = [m for m in meta.missing if m != "year"]
        elif y not in (meta.year, meta.plan_year):
            meta.conflicts.append(f"{source('year')} says {y}; the text says delivered {meta.year}, planning {meta.plan_year}")
        if meta.plan_year is None:
            meta.set("plan_year", y, source("year"))
            meta.set("review_year", y - 1, source("year"))
            meta.missing = [m for m in meta.missing if m not in ("plan_year", "review_year")]
    if "title" in columns and not meta.site_title:
        meta.site_title = value("title")


def extract_metadata(clean: str, raw: str = "", fields: dict[str, str] | None = None) -> ReportMeta:
    """Read metadata from a cleaned report; the raw text supplies the site's title, a table row its columns."""
    meta = ReportMeta(site_title=site_title(raw) if raw else "")
    head_end = _header_end(clean)
    month = _read_date(clean, head_end, meta)
    session_place = _read_session(clean, head_end, meta)
    org = _read_speaker(clean, head_end, meta)
    title_region, title_year, title_line = _title(clean, head_end)
    self_m = _SELF.search(clean, 0, head_end + 200)
    self_org = (self_m.group("org") or self_m.group("council")) if self_m else ""
    if self_m:  # "我代表国务院，向大会报告政府工作，连同…，请予审议": the delivery sentence, to its end
        stop = min((i for i in (clean.find(c, self_m.end()) for c in "。\n") if i >= 0), default=len(clean))
        meta.spans["behalf"] = [self_m.start(), min(stop, self_m.end() + 160)]
    voc = vocabulary()
    national = session_place == "全国" or self_org == "国务院" or "国务院" in title_line or meta.speaker_title.endswith("总理")
    columns = read_columns(fields or {})
    if national:
        meta.set("region", voc.national_region, "header line" if session_place == "全国" else ("body" if self_org else "title"))
        meta.level = meta.tier = voc.national_level
        meta.aliases = sorted({voc.national_region, *voc.national}, key=lambda a: (-len(a), a))  # the same order every run
    else:
        candidates = [(title_region, "title"), (session_place, "header line"), (org, "header line"), (self_org, "body")]
        col_region = "".join(columns[k].split("=", 1)[1] for k in ("province", "city", "region") if k in columns)
        place, source, disagree, alike = _resolve(candidates, clean[:head_end] + col_region)
        if place is None and col_region:
            place, source, _, alike = _resolve([(columns["region"].split("=", 1)[1], "column")] if "region" in columns else [])
            if place is not None:
                ctx = [p for p in _places_of(columns["region"].split("=", 1)[1])
                       if all(x in "".join(p.parents) for x in (columns.get("city", "=").split("=", 1)[1],) if x)]
                place = ctx[0] if ctx else place
                source = "column:" + columns["region"].split("=", 1)[0]
        if place is None:
            meta.missing.append("region")
        elif alike:  # the name is shared and the header does not say which: keep the name, guess no province
            meta.set("region", place.name, source)
            meta.short_region = short_name(place.name)
            meta.level, meta.tier = level_of(place), tier_of(place)
            meta.aliases = [a for a in _aliases(place) if not any(short_name(x) in a for x in place.parents)]
            where = "、".join("".join(x for x in (*p.parents, p.name) if x != "市辖区") for p in (place, *alike))
            meta.conflicts.append(f"{place.name} may be {where}; the text does not say which")
        else:
            meta.set("region", place.full_name, source)
            meta.province, meta.short_region = place.province, short_name(place.name)
            meta.level, meta.tier = level_of(place), tier_of(place)
            meta.aliases = _aliases(place, [c for c, _ in candidates if c])
            meta.conflicts += [f"{d} names another place than {place.full_name}" for d in disagree]
            if "region" in columns and not source.startswith("column"):
                col = columns["region"].split("=", 1)[1]
                if place.code not in {p.code for p in _places_of(col)}:
                    meta.conflicts.append(f"column {columns['region']} disagrees with the text ({place.full_name}); the text wins")
    _read_page_fields(clean, head_end, meta)
    _read_years(clean, meta, title_year, month)
    _apply_columns(meta, columns)
    if meta.region and not meta.level and meta.speaker_title:
        meta.level = meta.speaker_title.replace("代", "").replace("副", "")[0]
    suffix = "（摘要）" if "摘要" in clean[:100] else ""
    meta.title = f"{meta.region}{meta.plan_year or ''}年政府工作报告{suffix}" if meta.region else (title_line or site_title(clean))
    _record_title_conflicts(meta)
    if not _REPORT_WORDS.search(clean[:3000]) and not meta.session and not meta.date:
        meta.not_a_report = "no salutation, session or report title: may not be a government work report"
    elif _ABOUT_A_REPORT.search(clean) and not _SPEAKS_AS_GOVERNMENT.search(clean) and clean.count("我们") < 2:
        meta.not_a_report = "written about a report (记者, 报告提出…), not the report itself: may be a news article"
    return meta


# How an article about a report speaks of it: a reporter, and the report in the third person.
_ABOUT_A_REPORT = re.compile(r"记者|报告(?:提出|指出|明确|显示|强调|要求)|解读")
_SPEAKS_AS_GOVERNMENT = re.compile(r"各位代表|我代表")  # the report itself addresses the congress


def _aliases(place: Place, written: Sequence[str] = ()) -> list[str]:
    """Names a user may type for the place: 焦作市解放区, 焦作解放区, 解放区 …, and the name the report itself
    writes where the place has since been renamed (徐水县, now 徐水区)."""
    short = short_name(place.name)
    typed = tier_of(place) != "县级" or is_distinctive(short)  # a city or province is typed by its short name (保定)
    names = {place.name, place.full_name} | ({short} if typed else set())
    names |= {short + m.group(1) for w in written if (m := re.search(re.escape(short) + "(县|区|市|旗)", w))}
    if place.full_name != place.name:
        city = place.parents[-1]
        names.add(short_name(city) + place.name)
    if place.parents and place.parents[0] in ("北京市", "天津市", "上海市", "重庆市"):
        names |= {place.parents[0] + place.name, short_name(place.parents[0]) + place.name}
    if place.name.endswith("自治区") and len(short) > 2:
        names.add(short[:2])  # 内蒙古自治区 → 内蒙古, 内蒙
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
    region = (named.group(3) or "") if named else ""
    if region and meta.short_region and meta.short_region not in meta.site_title and region in gazetteer():
        meta.conflicts.append(f"site title names another region ({meta.site_title}); the text says {meta.region}")


_NOT_SETTABLE = {"missing", "conflicts", "sources", "spans", "not_a_report"}
_INT_FIELDS = {"year", "plan_year", "review_year"}


def check_overrides(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate metadata overrides and coerce their types (years to int, aliases to a list); raise ValueError."""
    known = [f for f in ReportMeta.__dataclass_fields__ if f not in _NOT_SETTABLE]
    out: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        if key not in known:
            raise ValueError(f"unknown metadata field {key!r}; known fields: {', '.join(known)}")
        if key in _INT_FIELDS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"metadata field {key!r} must be a year, got {value!r}") from None
        elif key == "aliases":
            value = [a.strip() for a in value.split(",") if a.strip()] if isinstance(value, str) else list(value)
        else:
            value = str(value)
        out[key] = value
    return out


def apply_overrides(meta: ReportMeta, overrides: Mapping[str, Any], source: str = "override") -> None:
    """Set overridden fields, re-derive what depends on the region, and stop calling them missing."""
    for k, v in overrides.items():
        meta.set(k, v, source)
    if "region" in overrides:
        region = str(overrides["region"])
        place = next(iter(gazetteer().get(region, [])), None)
        meta.short_region = short_name(region)
        meta.province = place.province if place else ""
        if "level" not in overrides:
            meta.level = (level_of(place) if place else level_of(region)) or meta.level
            meta.tier = tier_of(place) if place else meta.tier
        if "aliases" not in overrides:  # the aliases read from the text named another place
            meta.aliases = sorted({region, meta.short_region} - {""}, key=len, reverse=True)
    if "year" in overrides and "plan_year" not in overrides and meta.plan_year is None:
        meta.set("plan_year", int(overrides["year"]), source)  # as when a date line gives the year
        meta.set("review_year", int(overrides["year"]) - 1, source)
        meta.missing = [m for m in meta.missing if m not in ("plan_year", "review_year")]
    if "title" not in overrides and meta.region and ({"region", "plan_year", "year"} & set(overrides)):
        meta.title = f"{meta.region}{meta.plan_year or ''}年政府工作报告"
    meta.missing = [m for m in meta.missing if m not in overrides]
