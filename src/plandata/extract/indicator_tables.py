"""Indicator tables (主要指标): one indicator per row, with baseline and attribute.

A table is a header run of cells followed by body cells, in either layout:

- delimited: one row per line, cells split by a tab, `|` or two spaces;
- flattened (as scraped pages often give it): one cell per line (blank lines
  between cells, a trailing ` |` and a header cell spaced out, `指  标`, are read).

The header must name a metric column (`指标`, `指标名称` …) and at least one
year or target column (`2020年`, `2025年目标值`, `目标值`); it may also have
category, unit, attribute (`属性`) and note columns.  Of the year columns the
one marked 基期/现状 (else the first) is the baseline and the one marked
目标/预期 (else the last) the target.  A caption line before the header
(`表1 “十四五”时期教育发展主要指标`) is part of the table.

Body rows are aligned from the right, so a category cell that spans several
rows (and so is written only once) does no harm: with an attribute column a
flattened row ends at its `约束性`/`预期性` cell, without one after as many
cells as the header has columns after the metric; a row closed by its
attribute one cell short is a new indicator without a baseline (the empty
cell a flattened table loses).  `其中:` sub-rows are rows
of their own; their metric drops the `其中:`; when their cells come column by
column (`…比例` / `其中:小学` / `初中` / base, base / target, target), they are
read so (see `_read_rows`).  Numbering before a metric (`1.`) is dropped.
The table ends at a sentence (a line with 。), a note (`注:`), a line too
long to be a cell, or a heading that no table row follows: a heading followed
by a metric and numbers is a category row (`一、发展水平`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from plandata.extract.numbers import NUMERAL_RE, parse_numeral
from plandata.extract.quantity_rules import comparator_words, load_units
from plandata.rules.rule_regex import first_chars
from plandata.structure.numbering import match_label
from plandata.structure.table_blocks import Line, category_continues, find_table

ATTRIBUTES = {"约束性": "binding", "预期性": "expected"}
# Header cells, by column type; each must match a whole cell.
HEADER_CELLS = {
    "metric": re.compile(r"(?:主要)?指标(?:名称)?|项目|名称|内容"),
    "category": re.compile(r"类别|领域|类型|分类|维度|序号|编号"),
    "unit": re.compile(r"(?:计量)?单位"),
    "attribute": re.compile(r"(?:指标)?(?:属性|性质)"),
    "note": re.compile(r"备注|说明"),
    "year": re.compile(
        r"(?:(?:19|20)\d{2}\s*年?)?(?:基期|基数|现状|基准|目标|预期|规划)?(?:值|数)?"
        r"(?:\s*[((](?:19|20)\d{2}\s*年?[))])?"
    ),
}
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")
_BASE_WORDS = ("基期", "基数", "现状", "基准")
_TARGET_WORDS = ("目标", "预期", "规划")
_CELL_SPLIT_RE = re.compile(r"\t+|\s*\|\s*|\s{2,}")
_CELL_SPLIT_CHAR_RE = re.compile(r"[\s|]")  # every cell separator holds one of these
_CELL_CONTENT_RE = re.compile(r"[^\s|]")  # and no cell separator holds one of these
MAX_CELL_CHARS = 40
OTHER_HEADER_MAX_CHARS = 20  # a data table's header cells are short; a layout table's are not
_SENTENCE_END_RE = re.compile(r"[。;!?]")
_INNER_SPACE_RE = re.compile(r"\S\s+\S")
HEADER_SEARCH_LINES = 24  # lines a header run may take (one cell per paragraph: a blank line between cells)
# What a value cell may hold besides its number and comparator word: a unit (`年`, `万人`).
MAX_VALUE_EXTRA_CHARS = 3
_VALUE_MARKS_RE = re.compile(r"[\d.,%‰〔〕\[\]()【】—–\-~至到\s]")
# A note, or a heading of the outline (一、 (一) 第一章), ends a table.
_TABLE_END_RE = re.compile(
    r"^(?:注|备注|说明|资料来源)[::]?|^[一二三四五六七八九十]+、|^\(?[一二三四五六七八九十]+\)|^第[一二三四五六七八九十]+[章节]"
)
_NOTE_RE = re.compile(r"^(?:注|备注|说明|资料来源)[::]?")
CATEGORY_LOOKAHEAD = 8  # lines read ahead to tell a category row from a heading after the table
_EMPTY_VALUE_RE = re.compile(r"[—–\-/]*|无")
_SUB_ROW_RE = re.compile(r"^其中[::]?\s*")
_UNIT_IN_METRIC_RE = re.compile(r"\s*[((](?:单位[::])?(?P<unit>[^()()]{1,6})[))]\s*$")


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and its span in the document text."""

    text: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class TableRow:
    """One indicator row of a table, read into values."""

    start: int
    end: int
    metric: str
    unit: str | None
    target: tuple[str, float | None, float | None, float | None, str | None]  # comparator, value, min, max, word
    target_year: int | None
    baseline_value: float | None
    baseline_year: int | None
    attribute: str | None


@dataclass(frozen=True)
class IndicatorTable:
    """A table found in a document: its span and its rows."""

    start: int
    end: int
    rows: tuple[TableRow, ...]


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _cells(start: int, line: str, index: int) -> list[Cell]:
    """Cells of one line (a single cell when it has no separator), with document offsets.

    A header cell spaced out to fill its column (`指  标`) is one cell.
    """
    if (squeezed := _spaced_header(line)) is not None:
        lead = len(line) - len(line.lstrip())
        return [Cell(squeezed, start + lead, start + len(line.rstrip()), index)]
    cells, pos = [], 0
    for sep in [*_CELL_SPLIT_RE.finditer(line), None]:
        end = sep.start() if sep else len(line)
        piece = line[pos:end]
        if piece.strip():
            at = start + pos + len(piece) - len(piece.lstrip())
            cells.append(Cell(piece.strip(), at, at + len(piece.strip()), index))
        pos = sep.end() if sep else len(line)
    return cells


def _spaced_header(line: str) -> str | None:
    """`指标` for a line `指  标`: a header cell without its inner spaces; None for any other line."""
    if "|" in line or "\t" in line or len(line) > MAX_CELL_CHARS or not _INNER_SPACE_RE.search(line.strip()):
        return None
    squeezed = "".join(line.split())
    return squeezed if header_type(squeezed) is not None else None


def _first_cell(line: str) -> str:
    """Text of the first cell of a line (that of `_cells(…)[0]`), "" when it has none."""
    if (squeezed := _spaced_header(line)) is not None:
        return squeezed
    if not _CELL_SPLIT_CHAR_RE.search(line):
        return line.strip()
    pos = 0
    for sep in _CELL_SPLIT_RE.finditer(line):
        if piece := line[pos : sep.start()].strip():
            return piece
        pos = sep.end()
    return line[pos:].strip()


@lru_cache(maxsize=1)
def _header_starts() -> frozenset[str] | None:
    """Every character a header cell can start with; None when some pattern's start is unknown."""
    starts = [first_chars(regex, nonempty=True) for regex in HEADER_CELLS.values()]
    return None if None in starts else frozenset().union(*starts)  # type: ignore[arg-type]


def _may_start_header(line: str) -> bool:
    """False when the first cell of `line` (see `_first_cell`) can be no header cell.

    That cell starts at the line's first character that is neither white
    space nor `|` (all else before it is separators and blanks), so only that
    character is read, not the whole line.
    """
    starts = _header_starts()
    if starts is None:
        return True
    first = _CELL_CONTENT_RE.search(line)
    return first is not None and first.group() in starts


def _marks_year(cell: str) -> bool:
    return any(w in cell for w in _BASE_WORDS + _TARGET_WORDS)


def header_type(cell: str) -> str | None:
    """Column type of a header cell, or None when it is not one."""
    for kind, regex in HEADER_CELLS.items():
        if cell and regex.fullmatch(cell) and (kind != "year" or _YEAR_RE.search(cell) or _marks_year(cell)):
            return kind
    return None


def _year_roles(header: list[Cell]) -> dict[int, str]:
    """Column index -> 'base' or 'target' for the year columns of a header."""
    years = [i for i, c in enumerate(header) if header_type(c.text) == "year"]
    roles: dict[int, str] = {}
    for i in years:
        if any(w in header[i].text for w in _BASE_WORDS):
            roles[i] = "base"
        elif any(w in header[i].text for w in _TARGET_WORDS):
            roles[i] = "target"
    unmarked = [i for i in years if i not in roles]
    if "target" not in roles.values() and unmarked:
        roles[unmarked.pop()] = "target"
    target = next((i for i, r in roles.items() if r == "target"), None)
    earlier = [i for i in unmarked if target is not None and i < target]
    if "base" not in roles.values() and earlier:
        roles[earlier[-1]] = "base"
    return roles


def _cell_year(cell: Cell) -> int | None:
    m = _YEAR_RE.search(cell.text)
    return int(m.group()) if m else None


def parse_value(cell: str) -> tuple[str, float | None, float | None, float | None, str | None]:
    """A value cell as (comparator, value, value_min, value_max, word); value None when empty."""
    text = re.sub(r"^[〔\[(【](.*)[〕\])】]$", r"\1", cell.strip())  # 〔5〕: cumulative over the period
    comparator, word = "eq", None
    for position in ("before", "lead"):
        for w in comparator_words(position):
            if text.startswith(w.word):
                comparator, word, text = w.comparator, w.word, text[len(w.word) :].strip()
                break
    for w in comparator_words("after"):
        if text.endswith(w.word):
            comparator, word, text = w.comparator, w.word, text[: -len(w.word)].strip()
            break
    text = text.rstrip("%‰").strip()
    numbers = [m for m in NUMERAL_RE.finditer(text)]
    if _EMPTY_VALUE_RE.fullmatch(text) or not numbers:
        return "eq", None, None, None, None
    between = text[numbers[0].end() : numbers[1].start()].strip() if len(numbers) == 2 else None
    if between in {w.word for w in comparator_words("between")}:
        low, high = parse_numeral(numbers[0].group()), parse_numeral(numbers[1].group())
        return "range", None, low, high, between
    return comparator, parse_numeral(numbers[0].group()), None, None, word


@dataclass(frozen=True)
class _Columns:
    """What a header says about the columns after the metric column."""

    kinds: tuple[str, ...]  # header type of each column after the metric
    roles: tuple[str | None, ...]  # base | target | None, per column after the metric
    years: tuple[int | None, ...]  # year named in each column's header
    width: int  # the metric column and those after it

    @classmethod
    def of(cls, header: list[Cell]) -> _Columns:
        types = [header_type(c.text) or "" for c in header]
        first = types.index("metric") + 1
        roles = _year_roles(header)
        after = range(first, len(header))
        return cls(
            tuple(types[first:]),
            tuple(roles.get(i) for i in after),
            tuple(_cell_year(header[i]) for i in after),
            len(header) - first + 1,
        )


def _find_header(cells: list[Cell]) -> list[Cell] | None:
    """The header run at the start of `cells`, when it makes an indicator table."""
    header: list[Cell] = []
    for cell in cells:
        if header_type(cell.text) is None:
            break
        header.append(cell)
    types = [header_type(c.text) for c in header]
    return header if "metric" in types and "year" in types else None


def _is_text(cell: Cell) -> bool:
    """A cell that can only be a metric or category name (`1.学前教育毛入园率(%)`, `一、发展水平`)."""
    return (
        not _is_value(cell.text)
        and not _EMPTY_VALUE_RE.fullmatch(cell.text)
        and cell.text not in ATTRIBUTES
        and cell.text not in load_units()
    )


def _is_value(text: str) -> bool:
    """A cell holding a number, with at most a comparator word and a unit besides (`12.3年以上`, `≥98`)."""
    _, value, low, high, word = parse_value(text)
    if (value, low, high) == (None, None, None):
        return False
    rest = text.replace(word, "", 1) if word else text
    for w in comparator_words("between"):
        rest = rest.replace(w.word, "")
    rest = NUMERAL_RE.sub("", _VALUE_MARKS_RE.sub("", rest))
    return len(rest) <= MAX_VALUE_EXTRA_CHARS


def _row_groups(body: list[Cell], columns: _Columns, delimited: bool) -> list[list[Cell]]:
    """Body cells grouped into rows (see the module docstring)."""
    if delimited:
        groups: dict[int, list[Cell]] = {}
        for cell in body:
            groups.setdefault(cell.line, []).append(cell)
        return list(groups.values())
    by_attribute = columns.kinds[-1:] == ("attribute",)
    rows: list[list[Cell]] = []
    pending: list[Cell] = []
    metric_at = None
    for cell in body:
        pending.append(cell)
        if by_attribute:
            if cell.text in ATTRIBUTES:
                rows.append(pending)
                pending = []
        elif _is_text(cell):
            metric_at = len(pending) - 1
        elif metric_at is not None and len(pending) - metric_at == columns.width:
            rows.append(pending)
            pending, metric_at = [], None
    return rows


def _read_table_rows(groups: list[list[Cell]], columns: _Columns, plan_period_end: int | None) -> list[TableRow]:
    """The indicator rows of a table's row groups; a `其中:` sub-row's parent may be in an earlier group."""
    rows: list[TableRow] = []
    state = _Parent()
    for group in groups:
        rows += _read_rows(group, columns, plan_period_end, state)
    return rows


@dataclass
class _Parent:
    """The last metric that was no sub-row, whether the row read last was one of its sub-rows, and its unit."""

    metric: _Metric | None = None
    in_subs: bool = False
    unit: str | None = None


def _unit_cell(cells: list[Cell], columns: _Columns) -> str | None:
    """The text under a unit column of a row aligned from the right; None without one."""
    if "unit" not in columns.kinds or len(cells) < columns.width:
        return None
    return cells[-columns.width + 1 + columns.kinds.index("unit")].text or None


def _read_rows(
    group: list[Cell], columns: _Columns, plan_period_end: int | None, state: _Parent | None = None
) -> list[TableRow]:
    """The indicator rows of one group of cells (a table row with its `其中:` sub-rows).

    The group is cut into segments, each a run of text cells (categories, a
    metric, `其中:` sub-metrics) and the value cells after it.  A segment whose
    sub-metrics come before all its values holds their cells column by column
    (`其中:小学` / `初中` / base, base / target, target); any other is one row,
    aligned from the right on the header's columns.  An attribute written once
    after the last segment applies to all of them.  A sub-row's metric is
    qualified by its parent (`专任教师本科以上学历比例(小学)`) and takes its
    unit, unless it names a measure of its own; a bare name right after a
    sub-row (`其中:小学` / … / `初中`) is a sub-row too.  `state` carries the
    parent from group to group.
    """
    value_kinds = [k for k in columns.kinds if k != "attribute"]
    segments = _segments(group)
    shared: Cell | None = None
    if columns.kinds[-1:] == ("attribute",) and segments and segments[-1][1][-1:]:
        last = segments[-1][1][-1]
        if last.text in ATTRIBUTES and sum(c.text in ATTRIBUTES for _, vals in segments for c in vals) == 1:
            shared = last
            segments[-1] = (segments[-1][0], segments[-1][1][:-1])
    rows: list[TableRow] = []
    state = state if state is not None else _Parent()
    for texts, values in segments:
        metrics = [_Metric.of(c) for c in texts]
        subs = [k for k, m in enumerate(metrics) if m.sub]
        if subs and subs[0] > 0 and len(values) > len(value_kinds):
            rows += _column_major(metrics[subs[0] - 1], metrics[subs[0] :], values, shared, columns, plan_period_end)
            state.metric, state.in_subs = metrics[subs[0] - 1], True
            continue
        cells = [*texts[-1:], *values, *([shared] if shared else [])]
        metric = metrics[-1] if metrics else None
        if metric is not None and metric.sub and len(metrics) > 1 and not metrics[-2].sub:
            state.metric = metrics[-2]  # `…比例` / `其中:小学` in one row: the parent is beside its sub-row
        parent = state.metric
        unit = _unit_cell(cells, columns)
        same_unit = unit is None or state.unit is None or unit == state.unit  # `新增学位 | 个` after `初中 | %`
        if metric is not None and not metric.sub and state.in_subs and same_unit and _is_sibling(metric):
            metric = replace(metric, sub=True)  # `初中` after `其中:小学`: a sibling sub-row
        if metric is not None and not metric.sub:
            state.metric, state.in_subs = metric, False
        elif metric is not None and parent is not None and not metric.name:
            metric = parent
        elif metric is not None and parent is not None:
            metric = _qualified(parent, metric)
            state.in_subs = True
        row = _read_row(cells, metric, columns, plan_period_end) if metric else None
        rows += [row] if row else []
        state.unit = unit
    return rows


# How a metric's name ends when it names a measure of its own (`公办园在园幼儿占比`), not a part of its
# parent's (`小学`, `本地户籍`).
_MEASURE_HEAD_RE = re.compile(r"(?:率|比例|比重|占比|比|数|量|额|年限|面积|经费|投入|收入|指数|水平|值|规模|人次)$")


def _is_part_name(metric: _Metric) -> bool:
    """A sub-row's name that names a part of its parent's measure: no unit and no measure of its own."""
    return bool(metric.name) and metric.unit is None and not _MEASURE_HEAD_RE.search(metric.name)


# Longest name, unnumbered, that continues a list of sub-rows without `其中:` (`初中` after `其中:小学`);
# a longer one (`新增公办学位`) is a metric of its own.
SIBLING_MAX_CHARS = 4


def _is_sibling(metric: _Metric) -> bool:
    return _is_part_name(metric) and len(metric.name) <= SIBLING_MAX_CHARS and match_label(metric.cell.text) is None


def _qualified(parent: _Metric, sub: _Metric) -> _Metric:
    """A sub-row's metric: `parent(sub)` with the parent's unit, unless it names a measure of its own."""
    if not _is_part_name(sub):
        return replace(sub, sub=True)
    return _Metric(sub.cell, f"{parent.name}({sub.name})", parent.unit, True)


_INNER_SUB_ROW_RE = re.compile(r"(?<=\S)\s*(?=其中[::])")


def _split_sub_rows(cell: Cell) -> list[Cell]:
    """A metric cell that goes on with its first sub-row (`…比例(%)其中:小学`, two lines of one cell) as two cells."""
    cut = _INNER_SUB_ROW_RE.search(cell.text) if _is_text(cell) else None
    if cut is None:
        return [cell]
    rest = cell.text[cut.end() :]
    return [
        Cell(cell.text[: cut.start()], cell.start, cell.start + cut.start(), cell.line),
        Cell(rest, cell.end - len(rest), cell.end, cell.line),
    ]


def _segments(group: list[Cell]) -> list[tuple[list[Cell], list[Cell]]]:
    segments: list[tuple[list[Cell], list[Cell]]] = []
    for cell in (piece for whole in group for piece in _split_sub_rows(whole)):
        if _is_text(cell):
            if not segments or segments[-1][1]:
                segments.append(([], []))
            segments[-1][0].append(cell)
        else:
            if not segments:
                segments.append(([], []))
            segments[-1][1].append(cell)
    # a bare `其中:` cell marks the metric after it
    for texts, _ in segments:
        for k in range(len(texts) - 2, -1, -1):
            if _SUB_ROW_RE.sub("", texts[k].text) == "" and _SUB_ROW_RE.match(texts[k].text):
                bare, nxt = texts[k], texts[k + 1]
                texts[k : k + 2] = [Cell(f"{bare.text}{nxt.text}", bare.start, nxt.end, nxt.line)]
    return segments


@dataclass(frozen=True)
class _Metric:
    """A metric cell read: its name without numbering, `其中:` and unit, and the unit it names."""

    cell: Cell
    name: str
    unit: str | None
    sub: bool

    @classmethod
    def of(cls, cell: Cell) -> _Metric:
        text = cell.text
        sub = bool(_SUB_ROW_RE.match(text))
        text = _SUB_ROW_RE.sub("", text)
        label = match_label(text)
        if label is not None and label.kind != "bullet" and text[label.end :].strip():
            text = text[label.end :]
        unit = None
        if in_metric := _UNIT_IN_METRIC_RE.search(text):
            text, unit = text[: in_metric.start()], in_metric.group("unit")
        return cls(cell, text.strip(), unit, sub)


def _column_major(
    parent: _Metric,
    subs: list[_Metric],
    values: list[Cell],
    shared: Cell | None,
    columns: _Columns,
    plan_period_end: int | None,
) -> list[TableRow]:
    """Rows of a parent metric and its sub-metrics whose value cells come column by column."""
    width = len([k for k in columns.kinds if k != "attribute"])
    count = len(values) // width
    if len(values) % width or count not in (len(subs), len(subs) + 1):
        return []
    metrics = subs if count == len(subs) else [parent, *subs]
    rows = []
    for r, metric in enumerate(metrics):
        own = [values[c * count + r] for c in range(width)]
        if count == len(subs):  # the parent has no values: the sub-metric qualifies it (`其中:小学`)
            name = f"{parent.name}({metric.name})" if metric.name else parent.name
            metric = _Metric(parent.cell, name, metric.unit or parent.unit, True)
        elif metric is not parent:
            metric = _qualified(parent, metric)
        row = _read_row([metric.cell, *own, *([shared] if shared else [])], metric, columns, plan_period_end)
        rows += [row] if row else []
    return rows


def _with_empty_baseline(group: list[Cell], columns: _Columns) -> list[Cell]:
    """`group` with an empty cell where the baseline goes, when the row is one cell short of it.

    A new indicator has no baseline, and a flattened table loses the empty
    cell.  Only a row closed by its attribute (`预期性`) is anchored well
    enough to say which cell is missing: one short, with the baseline
    column before the target, the missing one is the baseline.
    """
    if len(group) != columns.width - 1 or columns.kinds[-1:] != ("attribute",) or group[-1].text not in ATTRIBUTES:
        return group
    if "base" not in columns.roles or "target" not in columns.roles:
        return group
    base = columns.roles.index("base")
    if base > columns.roles.index("target"):
        return group
    at = len(group) - (columns.width - 1) + base + 1  # the base column's place among the row's cells
    gap = group[at - 1].end
    return [*group[:at], Cell("", gap, gap, group[at - 1].line), *group[at:]]


def _read_row(group: list[Cell], metric: _Metric, columns: _Columns, plan_period_end: int | None) -> TableRow | None:
    """One row, aligned from the right on the header's columns; None when it has no target value."""
    group = _with_empty_baseline(group, columns)
    if len(group) < columns.width:
        return None
    values = group[-columns.width + 1 :]
    unit = attribute = target = base = None
    for kind, role, year, cell in zip(columns.kinds, columns.roles, columns.years, values, strict=True):
        if kind == "unit":
            unit = cell.text
        elif kind == "attribute":
            attribute = ATTRIBUTES.get(cell.text)
        elif role == "target":
            target = (parse_value(cell.text), year, cell.text)
        elif role == "base":
            base = (parse_value(cell.text)[1], year)
    if target is None or target[0][1:4] == (None, None, None):
        return None
    unit = unit or metric.unit or ("%" if target[2].endswith("%") else None)
    base_value, base_year = base if base and base[0] is not None else (None, None)
    return TableRow(
        metric.cell.start,
        max(c.end for c in values),
        metric.name,
        unit,
        target[0],
        target[1] or plan_period_end,
        base_value,
        base_year,
        attribute,
    )


def _ends_table(lines: list[tuple[int, str]], line_no: int, cells: list[Cell]) -> bool:
    """A sentence, a note, a long cell or a heading end a table; a category row (`一、发展水平`) does not."""
    line = lines[line_no][1]
    if "。" in line or any(len(c.text) > MAX_CELL_CHARS for c in cells):
        return True
    if not _TABLE_END_RE.match(line.strip()):
        return False
    if _NOTE_RE.match(line.strip()):
        return True
    ahead = [text for _, text in lines[line_no + 1 : line_no + 1 + 2 * CATEGORY_LOOKAHEAD + 2]]
    return not category_continues(ahead, 0)


def find_indicator_tables(text: str, plan_period_end: int | None) -> list[IndicatorTable]:
    """Indicator tables of a document's normalised text, in reading order.

    Other data tables (rows of tab-separated short cells, as the format
    readers write every table, under a header that is neither an indicator
    nor a task-division header) come back too, with no rows: their spans
    are not mined for targets.
    """
    lines = _lines(text)
    tables: list[IndicatorTable] = []
    index = 0
    while index < len(lines):
        start = index
        table, index = _table_at(lines, index, plan_period_end)
        if table:
            tables.append(table)
        elif "\t" in lines[start][1] and (start == 0 or "\t" not in lines[start - 1][1]):
            other, index = _other_table_at(lines, start)
            tables += [other] if other else []
    return tables


def _other_table_at(lines: list[tuple[int, str]], index: int) -> tuple[IndicatorTable | None, int]:
    """A data table of tab-separated rows that is no task-division table, and the line to go on from."""
    end = index
    while end < len(lines) and "\t" in lines[end][1]:
        end += 1
    header = [c.strip() for c in lines[index][1].split("\t")]
    if end - index < 2 or any(len(c) > OTHER_HEADER_MAX_CHARS or _SENTENCE_END_RE.search(c) for c in header):
        return None, index + 1
    block = [Line(line, pos) for pos, line in lines[index:end]]
    found = find_table(block, 0, lambda _: False)
    if found is not None and found.kind == "task":  # its rows are measures: their targets are read
        return None, index + 1
    start, last = lines[index][0], lines[end - 1]
    return IndicatorTable(start, last[0] + len(last[1]), ()), end


def _table_at(
    lines: list[tuple[int, str]], index: int, plan_period_end: int | None
) -> tuple[IndicatorTable | None, int]:
    """The table whose header starts at line `index`, and the line to go on from."""
    line = lines[index][1]
    if not _may_start_header(line) or header_type(_first_cell(line)) is None:  # most lines: no more is read
        return None, index + 1
    ahead = range(index, min(len(lines), index + HEADER_SEARCH_LINES))
    header = _find_header([c for i in ahead for c in _cells(*lines[i], i)])
    delimited = header is not None and len({c.line for c in header}) == 1 and len(header) > 1
    if header is None:
        header = _two_row_header(lines, index)
        delimited = True
    if header is None:
        return None, index + 1
    columns = _Columns.of(header)
    body: list[Cell] = []
    line_no = max(c.line for c in header) + 1
    while line_no < len(lines):
        line_cells = _cells(*lines[line_no], line_no)
        if _ends_table(lines, line_no, line_cells):
            break
        body.extend(line_cells)
        line_no += 1
    groups = _row_groups(body, columns, delimited)
    if delimited:
        groups = [_without_serial(group, header) for group in groups]
    rows = _read_table_rows(groups, columns, plan_period_end)
    if not rows:
        return None, index + 1
    return IndicatorTable(min(lines[index][0], header[0].start), body[-1].end, tuple(rows)), line_no


_SERIAL_HEADER_RE = re.compile(r"序号|编号")


def _without_serial(group: list[Cell], header: list[Cell]) -> list[Cell]:
    """A delimited row without the cell under a 序号 column before the metric: a row number, not a value.

    Only a row with a cell under every header cell is aligned well enough to
    say which cell that is.
    """
    if len(group) != len(header):
        return group
    first = [header_type(c.text) for c in header].index("metric")
    return [c for k, c in enumerate(group) if k >= first or not _SERIAL_HEADER_RE.fullmatch(header[k].text)]


def _two_row_header(lines: list[tuple[int, str]], index: int) -> list[Cell] | None:
    """The header of a delimited table whose header is two rows high, its years in the second row.

    `类别 | 指标 | 指标值 | 属性` over `2020年 | 2025年`: the cell spanning the year
    columns names no column type.  The readers write a spanning cell once per
    column it spans (HTML, DOCX: the second row then holds every column) or
    once (a PDF's merged cell: the second row's cells stand for it).
    """
    if index + 1 >= len(lines) or "\t" not in lines[index][1] or "\t" not in lines[index + 1][1]:
        return None
    top, below = _cells(*lines[index], index), _cells(*lines[index + 1], index + 1)
    if any(header_type(c.text) is None for c in below):
        return None
    if len(below) == len(top):
        header = below
    else:
        gap = [k for k, c in enumerate(top) if header_type(c.text) is None]
        if not gap or gap != list(range(gap[0], gap[-1] + 1)) or len(below) <= len(gap):
            return None
        header = top[: gap[0]] + below + top[gap[-1] + 1 :]
    return header if _find_header(header) == header else None
