"""Saved web pages (lxml): the report's visible text, chrome dropped, blocks as lines, table rows
as " | " lines with spanned cells repeated.

Built on lxml's own tree, walked once or twice: BeautifulSoup over the same parser cost ~50 ms a
page, nearly all of it building its tree and re-walking it (issue 8: ≤ 10 ms).
"""
from __future__ import annotations

import re

from lxml import etree

from reports.parsing.decode.common import CELL_SEPARATOR

_DROP_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "nav", "header",
                        "footer", "aside", "form", "button", "select", "svg", "object", "embed",
                        "head"))
# Content containers of the CMSs government sites use (TRS, 大汉, 拓尔思, generic), in order of
# trust: (attribute, value) where attribute is "class", "id" or "tag".
_CONTENT_SELECTORS = (("class", "TRS_Editor"), ("class", "article_content"), ("id", "zoom"),
                      ("class", "zoom"), ("id", "UCAP-CONTENT"), ("class", "article-content"),
                      ("class", "Custom_UnionStyle"), ("tag", "article"), ("id", "content"))
_CHROME_HINT = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|footer|header|topbar|"
                          r"share|sidebar|toolbar|copyright|dlink)([\s_-]|$)", re.I)
_CHROME_TAGS = frozenset(("div", "ul", "ol", "section", "span", "p"))
_BLOCK_TAGS = frozenset(("p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
                         "dl", "dt", "dd", "section", "article", "blockquote", "pre", "hr",
                         "center", "address", "main", "figure", "figcaption", "caption", "table",
                         "tr", "title"))
# lxml's plain HTML parser (not lxml.html's, whose element-class lookup costs a third of the
# time); tag names come lower-case.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def html_to_text(html: str) -> str:
    """Visible text of a saved web page: chrome dropped, blocks as lines, table rows as
    " | " lines with spanned cells repeated."""
    try:
        doc = etree.fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        doc = None
    if doc is None:
        return ""  # nothing but markup: the caller reports an empty text
    title = _page_title(doc)
    published = _published(doc)
    # Dropped tags go before anything is measured or read; their tails are page text.
    etree.strip_elements(doc, *_DROP_TAGS, with_tail=False)
    body = doc.find("body")
    if body is None:
        body = doc
    root = _content_root(body)
    skip: set = set()
    if root is body:
        for el in body.iter(*_CHROME_TAGS):
            hint = f"{el.get('class') or ''} {el.get('id') or ''}"
            if _CHROME_HINT.search(hint) and el.find(".//table") is None:
                skip.add(el)
    lines: list[str] = []
    current = [""]
    _walk(root, lines, current, skip)
    _flush(lines, current)
    text = "\n".join(line.strip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if title and title not in text[:500]:
        text = f"{title}\n{text}"
    if published:
        # as crawlers write it: the page's publication date is the report's date when it is
        # not signed (issue 9; html-2019-pingtan: <meta name="PubDate" content="2020-01-20 15:22">)
        text = f"发布时间: {published}\n{text}"
    return text


def _tag(el) -> str | None:
    """Tag name of an element; None for entities and the like."""
    tag = el.tag
    return tag if isinstance(tag, str) else None


def _page_title(doc) -> str | None:
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle" and (meta.get("content") or "").strip():
            return " ".join(meta.get("content").split())
    title = doc.find(".//title")
    if title is not None and len(title) == 0 and title.text:
        return " ".join(title.text.split()) or None
    return None


_PUBLISHED_META = frozenset(("pubdate", "publishdate", "publish_date", "firstpublishedtime"))


def _published(doc) -> str | None:
    """The publication date the page's CMS records (TRS and most others: meta PubDate)."""
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() in _PUBLISHED_META:
            value = " ".join((meta.get("content") or "").split())
            if re.match(r"(?:19|20)\d\d[-/.年]\d{1,2}", value):
                return value
    return None


def _size(el) -> int:
    """Characters of visible text under `el`, whitespace not counted."""
    return len("".join(etree.tostring(el, method="text", encoding=str, with_tail=False).split()))


def _has_class(el, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _content_root(body):
    """The element holding the report: a known CMS content container, else the deepest
    element that still holds most of the page's text (chrome is spread around it)."""
    total = _size(body)
    for attr, value in _CONTENT_SELECTORS:
        if attr == "tag":
            found = list(body.iter(value))
        elif attr == "id":
            found = body.xpath(".//*[@id=$v]", v=value)
        else:
            found = [el for el in body.xpath(".//*[contains(@class, $v)]", v=value)
                     if _has_class(el, value)]
        sized = [(_size(el), el) for el in found]
        best = max(sized, key=lambda t: t[0], default=None)
        if best is not None and best[0] > max(200, total * 0.3):
            return best[1]
    node, size = body, total
    while True:
        children = [(_size(c), c) for c in node if _tag(c) is not None]
        child = max(children, key=lambda t: t[0], default=None)
        if child is None or _tag(child[1]) == "table" or child[0] < size * 0.85:
            return node
        node, size = child[1], child[0]


def _walk(node, lines: list[str], current: list[str], skip: set) -> None:
    if node.text:
        current[0] += _inline_text(node.text, bool(current[0]))
    for child in node:
        tag = _tag(child)
        if tag is not None and child not in skip:
            if tag == "table":
                _flush(lines, current)
                lines.extend(_table_rows(child))
            else:
                block = tag in _BLOCK_TAGS
                if block:
                    _flush(lines, current)
                _walk(child, lines, current, skip)
                if block:
                    _flush(lines, current)
        if child.tail:
            current[0] += _inline_text(child.tail, bool(current[0]))


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
    # Line breaks inside a cell are layout, not content ("本年新收<br>政府信息公开申请数量").
    return "".join(etree.tostring(cell, method="text", encoding=str, with_tail=False).split())


def _nearest(el, tags):
    parent = el.getparent()
    while parent is not None and _tag(parent) not in tags:
        parent = parent.getparent()
    return parent


def _table_rows(table) -> list[str]:
    """One line per <tr>; colspan/rowspan cells repeated in every position they cover.
    Nested tables are flattened into their parent cell's text."""
    rows = [tr for tr in table.iter("tr") if _nearest(tr, ("table",)) is table]
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text)
    for tr in rows:
        cells = [c for c in tr.iter("td", "th") if _nearest(c, ("tr",)) is tr]
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
    if value is None:
        return 1
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1
