"""Figures stated in sentences: each rule on a snippet, and the distractors it must leave alone."""
from decimal import Decimal

import pytest

from reports.parsing.layouts import prose


def figures(text):
    figs, _ = prose.extract(text)
    return {f.code: f.value for f in figs}


@pytest.mark.parametrize(("snippet", "expected"), [
    # requests received
    ("2008年度至2010年度,我厅共受理政府信息公开申请428 起,经审查后均以书面方式答复申请人。",
     {"requests_received": 428}),
    ("2013年共办理依申请公开187件,其中耕保科92件。", {"requests_received": 187}),
    ("2015年,全区各级行政机关共受理政府信息公开申请56件。", {"requests_received": 56}),
    ("今年以来,我局累计收到依申请公开7件,全部按时规范答复。", {"requests_received": 7}),
    ("2014年全区收到有关政府信息公开的信函申请1条,已受理回复。", {"requests_received": 1}),
    ("2013年度本厅收到依申请公开信息1件。", {"requests_received": 1}),
    ("2018年,河北省教育厅受理依申请信息公开1件。", {"requests_received": 1}),
    ("2017年省人社厅受理政府信息依申请公开30件,其中网上申请10件。", {"requests_received": 30}),
    ("三、依申请公开政府信息情况 本年度我厅收到申请事项1件,办理答复1件,不属于本行政机关的1件。",
     {"requests_received": 1, "outcome_total": 1, "not_this_agency": 1}),
    # zero requests stated in words
    ("2011年全区未收到有关政府信息公开的申请。", {"requests_received": 0}),
    ("2019年未收到政府信息公开申请。", {"requests_received": 0}),
    ("2017年,河北省教育厅未受理依申请信息公开事项。", {"requests_received": 0}),
    # outcomes, label first (seed 000) and number first (seed 001)
    ("五是做好依申请公开。在办理的政府信息公开中,分局同意公开的101件、不予公开的8件、非本机关的4件、"
     "不存在的70件、内容不明的4件。",
     {"granted": 101, "denied": 8, "not_this_agency": 4, "not_held": 70}),
    ("共受理政府信息公开申请428 起,其中:366 起按申请内容予以公开,48起按申请内容部分公开,"
     "9起以信函方式告知,5起经审查不予公开。",
     {"requests_received": 428, "granted": 366, "partial": 48, "denied": 5}),
    # reviews and lawsuits tied to disclosure
    ("今年,我局因依申请公开产生的行政复议案件3件,行政诉讼案件2件。",
     {"review_total": 3, "litigation_total": 2}),
    ("2017年我局办理行政复议案件1件,其中因政府信息公开引发的行政复议0件,无因政府信息公开引发行政诉讼案件。",
     {"review_total": 0, "litigation_total": 0}),
    ("2014年,河北省教育厅共受理行政复议1起,行政诉讼1起,没有因政府信息公开而被提起的行政复议或行政诉讼。",
     {"review_total": 0, "litigation_total": 0}),
    ("2016年,我厅未因信息公开引起行政复议和提起行政诉讼。", {"review_total": 0, "litigation_total": 0}),
    ("2019年未发生涉及政府信息公开的行政复议、行政诉讼案件。", {"review_total": 0, "litigation_total": 0}),
    ("四、行政复议、行政诉讼情况 本年度我厅首次受理政府信息公开行政复议1件,未受理行政诉讼案件。",
     {"review_total": 1, "litigation_total": 0}),
    ("五、因政府信息公开申请行政复议、提起行政诉讼的情况2015年我区未收到有关政府信息公开行政复议、"
     "提起行政诉讼的申请。", {"review_total": 0, "litigation_total": 0}),
    ("2013年,我局收到以有关政府信息公开行政复议0件。", {"review_total": 0}),
    ("2013年全区未收到有关政府信息公开的申请,收到1份有关政府信息公开行政复议申请已及时处理。",
     {"requests_received": 0, "review_total": 1}),
    # fees
    ("全年收取信息公开费362元,检索费300元、复制费62元。", {"fees_yuan": 362}),
    ("2024年,市政府严格落实办法,全年收取政府信息公开信息处理费 3940 元。", {"fees_yuan": 3940}),
    ("全年收取信息公开费0.5万元。", {"fees_yuan": Decimal("5000")}),
    ("2014年,河北省教育厅在办理依申请公开工作中,均未向申请人收取费用。", {"fees_yuan": 0}),
    ("2015年,我厅未收取和减免任何与政府信息公开相关的费用。", {"fees_yuan": 0}),
    ("2016年,我厅全部免费为申请人提供政府信息。", {"fees_yuan": 0}),
    ("(三)本年度无向政府信息公开申请人进行收费的情况。", {"fees_yuan": 0}),
    ("2013年度我厅未发生有关政府信息公开方面的收费及免费情况。", {"fees_yuan": 0}),
    ("六、其他需要报告的事项 2022年,无收取信息处理费情况。", {"fees_yuan": 0}),
    ("2023年,我厅未收取信息处理费。", {"fees_yuan": 0}),
    # a thousands separator is part of the number, not a clause break
    ("共受理政府信息公开申请1,234件,其中1,200件予以公开。", {"requests_received": 1234, "granted": 1200}),
    # proactive disclosure, this year's total only
    ("2014年主动公开政府信息1635条。", {"proactive_total": 1635}),
    ("2013年我厅主动公开信息总数共计293条,其中规范性文件公开28条。", {"proactive_total": 293}),
    ("2013年新增主动公开政府信息45条。", {"proactive_total": 45}),
    # the 其中 of the information made is the proactive total (old-2011-pingtan-county, old-2012-pt-county)
    ("2012年制作、获取政府信息总数3978条，其中主动公开政府信息2026条，作为依申请公开信息数46条。",
     {"proactive_total": 2026}),
    # the 其中 of a proactive count is a part of it (old-2013-pt-zfj)
    ("2013年度主动公开政府信息37条，其中全文电子化主动公开信息35条。", {"proactive_total": 37}),
    # a plain total under the 主动公开 section heading (old-2017-hebei-jyt)
    ("二、主动公开政府信息情况\n按照《条例》,积极做好主动公开工作。2017年共发布信息1669条,其中政府网站公开"
     "政府信息数774条。", {"proactive_total": 1669}),
])
def test_rule(snippet, expected):
    assert figures(snippet) == expected


@pytest.mark.parametrize("snippet", [
    # information classified as available on request, not requests (old-2011-pingtan-zone)
    "2011年制作、获取政府信息总数1873条,作为依申请公开信息数46条,不予公开信息数1402。",
    # approvals, not disclosure requests (old-2013-pingtan-dishui, old-2014-pingtan-zone)
    "今年我局共受理审批事项117件,办结171件,办结率100%。",
    "目前,区县已入驻审批服务部门和单位13个,开设窗口26个,共受理申请121510件。",
    # a part of the total: one unit's requests
    "区直各部门收到政府信息公开申请12件,各乡镇收到3件。",
    # general review/litigation counts of the agency
    "2018年,河北省教育厅共受理行政复议1起,行政诉讼5起,行政申诉9起。",
    # garbled: no negation, no count (old-2018-hebei-kjt)
    "2018年,信息公开引起行政复议和提起行政诉讼。",
    # spending is not fees; a fee policy is not a figure
    "2013年用于税收宣传等产生的政府信息公开费用1万元。",
    "2017年省人社厅本级政府信息公开事务实际支出为5万余元。",
    "2014年我区各级工作部门依申请提供政府信息暂不收费。",
    "未发生因收费产生的投诉问题。",
    # approximate, cumulative and partial proactive counts
    "2018年,在厅门户网站主动公开各类政府信息400余条。",
    "截止2010年12月16日,厅门户网站累计主动公开政府信息65100条。",
    "主动公开的政府信息,区直、县直各单位主动公开政府信息303条,占71.3%。",
    # the same words outside a 主动公开 section: news items, not the proactive total
    "一、概述\n2018年,各级媒体共发布信息1683条。",
    # directory and staff counts (seed 004)
    "我局政府信息公开目录具体包括:机构职能、政策法规、其他共6个一级目录,下设20个二级目录。",
    "我局没有从事政府信息公开工作的全职人员,兼职人员1人。",
    # no 不予公开 replies stated: information classified as exempt
    "(四)不予公开政府信息情况。我局无不予公开政府信息情况。",
])
def test_distractor_gives_nothing(snippet):
    assert figures(snippet) == {}


def test_reviews_and_lawsuits_given_only_combined_are_left_out_with_a_warning():
    figs, warnings = prose.extract("2017年省人社厅涉及政府信息公开的行政复议和行政诉讼案件共2件,予以驳回。")
    assert figs == []
    assert [w.code for w in warnings] == ["prose_combined_cases"]


def test_code_stated_with_two_values_is_left_out():
    figs, warnings = prose.extract("2012年主动公开政府信息1913条。另,全年主动公开政府信息1931条。")
    assert figs == []
    assert [w.code for w in warnings] == ["prose_conflict"]


def test_evidence_is_the_stating_text_at_its_offsets():
    text = "一、概述\n2014年,河北省教育厅共收到信息公开申请3件。"
    (fig,), _ = prose.extract(text)
    assert text[fig.start:fig.end] == fig.evidence == "收到信息公开申请3件"
    assert (fig.code, fig.value, fig.method) == ("requests_received", 3, "prose")


# ---------------------------------------------------------------- issue 8, item 3

@pytest.mark.parametrize(("text", "expected"), [
    ("三、依申请公开情况\n2015年，我局收到3份以信函形式提出的信息公开申请，均已答复。", {"requests_received": 3}),
    ("2015年共收到2份以信函方式提出的政府信息公开申请和1份通过网络方式提出的政府信息公开申请。",
     {"requests_received": 3}),
    # a total stated elsewhere wins over the kinds
    ("2015年共收到政府信息公开申请5件。其中收到2份以信函形式提出的政府信息公开申请。", {"requests_received": 5}),
])
def test_requests_stated_by_kind(text, expected):
    figs, warnings = prose.extract(text)
    assert {f.code: f.value for f in figs} == expected
    if any(f.rule == "prose.received_kinds" for f in figs):
        assert [(w.code, w.figures) for w in warnings] == [
            ("prose_received_from_kinds", ("requests_received",))]


@pytest.mark.parametrize(("text", "expected"), [
    ("四、行政复议和诉讼情况\n在依申请公开政府信息中，我局全年办理2件涉及的行政复议事项。", {"review_total": 2}),
    # what the cases were, between the count and the words (old-2016-hebei-gxt)
    ("2016年，在依申请公开政府信息中，河北省工业和信息化厅处理3件属维持具体行政行为的行政复议事项。",
     {"review_total": 3}),
    # a general count before its disclosure part is not the disclosure count
    ("按照政府信息公开要求，全年办理行政复议案件5件，其中涉及政府信息公开的1件。", {}),
])
def test_review_wording_split_over_clauses(text, expected):
    figs, _ = prose.extract(text)
    assert {f.code: f.value for f in figs} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2015年累计主动公开政府信息612条，其中通过网站公开300条、政府公报公开312条。", {"proactive_total": 612}),
    ("2015年累计主动公开政府信息612条，其中通过网站公开300条、政府公报公开311条。", {}),
    ("截至2015年底累计主动公开政府信息612条，其中网站公开300条、公报公开312条。", {}),
    # 累计 after the words, parts straight after it (old-2017-hebei-gxt)
    ("2017年，我厅网站主动公开政府信息累计947条，工作动态602条，领导活动110条，通知文告170条，"
     "行政执法50条，统计信息13条，财政财务2条。", {"proactive_total": 947}),
    ("我厅网站主动公开政府信息累计947条，工作动态602条，领导活动345条。", {}),  # no year: all years'?
])
def test_a_years_cumulative_count_whose_parts_add_up(text, expected):
    figs, _ = prose.extract(text)
    assert {f.code: f.value for f in figs} == expected


def test_a_years_cumulative_count_whose_parts_do_not_add_up_is_left_out_with_a_warning():
    """old-2018-hebei-gxt: 累计357条 whose listed parts add up to 377."""
    figs, warnings = prose.extract("2018年，我厅网站主动公开政府信息累计357条，概况信息10条，工作动态220条，"
                                   "通知文告130条，行政执法15条，财政财务2条。")
    assert figs == []
    assert [(w.code, w.figures) for w in warnings] == [("prose_parts_disagree", ("proactive_total",))]


def test_a_count_over_several_years_is_not_the_years():
    """old-2018-pt-jjf: "近3年共受理信息公开申请2件"."""
    figs, _ = prose.extract("近3年共受理信息公开申请2件,1件通过邮寄纸质材料书面申请。")
    assert figs == []
