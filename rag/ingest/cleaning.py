"""Turn a raw scraped report into clean prose by general rules: where the report starts and ends, a copy of it
printed twice, escapes and artefacts of the scrape, page furniture, widths, broken lines."""

from __future__ import annotations

import html
import re

from rag.text import normalize_width

__all__ = ["clean_text"]

# Page furniture of Chinese news and government sites: toolbars, bylines, share and print links, page
# counters. Generic words of web pages, not one site's strings (a report never has a line of just these).
_FURNITURE = re.compile(
    r"^(?:[【\[]?\s*(?:字号|字体)\s*[:：]?.*|(?:下载|打印|全屏|收藏|分享|关闭|返回|加大|还原|减小|大|中|小|】|【|-|—|•|·|\|)"
    r"|(?:打印本页|关闭窗口|返回顶部|返回列表|设为首页|收藏本站|分享到|扫一扫|相关报道|相关链接|相关新闻|上一篇|下一篇)[:：]?.*"
    r"|(?:来源|来源于|作者|编辑|责任编辑|发布日期|发布时间|更新时间|时间|浏览次数|点击数|阅读)\s*[:：].{0,40}"
    r"|（责任编辑[:：].{0,20}）|.*(?:Powered by|Copyright|版权所有|ICP备|公网安备).*|当前位置[:：].*"
    r"|[\d\s:.\-/年月日时分秒万|]+)$",
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
_ENTRY = re.compile(r"^[“\"]?[^：:|]{1,24}[”\"]?[：:](?=(?:.*[\u4e00-\u9fff]){4})")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_GLOSSARY_HEAD = re.compile(r"^.{0,12}(?:名\s?词\s?解\s?释|词\s?语\s?解\s?释|名词注释|注\s?释|附\s?注|附\s?件)")


def _unescape(text: str) -> str:
    """Undo escapes a scrape left as text: literal \\r\\n sequences and HTML entities (&nbsp;)."""
    if len(_ESCAPED_BREAK.findall(text)) >= 3 and text.count("\n") < len(_ESCAPED_BREAK.findall(text)):
        text = _ESCAPED_BREAK.sub("\n", text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    text = _FOOTNOTE.sub(r"〔\1〕", text)  # "[3]" would read as a citation marker in an answer
    return _LOST_CHAR.sub(" ", text)


def _is_furniture(line: str) -> bool:
    """True for a line that is page furniture, not report text."""
    return bool(_FURNITURE.match(line))


def _start_index(lines: list[str]) -> int:
    """Where the report begins: the last title line before the salutation, else its opening (date/session) line."""
    greet = next((i for i, l in enumerate(lines) if "各位代表" in l), None)
    stop = greet if greet is not None else min(len(lines), 40)
    titles = [i for i, l in enumerate(lines[:stop + 1]) if _TITLE_LINE.search(l) and len(l) <= 60
              and not re.search(r"[。！]", l) and "作政府工作报告" not in l and "作工作报告" not in l]
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


def _end_index(lines: list[str]) -> int:
    """Where the report ends: after its last paragraph of prose, or its notes / glossary / annex block."""
    last = 0
    in_appendix = False
    for i, l in enumerate(lines):
        if _GLOSSARY_HEAD.match(l):
            in_appendix = True
        prose = ((len(l) >= 30 and l[-1] in "。！；”）)" and "|" not in l) or (len(l) >= 12 and l.endswith("。"))
                 or len(_CJK.findall(l)) >= 40)  # a long paragraph, even one the scrape cut short
        entry = in_appendix and bool(_ENTRY.match(l) or (_HEADING_START.match(l) and len(_CJK.findall(l)) >= 4))
        if prose or entry or _GLOSSARY_HEAD.match(l):
            last = i
    return last + 1


def _rejoin(lines: list[str]) -> list[str]:
    """Rejoin sentences that a hard line break cut in two."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        broken = prev and prev[-1] not in _SENTENCE_END and not _HEADING_START.match(line) and not _HEADING_START.match(prev)
        # A long line cut mid-sentence, or a fragment of a few characters ("亲自⏎指挥、⏎亲自⏎部署").
        fragment = bool(prev) and ((len(line) <= 6 and "各位" not in line) or (len(prev) <= 6 and prev[-1] in "、，"))
        # A break inside quotation marks ("二、“⏎十四五⏎”时期…") is never a paragraph's end, even in a heading.
        quoted = bool(prev) and (prev[-1] in "“「『" or line[0] in "”」』")
        if quoted or (broken and (len(prev) >= 40 or fragment)):
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
    lines = lines[_start_index(lines):]
    lines = _drop_second_copy(lines)
    lines = [l for l in lines if not _is_furniture(l)]
    lines = lines[:_end_index(lines)]
    return "\n".join(_rejoin(lines))
