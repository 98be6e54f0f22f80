"""decode.extract_text: encodings detected, HTML/DOCX/PDF tables kept as rows, bad files refused clearly."""
import io
import zipfile

import pytest

from reports.parsing import decode
from reports.parsing.decode import UnreadableDocument, extract_text
from tests.conftest import CORPUS_DIR

STD = CORPUS_DIR / "standard-and-old"
HTML = CORPUS_DIR / "html"
SAMPLE = STD / "std-2021-pingtan.txt"


def _sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


# ---------------------------------------------------------------- text encodings

@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8"),
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
    ("big5", "big5"),
    ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"),
])
def test_corpus_text_reencoded_is_detected(tmp_path, encoding, expected):
    """A corpus report re-encoded as uploads arrive decodes back to the same text."""
    text = _sample_text()
    if encoding == "big5":
        text = text.encode("big5", errors="ignore").decode("big5")  # keep only Big5-representable chars
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    out = extract_text(path.read_bytes(), filename=path.name)
    assert out.kind == "txt"
    assert out.encoding == expected
    assert out.text == text.replace("\r\n", "\n").replace("\r", "\n")


def test_traditional_report_in_big5_is_not_read_as_gbk(tmp_path):
    """Big5 bytes also decode as GB18030 without error; the common-character score decides."""
    text = (CORPUS_DIR / "seeds" / "000_c23b504ecfc2b3ba.txt").read_text(encoding="utf-8")
    data = text.encode("big5", errors="ignore")
    out = extract_text(data, filename="report.txt")
    assert out.encoding == "big5"
    assert "北京市國土資源局海淀分局" in out.text


def test_simplified_report_in_gb18030_is_not_read_as_big5():
    data = "河北省教育厅2019年政府信息公开工作年度报告\n一、总体情况".encode("gb18030")
    out = extract_text(data, filename="a.txt")
    assert out.encoding == "gb18030"
    assert out.text.startswith("河北省教育厅")


@pytest.mark.parametrize("raw, expected", [
    (b"a\rb\rc", "a\nb\nc"),
    (b"a\r\nb\r\n", "a\nb\n"),
    (b"a\nb", "a\nb"),
    (b"a\r\n\rb", "a\n\nb"),
])
def test_line_breaks_are_normalised(raw, expected):
    assert extract_text(raw, filename="x.txt").text == expected


def test_cr_only_corpus_file_gets_lines():
    """std-2019-hebei-jyt uses old-Mac CR line breaks."""
    out = extract_text((STD / "std-2019-hebei-jyt.txt").read_bytes(), filename="std-2019-hebei-jyt.txt")
    assert "\r" not in out.text
    assert out.text.count("\n") > 100


# ---------------------------------------------------------------- HTML

def test_html_table_spans_repeat_cells_under_their_headers():
    html = """<html><head><title>t</title><script>var x=1;</script><style>p{}</style></head><body>
    <header>网站首页</header><nav>政务公开</nav>
    <div class="nav">首页 | 政务公开</div>
    <div class="TRS_Editor"><p>一、总体情况</p><p>本年度收到申请<b>3</b>件。这是一段足够长的正文文字，用来让正文容器胜出，
    而不是页面的导航和页脚。这是一段足够长的正文文字，用来让正文容器胜出，而不是页面的导航和页脚。
    这是一段足够长的正文文字，用来让正文容器胜出，而不是页面的导航和页脚。这是一段足够长的正文文字。</p>
    <table>
      <tr><td rowspan="2">项目</td><td colspan="2">申请人情况</td><td rowspan="2">总计</td></tr>
      <tr><td>自然人</td><td>法人</td></tr>
      <tr><td>本年新收</td><td>5</td><td>1</td><td>6</td></tr>
    </table></div>
    <div class="footer">版权所有</div></body></html>"""
    out = extract_text(html.encode("utf-8"), filename="page.html")
    lines = out.text.split("\n")
    assert out.kind == "html"
    assert "项目 | 申请人情况 | 申请人情况 | 总计" in lines
    assert "项目 | 自然人 | 法人 | 总计" in lines
    assert "本年新收 | 5 | 1 | 6" in lines
    assert "var x" not in out.text and "版权所有" not in out.text and "首页" not in out.text
    assert "政务公开" not in out.text
    assert "本年度收到申请3件。" in out.text


def test_html_cell_line_breaks_are_removed():
    html = "<html><body><table><tr><td>本年新收<br>政府信息公开申请数量</td><td>7</td></tr></table></body></html>"
    assert extract_text(html.encode(), filename="a.htm").text == "本年新收政府信息公开申请数量 | 7"


def test_html_sniffed_without_extension():
    out = extract_text(b"<!DOCTYPE html><html><body><p>\xe6\x8a\xa5\xe5\x91\x8a</p></body></html>", filename="upload")
    assert out.kind == "html" and out.text == "报告"


def test_html_in_gb18030():
    html = "<html><head><meta charset='gbk'></head><body><p>政府信息公开工作年度报告</p></body></html>"
    out = extract_text(html.encode("gb18030"), filename="a.html")
    assert out.text == "政府信息公开工作年度报告"


@pytest.mark.parametrize("name, row", [
    ("html-2019-pingtan.html", "一、本年新收政府信息公开申请数量 | 一、本年新收政府信息公开申请数量 | "
                               "一、本年新收政府信息公开申请数量 | 23 | 0 | 0 | 0 | 0 | 0 | 23"),
    ("html-2012-pingtan.html", "其中:1、同意公开答复数 | 条 | 0 | 0"),
    ("html-2015-pingtan.html", "受理依申请公开信息总数 | 条 | 0 | 1"),
])
def test_corpus_html_rows(name, row):
    from reports.parsing.normalize import normalize

    out = extract_text((HTML / name).read_bytes(), filename=name)
    assert row in normalize(out.text).text.split("\n")


@pytest.mark.parametrize("name", sorted(p.name for p in HTML.glob("*.html")))
def test_corpus_html_drops_site_chrome(name):
    out = extract_text((HTML / name).read_bytes(), filename=name)
    head = out.text[:300]
    assert "当前位置" not in head and "微信 微博" not in out.text
    first, second = out.text.split("\n")[:2]
    assert first.startswith("发布时间: 20")  # the page's publication date, then its title
    assert "政府信息公开" in second


# ---------------------------------------------------------------- DOCX

def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("某县人民政府2022年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "项目"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "申请人情况"
    table.cell(0, 3).merge(table.cell(1, 3)).text = "总计"
    table.cell(1, 1).text = "自然人"
    table.cell(1, 2).text = "法人"
    for col, value in enumerate(["本年新收", "5", "1", "6"]):
        table.cell(2, col).text = value
    document.add_paragraph("二、主动公开政府信息情况")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order():
    out = extract_text(_docx_bytes(), filename="report.docx")
    assert out.kind == "docx"
    assert out.text.split("\n") == [
        "某县人民政府2022年政府信息公开工作年度报告",
        "一、总体情况",
        "项目 | 申请人情况 | 申请人情况 | 总计",
        "项目 | 自然人 | 法人 | 总计",
        "本年新收 | 5 | 1 | 6",
        "二、主动公开政府信息情况",
    ]


def test_docx_detected_by_content_not_extension():
    assert extract_text(_docx_bytes(), filename="report.bin").kind == "docx"


# ---------------------------------------------------------------- PDF

def test_pdf_tables_as_rows_and_page_starts():
    name = "std-2023-hongze.pdf"
    out = extract_text((STD / name).read_bytes(), filename=name)
    assert out.kind == "pdf"
    assert len(out.page_starts) == 4  # five pages
    assert list(out.page_starts) == sorted(out.page_starts)
    lines = out.text.split("\n")
    assert any(line.endswith("本年新收政府信息公开申请数量 | 21 | 0 | 0 | 0 | 0 | 0 | 21") for line in lines)
    assert "10 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 5 | 0 | 0 | 0 | 0" in lines
    # The table row sits after its section heading, not collected at the end of the page.
    assert out.text.index("三、收到和处理政府信息公开申请情况") < out.text.index("本年新收政府信息公开申请数量")
    # Page 4 starts with the rows that continue table 3 from page 3.
    assert "补正后申请内容仍不明确" in out.text[out.page_starts[2]:out.page_starts[3]]


def test_pdf_merged_row_labels_repeat_in_each_row():
    name = "std-2024-huaian.pdf"
    out = extract_text((STD / name).read_bytes(), filename=name)
    assert "三、本年度办理结果 | (三)不予公开 | 8.属于行政查询事项 | 105 | 0 | 0 | 0 | 0 | 0 | 105".replace(
        "(", "（").replace(")", "）") in out.text.split("\n")


def test_truncated_pdf_is_unreadable():
    data = (STD / "std-2023-hongze.pdf").read_bytes()
    with pytest.raises(UnreadableDocument) as exc:
        extract_text(data[: len(data) // 2], filename="half.pdf")
    assert "PDF" in str(exc.value)


def _pdf_without_text() -> bytes:
    """A one-page PDF whose only content is a filled rectangle (what a scan looks like to a parser)."""
    content = b"0 0 1 rg 10 10 100 100 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_scanned_pdf_says_what_to_do():
    with pytest.raises(UnreadableDocument) as exc:
        extract_text(_pdf_without_text(), filename="scan.pdf")
    assert "没有文字层" in str(exc.value) and "OCR" in str(exc.value)


# ---------------------------------------------------------------- refused files

def _zip(names) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "x")
    return buf.getvalue()


@pytest.mark.parametrize("data, filename, words", [
    (b"", "empty.txt", "文件为空"),
    (b"   \n\n", "blank.txt", "文件为空"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "report.doc", ".doc 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 600,
     "report.txt", ".doc 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "slides.ppt", "旧版 Office"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "table.xls", "Excel"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png", "图片"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "scan.jpg", "图片"),
    (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00" + b"\x00" * 100, "scan.bmp", "图片"),
    (_zip(["a.txt", "b.pdf"]), "reports.zip", "压缩包"),
    (_zip(["xl/workbook.xml"]), "table.xlsx", "Excel"),
    (b"PK\x03\x04garbage-not-a-zip", "broken.docx", ".docx"),
    (b"{\\rtf1\\ansi hello}", "report.rtf", "RTF"),
    (bytes(range(256)) * 40, "random.bin", "无法识别"),
    (b"\x00\x01\x02\x03" * 500, "noise.txt", "无法识别"),
    (b"not really a pdf", "report.pdf", "PDF"),
])
def test_unreadable_files_get_a_clear_message(data, filename, words):
    with pytest.raises(UnreadableDocument) as exc:
        extract_text(data, filename=filename)
    message = str(exc.value)
    assert words in message
    assert "(" in message and ")" in message  # English in parentheses


def test_random_bytes_never_crash():
    import random

    rng = random.Random(1)
    for i in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        try:
            out = extract_text(data, filename=f"r{i}.{rng.choice(['txt', 'pdf', 'docx', 'html', ''])}")
        except UnreadableDocument:
            continue
        assert isinstance(out.text, str)


def test_parse_report_names_the_file_for_a_legacy_doc():
    from reports.parsing import parse_report

    result = parse_report(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, filename="2015年报.doc")
    assert not result.ok
    assert result.error.startswith("2015年报.doc: ") and "另存为 .docx" in result.error


def test_cell_separator_is_the_documented_one():
    assert decode.CELL_SEPARATOR == " | "


def test_figure_pages_are_one_based_from_page_starts():
    """page_starts lists where pages 2, 3, ... begin; evidence on the first page is page 1."""
    from decimal import Decimal

    from reports.parsing import _with_page
    from reports.parsing.result import Figure

    def page_of(start):
        fig = Figure("granted", Decimal(1), "x", start, start + 1)
        return _with_page(fig, tuple(range(200)), (50, 120)).page

    assert [page_of(0), page_of(49), page_of(50), page_of(119), page_of(120)] == [1, 1, 2, 2, 3]


def test_pdf_table_three_is_on_page_three():
    name = "std-2023-hongze.pdf"
    out = extract_text((STD / name).read_bytes(), filename=name)
    from bisect import bisect_right

    assert bisect_right(out.page_starts, out.text.index("本年新收政府信息公开申请数量")) + 1 == 3


def test_utf8_cut_mid_character_is_still_utf8():
    data = "平潭综合实验区2021年度政府信息公开工作年度报告，本年新收申请70件。".encode("utf-8")[:-2]
    out = extract_text(data, filename="cut.txt")
    assert out.encoding == "utf-8"
    assert out.text.startswith("平潭综合实验区2021年度")


def test_big5_with_windows_extensions():
    """cp950 (Windows Big5) adds characters plain Big5 lacks; such files still decode."""
    text = "這個報告說明了國土資源局的政府信息公開工作情況，與往年相比還有進步。碁"
    out = extract_text(text.encode("cp950"), filename="t.txt")
    assert out.text == text
    assert out.encoding in ("big5", "cp950")


def test_damaged_docx_is_unreadable():
    data = _zip(["word/document.xml", "[Content_Types].xml"])  # a package with garbage parts
    with pytest.raises(UnreadableDocument) as exc:
        extract_text(data, filename="broken.docx")
    assert ".docx" in str(exc.value)


def test_text_starting_like_a_magic_number_is_still_text():
    assert extract_text("BMW 4S店政府信息公开".encode("utf-8"), filename="a.txt").text == "BMW 4S店政府信息公开"


def test_pdf_prose_framed_as_a_table_appears_once():
    """std-2023-hongze frames its prose in full-width merged cells: the text of such a cell is
    given once, not once per column and row it spans (table rows keep their repeated labels)."""
    data = (CORPUS_DIR / "standard-and-old" / "std-2023-hongze.pdf").read_bytes()
    text = decode.extract_text(data, filename="std-2023-hongze.pdf").text
    assert text.count("落实“三审三校”制度") == 1
    assert "三、本年度办理结果 | （一）予以公开 | （一）予以公开 | 0" in text


# ---------------------------------------------------------------- PDF (issue 8, item 5)

DERIVED = CORPUS_DIR / "derived"


def _pdf_text(name: str) -> str:
    return extract_text((DERIVED / name).read_bytes(), filename=name).text


def test_pdf_row_of_zeros_is_not_collapsed_into_one_cell():
    """Fifteen cells that each read "0" are fifteen cells, not one merged cell printed once."""
    text = _pdf_text("drv-pdf-html-2019-pingtan.pdf")
    assert " | ".join(["0"] * 15) in text


def test_pdf_table_row_at_the_top_of_a_page_is_a_table_row():
    """A row cut by a page break has no top rule on its new page; it is still a row."""
    text = _pdf_text("drv-pdf-html-2019-pingtan.pdf")
    assert "8.属于⾏政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in text
    assert "\n0 0 0 0 0 0 0\n" not in text


@pytest.mark.parametrize("cell, expected", [
    ("其他3.", "3.其他"),
    ("属于行政查询事8.项", "8.属于行政查询事项"),
    ("其中:同意部分公开答复数2.", "其中:2.同意部分公开答复数"),
    ("申请人无正当1.理由逾期不补正", "1.申请人无正当理由逾期不补正"),
    ("3.其他", "3.其他"),                  # already in front
    ("(七)总计", "(七)总计"),
    ("收费2.5万元", "收费2.5万元"),          # a decimal is not an ordinal
    ("23", "23"),
])
def test_pdf_cell_ordinal_goes_back_in_front_of_its_label(cell, expected):
    from reports.parsing.decode.pdf import cell_text

    assert cell_text(cell) == expected


def test_pdf_sliver_row_under_a_merged_cell_border_is_not_a_second_row():
    """A merged cell's border that is no row border cuts a thin row whose every text belongs to
    the cells of the row above (drv-pdf-html-std-2023-pt-zone): the row is printed once."""
    name = "drv-pdf-html-std-2023-pt-zone.pdf"
    text = extract_text((CORPUS_DIR / "heldout" / name).read_bytes(), filename=name).text
    assert text.count("8.属于行政查询事项 | 2 | 0 | 0 | 0 | 0 | 0 | 2") == 1
    assert text.count("四、结转下年度继续办理 | 0 | 0") == 1


def test_pdf_title_digits_set_lower_stay_on_their_line():
    """A 24pt title's Latin digits sit 5pt below its CJK characters: one line, not two."""
    name = "drv-pdf-html-std-2023-pt-zone.pdf"
    text = extract_text((CORPUS_DIR / "heldout" / name).read_bytes(), filename=name).text
    assert "平潭综合实验区2023年度政府信息公开工作年度报" in text


def test_pdf_cell_ordinals_in_the_derived_pages():
    assert " | 3.其他 | 1 | 1 | 0 | 0 | 0 | 0 | 2" in _pdf_text("drv-pdf-html-2024-pingtan.pdf")
    assert "8.属于⾏政查询事项 | 1 | 0" in _pdf_text("drv-pdf-html-2021-pingtan.pdf")


def test_pdfminer_font_bbox_noise_is_silenced(caplog):
    import logging

    caplog.set_level(logging.WARNING)
    _pdf_text("drv-pdf-txt-old-2011-pingtan-county.pdf")
    assert not [r for r in caplog.records if "FontBBox" in r.getMessage()]


def test_html_uses_no_beautifulsoup():
    """Saved pages are read with lxml directly (issue 8: the BeautifulSoup tree was ~50 ms)."""
    import sys

    extract_text((HTML / "html-2019-pingtan.html").read_bytes(), filename="html-2019-pingtan.html")
    assert "bs4" not in sys.modules


def _v(x, top, bottom):
    return {"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom}


def _h(y, x0, x1):
    return {"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y}


@pytest.mark.parametrize(("edges", "expected"), [
    # a row cut by the page break: verticals from the page top, closed only below
    ([_v(30, 27, 74), _v(90, 27, 74), _v(150, 27, 74), _h(74, 30, 90), _h(74, 90, 150)], [27]),
    # a page frame of two lone verticals is not a table
    ([_v(30, 20, 780), _v(580, 20, 780)], []),
    # a closed table needs nothing
    ([_v(30, 27, 74), _v(90, 27, 74), _h(27, 30, 90), _h(74, 30, 90)], []),
])
def test_pdf_open_table_ends(edges, expected):
    from reports.parsing.decode.pdf import open_table_ends

    assert open_table_ends(edges) == expected
