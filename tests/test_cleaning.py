"""Cleaning and width normalisation on real report text."""

from rag.ingest.cleaning import clean_text
from rag.text import fold, normalize_width


def test_width_and_punctuation_normalised():
    """Full-width digits become ASCII; ASCII commas inside Chinese become Chinese commas."""
    assert normalize_width("增长８％左右,力争更好") == "增长8%左右，力争更好"
    assert normalize_width("9:00-18:00 1,000") == "9:00-18:00 1,000"


def test_fold_ignores_whitespace_and_width():
    """The matching key is the same for both scraping styles."""
    assert fold("地区生产总值 增长8%左右,") == fold("地区生产总值增长８％左右，")


def test_forum_junk_removed(raw_report):
    """The 解放区 forum page loses its login boxes, ranks and footer but keeps the report."""
    text = clean_text(raw_report("004_jiefang"))
    assert text.startswith("2022年焦作市解放区政府工作报告")
    for junk in ("签到天数", "Rank", "您需要登录", "Powered by", "客服中心", "快速回复"):
        assert junk not in text
    assert "地区生产总值增长8%左右" in text
    assert text.rstrip().endswith("和谐解放。")


def test_site_footer_and_print_removed(raw_report):
    """Site footers ('本文地址', '验证码', '打印') are dropped."""
    for doc in ("000_yima", "001_houma"):
        text = clean_text(raw_report(doc))
        assert "打印" not in text.splitlines()
        assert "本文地址" not in text and "验证码" not in text and "导航菜单" not in text


def test_hard_line_breaks_rejoined(raw_report):
    """The 运城 abstract's sentences broken across lines are joined again."""
    text = clean_text(raw_report("002_yuncheng_abstract"))
    assert "疫情反复冲击" in text
    assert "在校生占比降至3.9%" in text


def test_a_break_inside_quotation_marks_is_joined():
    """A scrape that broke a heading at its quotation marks ("二、“⏎十四五⏎”时期…") gets it back whole."""
    raw = "各位代表：\n二、“\n十四五\n”时期发展的总体思路和重点任务\n“十四五”时期，我国开启了新征程。\n"
    assert "二、“十四五”时期发展的总体思路和重点任务" in clean_text(raw)
