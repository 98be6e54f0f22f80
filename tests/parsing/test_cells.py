"""Reading one row's cells: separated cells as stated, jammed digit runs split only where the
row's own sums make the reading certain (issue 2, item 5)."""
import pytest

from reports.parsing.layouts.cells import (
    APPLICANT_SHAPE, REVIEW_SHAPE, mask_noise, merge_spans, read_cells, read_line_cells,
    split_run,
)


@pytest.mark.parametrize("chunks, expected", [
    # the issue's own example: 自然人 64, 社会公益组织 2, 其他 4, 总计 70
    (["640020470"], [(64, 0, 0, 2, 0, 4, 70)]),
    (["2000002"], [(2, 0, 0, 0, 0, 0, 2)]),
    (["21710000218"], [(217, 1, 0, 0, 0, 0, 218)]),
    # two readings (11+0 or 1+10), same total
    (["110000011"], [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)]),
    # std-2022-hebei-kjt (七)总计: no reading adds up
    (["20000011"], []),
    # spaces are cell boundaries: "230 000023" is 23,0 | 0,0,0,0,23
    (["230", "000023"], [(23, 0, 0, 0, 0, 0, 23)]),
    (["23", "0", "00", "0", "023"], [(23, 0, 0, 0, 0, 0, 23)]),
    # a leading zero never starts a longer number: "01" is 0,1
    (["0100001"], [(0, 1, 0, 0, 0, 0, 1)]),
    # six blank-separated zeros can not make seven cells
    (["0", "0", "0", "0", "0", "0"], []),
])
def test_split_run_applicant_rows(chunks, expected):
    assert sorted(split_run(chunks, APPLICANT_SHAPE)) == sorted(expected)


@pytest.mark.parametrize("digits, expected", [
    # std-2021-pingtan table 四: 复议 1/0/2/0/3, 直接起诉 12/0/0/0/12, 复议后起诉 0
    ("10203120001200000", (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)),
    # std-2024-pingtan: 复议 2/1/3/1/7, 直接起诉 0, 复议后起诉 13/2/4/0/19
    ("21317000001324019", (2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)),
    ("000000000000000", (0,) * 15),
])
def test_split_run_review_row_unique(digits, expected):
    assert split_run([digits], REVIEW_SHAPE) == [expected]


@pytest.mark.parametrize("segment, status, values", [
    ("640020470", "split", (64, 0, 0, 2, 0, 4, 70)),
    (" 64 0 0 2 0 4 70", "stated", (64, 0, 0, 2, 0, 4, 70)),
    # separated cells are taken as stated even when they do not add up
    (" 5 0 0 0 0 0 9", "stated", (5, 0, 0, 0, 0, 0, 9)),
    (" | 64 | 0 | 0 | 2 | 0 | 4 | 70\n", "stated", (64, 0, 0, 2, 0, 4, 70)),
    # a label spanning three columns is padded with empty cells before the numbers
    ("数量 | | | 21 | 0 | 0 | 0 | 0 | 0 | 21", "stated", (21, 0, 0, 0, 0, 0, 21)),
    # a blank 总计 cell stays blank; the other cells are still stated
    (" | 0 | 0 | 0 | 0 | 0 | 0 | ", "stated", (0, 0, 0, 0, 0, 0, None)),
    # colspan repeated a cell: merged back where only one merge adds up
    (" | 64 | 0 | 0 | 0 | 2 | 0 | 4 | 70", "stated", (64, 0, 0, 2, 0, 4, 70)),
    ("110000011", "partial", (None, None, 0, 0, 0, 0, 11)),
    ("20000011", "unsplittable", ()),
    ("(区分处理的,只计这一情形)", "blank", (None,) * 7),
    # numbers in two places (a PDF printed one row's numbers inside the next label)
    ("不\n4 0 0 0 0 0 4\n计其他情形)\n1 0 0 0 0 0 1\n", "ambiguous", ()),
    # more separated numbers than cells
    (" 1 2 3 4 5 6 7 8", "ambiguous", ()),
    # a page footer between a row and the next is not a cell
    (" 746 12 0 0 10 1 769\n- 4 -\n法提供 ", "stated", (746, 12, 0, 0, 10, 1, 769)),
])
def test_read_cells_applicant(segment, status, values):
    cells = read_cells(segment, APPLICANT_SHAPE)
    assert cells.status == status
    assert cells.values == values


def test_read_cells_offsets_point_at_the_numbers():
    segment = "政府信息公开申请数量 713000074"
    cells = read_cells(segment, APPLICANT_SHAPE)
    assert segment[cells.start:cells.end] == "713000074"
    assert cells.values == (71, 3, 0, 0, 0, 0, 74)


@pytest.mark.parametrize("segment, values", [
    # std-2023-hongze: stated cells whose 总计 contradict their parts are kept as stated
    ("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0", (10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0)),
    ("0 | 1 | 1 | 0 | 2 | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0",
     (0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0)),
])
def test_read_cells_review(segment, values):
    assert read_cells(segment, REVIEW_SHAPE).values == values


def test_read_cells_review_blank_cells_dropped_by_whitespace_is_not_guessed():
    """std-2019-hebei-jyt prints only the three 总计 cells; with the blanks gone no reading fits."""
    assert read_cells("\n\n0\n\n0\n\n0\n", REVIEW_SHAPE).status == "unsplittable"


@pytest.mark.parametrize("chunks, expected", [
    (["64", "0", "0", "0", "2", "0", "4", "70"], (64, 0, 0, 2, 0, 4, 70)),
    (["5", "5", "0", "0", "0", "0", "0", "5"], (5, 0, 0, 0, 0, 0, 5)),
    # two different merges both add up: no reading
    (["3", "3", "0", "3", "3", "0", "0", "9"], None),
])
def test_merge_spans(chunks, expected):
    assert merge_spans(chunks, APPLICANT_SHAPE) == expected


@pytest.mark.parametrize("text, expected", [
    ("| 2.其他法律", "| ##其他法律"),
    ("1、申请人", "##申请人"),
    ("(1)属于", "###属于"),
    ("00000002.其他", "00000002.其他"),  # glued to a digit run: the layout decides
    ("x\n- 4 -\ny", "x\n#####\ny"),
    ("第 3 页", "#####"),
    ("2.5万元", "2.5万元"),
])
def test_mask_noise(text, expected):
    assert mask_noise(text) == expected


@pytest.mark.parametrize("segment, trailing, values", [
    # every cell two blank lines after the previous one
    ("数量\n\n\n16\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n16\n\n\n\n\n", 5,
     (16, 0, 0, 0, 0, 0, 16)),
    # a blank 总计 cell: three more line breaks before the next row
    ("数量\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n\n\n\n\n\n", 5,
     (0, 0, 0, 0, 0, 0, None)),
    # a blank cell in the middle
    ("数量\n\n\n3\n\n\n\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n3\n\n\n\n\n", 5,
     (3, None, 0, 0, 0, 0, 3)),
    # off the grid: not read
    ("数量\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n\n\n\n\n\n", 5, None),
    # a blank last cell can not be seen without the row's trailing line breaks
    ("数量\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n0\n\n\n\n\n\n\n\n", None, None),
])
def test_read_line_cells(segment, trailing, values):
    cells = read_line_cells(segment, APPLICANT_SHAPE, unit=3, first=3, trailing=trailing)
    assert (cells.values if cells else None) == values
