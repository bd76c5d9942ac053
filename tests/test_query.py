"""Query understanding against the corpus metadata."""

import pytest

from rag.ask.catalogue import ReportInfo
from rag.ask.query import resolve_followup, understand
from rag.vocabulary import vocabulary

REPORTS = [
    ReportInfo("004_jiefang", "焦作市解放区", ("焦作市解放区", "焦作解放区", "解放区"), 2022, 2022, 2021),
    ReportInfo("000_yima", "义马市", ("义马市", "义马"), 2023, 2023, 2022),
    ReportInfo("003-10_liaoning", "辽宁省", ("辽宁省", "辽宁"), 2022, 2022, 2021),
    ReportInfo("003-05_qinghai", "青海省", ("青海省", "青海"), 2022, 2022, 2021),
]


def test_region_alias_and_short_year():
    """'解放区22年' restricts to the 解放区 report, year 2022, target intent, GDP synonyms."""
    q = understand("解放区22年GDP目标", REPORTS)
    assert q.doc_ids == ["004_jiefang"] and q.years == [2022] and q.intent == "target"
    assert "地区生产总值" in q.search_text


def test_unknown_region_refused():
    """A region the corpus lacks is reported as a problem."""
    q = understand("洛阳2022年GDP增长目标", REPORTS)
    assert q.problem and "洛阳" in q.problem


def test_year_not_covered():
    """A year no report of that region covers is a problem."""
    assert understand("义马2019年GDP增长多少", REPORTS).problem


def test_no_region_searches_all():
    """No region, no year: search everything."""
    assert understand("保障性租赁住房建多少套", REPORTS).doc_ids is None


@pytest.mark.parametrize("text, intent", [("义马去年规上工业增加值涨了多少", "result"), ("侯马市长是谁", "meta"),
                                          ("四早是什么意思", "glossary"), ("辽宁要建多少套保租房", "plan"),
                                          ("辽宁哪个城市入选了国际化消费环境建设试点", "result")])
def test_intent(text, intent):
    """Intent follows the question's wording."""
    assert understand(text, REPORTS).intent == intent


def test_two_regions():
    """A comparison names two regions, each with its report."""
    q = understand("青海和辽宁2022年GDP增长目标各是多少", REPORTS)
    assert set(q.region_docs) == {"青海省", "辽宁省"}


def test_followup_swaps_region():
    """'那义马呢？' asks the previous question of 义马."""
    out = resolve_followup("那义马呢？", ["焦作解放区2022年GDP目标"], REPORTS)
    assert "义马" in out and "GDP目标" in out and "解放区" not in out


def test_followup_keeps_region():
    """'它的规上工业增加值呢？' keeps the previous region."""
    out = resolve_followup("它的规上工业增加值呢？", ["辽宁2022年GDP增长目标"], REPORTS)
    assert out.startswith("辽宁省") and "规上工业增加值" in out


def test_followup_does_not_swallow_unknown_region():
    """A new question about a place the corpus lacks is not rewritten into the previous one."""
    assert resolve_followup("洛阳2022年GDP增长目标", ["焦作解放区2022年GDP目标"], REPORTS) == "洛阳2022年GDP增长目标"


def test_province_short_names():
    """'辽青今年…' names both provinces by their short names; 青年 and 新增 name no place; an unheld 粤 is refused."""
    q = understand("辽青今年GDP目标比一比", REPORTS)
    assert set(q.region_docs) == {"辽宁省", "青海省"} and all(len(g.head) > 1 for g in q.terms)
    assert not understand("青年新增就业多少", REPORTS).region_docs
    assert "广东" in understand("粤今年GDP目标", REPORTS).problem


def test_terms_are_whole_words():
    """Unknown names stay whole, particles glued to verbs go, a place inside a topic (雄安新区) is kept."""
    heads = [g.head for g in understand("2022年报告提到屠呦呦了吗", REPORTS).terms]
    assert heads == ["屠呦呦"]
    heads = [g.head for g in understand("辽宁22年建了多少保租房", REPORTS).terms]
    assert heads == ["保障性租赁住房"]
    assert [g.head for g in understand("义马报告里煤炭产量多少", REPORTS).terms] == ["煤炭", "产量"]


def test_report_year_is_not_a_target_year():
    """'22年报告里…' names the report: with no target or result word the question is not forced to a target."""
    assert understand("辽宁22年报告里城镇化率多少", REPORTS).intent != "target"


def test_followup_carries_relative_year_and_growth():
    """'社零呢' after '义马去年GDP增长多少' asks last year's retail growth of 义马."""
    out = resolve_followup("社零呢", ["义马去年GDP增长多少"], REPORTS)
    assert out.startswith("义马市") and "去年" in out and "社零增长多少" in out


def test_place_inside_a_held_province():
    """A city with no report, asked about a topic, is looked up in its held province's report; its figures are refused."""
    reports = [*REPORTS, ReportInfo("henan", "河南省", ("河南省", "河南"), 2026, 2026, 2025)]
    q = understand("洛阳有什么新项目", reports)
    assert q.doc_ids == ["henan"] and q.inside_regions == ["洛阳"] and not q.problem
    assert understand("洛阳2026年GDP目标", reports).problem
    assert understand("洛阳市长是谁", reports).problem


NATIONAL = ReportInfo("nat2010", "全国", ("全国", "国务院", "中央", "国家"), 2010, 2010, 2009, level="国家")
COUNTIES = [
    ReportInfo("bd", "保定市", ("保定市", "保定"), 2021, 2021, 2020),
    ReportInfo("mc20", "保定市满城区", ("保定市满城区", "满城区", "满城"), 2020, 2020, 2019),
    ReportInfo("mc23", "保定市满城区", ("保定市满城区", "满城区", "满城"), 2023, 2023, 2022),
    ReportInfo("tx20", "唐县", ("唐县",), 2020, 2020, 2019),
    ReportInfo("hb21", "河北省", ("河北省", "河北"), 2021, 2021, 2020),
]


def test_place_named_before_a_place_inside_it():
    """'保定满城' names 满城; '河北和保定' names both."""
    assert set(understand("保定满城23年GDP目标", COUNTIES).region_docs) == {"保定市满城区"}
    assert set(understand("河北和保定21年GDP目标", COUNTIES).region_docs) == {"河北省", "保定市"}


def test_place_after_the_report_named_is_the_topic():
    """'满城23年报告里河北京车…' asks 满城's report about a company; '10年报告说珠海…' asks the national report."""
    q = understand("满城23年报告里河北京车有啥新车下线", [*COUNTIES, ReportInfo("bj", "北京市", ("北京市", "北京"), 2026, 2026, 2025)])
    assert set(q.region_docs) == {"保定市满城区"}
    q = understand("10年报告说珠海要开发哪个岛", [NATIONAL, *COUNTIES])
    assert q.doc_ids == ["nat2010"] and not q.problem


def test_place_with_no_province_held_is_in_the_national_report():
    """A city whose province is not held, asked about a topic, is looked up in the national reports."""
    q = understand("珠海横琴岛怎么开发", [NATIONAL, *REPORTS])
    assert q.doc_ids == ["nat2010"] and q.inside_regions == ["珠海"]


def test_national_as_a_yardstick_is_no_report():
    """'被评为全国典型' measures a place against the nation; it does not ask the national report."""
    assert "全国" not in understand("唐县哪家企业被评为全国典型", [NATIONAL, *COUNTIES]).region_docs


def test_measure_word_after_how_many():
    """'多少个省重点项目' keeps 重点项目 whole; '多少项目' keeps its 项目."""
    heads = [g.head for g in understand("满城23年实施多少个省重点项目", COUNTIES).terms]
    assert "重点项目" in heads and not any(h.startswith("个") for h in heads)
    assert "项目" in [g.head for g in understand("满城23年新签约多少项目", COUNTIES).terms]


def test_five_year_period_reads_the_review_after_it():
    """'十三五期间…从多少涨到多少' is a result of 2020, reviewed in the 2021 report; the period words leave the topic."""
    q = understand("河北十三五期间居民人均可支配收入从多少涨到多少", COUNTIES)
    assert q.years == [2020] and q.intent == "result" and q.doc_ids == ["hb21"]
    assert all("十三" not in g.head and "期间" not in g.head for g in q.terms)


def test_result_of_a_year_only_planned_is_refused():
    """'满城2023年…最后完成了多少': only 2023's own report is held, and it states the plan, not the outcome."""
    assert "回顾" in understand("满城区2023年城镇新增就业最后完成了多少", COUNTIES).problem
    assert not understand("18年报告说过去五年城镇化率从多少提高到多少", [ReportInfo("n18", "全国", ("全国",), 2018, 2018, 2017, level="国家")]).problem


def test_each_region_its_own_year():
    """'河北21年和满城区23年…' looks up 河北 in 2021 and 满城 in 2023, not every pair."""
    q = understand("河北21年和满城区23年计划改造老旧小区各多少个", COUNTIES)
    assert {lk.label: lk.doc_ids for lk in q.lookups} == {"河北省2021年": ["hb21"], "保定市满城区2023年": ["mc23"]}


def test_followup_keeps_the_year_the_new_region_has():
    """'唐县2020年…' then '满城呢' asks 满城's 2020 report; a province short name alone is a follow-up too."""
    assert "2020年" in resolve_followup("满城呢", ["唐县2020年城镇新增就业计划多少"], COUNTIES)
    out = resolve_followup("冀呢", ["唐县2020年城镇新增就业计划多少"], COUNTIES)
    assert out.startswith("河北省") and "唐县" not in out


def test_word_jieba_cut_wrong_is_mended_from_the_passages():
    """'提胖东来' is cut 提胖|东来: the stretch the passages hold (胖东来) becomes the term."""
    texts = ["推广胖东来经验，打造消费新场景。", "东来顺"]

    def idf(word: str) -> float:
        return 1.0 + 5.0 / (1 + sum(word in t for t in texts))

    heads = [g.head for g in understand("河北报告里提胖东来了吗", COUNTIES, idf=idf).terms]
    assert "胖东来" in heads and "提胖" not in heads


def test_colloquial_words_match_the_reports_wording():
    """'评上了个啥' matches 入选/获评…; '汽车卖了多少辆' matches 销售."""
    words = {w for g in understand("易县太行水镇评上了个啥", REPORTS).terms for w in g.words}
    assert {"入选", "获评"} <= words
    assert "销售" in {w for g in understand("09年全国汽车卖了多少辆", REPORTS).terms for w in g.words}
    # 农民's income is the 农村居民's, never the 城镇居民's beside it in the same sentence
    assert "农村居民" in {w for g in understand("义马23年想让农民兜里的钱涨多少", REPORTS).terms for w in g.words}


def test_regions_keep_the_questions_order():
    """Compared regions come in the order the question names them, whatever the alias lengths."""
    assert list(understand("辽宁和义马22年GDP目标", REPORTS).region_docs) == ["辽宁省", "义马市"]
    assert list(understand("义马和辽宁22年GDP目标", REPORTS).region_docs) == ["义马市", "辽宁省"]


NATIONALS = [ReportInfo(f"n{y}", "全国", ("全国", "国务院"), y, y, y - 1, level="国家") for y in (2010, 2012, 2014, 2015)]


@pytest.mark.parametrize("text, intent", [
    ("安国22年打算办第几届药材节", "target"),         # 第几届 of a festival asks no session
    ("14年报告是在几届几次人大上作的", "meta"),
    ("18年报告说人均预期寿命到多少岁了", "result"),  # 预期 in 人均预期寿命 is no target cue; 多少岁了 asks a result
    ("14年能耗强度要降多少", "target"),              # a metric with 要降多少 asks its target
    ("14年淘汰黄标车和老旧车多少辆", "result"),       # both years held, no word of the future: what was done (else the plan)
    ("14年要淘汰黄标车和老旧车多少辆", "plan"),       # 要: the plan
    ("河北城镇新增就业实际完成多少", "result"),       # 实际完成 without a target asked is a result
    ("辽宁青海高新技术企业各有多少家", "result"),     # 有多少家 with no year: what a place has now
    ("辽宁22年那座大桥啥时候能通车", "target"),       # when a project is due is in the body, not the header
    ("14年报告是什么时候作的", "meta"),              # 是什么时候 is no glossary cue
    ("辽宁22年发展文化产业要抓哪些事", "open"),       # 哪些 with no metric asks for the things said
    ("辽宁22年报告提到长城项目被确定为什么项目", "open"),  # 被确定为 designates; it sets no target
    ("辽宁的文旅品牌口号是啥", "any"),               # 口号是啥 asks a name said in the body, not a definition
    ("辽宁22年报告里谁获得了全国劳模", "any"),         # 谁获得了 asks about an event in the body, not the speaker
    ("辽宁22年报告说那项举措是哪天宣布的", "any"),     # 哪天宣布的 likewise
    ("辽宁22年报告说试点在多少个县开展了", "result"),  # a question closing on 了 asks what was done
    ("14年多少个村的自来水管子改造了", "result"),     # ... however far 了 stands from 多少
    ("14年国际产能合作 说要设立什么基金", "plan"),     # 要 + a verb + 什么 asks what is planned
    ("14年报告国防那段说要落实哪次会议精神", "plan"),   # 哪次会议精神: a meeting the body names, not the report's session
    ("14年说一中要开工、二小要投用 结果呢", "target_vs_result"),  # a year's plan, then 结果呢: what became of it
    ("14年说加快保障房建设 15年报告说干得怎样", "target_vs_result"),  # 说 right after a year is that year's plan
    ("14年帮多少失业的人安排上了公益岗", "result"),    # 安排上 (placed in a job) is done, not planned
    ("辽宁的内陆港是跟谁合作建的", "any"),            # 跟谁: a partner the body names, never the speaker
    ("网站上辽宁22年报告那一页标的时间是哪天", "meta"),  # the page's date (那一页标的时间), not the meeting's
    ("辽宁22年重点项目完成年度投资计划的比例", "result"),  # the share of a plan done is a result, though 计划 is said
    ("辽宁新增贷款全国排第几", "result"),              # a rank asked is a standing the review states
])
def test_intent_cues(text, intent):
    """Cue words decide the intent only where they are cues."""
    assert understand(text, [*NATIONALS, *REPORTS, *COUNTIES]).intent == intent


@pytest.mark.parametrize("text, target, result", [
    ("义马2022年农村改厕目标多少户 完成了没", "义马2022年农村改厕目标多少户 ", "完成了没"),  # the yes-or-no ask turns it
    ("义马2022年绕城工程打算怎么干 年底完成到哪一步", "义马2022年绕城工程打算怎么干 ", "年底完成到哪一步"),
    ("义马2022年绕城工程计划怎样 年底完成到哪一步", "义马2022年绕城工程计划怎样 ", "年底完成到哪一步"),  # 工程计划 is no name
    ("义马22年说要怎么办 23年报告说完成了多少户", "义马22年说要怎么办 ", "23年报告说完成了多少户"),
    ("义马2022年民生工程里的垃圾转运站 年底建成用上了吗", "义马2022年民生工程里的垃圾转运站 年底建成", "用上了吗"),
    ("义马2022年定的污水处理厂目标 2023年报告说实现了没", "义马2022年定的污水处理厂目标 ", "2023年报告说实现了没"),
    ("义马2022年提出启动建设哪两个产业园 2023年报告里进展如何", "义马2022年提出启动建设哪两个产业园 ", "2023年报告里进展如何"),
])
def test_where_a_target_versus_result_turns(text, target, result):
    """Each half of a target versus its result asks a figure or words of its own: 多少户 belongs to the target."""
    from rag.ask.query import side_of

    assert (side_of(text, "target"), side_of(text, "result")) == (target, result)
    assert understand(text, REPORTS).intent == "target_vs_result"
    assert understand("苏十五五主要目标 产业融合这块要求做到啥程度", REPORTS).intent != "target_vs_result"
    assert understand("义马那个考古中心 23年能建好吗", REPORTS).intent != "target_vs_result"  # the plan, asked


def test_a_common_noun_keeps_its_first_character():
    """能源, 会议 and 要素 begin with a character that is a particle elsewhere (能建, 会有, 要建): the word stays whole."""
    from rag.ask.query import term_groups

    assert [g.words[0] for g in term_groups("数据要素方面要建什么")] == ["数据", "要素", "方面"]
    assert "能源" in [g.words[0] for g in term_groups("河南能源有啥安排")]
    assert [g.words for g in term_groups("要建几个")] == []


def test_years_listed_before_report_name_reports():
    """'10年和12年报告回顾里…' names two reports; neither year is a value year."""
    q = understand("10年和12年报告回顾里农村饮水安全各解决了多少人", NATIONALS)
    assert q.years == [2010, 2012] and q.value_years == [] and set(q.doc_ids or []) == {"n2010", "n2012"}


def test_national_ranking_is_a_yardstick():
    """'全国排第几' measures a place against the nation."""
    assert "全国" not in understand("河北老百姓收入全国排第几", [NATIONAL, *COUNTIES]).region_docs


def test_run_of_short_names_before_a_topic():
    """'辽青专精特新…' (jieba: 辽青|专精) names both provinces."""
    assert set(understand("辽青专精特新企业各有多少家", REPORTS).region_docs) == {"辽宁省", "青海省"}


def test_word_no_passage_holds_backs_off_to_a_held_part():
    """'影视剧' that no passage holds is matched by the part passages do hold (影视)."""
    texts = ["一批影视佳作引发广泛共鸣。", "文化产业"]

    def idf(word: str) -> float:
        return 1.0 + 5.0 / (1 + sum(word in t for t in texts))

    groups = understand("辽宁报告提到了哪些影视剧", REPORTS, idf=idf).terms
    assert any(g.words == ("影视", "影视剧") for g in groups)


def test_followup_keeps_a_year_the_new_region_reviews():
    """'唐县2019年…多少人' then '满城呢' asks 满城's review of 2019 (its 2020 report); a target asked does not."""
    assert "2019年" in resolve_followup("满城呢", ["唐县2019年城镇新增就业多少人"], COUNTIES)
    assert "2019年" not in resolve_followup("满城呢", ["唐县2019年城镇新增就业目标"], COUNTIES)


def test_followup_keeps_the_report_year_and_its_review():
    """'12年报告里去年…' then '对外直接投资呢' still asks the 2012 report's review of 2011."""
    out = resolve_followup("对外直接投资呢", ["12年报告里去年实际使用外资多少"], NATIONALS)
    assert out.startswith("12年报告里去年")
    assert understand(out, NATIONALS).value_years == [2011]


@pytest.mark.parametrize("typed, read", [("辽宁２０２２年ＧＤＰ目标？", "辽宁2022年GDP目标？"), ("青海二〇二二年GDP目标", "青海2022年GDP目标"),
                                         ("辽宁2022GDP目标", "辽宁2022年GDP目标"), ("新建2020个", "新建2020个"), ("PM2.5", "PM2.5")])
def test_question_normalised(typed, read):
    """Full-width forms, years in Chinese numerals and years typed without 年 read like the usual form."""
    from rag.text import normalize_question

    assert normalize_question(typed) == read


def test_place_with_its_government_is_the_place():
    """'2022年辽宁省政府工作报告中GDP目标' (jieba: 辽宁省政府|工作|报告) names 辽宁 and leaves only the metric."""
    q = understand("2022年辽宁省政府工作报告中GDP目标", REPORTS)
    assert q.doc_ids == ["003-10_liaoning"] and [g.kind for g in q.terms] == ["metric"]


def test_report_named_with_its_government_is_the_scope():
    """'根据2012年政府工作报告，2011年…' and '2014年国务院政府工作报告…' read the named report only."""
    q = understand("根据2012年政府工作报告，2011年全国植树造林面积是多少", NATIONALS)
    assert q.doc_ids == ["n2012"] and q.value_years == [2011] and len(q.lookups) == 1
    assert understand("2014年国务院政府工作报告对深港通怎么说", NATIONALS).doc_ids == ["n2014"]


def test_word_glued_to_a_place_backs_off_to_the_dictionary_word():
    """'北京地铁' (one jieba word) no passage holds is matched by 地铁, not by the stray 北京地 of 北京地区."""
    texts = ["北京地区", "开通3条地铁新线", "北京"]

    def idf(word: str) -> float:
        return 1.0 + 5.0 / (1 + sum(word in t for t in texts))

    groups = understand("北京地铁总里程多少公里", REPORTS, idf=idf).terms
    assert any("地铁" in g.words for g in groups) and not any("北京地" in g.words for g in groups)


def test_closing_question_words_leave_the_term():
    """'月季花环是啥': jieba's 环是 is not a term."""
    assert all("是" not in g.head for g in understand("辽宁报告里月季花环是啥", REPORTS).terms)


def test_short_name_before_de():
    """'豫的…' names 河南; '新的一年…' names no place."""
    reports = [ReportInfo("henan", "河南省", ("河南省", "河南"), 2026, 2026, 2025)]
    assert understand("豫的文旅品牌口号是啥", reports).regions == ["河南省"]
    assert understand("新的一年GDP目标", [*reports, ReportInfo("xj", "新疆维吾尔自治区", ("新疆",), 2026, 2026, 2025)]).regions == []


def test_a_finished_plan_period_in_a_named_report_is_its_review():
    """'2026年报告说十四五末公园多少个' asks what the report says the period reached."""
    reports = [ReportInfo("bj", "北京市", ("北京市", "北京"), 2026, 2026, 2025)]
    assert understand("北京2026年报告说十四五末公园总数多少个", reports).intent == "result"


def test_a_range_of_report_years_names_every_report():
    """'2020到2024年的报告' names five reports, not only 2024's."""
    reports = [ReportInfo(f"sp{y}", "顺平县", ("顺平县", "顺平"), y, y, y - 1) for y in range(2019, 2026)]
    q = understand("顺平2020到2024年的报告里有几份提了实际利用外资目标", reports)
    assert q.doc_ids == [f"sp{y}" for y in range(2020, 2025)]


def test_a_planning_verb_with_le_still_asks_the_plan():
    """'谋划了多少个项目' asks what the report plans; '新增了多少' asks a result."""
    assert understand("辽宁22年谋划了多少个项目", REPORTS).intent != "result"
    assert understand("辽宁21年新增了多少停车位", REPORTS).intent == "result"


def test_a_plan_periods_goal_is_read_in_the_report_that_sets_it():
    """'十四五末森林覆盖率要到多少' asks the goal set in the 2021 report, for any year of the plan; the plan's name is
    no topic word. '十二五末高铁里程多少公里' still asks what the period reached."""
    reports = [ReportInfo(f"hb{y}", "河北省", ("河北省", "河北"), y, y, y - 1) for y in (2021, 2023, 2026)]
    q = understand("河北十四五末森林覆盖率要到多少", reports)
    assert (q.intent, q.doc_ids, q.value_years) == ("target", ["hb2021"], [2021, 2022, 2023, 2024, 2025])
    assert not any("十四五" in g.head for g in q.terms)
    assert understand("河北十四五末森林覆盖率多少", reports).intent == "result"


def test_arranged_in_a_year_only_reviewed_asks_what_was_done():
    """'09年…安排了多少' with only the 2010 report held asks its review of 2009; '09年GDP目标' stays a target."""
    reports = [ReportInfo("nat2010", "全国", ("全国",), 2010, 2010, 2009)]
    assert understand("09年中央财政就业专项资金安排了多少", reports).intent == "result"
    assert understand("09年GDP目标", reports).intent == "target"


def test_a_flagged_article_answers_only_when_named():
    """A document ingest flagged as maybe not a report (a news article) is left out of questions that name no place."""
    reports = [ReportInfo("news", "", (), None, None, None, flagged=True),
               ReportInfo("xy2022", "咸阳市", ("咸阳市", "咸阳"), 2022, 2022, 2021)]
    assert understand("今年固定资产投资增长目标是多少", reports).doc_ids == ["xy2022"]


def test_a_metric_swap_keeps_the_period():
    """'18年报告 五年来…削减了多少' then '那中央政府层面核准的企业投资项目呢' still asks about the five years."""
    reports = [ReportInfo("nat2018", "全国", ("全国",), 2018, 2018, 2017)]
    q = resolve_followup("那中央政府层面核准的企业投资项目呢", ["18年报告 五年来国务院部门行政审批事项削减了多少"], reports)
    assert "五年来" in q


def test_followup_repeats_the_previous_ask():
    """'社会保障资金呢' after '…就业专项资金安排了多少' asks how much was 安排了 for it, not a 目标."""
    out = resolve_followup("社会保障资金呢", ["义马2023年中央财政就业专项资金安排了多少"], REPORTS)
    assert out.startswith("义马市") and out.endswith("社会保障资金安排了多少")
    assert resolve_followup("粮食产量呢", ["义马2023年新建高标准农田多少亩"], REPORTS).endswith("粮食产量多少")


PLAN_REPORTS = [*REPORTS, ReportInfo("henan", "河南省", ("河南省", "河南"), 2026, 2026, 2025),
                ReportInfo("hebei", "河北省", ("河北省", "河北"), 2021, 2021, 2020)]


def test_a_plans_goal_with_the_report_named():
    """'“十五五”时期…目标 26年报告' reads the 2026 report, and any year of the plan is the goal's year."""
    q = understand("河南26年报告提出的十五五时期城镇新增就业目标是多少", PLAN_REPORTS)
    assert q.doc_ids == ["henan"] and q.intent == "target" and q.value_years == list(range(2026, 2031))


def test_two_plans_of_two_places():
    """'河南十五五和河北十四五…目标' reads each place's plan in the report of its first year."""
    q = understand("河南十五五和河北十四五定的城镇化率目标分别是多少", PLAN_REPORTS)
    assert q.region_years == {"河南省": [2026], "河北省": [2021]}
    assert sorted(d for lk in q.lookups for d in lk.doc_ids) == ["hebei", "henan"]


def test_a_date_in_the_body_is_no_report_date():
    """'哪天批准…退出贫困县序列' asks an event the body states; '哪天在第几次会上作的' asks the report's own date."""
    assert understand("义马2023年报告里说省政府哪天批准义马退出贫困县序列", REPORTS).intent != "meta"
    assert understand("义马2023年报告是哪天在第几次会上作的", REPORTS).intent == "meta"
    assert understand("义马2023年报告是谁作的，当时什么职务", REPORTS).intent == "meta"


def test_target_and_outcome_cues():
    """'要降到多少' asks a target; '任务是多少…实际完成了多少' and '要降到多少 最后降到多少' ask a target and its outcome."""
    assert understand("义马2023年PM2.5浓度要降到多少", REPORTS).intent == "target"
    assert understand("义马2022年造林任务是多少亩，实际完成了多少", REPORTS).intent == "target_vs_result"
    assert understand("义马2022年贫困发生率要降到多少 最后降到多少", REPORTS).intent == "target_vs_result"


def test_a_programmes_name_is_no_target():
    """'营养改善计划惠及了多少学生' names a programme: 计划 there cues no target."""
    assert understand("义马2023年报告说学生营养改善计划惠及了多少学生", REPORTS).intent != "target"


def test_words_said_apart_or_in_full():
    """'种了多少亩树' is 种树 (植树, 造林); '友好城市' also matches the 友城 reports write; '请说明' and '两地' are no topic."""
    from rag.ask.query import term_groups

    assert any("造林" in g.words for g in term_groups("种了多少亩树"))
    assert any("友城" in g.words for g in term_groups("国际友好城市多少对"))
    assert [g.head for g in term_groups("请分别说明两地城镇居民人均可支配收入")] == ["城镇居民人均可支配收入"]


def test_a_metrics_loose_word_typed_alone_is_the_term():
    """'财政收入多少' asks 财政收入 itself: a sentence saying 财政收入 names it in full; typed inside a longer name
    (一般公共预算收入) the loose word stays loose."""
    from rag.ask.answering import covered

    q = understand("义马2022年财政收入多少", REPORTS)
    assert covered("财政收入6.85万亿元，增长11.7%", q) == 1.0
    q = understand("义马2022年一般公共预算收入多少", REPORTS)
    assert covered("财政收入6.85万亿元，增长11.7%", q) < 0.55


def test_a_measure_of_something_named_before_de():
    """'肉和奶的产量' is the output of meat and milk (肉, 奶, 产量), not grain output; '义马的财政收入' is still the metric."""
    heads = [g.head for g in understand("义马2022年肉和奶的产量目标分别是多少", REPORTS).terms]
    assert "粮食产量" not in heads and {"肉", "奶", "产量"} <= set(heads)
    assert understand("义马的财政收入是多少", REPORTS).terms[0].kind == "metric"


def test_separable_verbs_demonstratives_tasks_and_plain_words():
    """'脱了贫' is 脱贫; '这些'/'那批' are no topic; '任务多少亩' asks the task set; 砍掉 finds 取消, 花钱 finds 投资."""
    from rag.ask.query import term_groups

    assert [g.head for g in term_groups("有多少人脱了贫")] == ["脱贫"]
    assert not {"这些", "那批"} & {w for g in term_groups("风电这些清洁能源 那批人") for w in g.words}
    assert understand("义马2022年补充耕地任务多少亩", REPORTS).intent == "target"
    assert any("取消" in g.words for g in term_groups("砍掉了多少项职业资格"))
    assert any("投资" in g.words for g in term_groups("中医院扩建要花多少钱"))


def test_a_length_of_time_is_no_year():
    """'延长30年' and '近20年来' name no year; '24年来了多少游客' still does."""
    from rag.ask.query import years_in

    assert years_in("土地承包到期后再延长30年 26年报告") == [2026]
    assert years_in("近20年来") == []
    assert years_in("易县24年来了多少游客") == [2024]


def test_how_people_ask_a_target_or_a_speaker():
    """想…多少 and 要保证 ask a target; 念报告的是哪位 asks the speaker; 不少于 is no topic."""
    assert understand("义马2022年想接待多少游客", REPORTS).intent == "target"
    q = understand("义马2022年粮食要保证不少于多少", REPORTS)
    assert q.intent == "target" and [g.kind for g in q.terms] == ["metric"]
    q = understand("义马22年人代会上代表市政府念报告的是哪位", REPORTS)
    assert (q.intent, q.meta_field) == ("meta", "speaker")


def test_followup_that_names_only_another_report():
    """'涞水那份呢' after a question about 义马 asks the same of the other place's report."""
    reports = [*REPORTS, ReportInfo("ls22", "涞水县", ("涞水县", "涞水"), 2022, 2022, 2021)]
    text = resolve_followup("涞水那份呢", ["义马22年报告说去年城镇新增就业多少人"], reports)
    assert text.startswith("涞水县") and "城镇新增就业" in text


def test_when_an_event_is_due_and_which_items():
    """'啥时候实现制度全覆盖' asks when something is due, told in the plan or the review: no result only; 哪几项 is no topic."""
    from rag.ask.query import term_groups

    assert understand("义马23年报告说养老保险啥时候实现制度全覆盖", REPORTS).intent == "any"
    assert not any("哪" in w for g in term_groups("降低的是哪几项社会保险费率") for w in g.words)


def test_everyday_words_for_report_wording():
    """要保持 asks a target; 卖掉 finds 销售, 新房 商品房, 厂子 企业, 砍掉 淘汰; 比前一年 is the base of a growth, no topic."""
    from rag.ask.query import term_groups

    assert understand("十三五期间经济年均增速要保持在多少", REPORTS).intent == "target"
    words = {w for g in term_groups("卖掉的新房面积比前一年涨了多少 厂子 砍掉") for w in g.words}
    assert {"销售", "商品房", "企业", "淘汰"} <= words and not any("前一年" in w for w in words)
    assert [g.head for g in term_groups("种蘑菇这块")] == [g.head for g in term_groups("种蘑菇")]


def test_how_big_a_yes_or_no_and_the_amount_itself_ask_nothing_of_their_own():
    """多大/多高 are question words; 稳不稳 / 有没有 ask yes or no; 总数 / 规模 weigh little beside what they measure."""
    from rag.ask.query import term_groups, term_weight

    assert [g.head for g in term_groups("发电装机多大了")] == ["发电", "装机"]
    assert [g.head for g in term_groups("粮食这几年稳不稳 有没有增长")][0] == "粮食产量"
    assert not any("稳" in w or "没" in w for g in term_groups("粮食这几年稳不稳 有没有增长") for w in g.words)
    groups = {g.head: g for g in term_groups("经营主体总数多少")}
    assert term_weight(groups["总数"]) < term_weight(groups["经营"])


def test_a_things_time_a_programme_of_the_state_and_which_ones():
    """'审批时间' is the time of approvals, not the report's date; '福建…入选国家…试点' asks about 福建, while '国家18年和
    河北21年' still names two reports; '哪几个城市入选了' asks which, told where the report says it (入选了: its review), not a
    plan; 要超过多少 asks a target."""
    reports = [*REPORTS, ReportInfo("nat18", "全国", ("全国", "国家", "国务院", "中国"), 2018, 2018, 2017, "国家")]
    q = understand("义马2023年报告对工程建设项目审批时间提出了什么要求", reports)
    assert q.intent != "meta"
    assert understand("义马2023年报告是什么时间作的", reports).intent == "meta"
    assert understand("辽宁哪几个城市入选了国家数据产业集聚区建设试点", reports).regions == ["辽宁省"]
    assert understand("辽宁哪几个城市入选了国家数据产业集聚区建设试点", reports).intent in ("open", "result")
    assert understand("国家18年和辽宁22年的城镇调查失业率目标", reports).regions == ["全国", "辽宁省"]
    assert understand("义马2023年经济总量要超过多少", reports).intent == "target"


def test_everyday_words_for_days_jobs_and_towns():
    """连着 finds 连续, 有工作 就业, 城里 城镇, 多出 新增; 换成 is no topic; 多少天 asks a figure in days."""
    from rag.ask.features import unit_asked
    from rag.ask.query import term_groups

    words = {w for g in term_groups("城里连着几年新多出多少人有工作 换成") for w in g.words}
    assert {"连续", "就业", "城镇", "新增"} <= words and "换成" not in words
    assert unit_asked(understand("义马2022年空气好的日子有多少天", REPORTS)) == "天"


def test_followup_keeps_the_year_read_inside_a_named_report_and_the_ask():
    """'12年报告 2011年…建成多少套' then '新开工的呢' asks 2011 in the 2012 report, and asks 多少 again."""
    text = resolve_followup("新开工的呢", ["12年报告 2011年城镇保障性住房基本建成多少套"], REPORTS)
    assert text.startswith("12年报告里2011年") and text.endswith("多少")


def test_a_unit_before_a_word_and_a_headcount_in_wan():
    """'多少天空气好' asks days (天|空气), '多少项目' asks no unit 项; '8.32亿，' gives a headcount."""
    from rag.ask.answering import _in_unit
    from rag.ask.features import unit_asked

    assert unit_asked(understand("义马2022年有多少天空气算好的", REPORTS)) == "天"
    assert unit_asked(understand("义马2022年要建多少项目", REPORTS)) is None
    assert _in_unit("新农合参保人数达到8.32亿，参合率超过96%", "人") and not _in_unit("投资8.32亿元", "人")


def test_everyday_words_for_standing_concepts():
    """东西涨价 is consumer prices, 公司和个体户 市场主体, 升成规上 小升规; 大大小小/加起来/想让 ask nothing;
    万元GDP综合能耗 is energy intensity; 打算…最后 and 争取…实际 ask a target and its outcome; 多少人次 asks 人次."""
    from rag.ask.features import unit_asked
    from rag.ask.query import term_groups

    assert [g.head for g in term_groups("东西涨价的幅度")][0] == "居民消费价格"
    assert [g.head for g in term_groups("大大小小的公司和个体户加起来有多少户")] == ["市场主体"]  # one concept
    assert "小升规" in {w for g in term_groups("想让多少家小企业升成规上企业") for w in g.words}
    assert [g.head for g in term_groups("万元GDP综合能耗要降多少")] == ["单位地区生产总值能耗"]
    assert understand("义马2022年打算让多少人新就业 最后实际新增了多少", REPORTS).intent == "target_vs_result"
    assert understand("义马2022年争取列入技改项目几个 实际列入了几个", REPORTS).intent == "target_vs_result"
    assert unit_asked(understand("义马2022年接待了多少人次游客", REPORTS)) == "人次"


def test_what_a_plan_sets_asked_with_yao():
    """'十四五末…要受多少年教育' asks the plan's goal, read in the report of its first year."""
    reports = [*REPORTS, ReportInfo("hb21", "河北省", ("河北省", "河北", "冀"), 2021, 2021, 2020)]
    q = understand("河北十四五末 干活年纪的人平均要受多少年教育", reports)
    assert q.doc_ids == ["hb21"] and q.intent == "target" and not q.problem


def test_which_thing_who_pays_and_the_session_said_short():
    """'…的是啥' and '哪条河' ask which thing, not a definition; '入选全国…' describes a thing; '谁出' asks who pays,
    not who spoke; '几届几次会上' asks the session; 时间 before 啥时候 is the asking word."""
    reports = [*REPORTS, ReportInfo("nat18", "全国", ("全国", "国家", "国务院", "中国"), 2018, 2018, 2017, "国家")]
    assert understand("义马 掘进第一隧的是啥", reports).intent != "glossary"
    assert understand("四早是啥", reports).intent == "glossary"
    q = understand("义马哪条河入选了全国母亲河复苏行动典型案例", reports)
    assert q.regions == ["义马市"] and q.intent != "glossary"
    assert understand("义马22年报告附注里 城镇居民医保的钱主要是谁出", reports).intent != "meta"
    q = understand("义马22年报告在市人大几届几次会上作的", reports)
    assert (q.intent, q.meta_field) == ("meta", "session")
    assert "时间" not in {w for g in understand("义马碳达峰的目标时间是啥时候", reports).terms for w in g.words}


def test_pieces_jieba_leaves_and_the_kind_of_thing_asked():
    """'解决率要' loses the 要 glued to it; '各新建' its 各; '哪家单位' is the kind of thing asked; 连续多少年 asks 年,
    这几年 does not; 比例 is a share word."""
    from rag.ask.features import unit_asked
    from rag.ask.query import term_groups

    words = {w for g in term_groups("一次性解决率要到多少") for w in g.words}
    assert "率要" not in words and "解决" in words
    assert "各新" not in {w for g in term_groups("曲阳和安国各新建了多少停车位") for w in g.words}
    kinds = {g.head: g.kind for g in term_groups("职业教育要跟哪家单位合作 上大学的比例")}
    assert kinds["单位"] == "kind_asked" and kinds["比例"] == "share"
    assert unit_asked(understand("义马农民收入增速连续多少年快于城镇居民", REPORTS)) == "年"
    assert unit_asked(understand("义马这几年新增多少人", REPORTS)) == "人"


def test_that_report_names_the_report_not_the_year_asked():
    """"09年闹甲流 10年那份报告里…": 10年 names the report; 09年 is the year asked about."""
    q = understand("解放区21年闹疫情 22年那份报告里是怎么说应对的", REPORTS)
    assert q.doc_ids == ["004_jiefang"] and q.value_years == [2021]


def test_a_count_with_no_year_is_not_a_plan():
    """"各新发现多少处文物", no year: a count asked of whatever the report says, not only its plan part."""
    assert understand("辽宁和青海各新发现多少处文物", REPORTS).intent != "plan"
    assert understand("辽宁和青海要新建多少处公园", REPORTS).intent == "plan"


def test_a_followup_naming_a_plan_period_replaces_the_year():
    """"河北2020年压减地下水超采量多少" → "那十三五五年加起来呢": the same question over the plan's five years, in total."""
    out = resolve_followup("那十三五五年加起来呢", ["解放区2020年压减地下水超采量多少"], REPORTS)
    assert "2020" not in out and "十三五" in out and "累计" in out and "地下水超采量" in out


def test_done_and_how_many_asks_a_result():
    """"用了几天把新增确诊压到零": 了几 tells a thing done, like 了多少, though 新增 would read as a plan."""
    assert understand("辽宁用了几天把本地新增确诊压到零", REPORTS).intent == "result"
    assert understand("辽宁赤字率比上一年预算低了几个百分点", REPORTS).intent != "result"  # a change, asked of a target too


def test_the_base_of_a_change_is_not_the_year_asked():
    """"与2020年相比…下降了多少" and "比2020年增长多少" measure from 2020; the year asked is another."""
    q = understand("运城2023年报告说，与2020年相比，生产安全事故起数下降了多少", REPORTS)
    assert 2020 not in q.years and 2020 not in q.value_years
    assert understand("运城22年GDP比2020年增长多少", REPORTS).years == [2022]
    assert understand("运城2020年和2022年GDP分别是多少", REPORTS).years == [2020, 2022]


def test_the_premiers_report_names_the_report():
    """"14年总理报告里…去年" names the 2014 report; the year asked is 2013, read inside it."""
    q = understand("14年总理报告里提到去年办的全运会是第几届", REPORTS)
    assert q.value_years == [2013] and [g.words[0] for g in q.terms] == ["全国运动会"]


def test_a_speech_verb_glued_to_the_next_word_is_no_term():
    """"报告里分别说前一年跟哪些国家签了自贸协定": 说前 (jieba's cut) is no term; 自贸协定 matches its full name."""
    words = {w for g in understand("14年报告里分别说前一年跟哪些国家签了自贸协定", REPORTS).terms for w in g.words}
    assert "说前" not in words and "自由贸易协定" in words


def test_an_attribute_asked_is_no_definition():
    """'海西经济区的定位是什么' asks what the report says of it; 'X是什么意思' and 'X的含义是什么' ask a definition."""
    assert understand("义马23年报告给开发区的定位是什么", REPORTS).intent != "glossary"
    assert understand("义马23年报告说最大的家底是啥", REPORTS).intent != "glossary"
    assert understand("义马23年报告里三个一是什么意思", REPORTS).intent == "glossary"
    assert understand("义马23年报告里三个一的含义是什么", REPORTS).intent == "glossary"


def test_coined_terms_are_kept_as_typed():
    """A letter with a character (C位) and a programme named by digits (1118工程) are terms, not dropped."""
    from rag.ask.query import term_groups

    words = [w for g in term_groups("义马20年报告说让企业家站C位 C位是啥意思") for w in g.words]
    assert words.count("C位") == 1
    assert any("1118工程" in g.words for g in term_groups("义马20年说的1118工程具体要干啥"))
    assert not any("A级" in g.words for g in term_groups("哪个景区评上了5A级景区"))  # a grade keeps its word


def test_a_region_follow_up_in_the_same_year():
    """'义马同一年的报告呢' swaps the region and keeps the year."""
    reports = REPORTS + [ReportInfo("000_yima22", "义马市", ("义马市", "义马"), 2022, 2022, 2021)]
    out = resolve_followup("义马同一年的报告呢", ["辽宁2022年报告里说上年规上工业增加值完成多少"], reports)
    assert out.startswith("义马市") and "2022年" in out and "规上工业增加值" in out


def test_a_year_before_dai_is_a_year_unless_it_names_a_decade():
    """'2023年代地方发债' is 2023 (代 begins 代地方); '90年代' and '2020年代' are decades."""
    assert understand("2023年代地方发债多少", REPORTS).years == [2023]
    assert understand("90年代的国企改革", REPORTS).years == []
    assert understand("2020年代末要实现什么", REPORTS).years == []


def test_everyday_words_for_income_and_what_is_left():
    """'农民一年能挣多少' asks an income; '还剩多少贫困人口' asks what is 剩余; '两起大事故' counts, it is no term."""
    words = [g.words for g in understand("义马2022年农民一年人均能挣多少", REPORTS).terms]
    assert any("收入" in w for w in words)
    words = [g.words for g in understand("义马2022年最后还剩多少贫困人口", REPORTS).terms]
    assert any("剩余" in w for w in words)
    assert [g.words for g in understand("义马2022年那两起大事故", REPORTS).terms] == [("事故",)]
    words = [g.words for g in understand("义马2022年农民工孩子在公办学校上学的比例", REPORTS).terms]
    assert any("子女" in w for w in words) and not any("覆盖" in w for w in words)
    words = [g.words for g in understand("义马2022年新盖了多少套房", REPORTS).terms]
    assert any("新建" in w for w in words)


def test_each_region_can_be_asked_its_own_thing():
    """'辽宁的A和青海的B各多少' gives each region its own terms; '辽宁和青海的A' asks both the same."""
    q = understand("辽宁自贸试验区的首创举措和青海示范区的制度创新成果各有多少项", REPORTS)
    own = {r: {q.terms[i].head for i in ts} for r, ts in q.region_terms.items()}
    assert {"首创", "举措"} <= own["辽宁省"] and not {"创新", "成果"} & own["辽宁省"]
    assert {"创新", "成果"} <= own["青海省"] and not {"首创", "举措"} & own["青海省"]
    assert understand("辽宁和青海2022年城镇新增就业目标各多少", REPORTS).region_terms == {}


def test_a_longer_everyday_phrase_wins_over_a_word_inside_it():
    """'新开的公司' is read as newly registered firms, before '公司' alone is read as 企业."""
    words = [g.words for g in understand("义马2022年新开的公司比上年多了百分之几", REPORTS).terms]
    assert any("新登记" in w for w in words) and not any(w == ("企业", "公司") for w in words)


def test_which_thing_a_phrase_means_is_no_definition():
    """'“酒肉穿肠过”指的是啥问题' asks what the report means by its phrase, not a glossary's entry; '是什么意思' still is."""
    assert understand("辽宁2022年报告里“酒肉穿肠过”指的是啥问题", REPORTS).intent != "glossary"
    assert understand("辽宁2022年报告里“三网融合”是什么意思", REPORTS).intent == "glossary"


def test_a_target_and_its_outcome_asked_far_apart():
    """'22年计划创建几个市级以上现代农业园区 实际新增几家' asks the target and its result."""
    assert understand("义马22年计划创建几个市级以上现代农业园区 实际新增几家", REPORTS).intent == "target_vs_result"


def test_a_bare_report_title_asks_the_state_councils():
    """'2019年政府工作报告GDP目标', with national reports held but not 2019's, is refused, not answered from a county's."""
    national = ReportInfo("national_2018", "全国", ("全国", "国务院"), 2018, 2018, 2017, level="国家")
    reports = [*REPORTS, national]
    q = understand("2022年政府工作报告GDP增长目标是多少", reports)
    assert q.problem and not q.doc_ids
    assert understand("2022年GDP增长目标是多少", REPORTS).doc_ids  # no national report held: any report of that year


def test_colloquial_phrase_not_read_inside_a_word():
    """盖了 (built) is read in 新盖了几栋楼, not in 覆盖了多少人; 少种 not in 多少种; a follow-up's 那 still lets 种树 stand."""
    from rag.ask.query import term_groups

    def words(text: str) -> set[str]:
        return {w for g in term_groups(text) for w in g.words}

    assert "建成" not in words("社会养老保险覆盖了多少人") and "建成" in words("去年新盖了几个养老服务中心")
    assert "调减" not in words("中药材种质资源有多少种")
    assert "造林" in words("那种树多出来多少亩林子")


def test_followup_naming_only_a_thing_asks_the_previous_question_of_it():
    """'在建的呢' after '江苏这五年建成了几座过江通道' asks how many are being built; '那老旧小区改了几个' asks its own."""
    provinces = [ReportInfo("js", "江苏省", ("江苏省", "江苏"), 2026, 2026, 2025)]
    out = resolve_followup("在建的呢", ["江苏这五年建成了几座过江通道"], provinces)
    assert "在建" in out and "过江通道" in out and "建成" not in out
    out = resolve_followup("省运会呢", ["江苏今年办第几届数字中国建设峰会"], provinces)
    assert "省运会" in out and "峰会" not in out
    assert "公厕" not in resolve_followup("那老旧小区改了几个", ["江苏21年城区建了几座公厕"], provinces)


def test_a_target_asked_of_a_thing_is_no_definition():
    """'对进出口提出的预期目标是什么' asks the report's target, not what a term means."""
    assert understand("2022年辽宁对进出口提出的预期目标是什么？", REPORTS).intent != "glossary"


def test_followup_with_a_national_word_describing_a_thing_keeps_the_region():
    """'那中央环保督察交办的…办结率多少' after a question about 辽宁: 中央 describes the inspection, 辽宁 stays."""
    out = resolve_followup("那中央环保督察交办的群众举报问题办结率多少", ["辽宁2022年空气质量达标了没"], REPORTS)
    assert out.startswith("辽宁") and "中央环保督察" in out


def test_a_plan_of_one_year_asked_of_the_next_years_report_is_target_versus_result():
    """"18年说要建成投用 19年报告说用上了没": 2018's plan and the 2019 report's review of 2018, both in scope."""
    xushui = [ReportInfo("xs18", "徐水区", ("徐水区", "徐水"), 2018, 2018, 2017),
              ReportInfo("xs19", "徐水区", ("徐水区", "徐水"), 2019, 2019, 2018)]
    q = understand("徐水2018年说师昌绪学校要建成投用 2019年报告说用上了没", xushui)
    assert q.intent == "target_vs_result" and q.value_years == [2018] and set(q.doc_ids or []) == {"xs18", "xs19"}


def test_followup_naming_another_report_moves_the_year_read_inside_it():
    """'14年报告说13年…' then '那18年报告呢' asks the 2018 report about 2017, not about 2013."""
    out = resolve_followup("那18年报告呢", ["14年报告说13年不动产登记那块干了啥"], NATIONALS)
    assert "2017年" in out and "13年" not in out
    assert resolve_followup("那2015年呢", ["运城2022年GDP增长多少"], REPORTS).startswith("运城2015年")  # one year: swapped


def test_a_unit_asked_with_its_magnitude():
    """'多少万辆' asks 辆 and '多少万亿元' asks 亿元; '多少万人' keeps its own unit."""
    from rag.ask.features import unit_asked

    assert unit_asked(understand("江苏去年新能源汽车产量是多少万辆", NATIONALS)) == "辆"
    assert unit_asked(understand("2017年进出口总额是多少万亿元", NATIONALS)) == "亿元"
    assert unit_asked(understand("2014年城镇新增就业多少万人", NATIONALS)) == "万人"


def test_a_projects_planned_investment_is_not_the_investment_metric():
    """'重点项目计划完成投资多少' asks the projects' investment; '计划完成投资多少' alone still asks 固定资产投资."""
    metrics = lambda t: [g.metric.name for g in understand(t, REPORTS).metrics]  # noqa: E731
    assert metrics("运城2022年省市重点项目计划完成投资多少") == []
    assert metrics("运城2022年计划完成投资多少") == ["固定资产投资"]


def test_this_matter_is_no_topic():
    """'这事' ("大专升本科这事") names nothing asked."""
    assert all("这事" not in g.words for g in understand("辽宁大专升本科这事22年报告咋说的", REPORTS).terms)


def test_the_frame_of_a_when_question_is_no_topic():
    """'后来从几月份开始往下走的': 后来 and the 开始 after the month asked name nothing asked."""
    words = {w for g in understand("运城2011年物价后来从几月份开始往下走的", REPORTS).terms for w in g.words}
    assert not words & {"后来", "开始"}


def test_everyday_words_for_concepts_of_gold_zc_and_zd():
    """讨回被拖欠的工钱, 烧煤改成烧天然气, 旱涝保收的好田 and 经济盘子 name the reports' terms (欠薪, 气代煤, 高标准农田, 经济总量)."""
    words = lambda t: {w for g in understand(t, REPORTS).terms for w in g.words}  # noqa: E731
    assert "欠薪" in words("运城22年帮打工的讨回了多少被拖欠的工钱")
    assert "气代煤" in words("运城2019年有多少户人家从烧煤改成烧天然气了")
    assert "高标准农田" in words("运城22年旱涝保收的好田建了多少")
    assert "经济总量" in words("运城22年经济盘子有多大了")
    assert "人家" not in words("运城2019年有多少户人家从烧煤改成烧天然气了")


def test_more_ways_to_ask_a_target_and_what_became_of_it():
    """A plan said of one year and what became of it, asked in more ways: 说要…多少…实际, …计划 后来落实了没,
    说要创… 创成了吗, 第二年报告说哪个镇评上了, 19年报告说完成了多少户."""
    cue = vocabulary().cues["target_vs_result"]
    for asked in ("高唐23年说要给农村困难户改造多少户危房 实际改了多少", "易县18年的中医院迁建计划 后来落实了没",
                  "易县2020年说要创省级文明县城 创成了吗", "米易县2022年报告说要争创先进乡镇 第二年报告说哪个镇评上了",
                  "徐水18年说剩下的气代煤改造要怎么办 19年报告说完成了多少户"):
        assert cue.search(asked), asked
    assert not cue.search("运城2023年要建多少个5G基站") and not cue.search("2023年建成了多少个")


def test_a_reports_own_plan_and_the_next_reports_word_on_it():
    """'2022年报告说要争创… 第二年报告说哪个镇评上了' asks the 2022 report's plan and the 2023 report's review of it."""
    reports = [ReportInfo("y22", "运城市", ("运城市", "运城"), 2022, 2022, 2021),
               ReportInfo("y23", "运城市", ("运城市", "运城"), 2023, 2023, 2022)]
    q = understand("运城2022年报告说要争创省级先进乡镇 第二年报告说哪个镇评上了", reports)
    assert q.intent == "target_vs_result" and set(q.doc_ids or []) == {"y22", "y23"}


def test_a_goals_horizon_is_not_a_reports_year():
    """'到2035年要…' asks a goal set in a report held, not a 2035 report; a year some report is of stays a report year."""
    q = understand("义马到2035年要建成什么", REPORTS)
    assert not q.problem and q.doc_ids == ["000_yima"] and q.value_years == [2035]
    assert understand("义马到2023年要建成什么", REPORTS).years == [2023]
    # a year other regions' reports are of is still the goal's year when the place asked has no report of it
    assert understand("焦作解放区到2023年财政收入每年要涨多少", REPORTS).value_years == [2023]


def test_reports_named_by_year_and_month_or_compared_by_year():
    """'2022年1月那份报告' names the report delivered then; '21年和22年报告各说多少' takes each year from the report named,
    not from the report that reviews that year."""
    mi = [ReportInfo("my22", "米易县", ("米易县", "米易"), 2022, 2022, 2021), ReportInfo("my23", "米易县", ("米易县", "米易"), 2023, 2023, 2022)]
    q = understand("米易县2022年1月那份政府工作报告 网页上标的发布时间是哪天", mi)
    assert q.doc_ids == ["my22"] and q.value_years == []
    q = understand("米易县政府请了几个律师当顾问 22年和23年报告各说多少", mi)
    assert [lk.doc_ids for lk in q.lookups] == [["my22"], ["my23"]]


@pytest.mark.parametrize("text", ["容城12年 今后五年 固投 累计完成多少", "今后五年财政收入每年涨多少"])
def test_a_coming_period_asks_its_goal(text):
    """A figure of the coming years (今后五年…多少) is a goal, whatever verb of achievement it uses."""
    assert understand(text, [*NATIONALS, *REPORTS]).intent == "target"


def test_tense_read_from_the_verb():
    """认定了多少 reports (not 定了, a target); 定多少 sets a target; 要累计建成 plans; 引进了哪个 reports; a year's count
    with no word of the future, with both that year's report and the next held, asks what was done."""
    two = [ReportInfo("yx22", "易县", ("易县",), 2022, 2022, 2021), ReportInfo("yx23", "易县", ("易县",), 2023, 2023, 2022)]
    assert understand("易县2022年认定了多少家高新技术企业", two).intent == "result"
    assert understand("易县22年林木绿化率定多少", two).intent == "target"
    assert understand("易县2022年省级和美乡村要累计建成多少个", two).intent == "plan"
    assert understand("易县22年引进了哪个集团来搞预制菜", two).intent == "result"
    assert understand("易县22年新增限上商贸企业多少户", two).intent == "result"
    assert understand("易县22年要新增限上商贸企业多少户", two).intent == "plan"


def test_two_report_years_of_a_target_and_its_result():
    """'11年报告说…要开工 到12年报告里进展到哪一步了': 2011's target and its result in the 2012 report, not two of each."""
    two = [ReportInfo("xs11", "徐水县", ("徐水县", "徐水"), 2011, 2011, 2010), ReportInfo("xs12", "徐水县", ("徐水县", "徐水"), 2012, 2012, 2011)]
    q = understand("徐水县11年报告说风帆工业园年内要开工 到12年报告里进展到哪一步了", two)
    assert q.intent == "target_vs_result"
    assert [(lk.label, lk.doc_ids, lk.intent) for lk in q.lookups] == [
        ("徐水县2011年目标", ["xs11"], "target"), ("徐水县2011年实际", ["xs12"], "result")]


def test_followup_swaps_the_thing_counted():
    """'那便民市场呢' replaces the thing counted (农村污水处理设施), not a verb jieba tags as a place (新建)."""
    out = resolve_followup("那便民市场呢", ["义马23年新建几座农村污水处理设施"], REPORTS)
    assert "新建几座便民市场" in out and "污水" not in out


def test_closing_yes_or_no_and_page_source():
    """A closing 了没有 asks nothing of its own; '网页上标的来源' asks the page's publisher; 营造林 is 造林."""
    assert [g.head for g in understand("辽宁这几年细颗粒物达标了没有", REPORTS).terms][-1] == "达标"
    q = understand("义马2023年政府工作报告那个网页上标的来源是哪里", REPORTS)
    assert (q.intent, q.meta_field) == ("meta", "publisher")
    assert "造林" in understand("义马2022年营造林多少亩", REPORTS).terms[0].words


def test_a_place_typed_right_after_a_year():
    """'2019年满城区…': jieba's 年满 takes the place's first character; the name with its level is still the place."""
    reports = [*REPORTS, ReportInfo("mc", "保定市满城区", ("保定市满城区", "满城区", "满城"), 2020, 2020, 2019)]
    q = understand("2019年满城区完成了多少项民生实事", reports)
    assert q.regions == ["保定市满城区"] and "城区" not in [g.head for g in q.terms]


def test_report_said_after_a_list_of_places_and_years():
    """'辽宁21年和青海22年报告': 报告 after the list names each year's report; 点了哪些 asks what it says, not a result."""
    reports = [ReportInfo("ln", "辽宁省", ("辽宁省", "辽宁"), 2021, 2021, 2020), REPORTS[3]]
    q = understand("辽宁21年和青海22年报告 各点了哪些未来产业", reports)
    assert sorted(q.doc_ids or []) == ["003-05_qinghai", "ln"] and q.intent != "result"
    assert not vocabulary().cues["how_many"].search("北京这几年空气质量达标了没有")


def test_the_one_character_counted_is_a_term():
    """'多少头猪': 猪 is the thing counted, kept as a term though one character; 圈里养 is 存栏."""
    words = [g.words for g in understand("义马23年圈里养着多少头猪", REPORTS).terms]
    assert ("猪",) in words and any("存栏" in w for w in words)


def test_a_cue_may_name_another():
    """<done_asked> in a cue stands for that cue's pattern, so the yes-or-no asks are written once."""
    from rag.vocabulary import vocabulary

    cues = vocabulary().cues
    assert not any("<done_asked>" in c.pattern or "<plan_said>" in c.pattern for c in cues.values())
    for text in ("2022年污水处理厂建成了没有", "22年说要建几个 23年报告说建成了吗"):
        assert cues["done_asked"].search(text) and cues["target_vs_result"].search(text)


def test_a_follow_up_swaps_the_region_and_the_place_asked_about():
    """'青海…对西宁有啥定位' → '那辽宁对沈阳呢': the same ask of 辽宁's report about 沈阳; a place alone changes nothing."""
    from rag.ask.query import resolve_followup

    prev = "青海22年报告对西宁有啥定位"
    assert resolve_followup("那辽宁对沈阳呢", [prev], REPORTS) == "辽宁22年报告对沈阳有啥定位"
    assert resolve_followup("那沈阳呢", [prev], REPORTS) == "那沈阳呢"
    assert resolve_followup("那辽宁对沈阳呢", ["青海22年GDP目标"], REPORTS) == "那辽宁对沈阳呢"


def test_a_closing_how_did_it_go_names_nothing():
    """'…考核结果怎么样' asks how the appraisal went: 结果 there is no word the sentence must say."""
    words = [w for g in understand("辽宁协作考核结果怎么样", REPORTS).terms for w in g.words]
    assert "考核" in words and "结果" not in words


def test_place_whose_end_jieba_glued_to_the_next_word():
    """'容城固投' is cut 容|城固|投, yet names 容城; '安国家' is 安|国家 and names no 安国 (国家 is far better known)."""
    held = [ReportInfo("rc18", "容城县", ("容城县", "容城"), 2018, 2018, 2017), ReportInfo("ag20", "安国市", ("安国市", "安国"), 2020, 2020, 2019)]
    assert understand("容城固投 18年完成多少", held).doc_ids == ["rc18"]
    assert understand("20年保障粮食安国家安全", held).regions == []
