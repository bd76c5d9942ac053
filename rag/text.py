"""Character-level text helpers shared by cleaning, indexing and evaluation."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_width", "fold", "is_cjk", "CJK", "CJK_RE", "CN_NUM", "cn_to_int", "digit_years", "split_sentences", "FIVE_YEAR_PLANS", "FIVE_YEAR_NAME",
           "five_year_plan"]

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
CJK_RE = re.compile(f"[{CJK}]")
_CJK_RE = CJK_RE
CN_NUM = "〇零○一二两三四五六七八九十百"  # characters of a number written in Chinese
# A date in Arabic or Chinese numerals: "2023年1月10日", "二〇二六年一月二十七日".
DATE = re.compile(rf"(\d{{4}}|[{CN_NUM}]{{4}})\s*年\s*(\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*月\s*(\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*日")
NAMED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")  # "2022年"

# Full-width ASCII letters, digits and number signs become half-width, so that
# "８％" and "8%" match; Chinese punctuation stays full-width.
_FULL_TO_HALF = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULL_TO_HALF.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULL_TO_HALF.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULL_TO_HALF.update({"％": "%", "．": ".", "＋": "+", "－": "-", "／": "/", "＝": "="})
_SPACES = {"\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\ufeff": ""}
_WIDTH_TABLE = str.maketrans({**_FULL_TO_HALF, **_SPACES})

# ASCII punctuation used inside Chinese prose becomes the Chinese form, so that
# reports scraped with either style read (and match) the same.
_HALF_TO_CJK_PUNCT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_PUNCT_RE = re.compile(r"[,:;()?!]")
_WS_RE = re.compile(r"\s+")


def is_cjk(ch: str) -> bool:
    """Return True if the character is a CJK ideograph."""
    return bool(_CJK_RE.match(ch))


def _punct_to_cjk(text: str) -> str:
    """Turn ASCII punctuation into Chinese punctuation unless it sits between ASCII."""
    def repl(m: re.Match[str]) -> str:
        i = m.start()
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        ch = m.group()
        # "1,000", "9:00", "(a)" stay ASCII; anything touching Chinese text converts.
        if ch in ",:" and before.isascii() and after.isascii() and (before.isdigit() or after.isdigit()):
            return ch
        if before.isascii() and after.isascii() and (before.strip() or after.strip()):
            if not (ch in "()" and (is_cjk(before) or is_cjk(after))):
                return ch
        return _HALF_TO_CJK_PUNCT[ch]

    return _PUNCT_RE.sub(repl, text)


def normalize_width(text: str) -> str:
    """Normalise full/half-width forms and odd spaces the same way for every report."""
    text = unicodedata.normalize("NFC", text).translate(_WIDTH_TABLE)
    return _punct_to_cjk(text)


_CN_YEAR = re.compile(r"(?<![〇零○一二三四五六七八九十])([一二][〇零○一二三四五六七八九]{3})(?=年)")
# A year typed without 年 ("辽宁2022GDP目标"): four digits that no unit, date part or decimal follows.
_BARE_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.%]|\s*[年月日号万亿千百元个套家所座项辆台户条处批名人吨亩公里米倍点天期届次])")


def digit_years(text: str) -> str:
    """Years written in Chinese numerals in digits: 二〇二二年 → 2022年."""
    return _CN_YEAR.sub(lambda m: str(cn_to_int(m.group(1)) or m.group(1)), text)


def normalize_question(text: str) -> str:
    """A question as the pipeline reads it: width-normalised (２０２２年ＧＤＰ), years in digits (二〇二二年 → 2022年),
    a bare year marked as one (2022GDP → 2022年GDP)."""
    text = normalize_width(text.strip())
    return _BARE_YEAR.sub(r"\1年", digit_years(text))


def fold(text: str) -> str:
    """Return a matching key: width-normalised with all whitespace removed."""
    return _WS_RE.sub("", normalize_width(text))


_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def cn_to_int(text: str) -> int | None:
    """Convert '2022', '二〇一九', '十五', '二十七', '一百二十' or '七' to an int; None if it is not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        h = _CN_DIGITS.get(hundreds, 1) if hundreds else 1
        rest = rest.lstrip("零〇")
        tail = cn_to_int(rest if "十" in rest or len(rest) != 1 else rest) if rest else 0
        return h * 100 + (tail or 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in text))


_ITEM_MARK = re.compile(r"\s*(?:(\d{1,2})\s*[.．、](?!\d)|[（(]\s*([\d一二三四五六七八九十]{1,3})\s*[）)]|([①-⑳])"
                        r"|第?([一二三四五六七八九十]{1,3})(?:是|要|、|，|：))")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def item_number(text: str) -> int | None:
    """The number of the list item a text opens with ("8.实现…", "（八）…", "⑧…", "九是…", "第三，…"), or None."""
    m = _ITEM_MARK.match(text)
    if not m:
        return None
    if m.group(3):
        return _CIRCLED.index(m.group(3)) + 1
    return cn_to_int(m.group(1) or m.group(2) or m.group(4))


_SENT = re.compile(r"[^。！？；!?\n]*(?:[。！？；!?]+[”’」）)]*|\n|$)")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in text, shifted by offset."""
    spans = []
    for m in _SENT.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s] in " \n":
            s += 1
        while e > s and text[e - 1] in " \n":
            e -= 1
        if e > s:
            spans.append((offset + s, offset + e))
    return spans


# The five-year plans reports name: "“十四五”时期" is 2021–2025.
FIVE_YEAR_PLANS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
                   "十五五": (2026, 2030), "十六五": (2031, 2035)}
FIVE_YEAR_NAME = "(?:{})".format("|".join(FIVE_YEAR_PLANS))  # any plan's name, for the patterns that read one


def five_year_plan(text: str) -> tuple[int, int] | None:
    """The first and last year of the five-year plan text names, if any."""
    return next((span for name, span in FIVE_YEAR_PLANS.items() if name in text), None)
