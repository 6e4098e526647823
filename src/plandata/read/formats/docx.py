"""Word documents (.docx): paragraphs with the list numbers Word generates, and tables.

Word keeps an auto-numbered heading's label (`（一）`, `1.`) out of the text,
in the numbering definitions (`word/numbering.xml`): a paragraph names a
list (`numId`) and a level (`ilvl`), the level says the format (`%1.`,
`（%1）`) and the counting (decimal, Chinese counting …).  The reader counts
as Word does and writes the label back in front of the text, so a measure
keeps its number.  Tables come out with merged cells repeated into every
row and column they span.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version

import docx
from docx.blkcntnr import BlockItemContainer
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from plandata.errors import InputError
from plandata.read.formats.layer import LayerBuilder, TextLayer, join_lines

# The gap between two cells of a table typed as paragraphs in Word: a tab, or two spaces or more.
_CELL_GAP_RE = re.compile(r"[ \u00a0\u3000]*\t[\t \u00a0\u3000]*|[ \u00a0\u3000]{2,}")
_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def reader_name() -> str:
    return f"python-docx {version('python-docx')}"


def chinese_number(n: int) -> str:
    """`12` as 十二, the way Word's chineseCounting writes list numbers (up to 99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """One list number in a Word numbering format (`w:numFmt`)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting"):
        return chinese_number(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str  # lvlText, e.g. "（%1）"
    start: int


class Numbering:
    """Word's list counters: the label each numbered paragraph shows."""

    def __init__(self, document: docx.document.Document) -> None:
        self.levels: dict[tuple[str, int], _Level] = {}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styled: dict[tuple[str, str], int] = {}  # (numId, styleId): the level a linked style numbers
        self.restarts: dict[tuple[str, int], int] = {}  # (numId, ilvl): where a list's override starts it again
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract_levels: dict[str, dict[int, _Level]] = {}
        abstract_styles: dict[str, dict[str, int]] = {}
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            styles = {}
            for lvl in abstract.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                levels[ilvl] = _Level(
                    _val(lvl, "w:numFmt") or "decimal", _val(lvl, "w:lvlText") or "", int(_val(lvl, "w:start") or 1)
                )
                if style_id := _val(lvl, "w:pStyle"):
                    styles[style_id] = ilvl
            abstract_levels[abstract.get(qn("w:abstractNumId"))] = levels
            abstract_styles[abstract.get(qn("w:abstractNumId"))] = styles
        for num in root.findall(qn("w:num")):
            num_id, abstract_id = num.get(qn("w:numId")), _val(num, "w:abstractNumId")
            if abstract_id is None:
                continue
            self.abstract_of[num_id] = abstract_id
            for ilvl, level in abstract_levels.get(abstract_id, {}).items():
                self.levels[(num_id, ilvl)] = level
            for style_id, ilvl in abstract_styles.get(abstract_id, {}).items():
                self.styled[(num_id, style_id)] = ilvl
            # A list that restarts (the （一） sections under each part, a new numId on the same definition)
            # says so in an override: its level starts again, or is defined anew, where the list is first used.
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if (lvl := override.find(qn("w:lvl"))) is not None:
                    base = self.levels.get((num_id, ilvl), _Level("decimal", "", 1))
                    self.levels[(num_id, ilvl)] = _Level(
                        _val(lvl, "w:numFmt") or base.fmt,
                        _val(lvl, "w:lvlText") if _val(lvl, "w:lvlText") is not None else base.text,
                        int(_val(lvl, "w:start") or base.start),
                    )
                if (start := _val(override, "w:startOverride")) is not None:
                    self.restarts[(num_id, ilvl)] = int(start)

    def level_of_style(self, num_id: str, style_id: str) -> int:
        """The level of list `num_id` that numbers paragraphs of style `style_id` (0 when none says)."""
        return self.styled.get((num_id, style_id), 0)

    def label(self, num_id: str, ilvl: int) -> str:
        """Count one paragraph of list `num_id` at level `ilvl`; return its label."""
        level = self.levels.get((num_id, ilvl))
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        # Lists sharing an abstract definition count together, as Word shows them.
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        if (restart := self.restarts.pop((num_id, ilvl), None)) is not None:
            counters[ilvl] = restart - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def number(m: re.Match[str]) -> str:
            at = int(m.group(1)) - 1
            lvl = self.levels.get((num_id, at))
            value = counters.get(at, lvl.start if lvl else 1)
            return format_number(value, lvl.fmt if lvl else "decimal")

        return re.sub(r"%(\d)", number, level.text)


def _val(el, tag: str) -> str | None:
    child = el.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _num_pr(paragraph: Paragraph, numbering: Numbering) -> tuple[str, int] | None:
    """The list (`numId`, `ilvl`) of a paragraph, set on it or on its style.

    The two may come from different places: a heading style names the list
    and the paragraph its level, or the paragraph names the list and the
    style's level is the one whose `w:pStyle` is that style (Word's linked
    heading numbering).
    """
    sources = [(paragraph._p.pPr, None)]
    style = paragraph.style
    while style is not None:
        sources.append((style.element.pPr, style.style_id))
        style = style.base_style
    num_id: str | None = None
    ilvl: int | None = None
    linked_style = None
    for ppr, style_id in sources:
        if ppr is None or (num_pr := ppr.find(qn("w:numPr"))) is None:
            continue
        if num_id is None and (value := _val(num_pr, "w:numId")) is not None:
            num_id, linked_style = value, style_id
        if ilvl is None and (level := _val(num_pr, "w:ilvl")) is not None:
            ilvl = int(level)
    if not num_id or num_id == "0":  # numId 0 takes the paragraph out of the list its style puts it in
        return None
    if ilvl is None:
        ilvl = numbering.level_of_style(num_id, linked_style) if linked_style else 0
    return num_id, ilvl


# Block-level wrappers Word and WPS put around paragraphs and tables: content controls (a form or template's
# fields, a 目录 block) and custom XML.  python-docx's `iter_inner_content` sees only the body's own
# paragraphs and tables, so a wrapped part of the plan, or a whole task table, would be lost.
_BLOCK_WRAPPERS = frozenset((qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")))
_TEXT_BOX = qn("w:txbxContent")
# A text box is written twice, as a DrawingML shape (mc:Choice) and as its VML fallback: the fallback is read never.
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def iter_blocks(element: BaseOxmlElement, parent: BlockItemContainer | _Cell) -> Iterator[Paragraph | Table]:
    """The paragraphs and tables of a body or cell in reading order, through content controls and text boxes.

    A text box's paragraphs (a boxed task list, a heading set in a frame)
    follow the paragraph the box is anchored in.
    """
    for child in element:
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
            for box in child.iter(_TEXT_BOX):
                if not any(a.tag in (_TEXT_BOX, _FALLBACK) for a in box.iterancestors()):
                    yield from iter_blocks(box, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag in _BLOCK_WRAPPERS:
            yield from iter_blocks(child, parent)


def _table_rows(table: Table) -> tuple[list[list[str]], int]:
    rows: list[list[str]] = []
    header_rows = 0
    in_header = True
    for row in table.rows:
        texts = []
        for cell in row.cells:  # python-docx repeats a merged cell into each grid position
            texts.append(_cell_text(cell))
        rows.append(texts)
        tr_pr = row._tr.trPr
        if in_header and tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None:
            header_rows += 1
        else:
            in_header = False
    return rows, header_rows


def _cell_text(cell: _Cell) -> str:
    lines = []
    for block in iter_blocks(cell._tc, cell):
        if isinstance(block, Paragraph):
            lines.append(paragraph_text(block._p))
        else:
            lines.extend(join_lines(r) for r in _table_rows(block)[0])
    return join_lines(lines)


# Runs a paragraph shows that sit deeper than its own children: tracked insertions (w:ins, w:moveTo), smart
# tags, inline content controls (w:sdt), simple fields and custom XML.  python-docx's `text` reads only
# the paragraph's own runs and hyperlinks, so an accepted-looking insertion would be lost.  Text that
# is not shown in the paragraph stays out: moved-away text (deleted text has no w:t) and text boxes,
# which hold paragraphs of their own.
_HIDDEN_CONTAINERS = frozenset((qn("w:moveFrom"), qn("w:del"), qn("w:txbxContent")))


def paragraph_text(p: CT_P) -> str:
    """The text a Word paragraph shows, tracked insertions and content controls included (see above)."""
    pieces = []
    for run in p.iter(qn("w:r")):
        node = run.getparent()
        while node is not None and node is not p and node.tag not in _HIDDEN_CONTAINERS:
            node = node.getparent()
        if node is p:
            pieces.append(run.text)
    return "".join(pieces)


def _paragraph_text(paragraph: Paragraph, numbering: Numbering) -> str:
    text = paragraph_text(paragraph._p)
    if (num := _num_pr(paragraph, numbering)) and text.strip():
        label = numbering.label(*num)
        if label and not text.lstrip().startswith(label):
            text = label + text
    return text


def read_docx(data: bytes, name: str) -> TextLayer:
    """The text layer of a .docx file: paragraphs and tables in body order."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(f"{name}: not a readable Word (.docx) file: {error}") from None
    except Exception as error:  # lxml and python-docx raise many kinds on a damaged part
        raise InputError(f"{name}: a damaged Word (.docx) file: {type(error).__name__}: {error}") from None
    numbering = Numbering(document)
    builder = LayerBuilder()
    for block in iter_blocks(document.element.body, document._body):
        if isinstance(block, Paragraph):
            builder.pieces([_paragraph_text(block, numbering)], _CELL_GAP_RE)
        else:
            rows, header_rows = _table_rows(block)
            builder.table(rows, header_rows)
    props = {}
    core = document.core_properties
    if core.title and core.title.strip():
        props["title"] = core.title.strip()
    return builder.build(reader_name(), properties=props)
