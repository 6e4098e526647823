"""Stage 3: recover the outline of a plan as measures.

The normalised text is read line by line.  A measure opens at

- a numbering label at the start of a line (`numbering.STYLES`: 第一章,
  一、, (一), 1., (1), ①, bullets), or glued after a heading's title
  (`…快速发展1、学前三年…`);
- an unnumbered paragraph whose first sentence reads as a title
  (`prose.paragraph_title`);
- a data row of a task-decomposition table (`table_blocks`).

A measure's span runs from its label to the next measure, so a heading's
introductory paragraph is its text and no measure of its own.  Lines before
the document's title line (news leads) and between it and the first
numbered heading (the preamble) belong to no measure; nor do indicator
tables (left to the indicators stage; they stay inside the enclosing
measure's text), table headers, or the closing date and signature.
Parents come from `outline.Outline`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from plandata.model import Measure, NormalisedDocument, TableCell
from plandata.read.normalise import LINE_EDGE_SPACES
from plandata.structure import numbering, prose
from plandata.structure.outline import Outline
from plandata.structure.table_blocks import (
    Line,
    TableBlock,
    find_table,
    heading_line,
    may_open_table,
    serial_value,
)

_CELL_EDGE = " \t\n|"  # what may separate a label from its text: spaces, a cell border
_LEAD_RE = re.compile(r"^[\s|]+")
_WORD_RE = re.compile(r"\w")  # a title holds at least one letter, digit or character
# A table of contents: `目录` near the top, entries that come again as headings.
CONTENTS_SEARCH_LINES = 12
_CONTENTS_RE = re.compile(r"^目\s*录$")
_CONTENTS_PAGE_RE = re.compile(r"[.…·\s-]*\d*$")
_RULE_LINE_RE = re.compile(r"^[-—=_*~\s]{3,}$")  # a horizontal rule scraped from a page


@dataclass
class _Candidate:
    """A measure found in the text, before its span end and parent are known."""

    kind: str
    style: str | None  # numbering style key; None for paragraphs and table rows (leaves)
    label: str | None
    ordinal: int | None
    title: str
    start: int
    label_end: int
    end: int | None = None  # fixed end (table rows, headings glued to their first item)
    cells: tuple[TableCell, ...] = field(default_factory=tuple)
    reset: bool = False  # an attachment starts before this measure
    text: str | None = None  # a table row's text: its cells, not the separators between them
    deadline: str | None = None  # a table row's 完成时限 cell


def split_lines(text: str) -> list[Line]:
    """The lines of `text` with their start offsets."""
    lines, pos = [], 0
    for part in text.split("\n"):
        lines.append(Line(part, pos))
        pos += len(part) + 1
    return lines


def with_cut_leads(lines: list[Line], doc: NormalisedDocument) -> list[Line]:
    """`lines` with the tabs the normaliser cut from each one's start counted (`Line.lead_cells`).

    A tab-separated row that opens with empty cells (the rest of a wrapped
    cell, under an empty 序号) loses those tabs with the line's edge spaces;
    the raw text still has them, right before the line's first character.
    """
    raw, offsets = doc.raw.raw_text, doc.mapped.raw_offsets
    out = []
    for line in lines:
        cut = 0
        if line.text:
            k = offsets[line.start] - 1
            while k >= 0 and raw[k] in LINE_EDGE_SPACES:
                cut += raw[k] == "\t"
                k -= 1
        out.append(Line(line.text, line.start, cut) if cut else line)
    return out


def iter_lines(text: str) -> Iterator[Line]:
    """The lines of `split_lines(text)`, one at a time: a reader stopping early splits no more."""
    pos = 0
    while (end := text.find("\n", pos)) >= 0:
        yield Line(text[pos:end], pos)
        pos = end + 1
    yield Line(text[pos:], pos)


def _title_index(lines: Iterable[Line]) -> int | None:
    """Index of the title line: before the first heading, item or titled paragraph."""
    for i, line in enumerate(lines):
        if _numbered_label(line.text) or prose.paragraph_title(line.text):
            return None
        if prose.title_line(line.text):
            return i
    return None


def find_title(doc: NormalisedDocument) -> str | None:
    """The document's own title (simplified, as normalised), if it has a title line.

    A title broken over two lines (`…关于印发` / `《…方案》的通知`) is joined.
    """
    at = _title_index(iter_lines(doc.text))  # the title is near the top: the rest is not split
    if at is None:
        return None
    lines = list(islice(iter_lines(doc.text), at + 1))
    title = prose.title_line(lines[at].text) or ""
    if at > 0 and prose.is_title_prefix(lines[at - 1].text) and not _numbered_label(lines[at - 1].text):
        title = prose.title_line(lines[at - 1].text.strip() + lines[at].text.strip()) or title
    return title


def _body_start(lines: list[Line]) -> int:
    """First line that may hold a measure: news leads, preamble and contents are skipped."""
    at = _title_index(lines)
    if at is None:
        return _after_contents(lines, 0)
    first = _after_contents(lines, at + 1)
    numbered = next((i for i in range(first, len(lines)) if _numbered_label(lines[i].text)), None)
    if numbered is None:
        return first
    # a task table's header above its first category row (`一、…`) opens the body, not the preamble
    header = next((i for i in range(first, numbered) if _opens_task_table(lines, i)), None)
    return header if header is not None else numbered


def _opens_task_table(lines: list[Line], i: int) -> bool:
    if not may_open_table(lines[i].text):
        return False
    table = find_table(lines, i, lambda _: False)
    return table is not None and table.kind == "task"


def _after_contents(lines: list[Line], first: int) -> int:
    """Skip a table of contents (`目录` and its entries) that repeats the headings."""
    heading = next(
        (i for i in range(first, min(len(lines), first + CONTENTS_SEARCH_LINES)) if _CONTENTS_RE.match(lines[i].text)),
        None,
    )
    if heading is None:
        return first
    entries = [_contents_entry(ln.text) for ln in lines[heading + 1 :]]
    if not entries or not entries[0]:
        return first
    again = next((k for k in range(1, len(entries)) if entries[k] == entries[0]), None)
    return first if again is None else heading + 1 + again


def _contents_entry(text: str) -> str:
    """A contents line without its leader dots and page number."""
    return _CONTENTS_PAGE_RE.sub("", text).replace(" ", "")


def _numbered_label(text: str) -> numbering.Label | None:
    """A label that opens a measure here: numbered, or a bullet followed by text.

    A line of dashes alone is a rule; a dash before a line without a run-in
    title is a subtitle (`——在…会议上的讲话`) or a quotation.
    """
    label = numbering.match_label(text)
    if label is None or _RULE_LINE_RE.match(text):
        return None
    if (
        label.kind == "bullet"
        and label.text[0] in numbering.DASH_BULLETS
        and not prose.paragraph_title(text[label.end :])
    ):
        return None
    return label


class _Reader:
    """Turns the lines of one document into candidates, in reading order."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.found: list[_Candidate] = []
        self.boundaries: list[int] = []  # offsets where a measure's span must stop
        self.styles_seen: set[str] = set()
        self.next_ordinals: dict[str, int] = {}  # style key: the ordinal its next label would have
        self._attachment_starts = False  # the next measure opens an attachment
        self._own_line_titles = False  # a heading had its label alone, its title on the next line
        self.problems: list[tuple[int, str]] = []  # (line index, what is wrong with a table there)

    def read(self, first: int) -> None:
        """Read the lines from `first` on into `found` and `boundaries`."""
        i = first
        while i < len(self.lines):
            i = self._read_line(i)

    def _signature_start(self, i: int) -> int:
        """Start of the issuing bodies' lines right above closing line `i`."""
        after = self.found[-1].start if self.found else -1
        while i > 0 and self.lines[i - 1].start > after and prose.is_signature_line(self.lines[i - 1].text):
            i -= 1
        return self.lines[i].start

    def _append(self, candidate: _Candidate) -> None:
        candidate.reset, self._attachment_starts = self._attachment_starts, False
        self.found.append(candidate)

    def _read_line(self, i: int) -> int:
        line = self.lines[i]
        if _RULE_LINE_RE.match(line.text):
            self.boundaries.append(line.start)  # a rule ends the measure above it
            return i + 1
        if prose.is_closing_line(line.text):
            self.boundaries.append(self._signature_start(i))  # no measure holds a date or its signature
            return i + 1
        if prose.is_attachment_line(line.text):
            self.boundaries.append(line.start)  # an attachment is under no heading of the main text
            self._attachment_starts = True
            return i + 1
        # a line with a cell separator may be a header row whatever its first cell says
        if may_open_table(line.text):
            table = find_table(self.lines, i, self._continues_outline)
            if table is not None:
                self._table(table)
                return table.end_line
        label = _numbered_label(line.text)
        if label is not None:
            return self._numbered(label, line, i)
        title = prose.paragraph_title(line.text) or self._bare_heading(i)
        if title:
            self._append(_Candidate("paragraph", None, None, None, title, line.start, line.start))
        return i + 1

    def _bare_heading(self, i: int) -> str | None:
        """A bare heading line (`prose.bare_heading`) between two lines of running text.

        Only in a document that sets a heading's title on the line after its
        label (`★` / `名师培养工程`), and under such a heading: elsewhere a short
        line alone is a table cell, a caption or a news site's chrome.
        """
        if not self._own_line_titles or not 0 < i < len(self.lines) - 1:
            return None
        if not (prose.is_body_line(self.lines[i - 1].text) and prose.is_body_line(self.lines[i + 1].text)):
            return None
        return prose.bare_heading(self.lines[i].text)

    def _continues_outline(self, text: str) -> bool:
        label = numbering.match_label(text)
        return label is not None and label.style_key in self.styles_seen

    def _numbered(self, label: numbering.Label, line: Line, i: int) -> int:
        rest = line.text[label.end :]
        if not rest.strip():  # label alone on its line: the title is the next line
            if i + 1 >= len(self.lines) or not _WORD_RE.search(title := prose.run_in_title(self.lines[i + 1].text)):
                return i + 1
            self._add(label, title, line.start, line.start + len(label.text))
            self._own_line_titles = True
            return i + 2
        self._numbered_text(label, rest, line.start, line.start + label.end)
        return i + 1

    def _numbered_text(self, label: numbering.Label, rest: str, start: int, rest_start: int) -> None:
        lead = len(rest) - len(_LEAD_RE.sub("", rest, count=1))
        rest, rest_start = rest[lead:], rest_start + lead
        title = prose.run_in_title(rest)
        glued = numbering.run_on_label_at(title, self.next_ordinals)
        inner = numbering.match_label(title[glued:]) if glued is not None else None
        if glued is not None and inner is not None and inner.style_key != label.style_key:
            if _WORD_RE.search(title[:glued]):
                self._add(label, title[:glued].strip(), start, start + len(label.text), end=rest_start + glued)
            self._numbered_text(inner, rest[glued + inner.end :], rest_start + glued, rest_start + glued + inner.end)
            return
        if _WORD_RE.search(title):
            self._add(label, title, start, start + len(label.text))

    def _add(self, label: numbering.Label, title: str, start: int, label_end: int, end: int | None = None) -> None:
        self.styles_seen.add(label.style_key)
        if label.ordinal is not None:
            self.next_ordinals[label.style_key] = label.ordinal + 1
        self._append(_Candidate(label.kind, label.style_key, label.text, label.ordinal, title, start, label_end, end))

    def _table(self, table: TableBlock) -> None:
        self.problems += table.problems
        if table.kind != "task":
            return  # indicator tables: no measures, their lines stay in the enclosing text
        self.boundaries.append(self.lines[table.first_line].start)
        items = [(cells[0].start, cells) for cells in table.rows if cells]
        items += [(self.lines[i].start, i) for i in table.headings]
        for _, item in sorted(items, key=lambda pair: pair[0]):
            if isinstance(item, int):  # a category row: a heading of the outline
                line = heading_line(self.lines[item])
                label = _numbered_label(line.text)
                if label is not None:
                    found = len(self.found)
                    self._numbered(label, line, item)
                    if line is not self.lines[item] and len(self.found) > found:
                        self.found[-1].end = line.end  # the heading is its cell, not the row repeating it
                continue
            candidate = _table_row(item, table)
            if candidate is not None:
                self._append(candidate)


def _table_row(cells: tuple[TableCell, ...], table: TableBlock) -> _Candidate | None:
    roles = dict(zip(table.headers, table.roles, strict=True))
    task = next((c for c in cells if roles.get(c.header) == "task" and c.text), None)
    if task is None:
        return None
    serial = next((c for c in cells if roles.get(c.header) == "serial" and c.text), None)
    task_text = _column_texts(c for c in cells if c.header == task.header)[task.header]
    task_label = numbering.match_label(task_text)
    title = prose.run_in_title(task_text[task_label.end :] if task_label else task_text)
    if not _WORD_RE.search(title):
        return None
    start, end = min(c.start for c in cells), max(c.end for c in cells)
    label = serial.text if serial else None
    label_end = serial.end if serial else start
    ordinal = serial_value(serial.text) if serial else None
    # a row continued on the next line has two cells in a column (`table_blocks._joined_row`): one text
    columns = _column_texts(c for c in cells if c is not serial and c.text)
    text = "\t".join(columns.values())
    deadline = next((t for h, t in columns.items() if roles.get(h) == "deadline"), None)
    return _Candidate(
        "table_row", None, label, ordinal, title, start, label_end, end, cells, text=text, deadline=deadline
    )


def _column_texts(cells: Iterable[TableCell]) -> dict[str, str]:
    """The text of each column of a row, in column order: the lines of a cell continued on the next row joined."""
    columns: dict[str, str] = {}
    for i, c in enumerate(cells):
        key = c.header or f"\0{i}"  # cells past the header's width are no column's: each stays apart
        columns[key] = columns.get(key, "") + c.text  # Chinese puts no space where a cell wraps
    return columns


def _without_lone_paragraphs(found: list[_Candidate]) -> list[_Candidate]:
    """Drop a titled paragraph that is the only one right under a numbered heading.

    Such a paragraph, followed by the next heading or a table, is the body of
    the heading above it (`(一)加强组织领导` / `坚持党对教育工作的全面领导。…` /
    `(二)…`): titled paragraphs come in lists.  One at the end of the text is
    kept, as the list may go on past the cut of an excerpt.
    """
    return [
        c
        for k, c in enumerate(found)
        if not (
            c.kind == "paragraph"
            and not c.reset
            and 0 < k < len(found) - 1
            and found[k - 1].style
            and found[k + 1].kind != "paragraph"
        )
    ]


def _span_ends(found: list[_Candidate], boundaries: list[int], stop: int, text: str) -> list[int]:
    """End of every candidate: its fixed end, else the next candidate or boundary."""
    ends = []
    marks = sorted({c.start for c in found} | set(boundaries) | {stop})
    for c in found:
        end = c.end if c.end is not None else marks[bisect.bisect_right(marks, c.start)]
        while end > c.start and text[end - 1].isspace():
            end -= 1
        ends.append(end)
    return ends


def _parents(found: list[_Candidate]) -> list[int | None]:
    outline = Outline()
    parents = []
    for i, c in enumerate(found):
        if c.reset:
            outline.close_all()
        parents.append(outline.heading(i, c.style, c.ordinal) if c.style else outline.leaf())
    return parents


def parse_measures(doc: NormalisedDocument, warnings: list[str] | None = None) -> list[Measure]:
    """Measures of one document in reading order (see the module docstring).

    Problems met in its tables (a short row, a header with nothing under it)
    are added to `warnings`, naming the file and the line.
    """
    text, document_id, raw_span = doc.text, doc.document_id, doc.mapped.raw_span
    lines = with_cut_leads(split_lines(text), doc)
    reader = _Reader(lines)
    reader.read(_body_start(lines))
    if warnings is not None:
        warnings += [_table_warning(doc, lines[i].start, what) for i, what in reader.problems]
    found = _without_lone_paragraphs(reader.found)
    ends = _span_ends(found, reader.boundaries, len(text), text)
    parents = _parents(found)
    ids = [_measure_id(document_id, i + 1) for i in range(len(found))]
    levels: list[int] = []
    siblings: dict[int | None, int] = {}
    measures: list[Measure] = []
    for i, (c, end, parent) in enumerate(zip(found, ends, parents, strict=True)):
        levels.append(1 if parent is None else levels[parent] + 1)
        siblings[parent] = siblings.get(parent, 0) + 1
        ordinal = c.ordinal if c.ordinal is not None else siblings[parent]
        raw_start, raw_end = raw_span(c.start, end)
        measures.append(
            Measure(
                measure_id=ids[i],
                document_id=document_id,
                parent_id=None if parent is None else ids[parent],
                level=levels[i],
                kind=c.kind,
                label=c.label,
                ordinal=ordinal,
                sequence=i + 1,
                title=c.title,
                text=c.text if c.text is not None else text[c.label_end : end].strip(_CELL_EDGE),
                start=c.start,
                end=end,
                raw_start=raw_start,
                raw_end=raw_end,
                cells=c.cells,
                deadline=c.deadline,
            )
        )
    return measures


def _measure_id(document_id: str, sequence: int) -> str:
    return f"{document_id}:m{sequence:04d}"


def _table_warning(doc: NormalisedDocument, offset: int, what: str) -> str:
    """`file, line N: what`, the line counted in the raw file."""
    raw_start, _ = doc.mapped.raw_span(offset, offset)
    line = doc.raw.raw_text.count("\n", 0, raw_start) + 1
    return f"{doc.raw.source_file}, line {line}: {what}"
