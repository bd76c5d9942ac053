"""Character-level text helpers shared by cleaning, indexing and evaluation."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_width", "fold", "is_cjk", "CJK"]

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{CJK}]")

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


def fold(text: str) -> str:
    """Return a matching key: width-normalised with all whitespace removed."""
    return _WS_RE.sub("", normalize_width(text))
