"""Turn a raw scraped report into clean prose by general rules: where the report starts and ends, a copy of it
printed twice, escapes and artefacts of the scrape, page furniture, widths, broken lines."""

from __future__ import annotations

import html
import re

from rag.text import normalize_width
from rag.vocabulary import vocabulary

__all__ = ["clean_text"]

# Page furniture of Chinese news and government sites: toolbars, bylines, share and print links, page
# counters. Generic words of web pages, not one site's strings (a report never has a line of just these).
_FURNITURE = re.compile(
    r"^(?:[【\[]?\s*(?:字号|字体)\s*[:：]?.*|(?:下载|打印|全屏|收藏|分享|关闭|返回|加大|还原|减小|大|中|小|】|【|-|—|•|·|\|)"
    r"|(?:打印本页|关闭窗口|返回顶部|返回列表|设为首页|收藏本站|分享到|扫一扫|相关报道|相关链接|相关新闻|上一篇|下一篇)[:：]?.*"
    r"|(?:来源|来源于|作者|编辑|责任编辑|发布日期|发布时间|更新时间|时间|浏览次数|点击数|阅读)\s*[:：].{0,40}"
    r"|(?:主办单位|承办单位|主办|承办|协办|技术支持|地址|邮编|联系电话|电话|传真|邮箱|网站标识码)\s*[:：].*"  # a site's footer
    r"|（责任编辑[:：].{0,20}）|.*(?:Powered by|Copyright|版权所有|ICP备|公网安备).*|当前位置[:：].*"
    r"|[^。，；]{0,12}(?:\s*[>›»]\s*[^>›»。，；]{1,12}){2,}"  # a breadcrumb: 首页 > 政务公开 > 政府工作报告
    r"|(?:第\s*\d+\s*页\s*[,，/]?\s*)?(?:共\s*\d+\s*页)?(?:\s*[,，/]?\s*第\s*\d+\s*页)?"  # 第 3 页 共 20 页
    r"|(?:(?:分享|点赞|在看|转发|收藏|留言)[:：]?\s*)+|END|往期推荐|推荐阅读|阅读原文|.*(?:点击上方蓝字|长按识别二维码|扫码关注).*"
    r"|[▲△]?\s*图片来源[:：].{0,30}|(?:责编|审核|校对|监制|编审|排版|美编)\s*[:：].{0,40}"  # a WeChat article's header and footer
    r"|[\d\s:.\-—–/年月日时分秒万|]+)$",  # page numbers ("- 3 -", "— 11 —") and bare dates
    re.IGNORECASE,
)
_SENTENCE_END = "。！？；：…”」）)】"
_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:[、．]|\.(?!\d))|[●◆■▲★])")
_TITLE_LINE = re.compile(r"政\s*府\s*工\s*作\s*报\s*告|工作报告")
_OPENING_LINE = re.compile(r"^——|在.{0,20}(?:人民代表大会|人大).{0,12}会议")
_ESCAPED_BREAK = re.compile(r"\\r\\n|\\n|\\r")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5});")
# An ASCII '?' in Chinese prose is a character the scrape lost (reports write '？'); not inside URLs or ASCII.
_LOST_CHAR = re.compile(r"(?<![A-Za-z0-9=&/._-])\?+|\?+(?![A-Za-z0-9=&/._-])")
# Footnote markers ([1]…[54]) stuck to numbers or words.
_FOOTNOTE = re.compile(r"\[(\d{1,3})\]")
# A subscript the page marked with an underscore: PM_2.5 is PM2.5 (as questions and other reports write it).
_SUBSCRIPT = re.compile(r"(?<=[A-Z])_(?=\d)")
_ENTRY = re.compile(r"^[“\"]?[^：:|]{1,24}[”\"]?[：:](?=(?:.*[\u4e00-\u9fff]){4})")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_GLOSSARY_HEAD = re.compile(r"^.{0,12}(?:名\s?词\s?解\s?释|词\s?语\s?解\s?释|名词注释|注\s?释|附\s?注|附\s?件)")


def _unescape(text: str) -> str:
    """Undo escapes a scrape left as text: literal \\r\\n sequences, HTML entities (&nbsp;), subscript marks (PM_2.5)."""
    if len(_ESCAPED_BREAK.findall(text)) >= 3 and text.count("\n") < len(_ESCAPED_BREAK.findall(text)):
        text = _ESCAPED_BREAK.sub("\n", text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    text = _SUBSCRIPT.sub("", text)
    text = _FOOTNOTE.sub(r"〔\1〕", text)  # "[3]" would read as a citation marker in an answer
    return _LOST_CHAR.sub(" ", text)


def _is_furniture(line: str) -> bool:
    """True for a line that is page furniture, not report text (a line naming the paper that published it is kept)."""
    return bool(_FURNITURE.match(line)) and not vocabulary().sections["publisher_line"].match(line)


def _is_dateline(line: str) -> bool:
    """True for a news agency's dateline standing as a line of its own (新华社北京3月14日电)."""
    return bool(vocabulary().sections["dateline"].fullmatch(line))


def _is_page_line(line: str) -> bool:
    """True for a line stating a fact of the page (来源：新华日报, 新华社北京3月14日电, 时间：2026-02-09): it stands on its own."""
    sections = vocabulary().sections
    return bool(sections["publisher_line"].match(line) or sections["page_date_line"].fullmatch(line)) or _is_dateline(line)


def _page_date(lines: list[str]) -> tuple[int, str] | None:
    """The line above the report giving the date its web page shows (时间：2026-02-02), cut to that field alone."""
    rx = vocabulary().sections["page_date_line"]
    stop = next((i for i, l in enumerate(lines) if "各位代表" in l), min(len(lines), 40))
    return next(((i, m.group().strip()) for i, l in enumerate(lines[:stop]) if (m := rx.match(l))), None)


def _page_source(line: str) -> str | None:
    """The 来源 field of the page's date line ("时间：2025-02-22 作者：… 来源：易县政府网 阅读："), as a line of its
    own, when it names a publisher."""
    m = re.search(r"来源\s*[:：]\s*([\u4e00-\u9fff]{2,14})", line)
    field = f"来源：{m.group(1)}" if m else ""
    return field if field and vocabulary().sections["publisher_line"].match(field) else None


def _join_bare_labels(lines: list[str]) -> list[str]:
    """Join a label left on its own line to its value ("来源:" / "四川日报" → "来源:四川日报")."""
    out: list[str] = []
    for line in lines:
        if out and re.fullmatch(r"来源\s*[:：]", out[-1]) and len(line) <= 20:
            out[-1] += line
        else:
            out.append(line)
    return out


def _is_prose(line: str) -> bool:
    """A paragraph of running text: long, or ending a sentence (not a title, link or byline)."""
    return (len(line) >= 30 and line[-1] in "。！；”）)" and "|" not in line) or len(_CJK.findall(line)) >= 40


def _start_index(lines: list[str]) -> int:
    """Where the report begins: the last title line before the salutation; with none, the first title line before
    the first paragraph of prose that is not in a page's list of links (three title lines in a row); else its
    opening (date/session) line."""
    greet = next((i for i, l in enumerate(lines) if "各位代表" in l), None)
    stop = greet if greet is not None else next((i for i, l in enumerate(lines[:40]) if _is_prose(l)), min(len(lines), 40))
    titles = [i for i, l in enumerate(lines[:stop + 1]) if _TITLE_LINE.search(l) and len(l) <= 60 and not _is_furniture(l)
              and not re.search(r"[。！]", l) and "作政府工作报告" not in l and "作工作报告" not in l]
    if greet is None:
        runs = set(titles)
        listed = {j for i in titles if {i, i + 1, i + 2} <= runs for j in (i, i + 1, i + 2)}
        titles = [i for i in titles if i not in listed]
    if titles:
        return titles[-1] if greet is not None else titles[0]
    opening = next((i for i, l in enumerate(lines[:stop]) if _OPENING_LINE.search(l)), None)
    return opening if opening is not None else 0


def _drop_second_copy(lines: list[str]) -> list[str]:
    """Cut a report printed twice (a page with the text again below its footer) after its first copy."""
    folded = [re.sub(r"\s+", "", l) for l in lines]
    joined = "".join(folded)
    greet = joined.find("各位代表")
    if greet < 0:
        return lines
    end = joined.find("。", greet)
    probe = joined[greet:end + 1 if 0 < end < greet + 120 else greet + 60]  # the opening sentence
    again = joined.find(probe, greet + len(probe))
    if again < 0 or len(probe) < 20:
        return lines
    # Map the folded offset back to a line, then back up over the second copy's own title and opening.
    pos = 0
    for i, f in enumerate(folded):
        if pos + len(f) > again:
            cut = i
            while cut > 0 and i - cut < 8 and (_TITLE_LINE.search(lines[cut - 1]) or _OPENING_LINE.search(lines[cut - 1])
                                               or len(lines[cut - 1]) <= 30):
                cut -= 1
            if again - greet < (len(joined) - again) / 2:
                return lines[cut:]  # the first "copy" was a summary (内容摘要): keep the full text after it
            return lines[:cut]
        pos += len(f)
    return lines


def _end_index(lines: list[str], width: int = 40) -> int:
    """Where the report ends: after its last paragraph of prose (its last line, in a hard-wrapped text), or its
    notes / glossary / annex block."""
    last = 0
    in_appendix = False
    for i, l in enumerate(lines):
        prev = lines[i - 1] if i else ""
        if l[-1] in "。！" and len(prev) >= width and prev[-1] not in _SENTENCE_END:
            last = i  # the short last line of a wrapped paragraph
        if _GLOSSARY_HEAD.match(l):
            in_appendix = True
        prose = _is_prose(l) or (len(l) >= 12 and l.endswith("。"))  # a long paragraph, even one the scrape cut short
        entry = in_appendix and bool(_ENTRY.match(l) or (_HEADING_START.match(l) and len(_CJK.findall(l)) >= 4))
        if prose or entry or _GLOSSARY_HEAD.match(l):
            last = i
    return last + 1


def _wrap_width(lines: list[str]) -> int:
    """How long a line must be to have been cut by a hard wrap: 40, or less in a text wrapped narrower (most of its
    lines stop mid-sentence at about the same length: 28 characters is the line of an official document)."""
    cut = sorted(len(line) for line in lines if len(line) >= 10 and line[-1] not in _SENTENCE_END)
    if len(cut) < 8 or len(cut) < 0.6 * len(lines):
        return 40
    median = cut[len(cut) // 2]
    near = sum(abs(n - median) <= 3 for n in cut)
    return min(40, median - 3) if median >= 20 and near >= 0.6 * len(cut) else 40


def _rejoin(lines: list[str], width: int = 40) -> list[str]:
    """Rejoin sentences that a hard line break cut in two (lines at least `width` long that stop mid-sentence)."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        # in a text wrapped narrower than 40, a numbered line as long as the wrap was cut by it too
        cut_heading = width < 40 and len(prev) >= width
        broken = (prev and prev[-1] not in _SENTENCE_END and not _HEADING_START.match(line)
                  and (cut_heading or not _HEADING_START.match(prev))
                  and not (len(prev) <= 60 and prev.endswith("上") and _OPENING_LINE.search(prev)))  # "…会议上" stands alone
        # A long line cut mid-sentence, or a fragment of a few characters ("亲自⏎指挥、⏎亲自⏎部署").
        fragment = bool(prev) and ((len(line) <= 6 and "各位" not in line) or (len(prev) <= 6 and prev[-1] in "、，"))
        # A break inside quotation marks ("二、“⏎十四五⏎”时期…") is never a paragraph's end, even in a heading.
        quoted = bool(prev) and (prev[-1] in "“「『" or line[0] in "”」』")
        if _is_page_line(prev):
            out.append(line)  # "来源：新华日报" and "新华社北京3月14日电" are lines of their own
        elif quoted or (broken and (len(prev) >= width or fragment)):
            out[-1] = prev + line
        else:
            out.append(line)
    return out


def clean_text(raw: str) -> str:
    """Return the report's text, one paragraph per line, with page furniture and scrape artefacts removed."""
    text = _unescape(raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = normalize_width(text)
    lines = [re.sub(r"[ \t]+", " ", l).strip() for l in text.split("\n")]
    lines = [l for l in lines if l]
    start = _start_index(lines)
    dateline = next((i for i in range(max(0, start - 3), start) if _is_dateline(lines[i])), start)
    page = _page_date(lines)  # the page's own date (时间：2026-02-02): kept, after the title when it stood above it
    page_source = _page_source(lines[page[0]]) if page else None  # and the publisher the same line names
    lines = lines[dateline:]  # a news agency's dateline over the title belongs to the page of the report
    if page and page[0] >= dateline:
        lines[page[0] - dateline] = page[1]
    lines = _drop_second_copy(lines)
    if page and page[1] not in lines:  # it stood above the title, or with a summary cut as a first copy
        lines.insert(1, page[1])
    if page and page_source and page_source not in lines:
        lines.insert(lines.index(page[1]) + 1, page_source)
    lines = [l for l in _join_bare_labels(lines) if (page and l == page[1]) or not _is_furniture(l)]
    width = _wrap_width(lines)
    end = _end_index(lines, width)
    # the page's own 来源 line just after the report's end (来源：河北新闻网) names its publisher: kept, last
    source = next((l for l in lines[end:end + 4] if vocabulary().sections["publisher_line"].match(l)), None)
    return "\n".join(_rejoin(lines[:end], width) + ([source] if source else []))
