"""Turn a raw scraped report into clean prose: junk dropped, widths normalised, lines rejoined."""

from __future__ import annotations

import re

from rag.text import normalize_width

__all__ = ["clean_text"]

# Whole lines that are page furniture on the sites reports are scraped from.
_JUNK_LINE = re.compile(
    r"^(?:导航菜单|打印|关闭|收藏本站|设为首页.*|快速回复.*|返回(?:顶部|列表).*|本版积分规则|客服中心"
    r"|在线咨询|在线时间[:：]?|联系电话[:：]?.*|周[一二三四五六日]\s*[~～至-]\s*周[一二三四五六日]"
    r"|验证码[:：]?|\[复制链接\]|[-–—•·]|[-–—•·]?\s*(?:联系我们|企业入驻|网站地图|关于我们)"
    r"|有想补充的信息.*|点我投稿|发布日期[:：].*|.*字体[:：]\s*(?:大|中|小)?.*|查看[:：]\s*\d+\s*\|.*"
    r"|.*TA的每日心情|签到天数.*|\[LV\.\d+\].*|Rank[:：].*|发表于\s*\d{4}-.*|您需要登录后.*"
    r"|Powered by.*|.*Licensed.*©.*|本文仅代表作者观点.*|本文地址[:：].*|留言与评论.*|分享到[:：]?.*"
    r"|上一篇[:：].*|下一篇[:：].*|来源[:：]\s*\S{0,20}|责任编辑[:：].*|扫一扫.*|[\d\s:.\-万]+)$",
    re.IGNORECASE,
)
_SENTENCE_END = "。！？；：…”」）)】"
_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:[、．]|\.(?!\d))|[●◆■▲★])")


def _is_junk(line: str) -> bool:
    """Return True for a line that is page furniture, not report text."""
    return bool(_JUNK_LINE.match(line))


def _start_index(lines: list[str]) -> int:
    """Find where the report itself begins: the last title line before the salutation."""
    greet = next((i for i, l in enumerate(lines) if "各位代表" in l), None)
    titles = [i for i, l in enumerate(lines) if "工作报告" in l and (greet is None or i <= greet)]
    if titles:
        return titles[-1] if greet is not None else titles[0]
    return 0


def _rejoin(lines: list[str]) -> list[str]:
    """Rejoin sentences that a hard line break cut in two."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if (
            prev
            and len(prev) >= 40
            and prev[-1] not in _SENTENCE_END
            and not _HEADING_START.match(line)
            and not _HEADING_START.match(prev)
        ):
            out[-1] = prev + line
        else:
            out.append(line)
    return out


def clean_text(raw: str) -> str:
    """Return the report's text, one paragraph per line, with page junk removed."""
    text = normalize_width(raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [re.sub(r"[ \t]+", " ", l).strip() for l in text.split("\n")]
    lines = [l for l in lines if l]
    lines = lines[_start_index(lines):]
    lines = [l for l in lines if not _is_junk(l)]
    return "\n".join(_rejoin(lines))
