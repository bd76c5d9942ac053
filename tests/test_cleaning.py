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


REPORT = ("政府工作报告\n——2024年3月12日在侯马市第十七届人民代表大会第四次会议上\n侯马市人民政府市长 尹明星\n各位代表：\n"
          "现在，我代表市人民政府向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。\n一、2023年工作回顾\n"
          + "全市地区生产总值完成186.6亿元，增长5.2%，一般公共预算收入完成12.3亿元，增长8.1%。" * 12
          + "\n各位代表！让我们团结一心，奋力谱写侯马高质量发展新篇章！")


def test_wrapped_at_an_official_line_length_is_rejoined():
    """A text hard-wrapped at 28 characters, with page counters, reads as the same paragraphs as the original."""
    clean = clean_text(REPORT)
    lines = []
    for para in REPORT.split("\n"):
        lines += [para[i:i + 28] for i in range(0, len(para), 28)]
    for at in (40, 80):
        lines.insert(at, "第 2 页 共 9 页")
    wrapped = clean_text("\n".join(lines))
    assert fold(wrapped) == fold(clean)  # nothing lost or added, the closing kept, the page counters gone
    # every line is whole: a sentence's end, or a short title, date or heading line (a sentence ending exactly at a
    # wrap may still start a new line there: that splits no sentence)
    assert all(line[-1] in "。！：" or len(line) <= 40 for line in wrapped.split("\n"))
    assert len(wrapped.split("\n")) <= len(clean.split("\n")) + 3


def test_page_link_list_is_not_the_report():
    """A browser copy with the site's list of other reports above an abstract with no salutation starts at the
    report's own title: no other place's or year's title is left to be read as its metadata."""
    page = ("临汾市人民政府门户网站\n首页 > 政务公开 > 政府工作报告\n政府工作报告栏目\n2022年临汾市政府工作报告\n"
            "晋城市2023年政府工作报告\n关于印发2023年国民经济和社会发展计划的通知\n\n政府工作报告\n"
            "2022年工作回顾\n" + "2022年是极不平凡、极不寻常的一年，全市上下团结奋斗，取得了来之不易的成绩。" * 3)
    text = clean_text(page)
    assert text.startswith("政府工作报告\n2022年工作回顾") and "临汾" not in text and "首页" not in text


def test_site_footer_after_a_glossary_is_dropped():
    """A report ending in numbered notes keeps them, but not the page's links and footer after them."""
    text = clean_text(REPORT + "\n名词解释\n1.五个解放：富裕解放、创新解放、美丽解放、健康解放、和谐解放。\n"
                      "2021年新乡市政府工作报告 2022-06-08\n主办单位：新乡市人民政府办公室 承办单位：新乡市大数据中心\n"
                      "地址：新乡市人民路1号 邮编：453000")
    assert text.endswith("和谐解放。")


def test_wechat_and_page_number_furniture():
    """A WeChat copy's header and footer lines and '— 11 —' page numbers are not report text."""
    raw = ("点击上方蓝字关注我们\n" + REPORT.replace("增长5.2%。", "增长5.2%。\n— 11 —\n", 1)
           + "\n▲图片来源：视觉中国\nEND\n责编：刘洋 审核：张伟\n往期推荐\n分享 点赞 在看")
    assert clean_text(raw) == clean_text(REPORT.replace("增长5.2%。", "增长5.2%。\n", 1))


def test_the_publisher_line_is_kept_on_its_own():
    """"来源：新华日报" names who published the report: kept, as a line of its own; a label cut from its value is joined."""
    raw = ("2026年江苏省政府工作报告\n——2026年2月3日在江苏省第十四届人民代表大会第五次会议上\n来源：新华日报\n时间：2026-02-09\n"
           "省长 刘小涛\n各位代表：\n现在，我代表省人民政府向大会报告工作。")
    lines = clean_text(raw).split("\n")
    assert "来源：新华日报" in lines and "省长 刘小涛" in lines and "时间：2026-02-09" in lines  # the page's date, kept too
    assert "来源：四川日报" in clean_text(raw.replace("来源：新华日报", "来源:\n四川日报")).split("\n")
    assert "来源：" not in clean_text(raw.replace("来源：新华日报", "来源：本站"))


def test_a_news_agency_dateline_over_the_title_is_kept_on_its_own():
    """"新华社北京3月14日电" over the title says when the agency sent the text: kept as the report's first line."""
    raw = ("2014国务院政府工作报告\n新华社北京3月14日电\n政府工作报告\n——2014年3月5日在第十二届全国人民代表大会第二次会议上\n"
           "各位代表：\n现在，我代表国务院，向大会作政府工作报告。")
    lines = clean_text(raw).split("\n")
    assert lines[:2] == ["新华社北京3月14日电", "政府工作报告"]


def test_subscript_marks_dropped():
    """A page's PM_2.5 (subscript written with an underscore) reads PM2.5, as questions write it."""
    text = clean_text("辽宁省政府工作报告\n环境质量持续向优，PM_2.5平均浓度低于每立方米19微克，CO_2排放继续下降。\n")
    assert "PM2.5平均浓度" in text and "CO2排放" in text


def test_page_line_fields_kept_on_their_own():
    """The page's line "时间：… 作者：… 来源：易县政府网" keeps its date and its publisher, each a line of its own;
    "发文时间：2015-04-28" is the page's date too."""
    raw = ("工作报告\n易县2025年政府工作报告\n时间：2025-02-22\t\t作者：中国县域\t\t来源：易县政府网\t\t阅读：\n"
           "政府工作报告\n——2025年1月14日在易县第十八届人民代表大会第五次会议上\n各位代表：\n现在，我代表易县人民政府向大会报告工作。\n")
    lines = clean_text(raw).split("\n")
    assert "时间：2025-02-22" in lines and "来源：易县政府网" in lines and not any("作者" in l for l in lines)
    raw = ("政 府 工 作 报 告\n发文时间：2015-04-28\n2015年4月28日在高阳县第十六届人民代表大会第四次会议上\n各位代表：\n"
           "现在，我代表高阳县人民政府向大会作工作报告，请予审议，并请县政协委员和列席会议的同志提出意见。\n"
           "一、2014年工作回顾\n过去的一年，面对复杂多变的经济形势，我们主动适应新常态，较好地完成了目标任务。\n")
    assert "发文时间：2015-04-28" in clean_text(raw).split("\n")
