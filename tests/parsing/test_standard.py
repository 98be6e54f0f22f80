"""Tables 三 and 四 of the 2019/2021 templates read from flattened text (issue 2, item 5)."""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from reports.parsing.layouts import standard
from reports.parsing.metrics import CORE_CODES, is_known

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# std-2021-pingtan as normalized: every cell of every row run together.
JAMMED_2021 = (
    "三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    "申请人情况自然人法人或其他组织总计 商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
    "三、本年度办理结果(一)予以公开270020130(二)部分公开(区分处理的,只计这一情形,不计其他情形)500000 5"
    "(三)不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000"
    "4.保护第三方合法权益00000005.属于三类内部事务信息10000016.属于四类过程性信息0000000"
    "7.属于行政执法案卷60000068.属于行政查询事项1000001(四)无法提供1.本机关不掌握相关政府信息220000325"
    "2.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000(五)不予处理1.信访举报投诉类申请0000000"
    "2.重复申请00000003.要求提供公开出版物00000004.无正当理由大量反复申请0000000"
    "5.要求行政机关确认或重新出具已获取信息0000000(六)其他处理1.申请人无正当理由逾期不补正、"
    "行政机关不再处理其政府信息公开申请00000002.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其"
    "政府信息公开申请00000003.其他1000001(七)总计630020469四、结转下年度继续办理1000001 "
    "四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "10203120001200000五、存在的主要问题及改进情况2021年……"
)
JAMMED_2021_CORE = {
    "requests_received": 70, "requests_carried_over": 0, "granted": 30, "partial": 5,
    "denied": 8, "unable": 25, "not_held": 25, "not_processed": 0, "other_handled": 1,
    "outcome_total": 69, "carried_forward": 1, "review_total": 3, "review_corrected": 0,
    "litigation_total": 12, "litigation_corrected": 0,
}

SUB_LABELS = {
    "denied": ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
               "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"],
    "unable": ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"],
    "not_processed": ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                      "5.要求行政机关确认或重新出具已获取信息"],
    "other_handled": ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                      "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"],
}


def table(cells: dict, sep=" | ", template=2021) -> str:
    """A table 三 + 四 with one row per line, cells joined by `sep`. `cells` maps a row key
    (code, or group:index) to its cells; rows not given are all zero."""
    zero = ["0"] * 7

    def row(lbl, key):
        return lbl + sep + sep.join(cells.get(key, zero))

    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况 | 自然人 | 法人或其他组织 | 总计",
             row("一、本年新收政府信息公开申请数量", "requests_received"),
             row("二、上年结转政府信息公开申请数量", "requests_carried_over"),
             row("三、本年度办理结果 | (一)予以公开", "granted"),
             row("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partial")]
    groups = [("(三)不予公开", "denied"), ("(四)无法提供", "unable"), ("(五)不予处理", "not_processed")]
    if template == 2021:
        groups.append(("(六)其他处理", "other_handled"))
    for head, group in groups:
        for i, lbl in enumerate(SUB_LABELS[group]):
            lines.append(row((head + " | " if i == 0 else "") + lbl, f"{group}:{i}"))
    if template == 2019:
        lines.append(row("(六)其他处理", "other_handled"))
    lines += [row("(七)总计", "outcome_total"), row("四、结转下年度继续办理", "carried_forward"),
              "四、政府信息公开行政复议、行政诉讼情况",
              "行政复议 | 行政诉讼", "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
              "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
              cells.get("review", " | ".join(["0"] * 15)),
              "五、存在的主要问题及改进情况", "2023年,我们将继续努力。"]
    return "\n".join(lines)


def core(figures):
    return {f.code: int(f.value) for f in figures if f.code in CORE_CODES}


def test_jammed_table_is_read_where_sums_make_it_certain():
    figures, warnings = standard.extract(JAMMED_2021)
    assert core(figures) == JAMMED_2021_CORE
    values = {f.code: f.value for f in figures}
    assert values["requests_received_natural_person"] == 64
    assert values["requests_received_public_interest"] == 2
    assert values["denied_enforcement"] == 6
    assert values["litigation_direct_total"] == 12
    # 220000325 reads 22,0,0,0,0,3,25 or 2,20,0,0,0,3,25: the total is certain, the split is not
    assert "unable_natural_person" not in values
    assert "not_held" in values
    assert warnings == []


def test_every_figure_carries_its_evidence_and_offsets():
    figures, _ = standard.extract(JAMMED_2021)
    for fig in figures:
        assert JAMMED_2021[fig.start:fig.end] == fig.evidence
        assert fig.method == "table"
        assert is_known(fig.code), fig.code
    by_code = {f.code: f for f in figures}
    assert by_code["requests_received"].evidence == "一、本年新收政府信息公开申请数量640020470"
    # the "2." glued to the digits belongs to the next label
    assert by_code["denied_state_secret"].evidence == "1.属于国家秘密0000000"
    assert by_code["denied_prohibited"].evidence.startswith("2.其他法律")


@pytest.mark.parametrize("sep", [" | ", " ", "\n\n"])
def test_separated_cells_are_read_as_stated(sep):
    cells = {"requests_received": ["3001", "53", "0", "0", "61", "4", "3119"],
             "granted": ["1288", "21", "0", "0", "50", "3", "1362"],
             "denied:7": ["105", "0", "0", "0", "0", "0", "105"],
             "unable:0": ["746", "12", "0", "0", "10", "1", "769"],
             "unable:1": ["11", "0", "0", "0", "0", "0", "11"]}
    figures, warnings = standard.extract(table(cells, sep=sep))
    values = core(figures)
    assert values["requests_received"] == 3119
    assert values["granted"] == 1362
    assert values["denied"] == 105
    assert values["unable"] == 780
    assert values["not_held"] == 769
    assert values["outcome_total"] == 0
    assert warnings == []


def test_pipe_rows_padded_by_spanning_label_cells():
    """std-2023-hongze (PDF): labels spanning three columns repeat or leave empty cells."""
    text = (
        "一、本年新收政府信息公开申请数量 | 一、本年新收政府信息公开申请数量 | | 21 | 0 | 0 | 0 | 0 | 0 | 21\n"
        "二、上年结转政府信息公开申请数量 | | | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "三、本年度办理结果 | (一)予以公开 | (一)予以公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "三、本年度办理结果 | (二)部分公开(区分处理的,只计这一情形,不计其他情形) | | 4 | 0 | 0 | 0 | 0 | 0 | 4\n"
        "三、本年度办理结果 | (三)不予公开 | 1.属于国家秘密 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
        "三、本年度办理结果 | (三)不予公开 | 2.其他法律行政止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "| | 3.补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "| (六)其他处理 | | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "| (七)总计 | | 21 | 0 | 0 | 0 | 0 | 0 | 21\n"
        "四、结转下年度继续办理 | 四、结转下年度继续办理 | 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    values = core(standard.extract(text)[0])
    assert values["requests_received"] == 21
    assert values["requests_carried_over"] == 0
    assert values["partial"] == 4
    assert values["outcome_total"] == 21
    assert values["carried_forward"] == 0
    assert values["other_handled"] == 0


def test_2019_template_single_other_row_and_repeated_group_label():
    """std-2019-pingtan: (六)其他处理 is one row; 三、本年度办理结果 is printed again mid-table."""
    text = (
        "一、本年新收政府信息公开申请数量230 000023二、上年结转政府信息公开申请数量0000000三、本年度办理结果"
        "(一)予以公开7000007(二)部分公开(区分处理的,只计这一情形,不计其他情形)1000001(三)不予公开"
        "1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000"
        "4.保护第三方合法权益00000005.属于三类内部事务信息00000006.属于四类过程性信息0000000"
        "7.属于行政执法案卷00000008.属于行政查询事项0000000三、本年度办理结果(四)无法提供"
        "1.本机关不掌握相关政府信息70000072.没有现成信息需要另行制作00000003.补正后申请内容仍不明确5000005"
        "(五)不予处理1.信访举报投诉类申请00000002.重复申请30000033.要求提供公开出版物0000000"
        "4.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000"
        "(六)其他处理0 0 0 0 0 00(七)总计23 0 00 0 023四、结转下年度继续办理 0 0 00 00 0 "
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        "000000000000000 五、存在的主要问题"
    )
    figures, warnings = standard.extract(text)
    assert core(figures) == {
        "requests_received": 23, "requests_carried_over": 0, "granted": 7, "partial": 1,
        "denied": 0, "unable": 12, "not_held": 7, "not_processed": 3, "other_handled": 0,
        "outcome_total": 23, "carried_forward": 0, "review_total": 0, "review_corrected": 0,
        "litigation_total": 0, "litigation_corrected": 0,
    }
    assert warnings == []


def test_label_broken_by_spaces():
    """std-2024-pingtan prints "三、本年度办 理结果" and "社会公益 组织"."""
    text = JAMMED_2021.replace("三、本年度办理结果", "三、本年度办 理结果").replace(
        "本年新收", "本年 新收").replace("逾期不补正", "逾期不补 正")
    assert core(standard.extract(text)[0]) == JAMMED_2021_CORE


def test_blank_rows_are_absent_but_count_as_nothing_in_their_group():
    """std-2019-hebei-jyt: 部分公开, every 不予公开 reason and 补正后仍不明确 are blank;
    无法提供 = 本机关不掌握3 + 另行制作4."""
    blank = [""] * 7
    cells = {"partial": blank, "unable:0": ["3", "0", "0", "0", "0", "0", "3"],
             "unable:1": ["4", "0", "0", "0", "0", "0", "4"], "unable:2": blank}
    cells.update({f"denied:{i}": blank for i in range(8)})
    values = core(standard.extract(table(cells, sep="\n\n\n"))[0])
    assert "partial" not in values
    assert "denied" not in values
    assert values["unable"] == 7
    assert values["not_held"] == 3


def test_one_cell_per_line_blank_cells_are_read_by_position():
    """std-2021-hebei-jyt / std-2019-hebei-jyt: one cell per line, blank cells left as blank
    lines. A blank 总计 stays unrecorded; table 四 with only its three 总计 cells filled."""
    blank_total = ["0", "0", "0", "0", "0", "0", ""]
    review = "\n\n\n".join(["", "", "", "", "0", "", "", "", "", "6", "", "", "", "", "2"])
    text = table({"requests_carried_over": blank_total, "review": review}, sep="\n\n\n")
    figures, warnings = standard.extract(text)
    values = {f.code: int(f.value) for f in figures}
    assert "requests_carried_over" not in values
    assert values["requests_carried_over_natural_person"] == 0
    assert [w.code for w in warnings] == ["cell_blank"]
    assert values["review_total"] == 0
    assert values["litigation_total"] == 8
    assert "review_corrected" not in values
    assert "litigation_corrected" not in values


# std-2023-hongze read as PDF text lines instead of table cells: a label centred on two lines
# has its numbers printed above it, and group labels stand among the rows.
HONGZE_TEXT_LINES = """一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
(一)予以公开 0 0 0 0 0 0 0
(二)部分公开(区分处理的,只计这一情 形,不
4 0 0 0 0 0 4
计其他情形)
1 0 0 0 0 0 1
1.属于国家秘密
三 2.其他法律行政止公开 0 0 0 0 0 0 0
度 4.保护第三方合法权益 0 0 0 0 0 0 0
10 0 0 0 0 0 10
1.本机关不掌握相关政府信息
(四)无法提供
3 0 0 0 0 0 3
2.没有现成信息需要另行制作
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
(七)总计 21 0 0 0 0 0 21
四、结转下年度继续办理 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况"""


def test_numbers_printed_apart_from_their_labels_are_not_guessed():
    figures, warnings = standard.extract(HONGZE_TEXT_LINES)
    values = core(figures)
    assert values == {"requests_received": 21, "requests_carried_over": 0, "granted": 0,
                      "outcome_total": 21, "carried_forward": 0}
    assert "row_unreadable" in [w.code for w in warnings]


def test_unsplittable_total_is_left_out_with_a_warning():
    """std-2022-hebei-kjt: (七)总计 "20000011" has no reading that adds up."""
    text = JAMMED_2021.replace("(七)总计630020469", "(七)总计20000011")
    figures, warnings = standard.extract(text)
    assert "outcome_total" not in core(figures)
    assert [w.code for w in warnings] == ["split_failed"]
    assert warnings[0].figures == ("outcome_total",)
    assert "20000011" in warnings[0].message


def test_several_readings_with_one_total_keep_only_the_total():
    """"110000011" reads 11,0,… or 1,10,…: 总计 11 is certain, the applicant split is not."""
    text = JAMMED_2021.replace("(二)部分公开(区分处理的,只计这一情形,不计其他情形)500000 5",
                               "(二)部分公开(区分处理的,只计这一情形,不计其他情形)110000011")
    figures, warnings = standard.extract(text)
    values = {f.code: f.value for f in figures}
    assert values["partial"] == 11
    assert not any(code.startswith("partial_") for code in values)
    assert warnings == []


def test_review_row_recorded_as_stated_when_totals_contradict_parts():
    """std-2023-hongze: 总计 cells are 0 although 复议 维持10 纠正1 and 复议后起诉 维持5."""
    text = table({"review": "10 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 5 | 0 | 0 | 0 | 0"})
    values = core(standard.extract(text)[0])
    assert values["review_total"] == 0
    assert values["review_corrected"] == 1
    assert values["litigation_total"] == 0
    assert values["litigation_corrected"] == 0


def test_no_review_row_under_the_header_gives_nothing():
    text = table({"review": "2022年未发生行政复议"})
    figures, warnings = standard.extract(text)
    assert "review_total" not in core(figures)
    assert warnings == []


def test_review_table_without_table_three():
    text = ("三、收到和处理政府信息公开申请情况\n2022年共收到申请3件,均已答复。\n"
            "四、政府信息公开行政复议、行政诉讼情况\n行政复议 | 行政诉讼\n"
            "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉\n"
            "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
            "1 | 1 | 0 | 0 | 2 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0\n五、存在的主要问题")
    assert core(standard.extract(text)[0]) == {
        "review_total": 2, "review_corrected": 1, "litigation_total": 1, "litigation_corrected": 0}


def test_table_printed_twice():
    figures, warnings = standard.extract(JAMMED_2021 + "\n" + JAMMED_2021)
    assert core(figures) == JAMMED_2021_CORE
    assert warnings == []
    other = JAMMED_2021.replace("(一)予以公开270020130", "(一)予以公开260020129")
    figures, warnings = standard.extract(JAMMED_2021 + "\n" + other)
    assert "granted" not in core(figures)
    assert [w.code for w in warnings] == ["table_conflict"]


@pytest.mark.parametrize("text", [
    "",
    "2020年未收到政府信息公开申请。",
    # prose naming two rows is not a table
    "本年新收政府信息公开申请75件,上年结转1件,已全部办结。",
    # an older statistics table
    "收到申请数 | 件 | 4\n申请答复数 | 件 | 4\n同意公开答复数 | 件 | 4",
])
def test_no_table_no_figures(text):
    assert standard.extract(text) == ([], [])


def test_values_are_decimals():
    figures, _ = standard.extract(JAMMED_2021)
    assert all(isinstance(f.value, Decimal) for f in figures)


# Corpus reports whose table figures this layout reads; codes stated only in prose are
# someone else's (fees, or tables missing from the dump).
PROSE_ONLY = {"fees_yuan"}
# id -> codes this layout is not judged on for that report, and why
KNOWN_GAPS: dict[str, set[str]] = {
    # table 四 replaced by a sentence (未发生涉及政府信息公开的行政复议、行政诉讼案件): prose's
    "std-2019-hebei-gxt": {"review_total", "litigation_total"},
    "std-2020-hebei-gxt": {"review_total", "litigation_total"},
    # "(七)总计1000000": 自然人 1 under a 总计 of 0, the row does not add up (split_failed)
    "std-2021-pt-htp": {"outcome_total"},
    # table 四 "100000000000000": 复议 维持 1 under a 总计 of 0 (split_failed)
    "std-2024-pt-hzs": {"review_total", "review_corrected", "litigation_total", "litigation_corrected"},
}


def _corpus_reports():
    for path in sorted(CORPUS.glob("*/*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth.get("format", "").startswith("standard") and "本年新收" in _text(path, truth):
            yield pytest.param(path, truth, id=truth["id"])


def _text(path, truth):
    from reports.parsing import decode, normalize
    data = (path.parent / truth["file"]).read_bytes()
    return normalize.normalize(decode.extract_text(data, filename=truth["file"]).text).text


@pytest.mark.parametrize("path, truth", list(_corpus_reports()))
def test_corpus_table_figures(path, truth):
    figures, _ = standard.extract(_text(path, truth))
    got = core(figures)
    expected = {c: v for c, v in truth["metrics"].items() if c not in PROSE_ONLY}
    for code in KNOWN_GAPS.get(truth["id"], ()):
        expected.pop(code, None)
        got.pop(code, None)
    assert got == expected


@pytest.mark.parametrize(("old", "new", "code", "value"), [
    # issue 8, item 2: blank cells dropped, "33" is 自然人 3 and 总计 3; "(七)总计55"
    ("(七)总计630020469", "(七)总计55", "outcome_total", 5),
    ("(七)总计630020469", "(七)总计3 3", "outcome_total", 3),
])
def test_row_with_dropped_blank_cells_gives_its_total(old, new, code, value):
    figures, warnings = standard.extract(JAMMED_2021.replace(old, new))
    fig = next(f for f in figures if f.code == code)
    assert (fig.value, fig.rule) == (value, "std.short_row")
    assert not any(f.code.startswith(code + "_") for f in figures)  # columns unknown
    assert warnings == [] or all(code not in w.figures for w in warnings if w.code == "split_failed")


@pytest.mark.parametrize("short", ["(七)总计12", "(七)总计100", "(七)总计5"])
def test_short_row_without_a_unique_reading_is_left_out_with_a_warning(short):
    figures, warnings = standard.extract(JAMMED_2021.replace("(七)总计630020469", short))
    assert "outcome_total" not in {f.code for f in figures}
    assert ("split_failed", ("outcome_total",)) in [(w.code, w.figures) for w in warnings]


def test_blank_last_row_takes_no_number_from_the_next_section():
    """std-2020-hebei-gxt: blank cells dropped by the crawler, "四、结转下年度继续办理" left blank
    and followed by the section heading "四、…情况2020年…", whose year is no cell."""
    from reports.parsing.normalize import normalize

    rows = "".join(SUB_LABELS["denied"]) + "(四)无法提供" + "".join(SUB_LABELS["unable"]) + \
        "(五)不予处理" + "".join(SUB_LABELS["not_processed"])
    text = normalize(
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        "一、本年新收政府信息公开申请数量11二、上年结转政府信息公开申请数量三、本年度办理结果（一）予以公开"
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）11（三）不予公开" + rows + "（六）其他处理（七）总计11"
        "四、结转下年度继续办理四、政府信息公开行政复议、行政诉讼情况2020年河北省工业和信息化厅未发生涉及政府信息"
        "公开的行政复议、行政诉讼案件。五、存在的主要问题及改进情况").text
    figures, _ = standard.extract(text)
    assert core(figures) == {"requests_received": 1, "partial": 1, "outcome_total": 1}


def test_repeated_label_of_the_last_row_does_not_end_it():
    """A decoder may repeat the label cell of the last row before its numbers."""
    text = JAMMED_2021.replace("四、结转下年度继续办理1000001",
                               "四、结转下年度继续办理 | 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1")
    figures, _ = standard.extract(text)
    assert core(figures)["carried_forward"] == 1
