"""Older statistics tables (统计表): each row shape, jammed two-column runs, copies and units."""
from decimal import Decimal

import pytest

from reports.parsing.layouts import prose, stat_table
from reports.parsing.metrics import CUMULATIVE_SUFFIX
from reports.parsing.result import PriorYear

TWO_COLUMNS = "指标名称 计量单位 2011年度 历年累计 "
TWO_COLUMNS_JAMMED = "指标名称计量单位2011年度历年累计"


def extract(text, prior=None):
    """The table rules with the report's prose as evidence, as layouts.extract calls them."""
    return stat_table.extract(text, prose_figures=prose.extract(text)[0], prior=prior)


def figures(text, prior=None):
    """This year's figures (the cumulative column's codes left out)."""
    figs, _ = extract(text, prior)
    return {f.code: f.value for f in figs if not f.code.endswith(CUMULATIVE_SUFFIX)}


def cumulative(text, prior=None):
    figs, _ = extract(text, prior)
    return {f.code: f.value for f in figs if f.code.endswith(CUMULATIVE_SUFFIX)}


@pytest.mark.parametrize(("snippet", "expected"), [
    # cells joined by " | " (seed 002, Inner Mongolia 盟市 table)
    ("(一)收到申请数 | 件 | 4 |", {"requests_received": 4}),
    ("(三)申请答复数 | 件 | 4 |", {"outcome_total": 4}),
    ("1.属于已主动公开范围数 | 件 | 0 |", {"already_public": 0}),
    ("2.同意公开答复数 | 件 | 3 |", {"granted": 3}),
    ("3.同意部分公开答复数 | 件 | 1 |", {"partial": 1}),
    # the longest label wins: 不同意公开答复数 is not 同意公开答复数
    ("4.不同意公开答复数 | 件 | 2 |", {"denied": 2}),
    ("5.不属于本行政机关公开数 | 件 | 1 |", {"not_this_agency": 1}),
    ("6.申请信息不存在数 | 件 | 7 |", {"not_held": 7}),
    ("7.告知作出更改补充数 | 件 | 1 |", {"notified_to_amend": 1}),
    ("8.告知通过转其他途径办理数 | 件 | 2 |", {"notified_other_channel": 2}),
    ("六、举报投诉数量 | 件 | 5 |", {"complaints": 5}),
    ("(一)主动公开政府信息数 | 条 | 1,234 |", {"proactive_total": 1234}),
    # a note in brackets between label and unit
    ("(一)主动公开政府信息数 (不同渠道和方式公开相同信息计1条) | 条 | 20 |", {"proactive_total": 20}),
    # fees in 万元 are converted to yuan; in 元 kept
    ("七、依申请公开信息收取的费用 | 万元 | 0.5 |", {"fees_yuan": Decimal("5000")}),
    ("七、依申请公开信息收取的费用 | 元 | 362 |", {"fees_yuan": 362}),
    # cells flattened with spaces, two columns (this year, cumulative): the first is the figure
    (TWO_COLUMNS + "主动公开信息数 条 425 1516 其中:1.网站公开 条 418 1509", {"proactive_total": 425}),
    (TWO_COLUMNS + "对申请的答复数 条 0 0 其中:1.同意公开答复数 条 0 0 2.同意部分公开答复数 条 0 0 "
     "3.否决公开答复数 条 0 0 行政复议数 条 0 0 行政诉讼数 条 0 0",
     {"outcome_total": 0, "granted": 0, "partial": 0, "denied": 0, "review_total": 0,
      "litigation_total": 0}),
    # HTML cells break labels with spaces (html-2015-pingtan)
    ("指标名称 | 计量单位 | 2015年度 | 历年累计\n主动公开 文件 数 | 条 | 2949 | 81916\n"
     "3、 不予 公开答复数 | 条 | 0 | 0", {"proactive_total": 2949, "denied": 0}),
    # jammed: "00" can only be 0/0; the next row's ordinal "2、" is not part of the run
    (TWO_COLUMNS_JAMMED + "对申请的答复总数条01其中:1、同意公开答复数条012、同意部分公开答复数条003、"
     "不予公开答复数条004、其他类型答复数条00",
     {"outcome_total": 0, "granted": 0, "partial": 0, "denied": 0, "other_handled": 0}),
    (TWO_COLUMNS_JAMMED + "受理依申请公开信息总数条00其中:1.当面申请数条00", {"requests_received": 0}),
    # 接受行政诉讼、举报数 and 收费减免金额 are not catalog rows (old-2014-pingtan-zone)
    (TWO_COLUMNS + "政府信息公开收费减免金额 元 0 0 接受行政诉讼、举报数 件 0 0", {}),
    # a label in a sentence is not a row
    ("2011年区管委会主动公开信息数为62条。", {}),
])
def test_rows(snippet, expected):
    assert figures(snippet) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # one number set apart where two columns are printed: its column is unknown, and 12 is not
    # split into 1/2 (only runs jammed against the unit are pairs)
    (TWO_COLUMNS + "受理依申请公开信息总数 条 12 其中", {}),
    (TWO_COLUMNS + "主动公开信息数 条 4251516 其中:1.网站公开 条 418 1509", {}),
    # a 累计 in the prose before a one-column table does not make it two columns
    ("截至目前累计发布信息300条。\n(一)收到申请数 | 件 | 12 |", {"requests_received": 12}),
])
def test_columns_are_not_guessed(text, expected):
    assert figures(text) == expected


def test_case_rows_take_their_group():
    """被依法纠错数 under 行政复议数量 is review_corrected; under 行政诉讼数量 litigation_corrected."""
    text = ("四、行政复议数量 | 件 | 2 |\n(一)维持具体行政行为数 | 件 | 1 |\n(二)被依法纠错数 | 件 | 1 |\n"
            "(三)其他情形数 | 件 | 0 |\n五、行政诉讼数量 | 件 | 1 |\n"
            "(一)维持具体行政行为或者驳回原告诉讼请求数 | 件 | 0 |\n(二)被依法纠错数 | 件 | 1 |\n")
    assert figures(text) == {"review_total": 2, "review_upheld": 1, "review_corrected": 1,
                             "review_other": 0, "litigation_total": 1, "litigation_corrected": 1}


def test_jammed_pair_with_several_splits_is_left_out_with_a_warning():
    figs, warnings = extract(TWO_COLUMNS_JAMMED + "主动公开信息数条4251516其中:")
    assert figs == []
    assert [w.code for w in warnings] == ["table_unreadable"]
    assert "425/1516" in warnings[0].message


@pytest.mark.parametrize("text", [
    # old-2011-pingtan-county: 4251516 = 418/1509 + 7/7; the run "41815092" ends with ordinal 2
    TWO_COLUMNS_JAMMED + "主动公开信息数条4251516其中:1.网站公开条41815092.政府公报公开条77受理",
    TWO_COLUMNS_JAMMED + "主动公开信息数条4251516其中:1.网站公开条4181509 2.政府公报公开条77受理",
])
def test_jammed_total_is_split_where_its_sub_rows_add_up_to_one_reading(text):
    figs, warnings = extract(text)
    assert [(f.code, f.value, f.rule) for f in figs] == [
        ("proactive_total", 425, "old.pair_parts"), ("proactive_total_cumulative", 1516, "old.pair_parts")]
    assert warnings == []


def test_sub_rows_that_fit_several_readings_do_not_decide():
    """old-2015-pingtan-zone: the only sub-row repeats the total, so every reading fits."""
    assert figures(TWO_COLUMNS_JAMMED + "主动公开文件数条294981916其中:1、政府网站公开数条"
                   "2949819162、政府公报公开数条00") == {}


def test_jammed_pair_is_split_where_the_prose_agrees_with_one_reading():
    """old-2017-pingtan-zone: 212210037 = 2122/10037, the prose says 2122."""
    text = ("2017年全区主动公开政府信息2122条。\n" + TWO_COLUMNS_JAMMED
            + "主动公开文件数条212210037其中:1、政府网站公开数条212210037")
    assert figures(text) == {"proactive_total": 2122}


def test_table_printed_twice_gives_one_figure():
    row = "(一)收到申请数 | 件 | 4 |\n"
    text = row + "正文" * 500 + "\n" + row
    figs, warnings = stat_table.extract(text)
    assert [(f.code, f.value, f.start) for f in figs] == [("requests_received", 4, 3)]
    assert warnings == []


def test_copies_that_disagree_give_nothing():
    text = "(一)收到申请数 | 件 | 4 |\n" + "正文" * 500 + "\n(一)收到申请数 | 件 | 5 |\n"
    figs, warnings = stat_table.extract(text)
    assert figs == []
    assert [w.code for w in warnings] == ["table_copies_disagree"]


def test_fee_row_without_unit_is_not_guessed():
    figs, warnings = stat_table.extract("七、依申请公开信息收取的费用 | | 3 |")
    assert figs == []
    assert [w.code for w in warnings] == ["fee_unit_unknown"]


@pytest.mark.parametrize(("rows", "expected"), [
    # 申请办结数 is the outcome total only where no 申请答复数 row exists and the outcomes add up
    ("(二)申请办结数 | 件 | 4 |\n2.同意公开答复数 | 件 | 3 |\n4.不同意公开答复数 | 件 | 1 |",
     {"requests_closed": 4, "outcome_total": 4, "granted": 3, "denied": 1}),
    ("(二)申请办结数 | 件 | 4 |\n2.同意公开答复数 | 件 | 3 |",
     {"requests_closed": 4, "granted": 3}),
    ("(二)申请办结数 | 件 | 4 |\n(三)申请答复数 | 件 | 5 |\n2.同意公开答复数 | 件 | 5 |",
     {"requests_closed": 4, "outcome_total": 5, "granted": 5}),
])
def test_requests_closed(rows, expected):
    assert figures(rows) == expected


def test_evidence_is_the_row_at_its_offsets():
    text = "前言\n" + TWO_COLUMNS + "受理依申请公开信息总数 条 3 9 其中"
    (fig, cum), _ = stat_table.extract(text)
    assert text[fig.start:fig.end] == fig.evidence == "受理依申请公开信息总数 条 3 9"
    assert fig.method == "table" and fig.rule == "old.pair"
    assert (cum.code, cum.value, cum.evidence) == ("requests_received_cumulative", 9, fig.evidence)


@pytest.mark.parametrize(("digits", "expected"), [
    ("00", [(0, 0)]),
    ("01", [(0, 1)]),
    ("77", [(7, 7)]),
    ("4251516", [(4, 251516), (42, 51516), (425, 1516), (4251, 516), (42515, 16), (425151, 6)]),
    ("10", [(1, 0)]),    # a cumulative 0 beside this year's figure is printed (old-2016-pt-nyn)
    ("740", [(7, 40), (74, 0)]),
    ("1000", [(100, 0)]),  # "0" never leads a longer number
    ("0", []),
])
def test_split_jammed(digits, expected):
    assert stat_table.split_jammed(digits) == expected


# ---------------------------------------------------------------- issue 8, item 1

@pytest.mark.parametrize(("text", "expected"), [
    # the issue's shapes: "1414" is 14/14, "18373610" is 1837/3610, "03" is 0 and 3
    ("2014年受理依申请公开信息14条。" + TWO_COLUMNS_JAMMED + "受理依申请公开信息总数条1414其中",
     {"requests_received": 14}),
    ("2014年主动公开政府信息1837条。" + TWO_COLUMNS_JAMMED + "主动公开信息数条18373610其中",
     {"proactive_total": 1837}),
    (TWO_COLUMNS_JAMMED + "否决公开答复数条03行政复议数条00", {"denied": 0, "review_total": 0}),
])
def test_jammed_pairs_of_the_issue(text, expected):
    assert figures(text) == expected


def test_last_years_cumulative_makes_the_split_unique():
    """At ingest last year's report is known: 1837 + 1773 = 3610, the only such reading."""
    text = TWO_COLUMNS_JAMMED + "主动公开信息数条18373610其中"
    assert figures(text) == {}
    prior = PriorYear(2013, {"proactive_total": Decimal(1773)})
    figs, warnings = extract(text, prior)
    assert [(f.code, f.value, f.rule) for f in figs] == [
        ("proactive_total", 1837, "old.pair_prior"), ("proactive_total_cumulative", 3610, "old.pair_prior")]
    assert warnings == []


def test_without_evidence_a_jammed_pair_is_named_by_a_warning():
    figs, warnings = extract(TWO_COLUMNS_JAMMED + "受理依申请公开信息总数条1414其中")
    assert figs == []
    assert [(w.code, w.figures) for w in warnings] == [("table_unreadable", ("requests_received",))]


def test_zero_led_run_is_never_one_number():
    """"03" where the header was lost: no one-column cell starts with 0, so it is 0 and 3."""
    figs, warnings = extract("附表\n否决公开答复数条03")
    assert [(f.code, f.value, f.rule) for f in figs] == [
        ("denied", 0, "old.pair_digits"), ("denied_cumulative", 3, "old.pair_digits")]
    assert warnings == []


def test_header_far_above_the_first_row_still_makes_two_columns():
    text = ("六、附表 指标名称 单位 2016年 历年累计" + "(单位:条、件、元;数据截至12月31日)" * 8
            + " 主动公开文件数条5831294 受理政府信息公开申请总数条99")
    assert figures(text) == {"requests_received": 9}
    assert cumulative(text) == {"requests_received_cumulative": 9}


def test_prose_mentioning_a_row_label_does_not_start_the_table():
    """old-2017-pt-hzs style: the sentence before the 附表 names a row label; the header that
    follows it still opens a two-column table."""
    text = ("2016年主动公开信息数为1650条,全文电子化率100%。" + "其他工作说明。" * 40
            + "附表 指标名称 单位 2016年 历年累计 主动公开信息数 条 1650 5000")
    assert figures(text) == {"proactive_total": 1650}


def test_prose_row_label_with_its_unit_after_the_number_does_not_start_the_table():
    """old-2012-pt-county: "其中同意公开答复数17条" in section 三, within a cluster's reach of
    the jammed 附件1 table: a table prints its unit before the value, so the sentence is no row
    and the header above the table still makes it two columns."""
    text = ("对依申请公开的答复总数21条,其中同意公开答复数17条。" + "改进措施。" * 100
            + "附件1 指标名称计量单位2012年度历年累计主动公开信息数条20263542受理依申请公开信息总数条2121"
            "对申请的答复数条2121其中:1.同意公开答复数条17172.同意部分公开答复数条223.否决公开答复数条22")
    figs, warnings = extract(text)
    got = {f.code: f.value for f in figs}
    # two columns: the total and its sub-rows add up in both (old.pair_parts)
    assert {c: got.get(c) for c in ("outcome_total", "granted", "partial", "denied")} == {
        "outcome_total": 21, "granted": 17, "partial": 2, "denied": 2}
    assert got["granted_cumulative"] == 17
    # "20263542" has several readings and no evidence here: named by a warning, not guessed
    assert "proactive_total" not in {f.code for f in figs}
    assert ("table_unreadable", ("proactive_total",)) in [(w.code, w.figures) for w in warnings]


def test_one_column_run_that_begins_with_the_prose_figure_is_not_trusted():
    """A lost header: "主动公开文件数条740" where the prose says 74 is 74 and a cumulative 0."""
    text = "2016年我局主动公开政府信息74条。附表 主动公开文件数条740 受理政府信息公开申请总数条0"
    figs, warnings = extract(text)
    assert "proactive_total" not in {f.code for f in figs}
    assert [(w.code, w.figures) for w in warnings] == [("table_unsure", ("proactive_total",))]
