"""Tables flattened into plan text: task-decomposition tables and indicator tables.

Scraped plans carry their tables either as one row per line with `|` (or tab,
as the format readers write them) between cells, or flattened: one cell per
line, per paragraph, or per line closed by ` |`.  A table is recognised by
its header run, every cell of which must be a known column header from
`data/table_headers.csv` (white space inside a cell ignored: `分 管 县领导`):

- a *task* table has a task column and a responsibility column
  (序号 | 重点任务 | 牵头单位 | 配合单位 …); each row becomes a measure.  Flattened
  with a 序号 column, a row opens at each rising number (gaps allowed) and
  takes the cells up to the next one; category rows (`一、…`) between rows are
  headings of the outline; a header repeated on a new page is skipped; a row
  with cells missing is kept and reported.  Separated by `|` or tab, a row
  with an empty 序号 under a numbered row is that row's rest (a cell wrapped
  onto a second line): its cells join the row above, each keeping its own
  span.  Beside a lead column and no support column, a plain responsibility
  column is named `责任单位(配合)`;
- an *indicator* table has an indicator column and a base-year, target-year,
  year or attribute column (主要指标 tables); its lines, category rows
  included, are left to the indicators stage and never become measures.

Problems (a ragged row, a header with no rows) are kept in `TableBlock.problems`
for the build's warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from plandata.model import TableCell
from plandata.rules.lexicon import read_table
from plandata.rules.rule_regex import FirstMatch, longest_whole_match
from plandata.structure import numbering
from plandata.structure.numbering import chinese_numeral

TASK_ROLES = ("task",)
RESPONSIBILITY_ROLES = ("agency", "lead", "support")
INDICATOR_ROLES = ("indicator",)
INDICATOR_VALUE_ROLES = ("baseline", "target", "year", "attribute")
# Longest line that can still be a cell of a flattened indicator table.
INDICATOR_CELL_MAX_CHARS = 40
# Columns of a `|` header row that may be unknown to data/table_headers.csv.
MAX_UNKNOWN_HEADERS = 1
_SEPARATOR_RE = re.compile(r"[|\t]")
_RULE_ROW_RE = re.compile(r"^[|\s:\-—]+$")  # a Markdown rule row such as |---|---|
_SENTENCE_END_RE = re.compile(r"[。;!?]")
_TRAILING_PIPE_RE = re.compile(r"\s*\|\s*$")
_SPACES_RE = re.compile(r"[ \u3000]{2,}")  # two or more spaces between the cells of a space-aligned row
# One cell per paragraph: this many blank lines in a row (or a line of spaces) are an empty cell.
EMPTY_CELL_BLANK_RUN = 3
MAX_CELL_LINES = 20  # lines a cell closed by `|` may run over
# Cells read ahead to tell a category row inside a table from a heading after it.
CATEGORY_LOOKAHEAD = 8
CATEGORY_STYLES = ("part", "subpart")  # numbering of category rows (一、发展水平, (一)…)
YEAR_MIN, YEAR_MAX = 1900, 2100  # a cell holding a year is no 序号
# A plain responsibility column beside a lead column names the supporting units.
SUPPORT_QUALIFIER = "(配合)"


@dataclass(frozen=True)
class Line:
    """One line of the normalised text with its offsets."""

    text: str
    start: int
    # Tabs the normaliser cut from the line's start: the empty cells a tab-separated row opened with.
    lead_cells: int = 0

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class HeaderRule:
    """A known column header and the role of its column."""

    header_id: str
    role: str
    regex: re.Pattern[str]
    example: str


@dataclass(frozen=True)
class TableBlock:
    """A table found at some line: its kind, extent (lines) and data rows."""

    kind: str  # task | indicator
    first_line: int
    end_line: int  # exclusive
    headers: tuple[str, ...]
    roles: tuple[str, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    headings: tuple[int, ...] = ()  # lines of category rows (`一、…`) between the rows: outline headings
    problems: tuple[tuple[int, str], ...] = ()  # (line index, what is wrong) for a warning


@lru_cache(maxsize=1)
def header_rules() -> tuple[HeaderRule, ...]:
    """The column headers of `data/table_headers.csv`, compiled."""
    rows = read_table("table_headers.csv", ("header_id", "role", "pattern", "example", "seen_in", "note"), "header_id")
    return tuple(HeaderRule(r["header_id"], r["role"], re.compile(r["pattern"]), r["example"]) for r in rows)


@lru_cache(maxsize=1)
def _first_header() -> FirstMatch[HeaderRule]:
    """The header rules as one regex: the first rule matching a cell is found in one search."""
    return FirstMatch(header_rules(), lambda rule: rule.regex)


@lru_cache(maxsize=1)
def _longer_than_headers() -> re.Pattern[str] | None:
    """Matches a cell with more non-space characters than any header pattern accepts; None if one has no limit."""
    limits = [longest_whole_match(rule.regex) for rule in header_rules()]
    if not limits or None in limits:
        return None
    return re.compile(rf"(?:\s*\S){{{max(limits) + 1}}}")  # type: ignore[type-var]


def header_role(cell: str) -> str | None:
    """Role of a column header (`责任单位` is `agency`), None when it is no header.

    The first rule of the table whose pattern matches the cell without its
    white space (`str.split` and the regex `\\s` agree on what that is).
    Most cells tested are whole lines of text, too long for any header: they
    are told apart from their first characters, without squeezing them.
    """
    longer = _longer_than_headers()
    if longer is not None and longer.match(cell):
        return None
    rule = _first_header().match("".join(cell.split()))
    return rule.role if rule else None


def table_kind(roles: tuple[str, ...]) -> str | None:
    """`task`, `indicator` or None for a header row with these column roles."""
    if any(r in roles for r in TASK_ROLES) and any(r in roles for r in RESPONSIBILITY_ROLES):
        return "task"
    if any(r in roles for r in INDICATOR_ROLES) and any(r in roles for r in INDICATOR_VALUE_ROLES):
        return "indicator"
    return None


def find_table(lines: list[Line], at: int, is_heading: Callable[[str], bool]) -> TableBlock | None:
    """The table whose header starts at line `at`, if one does.

    `is_heading` tells whether a line continues the document's outline; it
    ends a flattened indicator table, whose rows have no fixed width.
    """
    if _SEPARATOR_RE.search(lines[at].text) and not is_pipe_ended(lines[at].text):
        return _separated_table(lines, at, _SEPARATOR_RE)
    if _SPACES_RE.search(lines[at].text.strip()):  # columns aligned with spaces, as PDF text comes out
        table = _separated_table(lines, at, _SPACES_RE)
        if table is not None:
            return table
    return _flattened_table(lines, at, is_heading)


def may_open_table(text: str) -> bool:
    """Whether a line may be a table's header: it has a cell separator, or its first cell is a header."""
    if "|" in text or "\t" in text:
        return True
    if header_role(text) is not None:
        return True
    stripped = text.strip()
    return _SPACES_RE.search(stripped) is not None and header_role(_SPACES_RE.split(stripped, 1)[0]) is not None


def _split_cells(line: Line, separator: re.Pattern[str] = _SEPARATOR_RE) -> list[TableCell]:
    text = line.text
    inner_start = 1 if text.startswith("|") else 0
    inner_end = len(text) - 1 if text.endswith("|") and len(text) > 1 else len(text)
    if separator is _SPACES_RE:  # spaces at the line's edges separate nothing
        inner_start = len(text) - len(text.lstrip())
        inner_end = len(text.rstrip())
    cells = []
    pos = inner_start
    for sep in [*separator.finditer(text, inner_start, inner_end), None]:
        stop = sep.start() if sep else inner_end
        part = text[pos:stop]
        lead = len(part) - len(part.lstrip())
        value = part.strip()
        start = line.start + pos + lead
        cells.append(TableCell("", value, start, start + len(value)))
        pos = sep.end() if sep else inner_end
    return cells


def _separated_table(lines: list[Line], at: int, separator: re.Pattern[str]) -> TableBlock | None:
    header = _split_cells(lines[at], separator)
    if len(header) < 2:
        return None
    roles = tuple(header_role(c.text) or "" for c in header)
    kind = table_kind(roles)
    # one unknown column in a row of known headers (备注 spelt otherwise, 具体要求 …) is still a header row
    if kind is None or roles.count("") * 2 > len(roles) or roles.count("") > MAX_UNKNOWN_HEADERS:
        return None
    names = _column_names(tuple(c.text for c in header), roles)
    rows = []
    headings: list[int] = []
    problems: list[tuple[int, str]] = []
    end = at + 1
    serial_col = roles.index("serial") if "serial" in roles else None
    while end < len(lines):
        # empty cells cut from the row's start, past any indent the header has too
        cut = max(lines[end].lead_cells - lines[at].lead_cells, 0) if separator is _SEPARATOR_RE else 0
        if not separator.search(lines[end].text.strip()):
            # a category row whose empty cells were cut off with the line's edge (`一、…`), rows after it
            if kind == "task" and _is_titled_category(lines[end].text) and _row_follows(lines, end + 1, separator):
                headings.append(end)
                end += 1
                continue
            # one cell left of a row that opened with empty ones, rows after it; else a paragraph indented with a tab
            if not (cut and lines[end].text.strip() and _row_follows(lines, end + 1, separator)):
                break
        if not _RULE_ROW_RE.match(lines[end].text):
            cells = _split_cells(lines[end], separator)
            if _is_header_row(cells):
                if [c.text for c in cells] != [c.text for c in header]:
                    break  # another table's header: that table starts here
                end += 1  # the header repeated (on a new page)
                continue
            spanning = _spanning_text(cells)
            if spanning is not None:  # a category row merged across the table: a heading, else a caption
                if kind == "task" and _is_titled_category(spanning):
                    headings.append(end)
                end += 1
                continue
            if len(cells) > len(names):
                problems.append((end, f"a table row has {len(cells)} cells, its header {len(names)}"))
            # a short row lost its leading merged cells: as many as the normaliser cut, else align it right;
            # a row that opens with its number in a table whose first column is 序号 lost only its last cells
            room = max(len(names) - len(cells), 0)
            numbered = serial_col == 0 and serial_value(cells[0].text) is not None
            offset = cut if 0 < cut <= room else 0 if numbered and not cut else room
            named = tuple(
                TableCell(names[offset + i] if offset + i < len(names) else "", c.text, c.start, c.end)
                for i, c in enumerate(cells)
            )
            known = offset == cut  # where its cells stand is known, not guessed (a guess joins no row)
            if known and serial_col is not None and rows and _continues_row(rows[-1], named, names[serial_col]):
                rows[-1] = _joined_row(rows[-1], named)
            else:
                rows.append(named)
        end += 1
    if not rows:
        problems.append((at, "a table header with no rows under it"))
    return TableBlock(kind, at, end, names, roles, tuple(rows), tuple(headings), tuple(problems))


def _continues_row(above: tuple[TableCell, ...], row: tuple[TableCell, ...], serial: str) -> bool:
    """Whether `row` is the rest of the row above: its 序号 cell is empty where the row above has a number.

    A cell that wraps in a plain-text table, or a row broken in two, puts its
    second line in a row of its own; in a numbered table every row of its own
    has its number.  A table without a 序号 column (a category column merged
    down the page) has no number to miss and is never joined.
    """
    number = next((c.text for c in above if c.header == serial), "")
    return (
        serial_value(number) is not None
        and not any(c.text for c in row if c.header == serial)
        and any(c.text for c in row)
    )


def _joined_row(above: tuple[TableCell, ...], rest: tuple[TableCell, ...]) -> tuple[TableCell, ...]:
    """The row above with the non-empty cells of its rest after its own cells of the same column.

    The cells stay apart, each with its own span on its own line: a cell's
    span covers just its text, which the agencies stage reads from the text.
    """
    cells = [*above, *(c for c in rest if c.text)]
    order = list(dict.fromkeys(c.header for c in cells))
    return tuple(sorted(cells, key=lambda c: order.index(c.header)))  # stable: the first line's cell first


def _is_header_row(cells: list[TableCell]) -> bool:
    """A row of column headers that make a table (`序号 | 重点任务 | 牵头单位`)."""
    roles = tuple(header_role(c.text) or "" for c in cells)
    return len(cells) >= 2 and "" not in roles and table_kind(roles) is not None


def _row_follows(lines: list[Line], i: int, separator: re.Pattern[str]) -> bool:
    """Whether line `i` is a data row of a separated table: separated cells, the first no column header."""
    if i >= len(lines) or not separator.search(lines[i].text.strip()):
        return False
    first = _split_cells(lines[i], separator)[0].text
    return header_role(first) is None


def _spanning_text(cells: list[TableCell]) -> str | None:
    """The text of a row that is one cell merged across the table, None for a row of several cells.

    A merged cell comes out repeated into every column it spans (`一、…\t一、…`, as the format
    readers write `colspan`) or in the first column with the others empty (`| 一、… | | |`); only a
    category label makes a lone first cell such a row.
    """
    texts = [c.text for c in cells if c.text]
    if len(cells) < 2 or not texts or len(set(texts)) > 1:
        return None
    if len(texts) == 1 and (cells[0].text != texts[0] or not _is_category_heading(texts[0])):
        return None
    return texts[0]


def heading_line(line: Line) -> Line:
    """A category row's line as its one cell: the first cell of a row with separators, else the line."""
    if not _SEPARATOR_RE.search(line.text):
        return line
    cell = next((c for c in _split_cells(line) if c.text), None)
    return line if cell is None else Line(cell.text, cell.start)


@dataclass(frozen=True)
class _Layout:
    """How a flattened table writes its cells: one per line, per paragraph, or each closed by ` |`."""

    spaced: bool  # a blank line between cells (one cell per paragraph)
    piped: bool  # every cell ends with `|` (`序号 |` / `重点任务 |`)


@dataclass(frozen=True)
class FlatCell:
    """One cell of a flattened table: its text, span and lines (`line` to `next_line`, exclusive)."""

    text: str
    start: int
    end: int
    line: int
    next_line: int


def is_pipe_ended(text: str) -> bool:
    """A line that is one cell closed by a `|`, the only separator it holds."""
    return "\t" not in text and text.count("|") == 1 and text.rstrip().endswith("|") and len(text.strip()) > 1


def _blank(text: str) -> bool:
    return not text.strip()


def next_cell(lines: list[Line], i: int, layout: _Layout) -> FlatCell | None:
    """The cell at line `i` or after the blank lines there; None at the end of the text.

    One cell per paragraph: a blank line separates, a line of spaces or three
    blank lines in a row are an empty cell.  One cell per line: a blank line is
    an empty cell.  Cells closed by `|` may run over several lines.
    """
    n = len(lines)
    if layout.spaced or layout.piped:
        run, spaces = i, False
        while i < n and _blank(lines[i].text):
            spaces = spaces or bool(lines[i].text)
            i += 1
        if layout.spaced and not layout.piped and i > run and (spaces or i - run >= EMPTY_CELL_BLANK_RUN):
            return FlatCell("", lines[run].start, lines[run].start, run, i)
    if i >= n:
        return None
    first = i
    if layout.piped:
        while i < n - 1 and i - first < MAX_CELL_LINES and not lines[i].text.rstrip().endswith("|"):
            i += 1
        if not lines[i].text.rstrip().endswith("|"):
            i = first  # no closing `|`: the line alone
    parts = [ln.text for ln in lines[first : i + 1]]
    parts[-1] = _TRAILING_PIPE_RE.sub("", parts[-1]) if layout.piped else parts[-1]
    lead = len(parts[0]) - len(parts[0].lstrip())
    start = lines[first].start + lead
    end = lines[i].start + len(parts[-1].rstrip()) if parts[-1].strip() else start
    text = "".join(p.strip() for p in parts)
    return FlatCell(text, start, max(end, start), first, i + 1)


def _layout_at(lines: list[Line], at: int) -> _Layout:
    piped = is_pipe_ended(lines[at].text)
    spaced = (
        at + 2 < len(lines) and _blank(lines[at + 1].text) and header_role(_cell_text(lines[at + 2].text)) is not None
    )
    return _Layout(spaced, piped)


def _cell_text(text: str) -> str:
    return _TRAILING_PIPE_RE.sub("", text) if is_pipe_ended(text) else text


def _flattened_header(lines: list[Line], at: int, layout: _Layout) -> tuple[list[FlatCell], tuple[str, ...], int]:
    header: list[FlatCell] = []
    roles: list[str] = []
    i = at
    while (cell := next_cell(lines, i, layout)) is not None and cell.text:
        role = header_role(cell.text)
        if role is None:
            break
        header.append(cell)
        roles.append(role)
        i = cell.next_line
    return header, tuple(roles), i


def _flattened_table(lines: list[Line], at: int, is_heading: Callable[[str], bool]) -> TableBlock | None:
    layout = _layout_at(lines, at)
    header, roles, first = _flattened_header(lines, at, layout)
    kind = table_kind(roles)
    if kind is None or len(header) < 2:
        return None
    names = _column_names(tuple(h.text for h in header), roles)
    if kind == "indicator":
        end = _indicator_end(lines, first, layout, is_heading)
        problems = () if end > first else ((at, "an indicator table header with no rows under it"),)
        return TableBlock(kind, at, end, names, roles, (), problems=problems)
    if "serial" in roles:
        rows, headings, end, problems = _serial_rows(lines, first, names, roles, layout)
    else:
        rows, end, problems = _flattened_task_rows(lines, first, names, roles, layout, is_heading)
        headings = []
    if not rows:
        problems.append((at, "a task table header with no rows under it"))
    return TableBlock(kind, at, end, names, roles, tuple(rows), tuple(headings), tuple(problems))


def _column_names(names: tuple[str, ...], roles: tuple[str, ...]) -> tuple[str, ...]:
    """The headers as written; beside a lead column and no support column, a plain one is qualified `(配合)`."""
    if "lead" not in roles or "support" in roles:
        return names
    return tuple(f"{n}{SUPPORT_QUALIFIER}" if r == "agency" else n for n, r in zip(names, roles, strict=True))


def _indicator_end(lines: list[Line], i: int, layout: _Layout, is_heading: Callable[[str], bool]) -> int:
    """First line after a flattened indicator table: cells run on while short, category rows included."""
    end = i
    while (cell := next_cell(lines, i, layout)) is not None:
        if not _is_indicator_cell(cell.text, lambda _: False):
            break
        ahead = [ln.text for ln in lines[cell.next_line : cell.next_line + 2 * CATEGORY_LOOKAHEAD + 2]]
        if is_heading(cell.text) and not category_continues(ahead, 0):
            break
        i = end = cell.next_line
    return end


def category_continues(texts: list[str], i: int, limit: int = CATEGORY_LOOKAHEAD) -> bool:
    """Whether the lines from `i` continue an indicator table after a category row (`一、发展水平`).

    They do when, before any sentence, a short cell that is no heading of
    the same style comes first and a number comes within `limit` cells.
    """
    seen = 0
    for text in texts[i:]:
        text = _cell_text(text).strip()
        if not text:
            continue
        if not _is_indicator_cell(text, lambda _: False):
            return False
        if seen == 0 and _is_category_heading(text):
            return False
        if re.search(r"\d", text) and seen > 0:
            return True
        seen += 1
        if seen > limit:
            return False
    return False


def _is_category_heading(text: str) -> bool:
    label = numbering.match_label(text)
    return label is not None and label.kind != "bullet" and label.style_key in CATEGORY_STYLES


def _is_titled_category(text: str) -> bool:
    """A category row's label with its title after it on the line (`一、夯实基础`, not `一、` alone)."""
    label = numbering.match_label(text)
    return _is_category_heading(text) and label is not None and bool(text[label.end :].strip())


def _is_indicator_cell(text: str, is_heading: Callable[[str], bool]) -> bool:
    return len(text) <= INDICATOR_CELL_MAX_CHARS and not _SENTENCE_END_RE.search(text) and not is_heading(text)


def serial_value(text: str) -> int | None:
    """The number a 序号 cell holds (`3`, `三`), None when it holds none."""
    text = text.strip().rstrip(".、")
    if re.fullmatch(r"[0-9]{1,5}", text):
        return int(text)
    return chinese_numeral(text) if text else None


def _flattened_task_rows(
    lines: list[Line],
    at: int,
    names: tuple[str, ...],
    roles: tuple[str, ...],
    layout: _Layout,
    is_heading: Callable[[str], bool],
) -> tuple[list[tuple[TableCell, ...]], int, list[tuple[int, str]]]:
    """Rows of as many cells as the header has, up to a heading (a table without a 序号 column).

    An empty cell leaves no line behind in the normalised text, so a row may
    come short: where the task column comes first and every task so far ends
    its sentence (`。`) while no unit cell did, a cell ending one in a units
    column is the next row's task, and the short row is kept and reported.
    """
    rows: list[tuple[TableCell, ...]] = []
    problems: list[tuple[int, str]] = []
    tasks_end, units_end = True, False  # every task cell so far ends a sentence; some unit cell does
    while True:
        chunk: list[FlatCell] = []
        i, cut = at, False
        may_cut = bool(rows) and roles[0] == "task" and tasks_end and not units_end
        while len(chunk) < len(names) and (cell := next_cell(lines, i, layout)) is not None:
            if may_cut and len(chunk) >= 2 and roles[len(chunk)] in RESPONSIBILITY_ROLES and _ends_sentence(cell.text):
                cut = True  # the next row's task: this row lost an empty cell
                break
            chunk.append(cell)
            i = cell.next_line
        short = cut and len(chunk) < len(names)
        if (len(chunk) < len(names) and not short) or any(is_heading(c.text) for c in chunk):
            break
        if short:
            problems.append((chunk[0].line, f"a task table row has {len(chunk)} of {len(names)} cells"))
        rows.append(tuple(TableCell(n, c.text, c.start, c.end) for n, c in zip(names, chunk, strict=False)))
        tasks_end = tasks_end and _ends_sentence(chunk[0].text)
        units_end = units_end or any(
            _ends_sentence(c.text) for r, c in zip(roles[1:], chunk[1:], strict=False) if r in RESPONSIBILITY_ROLES
        )
        at = i
    return rows, at, problems


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(("。", ";", "!", "?"))


def _serial_rows(
    lines: list[Line], at: int, names: tuple[str, ...], roles: tuple[str, ...], layout: _Layout
) -> tuple[list[tuple[TableCell, ...]], list[int], int, list[tuple[int, str]]]:
    """Rows that each open with a rising 序号, category rows (`一、…`) between them, to the table's end.

    A row takes the cells after its number up to the next number, category
    row or header repeat (a page break), at most as many as the header has;
    a short row keeps what it has and is reported.  Returns the rows, the
    lines of the category rows, the line after the table and the problems.
    """
    width = len(names)
    serial_col = roles.index("serial")
    rows: list[tuple[TableCell, ...]] = []
    headings: list[int] = []
    problems: list[tuple[int, str]] = []
    last: int | None = None
    end = at
    i = at
    while (cell := next_cell(lines, i, layout)) is not None:
        if not cell.text:
            i = cell.next_line
            continue
        if (repeat := _header_repeat(lines, cell, names, layout)) is not None:
            i = end = repeat
            continue
        number = serial_value(cell.text)
        if number is not None and (last is None or number > last):
            row, i = _serial_row(lines, cell, number, width, layout)
            if len(row) != width:
                problems.append((cell.line, f"a task table row has {len(row)} of {width} cells"))
            cells = [c for c in row]
            if serial_col:  # the number is not the first column: put it back in its place
                cells.insert(serial_col, cells.pop(0))
            rows.append(tuple(TableCell(n, c.text, c.start, c.end) for n, c in zip(names, cells, strict=False)))
            last, end = number, i
            continue
        if _is_category_heading(cell.text) and _serial_follows(lines, cell.next_line, layout, last):
            headings.append(cell.line)
            i = end = cell.next_line
            continue
        break
    return rows, headings, end, problems


def _serial_row(
    lines: list[Line], first: FlatCell, number: int, width: int, layout: _Layout
) -> tuple[list[FlatCell], int]:
    row = [first]
    i = first.next_line
    while len(row) < width and (cell := next_cell(lines, i, layout)) is not None:
        if len(row) >= 2 and _opens_next_row(lines, cell, number, layout):
            break
        row.append(cell)
        i = cell.next_line
    return row, i


def _opens_next_row(lines: list[Line], cell: FlatCell, number: int, layout: _Layout) -> bool:
    following = serial_value(cell.text)
    if following is not None and following > number and not YEAR_MIN <= following <= YEAR_MAX:
        return True
    return _is_category_heading(cell.text) and _serial_follows(lines, cell.next_line, layout, number)


def _serial_follows(lines: list[Line], i: int, layout: _Layout, last: int | None) -> bool:
    """Whether, past further category rows, the next cell is a rising 序号."""
    for _ in range(CATEGORY_LOOKAHEAD):
        cell = next_cell(lines, i, layout)
        if cell is None:
            return False
        if cell.text and not _is_category_heading(cell.text):
            number = serial_value(cell.text)
            return number is not None and (last is None or number > last)
        i = cell.next_line
    return False


def _header_repeat(lines: list[Line], cell: FlatCell, names: tuple[str, ...], layout: _Layout) -> int | None:
    """The line after a header run repeated (on a new page) starting at `cell`, None when there is none."""
    if cell.text != names[0]:
        return None
    i = cell.next_line
    for name in (n.removesuffix(SUPPORT_QUALIFIER) for n in names[1:]):
        nxt = next_cell(lines, i, layout)
        if nxt is None or "".join(nxt.text.split()) != "".join(name.split()) and not name.startswith(nxt.text):
            return None
        i = nxt.next_line
    return i
