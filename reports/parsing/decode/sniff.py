"""Which kind of file an upload is (pdf, docx, html, txt), and the messages for kinds that are never read."""
from __future__ import annotations

import io
import re
import zipfile

from reports.parsing.decode.common import UnreadableDocument

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


HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<\?xml[^>]*>\s*<html)", re.I)


def looks_like_html(text: str) -> bool:
    """A .txt upload that is really a saved web page."""
    return bool(HTML_START.match(text[:2000]))
