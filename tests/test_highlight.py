"""Evidence marks in the report text: escaping, identical and overlapping spans, bad offsets."""
from types import SimpleNamespace

from reports.highlight import Span, highlight, valid_spans


def test_text_is_escaped_and_span_marked():
    html = highlight("a<b>共收到申请12件&", [Span("requests_received", 4, 12)])
    assert html == ('a&lt;b&gt;<mark id="ev-requests_received" class="ev" data-codes="requests_received">'
                    '共收到申请12件</mark>&amp;')


def test_no_spans_gives_escaped_text():
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"


def test_overlapping_spans_are_cut_into_pieces_never_nested():
    html = highlight("0123456789", [Span("a", 1, 6), Span("b", 4, 9)])
    assert html == (
        '0<mark id="ev-a" class="ev" data-codes="a">123</mark>'
        '<mark id="ev-b" class="ev ev-overlap" data-codes="a b">45</mark>'
        '<mark class="ev" data-codes="b">678</mark>9'
    )


def test_identical_spans_get_one_mark_and_an_anchor_each():
    html = highlight("行政复议 1 0 1", [Span("review_total", 0, 10), Span("review_corrected", 0, 10)])
    assert html == (
        '<mark id="ev-review_total" class="ev-anchor"></mark>'
        '<mark id="ev-review_corrected" class="ev ev-overlap" data-codes="review_corrected review_total">行政复议 1 0 1</mark>'
    )
    assert html.count('id="ev-') == 2


def test_nested_span_keeps_each_id_once():
    html = highlight("abcdef", [Span("outer", 0, 6), Span("inner", 2, 4)])
    assert html.count('id="ev-outer"') == 1 and html.count('id="ev-inner"') == 1
    assert html.index('id="ev-outer"') < html.index('id="ev-inner"')
    assert "<mark" in html and "</mark></mark>" not in html


def test_escaping_is_not_split_by_marks():
    # A mark boundary inside "&" would be impossible: offsets count characters before escaping.
    html = highlight("x&y", [Span("c", 1, 2)])
    assert html == 'x<mark id="ev-c" class="ev" data-codes="c">&amp;</mark>y'


def test_valid_spans_drop_missing_and_out_of_range_offsets():
    figures = [
        SimpleNamespace(code="ok", start=0, end=3),
        SimpleNamespace(code="none", start=None, end=None),
        SimpleNamespace(code="empty", start=2, end=2),
        SimpleNamespace(code="past_end", start=5, end=50),
    ]
    assert valid_spans(figures, 10) == [Span("ok", 0, 3)]
