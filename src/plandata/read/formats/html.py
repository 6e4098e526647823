"""HTML pages as saved from government sites: the main content, without site chrome.

Steps:

1. bytes to text: a byte-order mark, else the charset the page declares
   (`<meta charset>` or `http-equiv`), checked by decoding strictly; a page
   that declares nothing or lies is read as UTF-8, else as charset-normalizer
   detects it.  GBK and GB2312 are read as GB18030, their superset;
2. what the page states about itself (meta tags, the 索引号 block of
   government disclosure pages, the `saved from url=` comment browsers
   write) becomes the document's properties;
3. chrome goes: scripts, forms' controls, `<nav>`/`<footer>`/`<aside>` and
   elements whose class or id names chrome (`data/html_chrome.csv`);
4. the main content is found by descending from `<body>` into the child
   that holds most of the page's Chinese text outside links, while one does
   (into the cells of a layout table too, never into a data table's rows);
   a heading left outside it (a layout table's title row) titles it;
5. its blocks become paragraphs and its `<table>`s table blocks, with
   `rowspan`/`colspan` cells repeated into every row and column they span.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib.metadata import version

import charset_normalizer
import lxml.html
from lxml import etree

from plandata.errors import InputError
from plandata.read.formats.layer import LayerBuilder, TextLayer, join_lines, join_pieces
from plandata.rules.lexicon import read_table

_DECLARED_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SAVED_FROM_RE = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_REFRESH_URL_RE = re.compile(r"url\s*=\s*['\"]?([^'\" >]+)", re.IGNORECASE)
_HAN_RE = re.compile(r"[\u3400-\u9fff]")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# The gap between two cells of a table typed as paragraphs: two or more no-break or ideographic spaces
# (`&nbsp;&nbsp;`, `&nbsp; &nbsp;`, `　　`).  Plain spaces, tabs and line breaks are the page source's layout
# and show as one space at most.
_CELL_GAP_RE = re.compile(r"[ \t]*(?:[\u00a0\u3000][ \t]*){2,}")
# Text that splits a page title from the site's name: `规划_某区人民政府网`.
_TITLE_SPLIT_RE = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)\s*")

# Elements that never hold the document's text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "select",
    "button", "input", "textarea", "nav", "footer", "aside", "map", "canvas", "audio", "video",
)  # fmt: skip
_BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "figure", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "ul",
    "tbody", "thead", "tfoot", "caption",
))  # fmt: skip
# A descendant holding this share of its parent's text is the content, not a part of it.
_DOMINANT_SHARE = 0.7
# Fewer Han characters than this in the content: the page has no document in it.
_MIN_CONTENT_HAN = 20
_TABLE_PARTS = frozenset(("table", "tr", "tbody", "thead", "tfoot", "td", "th"))
# Elements that may be a metadata block: a box of labelled fields, or a layout cell holding a dateline
# (`发布时间：… 来源：…`); a paragraph stays text, which the noise rules read.
_METADATA_TAGS = frozenset(("table", "div", "ul", "dl", "section", "td"))
# A metadata block is short: the labels and their values, not a paragraph of text.
_MAX_METADATA_BLOCK_CHARS = 600
# No value of a metadata block (an issuing body's name, a subject) runs this long.
_MAX_METADATA_VALUE_HAN = 40


@lru_cache(maxsize=1)
def _chrome_re() -> re.Pattern[str]:
    tokens = sorted((row["token"] for row in read_table("html_chrome.csv", ("token", "what"), "token")), key=len)
    words = "|".join(re.escape(t) for t in reversed(tokens))
    # A token is a word of the class or id: `nav`, `sub-nav`, `navbar2`, never `canvas`.
    return re.compile(rf"(?:^|[-_\s])(?:{words})(?:$|[-_\s\d]|bar|box|list|wrap)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _metadata_labels() -> tuple[tuple[str, str], ...]:
    """(label, property) in the order of `data/html_metadata.csv`; the first label of a property wins."""
    rows = read_table("html_metadata.csv", ("label", "property"), "label")
    return tuple((row["label"], row["property"]) for row in rows)


def reader_name() -> str:
    return f"lxml {version('lxml')}"


# --- bytes to text -------------------------------------------------------------


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name.decode("ascii", "replace") if isinstance(name, bytes) else name).name
    except LookupError:
        return None
    # GBK and GB2312 pages use GB18030's extra characters often enough (names of people and places).
    return "gb18030" if codec in ("gbk", "gb2312", "hz") else codec


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """The page's text and the charset that read it (see the module docstring)."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    head = data[:4096]
    declared = _DECLARED_RE.search(head) or _XML_DECL_RE.search(head)
    tried = []
    if declared and (codec := _codec(declared.group(1).decode("ascii"))):
        tried.append(codec)
    tried.append("utf-8")
    for codec in tried:
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: the page's bytes are in no encoding that could be detected")
    codec = _codec(best.encoding) or best.encoding
    return data.decode(codec, errors="replace"), codec


# --- the page ------------------------------------------------------------------


def _classes(el: etree._Element) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".strip()


def _is_chrome(el: etree._Element) -> bool:
    if el.tag == "header" and not any(a.tag in ("article", "main") for a in el.iterancestors()):
        return True
    names = _classes(el)
    return bool(names) and bool(_chrome_re().search(names))


def _han_outside_links(el: etree._Element, memo: dict[etree._Element, int]) -> int:
    """Han characters in `el`'s text outside `<a>` elements, memoised bottom-up."""
    if el in memo:
        return memo[el]
    count = len(_HAN_RE.findall(el.text or "")) if el.tag != "a" else 0
    for child in el:
        if not isinstance(child.tag, str):
            count += len(_HAN_RE.findall(child.tail or ""))
            continue
        if child.tag != "a":
            count += _han_outside_links(child, memo)
        count += len(_HAN_RE.findall(child.tail or ""))
    memo[el] = count
    return count


def main_content(body: etree._Element) -> etree._Element:
    """The element holding the page's document: descend while one child holds most of the text."""
    memo: dict[etree._Element, int] = {}
    node = body
    while True:
        total = _han_outside_links(node, memo)
        children = [c for c in node if isinstance(c.tag, str)]
        best = max(children, key=lambda c: _han_outside_links(c, memo), default=None)
        if best is None or total == 0 or _han_outside_links(best, memo) < _DOMINANT_SHARE * total:
            return node
        # Never split a data table into its rows; a layout table's cells are the page's parts.
        table = best if best.tag == "table" else next(best.iterancestors("table"), None)
        if best.tag in _TABLE_PARTS and table is not None and not _is_layout_table(table):
            return node
        node = best


def _is_layout_table(table: etree._Element) -> bool:
    """A table that frames the page, not one of data.

    Older government sites lay pages out with tables: a frame holds other
    tables, a heading, or one column whose cells are the page's parts (the
    title, a dateline, the article).  A data table has two columns or more
    and no heading or table inside it.
    """
    if any(True for _ in table.iterdescendants("table", "h1", "h2", "h3", "h4", "h5", "h6")):
        return True
    widths = [
        sum(_span(c, "colspan") for c in tr if c.tag in ("td", "th"))
        for tr in table.iter("tr")
        if _owning_table(tr) is table
    ]
    return max(widths, default=0) <= 1


def _heading_before(content: etree._Element) -> str | None:
    """The nearest heading (h1–h3) before `content` in the page, if one has Chinese text: its title from outside.

    A layout table puts the title in a row above the article's cell, so the
    content found holds the article but not its title.  Site chrome is gone
    by now, so the headings left are the page's own.
    """
    heading = None
    for el in content.getroottree().getroot().iter():
        if el is content:
            break
        if el.tag in ("h1", "h2", "h3") and _HAN_RE.search(el.text_content()):
            heading = el
    return join_pieces([heading.text_content()]) if heading is not None else None


def _metadata_block(el: etree._Element) -> dict[str, str] | None:
    """The properties a 索引号-style block states, or None when `el` is not such a block."""
    text = el.text_content()
    if len(text) > _MAX_METADATA_BLOCK_CHARS or any(
        len(_HAN_RE.findall(piece)) > _MAX_METADATA_VALUE_HAN for piece in el.itertext()
    ):
        return None  # a block with a sentence in it is text that opens with a dateline
    if "。" in text:
        return None  # labels and values end no sentence: this holds the document's text
    found = [(label, prop) for label, prop in _metadata_labels() if re.search(rf"{label}\s*[:：]", text)]
    if len(found) < 2:
        return None
    labels = "|".join(re.escape(label) for label, _ in _metadata_labels())
    props: dict[str, str] = {}
    for label, prop in found:
        if not prop or prop in props:
            continue
        m = re.search(rf"{label}\s*[:：]\s*(.*?)\s*(?=(?:{labels})\s*[:：]|$)", " ".join(text.split()))
        value = m.group(1).strip() if m else ""
        if prop == "issue_date":
            value = _iso_date(value) or ""
        if value:
            props[prop] = value
    return props


def _iso_date(text: str) -> str | None:
    m = _DATE_RE.search(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _meta(doc: etree._Element, *names: str) -> str | None:
    for name in names:
        for el in doc.iter("meta"):
            if (el.get("name") or el.get("property") or "").lower() == name.lower() and el.get("content", "").strip():
                return el.get("content").strip()
    return None


def _page_properties(doc: etree._Element, source: str) -> dict[str, str]:
    props: dict[str, str] = {}
    title = _meta(doc, "ArticleTitle", "og:title")
    if not title:
        h1 = next((h for h in doc.iter("h1") if _HAN_RE.search(h.text_content())), None)
        title = join_pieces([h1.text_content()]) if h1 is not None else None
    if title:
        props["title"] = join_pieces([title])
    elif (t := doc.find(".//title")) is not None and t.text and t.text.strip():
        # `规划名称_某区人民政府网`: the page's own title comes before the site's name.
        props["page_title"] = join_pieces([_TITLE_SPLIT_RE.split(t.text.strip())[0]])
    if issuer := _meta(doc, "ContentSource", "author"):
        props["issuer"] = issuer
    if (date := _meta(doc, "PubDate", "publishdate", "article:published_time")) and (iso := _iso_date(date)):
        props["issue_date"] = iso
    canonical = next((el.get("href") for el in doc.iter("link") if el.get("rel") == "canonical"), None)
    saved = _SAVED_FROM_RE.search(source[:2048])
    if url := canonical or _meta(doc, "og:url", "url") or (saved.group(1) if saved else None):
        props["source_url"] = url
    return props


class _Emitter:
    """Writes the blocks and tables of an element tree into a `LayerBuilder`."""

    def __init__(self, builder: LayerBuilder) -> None:
        self.builder = builder
        self.inline: list[str] = []

    def flush(self) -> None:
        if self.inline:
            self.builder.pieces(self.inline, _CELL_GAP_RE)
            self.inline = []

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            self.flush()
        elif tag == "table":
            self.flush()
            self.table(el)
        else:
            block = tag in _BLOCK_TAGS or tag in ("td", "th", "tr")
            if block:
                self.flush()
            if tag and el.text:
                self.inline.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.inline.append(el.tail)

    def table(self, el: etree._Element) -> None:
        rows = [tr for tr in el.iter("tr") if _owning_table(tr) is el]
        if _is_layout_table(el):
            for child in el:  # a layout table: its cells hold the page, not data
                self.walk(child)
            return
        grid, header_rows = _grid(rows)
        self.builder.table(grid, header_rows)


def _owning_table(tr: etree._Element) -> etree._Element | None:
    return next(tr.iterancestors("table"), None)


def _cell_text(cell: etree._Element) -> str:
    builder = LayerBuilder()
    emitter = _Emitter(builder)
    if cell.text:
        emitter.inline.append(cell.text)
    for child in cell:
        emitter.walk(child)
    emitter.flush()
    return join_lines(builder.build("").text.splitlines())


def _span(cell: etree._Element, attr: str) -> int:
    value = re.match(r"\s*(\d+)", cell.get(attr, "1") or "1")
    return max(1, min(int(value.group(1)), 1000)) if value else 1


def _grid(rows: list[etree._Element]) -> tuple[list[list[str]], int]:
    """Rows of cell texts with spans repeated, and how many rows head the table."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) filled by a rowspan from above
    header_rows = 0
    in_header = True
    for r, tr in enumerate(rows):
        cells = [c for c in tr if c.tag in ("td", "th")]
        row: list[str] = []
        col = 0
        for cell in cells:
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = _cell_text(cell)
            for dc in range(_span(cell, "colspan")):
                row.append(text)
                for dr in range(1, _span(cell, "rowspan")):
                    pending[(r + dr, col + dc)] = text
            col += _span(cell, "colspan")
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        is_header = bool(cells) and (
            all(c.tag == "th" for c in cells) or any(a.tag == "thead" for a in tr.iterancestors())
        )
        if in_header and is_header:
            header_rows += 1
        else:
            in_header = False
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid], header_rows


def _drop(el: etree._Element) -> None:
    """Remove `el` but keep its tail text in the tree."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _strip(doc: etree._Element) -> dict[str, str]:
    """Remove chrome and metadata blocks from the tree; return what the blocks stated."""
    for el in list(doc.iter(*_DROP_TAGS)):
        _drop(el)
    stated: dict[str, str] = {}
    for el in list(_elements(doc)):
        if el.getparent() is None and el is not doc:
            continue  # inside an element already dropped
        if _is_chrome(el):
            _drop(el)
        elif el.tag in _METADATA_TAGS and (props := _metadata_block(el)) is not None:
            for key, value in props.items():
                stated.setdefault(key, value)
            _drop(el)
    return stated


def _elements(doc: etree._Element) -> Iterator[etree._Element]:
    body = doc.find("body")
    for el in (body if body is not None else doc).iter():
        if isinstance(el.tag, str) and el.tag not in ("html", "body"):
            yield el


def read_html(data: bytes, name: str) -> TextLayer:
    """The text layer of an HTML page (see the module docstring)."""
    text, charset = decode_html(data, name)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        doc = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"{name}: not a readable HTML page: {error}") from None
    props = _page_properties(doc, text)
    refresh = next((m for m in doc.iter("meta") if (m.get("http-equiv") or "").lower() == "refresh"), None)
    has_password = any((i.get("type") or "").lower() == "password" for i in doc.iter("input"))
    props.update(_strip(doc))  # the 索引号 block is more exact than the meta tags (成文日期 over PubDate)
    body = doc.find("body")
    content = main_content(body if body is not None else doc)
    builder = LayerBuilder()
    title = props.get("title") or _heading_before(content)
    first = join_pieces([content.text_content()])[:400]
    if title and title not in first:
        builder.paragraph(title)
    content.tail = None  # the text after the content is not the document's
    emitter = _Emitter(builder)
    emitter.walk(content)
    emitter.flush()
    props.pop("page_title", None)
    layer = builder.build(f"{reader_name()} (page charset {charset})", properties=props)
    if len(_HAN_RE.findall(layer.text)) - len(_HAN_RE.findall(title or "")) < _MIN_CONTENT_HAN:
        if refresh is not None and (url := _REFRESH_URL_RE.search(refresh.get("content", ""))):
            raise InputError(f"{name}: this page only redirects to {url.group(1)}; save the page it leads to")
        if has_password:
            raise InputError(f"{name}: this page is a login form, not a document; save the page after logging in")
        raise InputError(f"{name}: the page holds no document text (under {_MIN_CONTENT_HAN} Chinese characters)")
    return layer
