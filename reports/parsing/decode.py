"""Bytes of an uploaded file -> text that keeps table rows as lines (txt, html, docx, pdf).

Conventions every later stage relies on:
- line breaks are "\n" only (CR-only and CRLF files are converted);
- a table row is one line, its cells joined by " | "; a cell spanning several columns or rows
  (HTML colspan/rowspan, DOCX gridSpan/vMerge, merged PDF cells) repeats its text in every
  position it covers, so each number stays under its column header; line breaks inside a
  cell are removed;
- block elements (paragraphs, headings, list items, divs) become lines;
- PDFs: `page_starts` holds the offsets in the text where pages 2, 3, ... begin.
"""
from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass

from reports.parsing.result import Warning_

CELL_SEPARATOR = " | "


class UnreadableDocument(Exception):
    """The file cannot be read as a report; the message says what the uploader can do."""


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str
    encoding: str | None = None
    page_starts: tuple[int, ...] = ()  # offsets in text where PDF pages 2, 3, ... begin
    warnings: tuple[Warning_, ...] = ()


# Messages the uploader can act on (Chinese first, English in parentheses).
MSG_EMPTY = "文件为空，请检查后重新上传 (the file is empty)"
MSG_DOC = ("这是旧版 Word .doc 文件，请另存为 .docx 或 PDF 后重新上传 "
           "(legacy Word .doc file: save it as .docx or PDF and upload again)")
MSG_XLS = ("这是 Excel 表格文件，不是年度报告正文，请上传报告的 PDF、Word (.docx)、网页或文本文件 "
           "(spreadsheet file: upload the report itself as PDF, .docx, HTML or text)")
MSG_OLE = ("这是旧版 Office 文件，请另存为 .docx 或 PDF 后重新上传 "
           "(legacy Office file: save it as .docx or PDF and upload again)")
MSG_IMAGE = ("这是图片文件，无法读取文字；请上传带文字层的 PDF、Word (.docx)、网页或文本文件 "
             "(image file: upload a PDF with a text layer, .docx, HTML or text)")
MSG_SCANNED = ("这份 PDF 没有文字层（可能是扫描件），无法读取；请上传带文字层的 PDF、Word (.docx) 或经过文字识别 (OCR) 的版本 "
               "(scanned PDF without a text layer: upload a text PDF, a .docx, or an OCR'd version)")
MSG_PDF_BROKEN = ("PDF 文件已损坏或不完整，无法打开；请重新下载或导出后再上传 "
                  "(the PDF is damaged or truncated: download or export it again)")
MSG_PDF_LOCKED = ("PDF 文件已加密，无法读取；请上传未加密的版本 "
                  "(the PDF is encrypted: upload an unprotected copy)")
MSG_DOCX_BROKEN = ("Word (.docx) 文件已损坏，无法打开；请用 Word 重新保存后再上传 "
                   "(the .docx file is damaged: re-save it in Word and upload again)")
MSG_ZIP = ("这是压缩包或无法识别的 Office 文件；请解压后逐个上传报告 (PDF、.docx、网页或文本) "
           "(archive or unrecognised Office file: unpack it and upload each report)")
MSG_RTF = ("这是 RTF 文件，请另存为 .docx 或 PDF 后重新上传 "
           "(RTF file: save it as .docx or PDF and upload again)")
MSG_BINARY = ("无法识别的文件格式或编码，不是文本、网页、Word (.docx) 或 PDF；请检查文件后重新上传 "
              "(unrecognised file: not text, HTML, .docx or PDF)")
MSG_NO_TEXT = "文件中没有可读的文字，请检查后重新上传 (the file contains no readable text)"


def extract_text(data: bytes, *, filename: str) -> Extracted:
    """Return the text of one uploaded file. Raise UnreadableDocument, with a message the
    uploader can act on, for anything that is not a readable report (never another error)."""
    if not data or not data.strip():
        raise UnreadableDocument(MSG_EMPTY)
    kind = sniff_kind(data, filename)
    if kind == "pdf":
        return _extract_pdf(data)
    if kind == "docx":
        return _extract_docx(data)
    text, encoding = decode_bytes(data)
    if kind == "html" or (kind == "txt" and _looks_like_html(text)):
        out = Extracted(text=html_to_text(text), kind="html", encoding=encoding)
    else:
        out = Extracted(text=normalize_newlines(text), kind="txt", encoding=encoding)
    if not out.text.strip():
        raise UnreadableDocument(MSG_NO_TEXT)
    return out


# ---------------------------------------------------------------- kind sniffing

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


def sniff_kind(data: bytes, filename: str) -> str:
    """Return "pdf", "docx", "html" or "txt"; raise UnreadableDocument for known unusable kinds.
    Content decides first (a .doc renamed .txt is still a .doc), the extension second."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    head = data[:8]
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if ext in ("xls", "xlsx", "et"):
            raise UnreadableDocument(MSG_XLS)
        if ext in ("doc", "docx", "wps", "dot", ""):
            raise UnreadableDocument(MSG_DOC)
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
            raise UnreadableDocument(MSG_DOC)
        if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data:
            raise UnreadableDocument(MSG_XLS)
        raise UnreadableDocument(MSG_OLE)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
            raise UnreadableDocument(MSG_DOCX_BROKEN if ext == "docx" else MSG_ZIP) from exc
        if "word/document.xml" in names:
            return "docx"
        if any(n.startswith("xl/") for n in names):
            raise UnreadableDocument(MSG_XLS)
        raise UnreadableDocument(MSG_ZIP)
    bmp = data.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00"  # not a text starting "BM…"
    webp = data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    if bmp or webp or any(data.startswith(m) for m in _IMAGE_MAGIC):
        raise UnreadableDocument(MSG_IMAGE)
    if data[:5] == b"{\\rtf":
        raise UnreadableDocument(MSG_RTF)
    if ext == "pdf":
        raise UnreadableDocument(MSG_PDF_BROKEN)
    if ext == "docx":
        raise UnreadableDocument(MSG_DOCX_BROKEN)
    if ext == "doc":
        raise UnreadableDocument(MSG_DOC)
    if ext in ("xls", "xlsx"):
        raise UnreadableDocument(MSG_XLS)
    if ext in ("htm", "html", "shtml", "xhtml", "mht"):
        return "html"
    return "txt"


_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<\?xml[^>]*>\s*<html)", re.I)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:2000]))


# ---------------------------------------------------------------- text decoding

# Very common characters of these reports, in both simplified and traditional forms: a wrong
# decoder (Big5 read as GBK or the reverse) turns them into rare characters, so the decoding
# with the higher share of these is the right one.
_COMMON = set(
    "公政开信息府的作工务年和行一条理进申度人发关实请主情要件办动网全及平制数况区中省厅报等不时在规会"
    "项布新了是法部提建设加二站门管其有重告本推国事方结保复化三强教目文我查策服民通各为机众大范内定依"
    "育以合解业收面社分上对容局共步计体处量求审性第类用单于力位点開地他高果议生好展相导河下组资领式"
    "同成题专科户问读诉四栏与做台落费效确程统综安知例源到改总答委持案土系据县按过微室完日传责期任施取"
    "经形能技督应出准员织监月供次决并批属立个市意正电善询未存明群权真密标指升整道切便五需十起照学受级"
    "障更置可断心深讼现宣向构接或由核版流认将阅续水渠围媒号编职预算回多子根后考域集直交征税维质增乡产"
    "录环利华六格務划予所限馆调已创基态积校图表镇财涉入署采闻间联执家档自促转极注就原健抓充金评举"
    "條進發關請辦動網數況區廳報時規會項設門國結復強爲機衆範內業對計體處審類單點議導組資領題專戶問讀"
    "訴欄與臺費確統綜總據縣過傳責經應準員織監決並屬個電詢羣權標學級斷訟現構認將閱續圍號編職預後徵稅"
    "維質鄉產錄環華劃館調創態積圖鎮財採聞間聯執檔轉極評舉參當載書萬無貫徹護補場堅負優訓視運獲減熱線"
    "達稱黨見則細這們來說與實還陽陰話"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for text bytes: BOMs, UTF-16 without BOM, strict UTF-8,
    then GB18030 vs Big5 by common-character score, then charset-normalizer as last resort.
    Raise UnreadableDocument when the bytes are not text."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), enc.replace("-sig", ""))
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(data.decode(utf16, errors="replace"), utf16)
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 cut mid-character or with a stray bad byte is still UTF-8; GBK or Big5 bytes read
    # as UTF-8 give a replacement character every few characters instead.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 2000) and _score(text) > 0.2:
        return _checked(text.replace("\ufffd", ""), "utf-8")
    candidates = []
    # Preference on a tie: GB18030 (superset of GBK/GB2312), Big5, then Windows' Big5 superset.
    for rank, enc in enumerate(("gb18030", "big5", "cp950")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            # A stray bad byte (truncated file) should not disqualify the right decoder.
            text = data.decode(enc, errors="replace")
            if text.count("\ufffd") > max(3, len(text) // 500):
                continue
        score = _score(text)
        candidates.append((score > 0.2, "\ufffd" not in text, score, -rank, enc, text))
    if candidates:
        plausible, _, _, _, enc, text = max(candidates)
        if plausible:
            return _checked(text, enc)
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument(MSG_BINARY)
    enc = codecs.lookup(best.encoding).name
    if enc in ("gbk", "gb2312", "hz"):
        enc = "gb18030"  # the superset never fails where the subsets succeed
    return _checked(data.decode(enc, errors="replace"), enc)


def _score(text: str) -> float:
    """Share of CJK characters that are common report characters."""
    cjk = _CJK.findall(text)
    if not cjk:
        return 0.0
    return sum(ch in _COMMON for ch in cjk) / len(cjk)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    # ASCII-heavy UTF-16 has NULs on one side; CJK-heavy UTF-16 decodes to common characters.
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    if b"\x00" not in sample:
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if score > 0.5 and len(_CONTROL.findall(text)) < len(text) // 50 + 1 and (best is None or score > best[0]):
            best = (score, enc)
    return best[1] if best else None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if text and len(_CONTROL.findall(text[:20000])) > max(8, len(text[:20000]) // 50):
        raise UnreadableDocument(MSG_BINARY)
    return text, encoding


def normalize_newlines(text: str) -> str:
    """CRLF and CR-only (old-Mac; std-2019-hebei-jyt) line breaks become "\n"."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


# ---------------------------------------------------------------- HTML

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "nav", "header", "footer",
              "aside", "form", "button", "select", "svg", "object", "embed", "head")
# Content containers of the CMSs government sites use (TRS, 大汉, 拓尔思, generic).
_CONTENT_SELECTORS = (".TRS_Editor", ".article_content", "#zoom", ".zoom", "#UCAP-CONTENT",
                      ".article-content", ".Custom_UnionStyle", "article", "#content")
_CHROME_HINT = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|footer|header|topbar|"
                          r"share|sidebar|toolbar|copyright|dlink)([\s_-]|$)", re.I)
_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
               "dd", "section", "article", "blockquote", "pre", "hr", "center", "address", "main",
               "figure", "figcaption", "caption", "table", "tr", "title"}


def html_to_text(html: str) -> str:
    """Visible text of a saved web page: chrome dropped, blocks as lines, table rows as
    " | " lines with spanned cells repeated."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    title = _page_title(soup)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    root = _content_root(body)
    if root is body:
        for tag in body.find_all(True):
            if tag.decomposed:
                continue
            hint = " ".join(tag.get("class") or ()) + " " + (tag.get("id") or "")
            if tag.name in ("div", "ul", "ol", "section", "span", "p") and _CHROME_HINT.search(hint) \
                    and not tag.find("table"):
                tag.decompose()
    lines: list[str] = []
    current = [""]
    _walk(root, lines, current)
    _flush(lines, current)
    text = "\n".join(line.strip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if title and title not in text[:500]:
        text = f"{title}\n{text}"
    return text


def _page_title(soup) -> str | None:
    meta = soup.find("meta", attrs={"name": re.compile(r"^ArticleTitle$", re.I)})
    if meta and meta.get("content", "").strip():
        return " ".join(meta["content"].split())
    if soup.title and soup.title.string:
        title = " ".join(soup.title.string.split())
        return title or None
    return None


def _content_root(body):
    """The element holding the report: a known CMS content container, else the deepest
    element that still holds most of the page's text (chrome is spread around it)."""
    total = _text_len(body)
    for selector in _CONTENT_SELECTORS:
        try:
            found = body.select(selector)
        except ValueError:
            continue
        best = max(found, key=_text_len, default=None)
        if best is not None and _text_len(best) > max(200, total * 0.3):
            return best
    node = body
    while True:
        size = _text_len(node)
        child = max(node.find_all(True, recursive=False), key=_text_len, default=None)
        if child is None or child.name == "table" or _text_len(child) < size * 0.85:
            return node
        node = child


def _text_len(tag) -> int:
    return sum(len("".join(s.split())) for s in tag.find_all(string=True))


def _walk(node, lines: list[str], current: list[str]) -> None:
    from bs4 import NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    for child in node.children:
        if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            current[0] += _inline_text(str(child), bool(current[0]))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "table":
            _flush(lines, current)
            lines.extend(_table_rows(child))
            continue
        block = child.name in _BLOCK_TAGS
        if block:
            _flush(lines, current)
        _walk(child, lines, current)
        if block:
            _flush(lines, current)


def _inline_text(s: str, after_text: bool) -> str:
    """Source line breaks and indentation inside a block are markup, not text: runs of
    whitespace become one space, and edge whitespace goes (Chinese has no word spaces)."""
    if s.strip():
        return " ".join(s.split())
    return " " if after_text and s else ""


def _flush(lines: list[str], current: list[str]) -> None:
    if current[0].strip():
        lines.append(current[0].strip())
    current[0] = ""


def _cell_text(cell) -> str:
    parts = []
    for s in cell.find_all(string=True):
        if s.find_parent(("script", "style")) is None:
            parts.append(str(s))
    # Line breaks inside a cell are layout, not content ("本年新收<br>政府信息公开申请数量").
    return "".join("".join(parts).split())


def _table_rows(table) -> list[str]:
    """One line per <tr>; colspan/rowspan cells repeated in every position they cover.
    Nested tables are flattened into their parent cell's text."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)
    for tr in rows:
        cells = [c for c in tr.find_all(("td", "th")) if c.find_parent("tr") is tr]
        row: list[str] = []
        col = 0

        def fill_pending():
            nonlocal col
            while col in pending:
                left, text = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (left - 1, text)
                col += 1

        for cell in cells:
            fill_pending()
            text = _cell_text(cell)
            span = _span(cell.get("colspan"))
            down = _span(cell.get("rowspan"))
            for _ in range(span):
                row.append(text)
                if down > 1:
                    pending[col] = (down - 1, text)
                col += 1
        fill_pending()
        grid.append(row)
    return [CELL_SEPARATOR.join(r) for r in grid if any(c for c in r)]


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


# ---------------------------------------------------------------- DOCX

def _extract_docx(data: bytes) -> Extracted:
    """Paragraphs and tables in body order; merged cells repeated (python-docx gives the
    same cell object for every grid position a merged cell covers)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    import zlib

    from lxml.etree import XMLSyntaxError

    # What a damaged package raises: bad zip entries (CRC, deflate: zlib.error, unsupported
    # compression: NotImplementedError), missing parts, malformed XML.
    damaged = (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError,
               XMLSyntaxError, zlib.error, NotImplementedError)
    try:
        document = docx.Document(io.BytesIO(data))
    except damaged as exc:
        raise UnreadableDocument(MSG_DOCX_BROKEN) from exc
    lines: list[str] = []

    def walk(parent):
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                lines.append(Paragraph(child, document).text.strip())
            elif tag == "tbl":
                lines.extend(_docx_table_rows(Table(child, document)))
            elif tag in ("sdt", "sdtContent", "customXml"):
                walk(child)  # content controls wrap ordinary paragraphs and tables

    try:
        walk(document.element.body)
    except damaged as exc:
        raise UnreadableDocument(MSG_DOCX_BROKEN) from exc
    text = normalize_newlines("\n".join(lines)).strip("\n")
    if not text.strip():
        raise UnreadableDocument(MSG_NO_TEXT)
    return Extracted(text=text, kind="docx", encoding=None)


def _docx_table_rows(table) -> list[str]:
    out = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = "".join(cell.text.split())
            cells.append(text)
        if any(cells):
            out.append(CELL_SEPARATOR.join(cells))
    return out


# ---------------------------------------------------------------- PDF

_PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$|^第\s*\d+\s*页(\s*[/共]\s*\d+\s*页?)?$")


def _extract_pdf(data: bytes) -> Extracted:
    """Text of a PDF's text layer: lines outside tables as they read, each table row as one
    " | " line at its place on the page; page-number footers dropped."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    pages_text: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages_text.append(_pdf_page_text(page))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableDocument(MSG_PDF_LOCKED) from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, OSError, RecursionError) as exc:
        raise UnreadableDocument(MSG_PDF_BROKEN) from exc
    except Exception as exc:  # pdfminer raises assorted private errors on damaged files
        if exc.__class__.__module__.startswith(("pdfminer", "pdfplumber")):
            raise UnreadableDocument(MSG_PDF_BROKEN) from exc
        raise
    if not pages_text:
        raise UnreadableDocument(MSG_PDF_BROKEN)
    if not any(_CJK.search(t) or re.search(r"[A-Za-z]{3}", t) for t in pages_text):
        raise UnreadableDocument(MSG_SCANNED)
    parts, starts, pos = [], [], 0
    for i, page_text in enumerate(pages_text):
        if i:
            parts.append("\n")
            pos += 1
            starts.append(pos)
        parts.append(page_text)
        pos += len(page_text)
    warnings = ()
    empty = [str(i + 1) for i, t in enumerate(pages_text) if not t.strip()]
    if empty:
        warnings = (Warning_("pdf_empty_pages",
                             f"PDF 第 {'、'.join(empty)} 页没有文字层（可能是扫描页），其中的数字未读取"),)
    return Extracted(text="".join(parts), kind="pdf", encoding=None,
                     page_starts=tuple(starts), warnings=warnings)


def _pdf_page_text(page) -> str:
    tables = page.find_tables()
    items: list[tuple[float, float, str]] = []  # (top, x0, line)
    boxes = [t.bbox for t in tables]
    for table in tables:
        for top, row in _pdf_table_rows(table):
            items.append((top, 0.0, row))

    def outside(obj):
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    rest = page.filter(outside) if boxes else page
    for line in rest.extract_text_lines(layout=False, strip=True):
        text = line["text"].strip()
        if text and not _PAGE_NUMBER.match(text):
            items.append((line["top"], line["x0"], text))
    items.sort(key=lambda it: (round(it[0], 0), it[1]))
    return "\n".join(it[2] for it in items)


def _pdf_table_rows(table) -> list[tuple[float, str]]:
    """Rows of a pdfplumber table; a position covered by a merged cell gets that cell's text."""
    texts = table.extract()
    rows = table.rows
    cells = []  # (bbox, text) of every real cell
    col_x: dict[int, tuple[float, float]] = {}
    row_y: list[tuple[float, float] | None] = []
    for r, (row, row_texts) in enumerate(zip(rows, texts)):
        ys = None
        for c, (bbox, text) in enumerate(zip(row.cells, row_texts)):
            if bbox is None:
                continue
            cells.append((bbox, "".join((text or "").split())))
            # The narrowest cell seen in a column/row gives its true extent (merged cells are wider).
            old = col_x.get(c)
            if old is None or bbox[2] - bbox[0] < old[1] - old[0]:
                col_x[c] = (bbox[0], bbox[2])
            if ys is None or bbox[3] - bbox[1] < ys[1] - ys[0]:
                ys = (bbox[1], bbox[3])
        row_y.append(ys)
    out = []
    for r, (row, row_texts) in enumerate(zip(rows, texts)):
        if row_y[r] is None:
            continue
        line = []
        for c, (bbox, text) in enumerate(zip(row.cells, row_texts)):
            if bbox is not None:
                line.append("".join((text or "").split()))
                continue
            x = col_x.get(c)
            cx = (x[0] + x[1]) / 2 if x else None
            cy = (row_y[r][0] + row_y[r][1]) / 2
            found = ""
            if cx is not None:
                for b, t in cells:
                    if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                        found = t
                        break
            line.append(found)
        filled = {t for t in line if t}
        if len(filled) == 1 and len(line) > 1:
            # One merged cell across the whole row (a heading, or prose framed as a table):
            # its text once, not once per column it covers.
            line = [filled.pop()]
        joined = CELL_SEPARATOR.join(line)
        if not any(line) or (out and len(line) == 1 and out[-1][1] == joined):
            continue  # empty, or the same full-width cell again in the next row it spans
        out.append((row_y[r][0], joined))
    return out
