"""Stage 4a: quantitative targets stated in the measures of a plan.

Two sources, merged in reading order:

1. running text: every quantity of `quantities.find_quantities` (numeral +
   unit + comparator words, minus the not-target patterns) becomes an
   indicator whose `quote` is its clause;
2. indicator tables (`indicator_tables`): one indicator per row, with
   baseline, base year and attribute; numbers inside a table are not read
   again as running text.

Quote: the clause holding the quantity (clauses end at , ; : 。 ! ? and line
breaks; a comma between digits, as in 1,200, is not a break).  When a clause
holds several quantities it is cut at the last 、/和/及/与/并 before each
later one, so `培养10个名校长、10名名家` gives two quotes.

Metric (best effort): the words after the unit up to the end of the quote
(`培养10个海淀教育名校长` -> 海淀教育名校长); when nothing follows the
quantity, the words before it, without leading verbs such as 确保 and 实现
(`智慧校园覆盖率达到95%` -> 智慧校园覆盖率).

Target year and kind: see `indicator_context`.  Past achievements are
recognised and, unless `include_achievements` is set, left out: the
indicators table is for what a plan promises.

Measure: the innermost measure whose span holds the quote; failing that (an
outline that does not cover the text) the last measure starting before it.
Quantities before the first measure (news leads, preambles) are dropped,
except targets their own sentence dates: a news digest of a plan states the
plan's targets in its lead, and they are the document's (no measure).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from plandata.extract.deadlines import prose_deadline
from plandata.extract.indicator_context import Context, lead_year, paragraph_year, read_context, year_of
from plandata.extract.indicator_tables import IndicatorTable, TableRow, find_indicator_tables
from plandata.extract.numbers import YEAR, year_number
from plandata.extract.quantities import Quantity, find_quantities
from plandata.extract.quantity_rules import load_units
from plandata.model import Indicator, Measure, NormalisedDocument
from plandata.structure.numbering import match_label
from plandata.structure.table_blocks import header_role

# Clause breaks, one character each: a comma is one unless it separates thousands
# (1,200: a digit before it, exactly three after); so are the cell separators of a
# table row written on one line.  Both break at every line end (see `_piece_at`).
CLAUSE_BREAK_RE = re.compile(r"[;。!?:\n\t|,](?<!\d,(?=\d{3}(?!\d)))")
SENTENCE_BREAK_RE = re.compile(r"[。!?\n]")
# Words that join two quantities inside one clause; the quote is cut at the last one.
JOINER_RE = re.compile(r"、|以及|和|及|与|并")
# Verbs and adverbs that open a clause without naming what is measured.
# Scope words (全区, 全市) and a leading year (2026年) go too: they are in other columns.
LEADING_VERBS_RE = re.compile(
    r"^(?:其中|确保|力争|争取|实现|使得|使|保持|推动|促进|全面|基本|进一步|继续|实施|完成|达成|要|全[区市县省国镇]"
    rf"|(?:到|至|于)?{YEAR}\s*年(?:底|末)?(?:前|以前|之前)?"
    # a period, which the target year already says: “十四五”期间, 到“十四五”末, 三年内
    r"|(?:到|至)?“?十[一二三四五六七八九]五”?(?:时期|期间|期末|末)|[一二三四五两\d]年(?:内|间))+"
)
# Verbs that link a metric named before the number to it (覆盖率保持在100%).
# What ends a metric but is not part of it: the verb before the number (提高到, 力争达到, 建成), and the
# base it is compared with (较2020年, 比2020年底), which the quantity does not carry.
TRAILING_VERBS_RE = re.compile(
    rf"(?:(?:比|较){YEAR}\s*年(?:底|末)?|保持在|稳定在|控制在|(?:提高|提升|增加|增长|下降|降低)到|降至"
    r"|力争|争取|确保|基本|建成|实现|保持|提高|提升|增加|增长|达到|达|分别|年均|均|都|要|为|是|在|原则上|一般)+$"
)
_METRIC_TRIM = " 的,、"
BRACKETED_RE = re.compile(r"\([^()]*\)")
DEADLINE_YEAR_RE = re.compile(rf"({YEAR})\s*年")


@dataclass(frozen=True)
class _Found:
    """An indicator before it has an id and a measure."""

    start: int
    end: int
    metric: str | None
    comparator: str
    comparator_word: str | None
    values: tuple[float | None, float | None, float | None]  # value, value_min, value_max
    unit: str | None
    context: Context
    baseline: tuple[float | None, int | None] = (None, None)
    attribute: str | None = None
    in_table: bool = False  # a row of an indicator table: its year comes from the table alone


def _piece_at(text: str, breaks: re.Pattern[str], pos: int) -> tuple[int, int]:
    """(start, end) of the piece of `text` between two breaks that holds `pos` (a break at `pos` ends it).

    Breaks are single characters and every line end is one, so only the line
    of `pos` is searched.
    """
    start = text.rfind("\n", 0, pos) + 1
    for m in breaks.finditer(text, start):
        if m.end() > pos:
            return start, m.start()
        start = m.end()
    return start, len(text)


class _Pieces:
    """`_piece_at` for many positions of one text in order: the breaks of each line are found once.

    A line with many quantities would otherwise be read from its start again
    for each.  The breaks of the line of the last position asked are kept:
    every match of `breaks` from the line start up to the one that ends past
    the line end (a line end is always a break), found as `_piece_at` finds
    them, so the pieces are the same.
    """

    def __init__(self, text: str, breaks: re.Pattern[str]) -> None:
        self.text, self.breaks = text, breaks
        self._line = (0, -1)  # start and end (its \n, or the text's end) of the line whose breaks are kept
        self._starts: list[int] = []
        self._ends: list[int] = []

    def at(self, pos: int) -> tuple[int, int]:
        """(start, end) of the piece holding `pos`: `_piece_at(text, breaks, pos)`."""
        if not self._line[0] <= pos <= self._line[1]:
            self._read_line(pos)
        k = bisect.bisect_right(self._ends, pos)  # the first break ending after `pos` ends the piece
        start = self._ends[k - 1] if k else self._line[0]
        return start, self._starts[k] if k < len(self._starts) else len(self.text)

    def _read_line(self, pos: int) -> None:
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        self._line = (start, len(self.text) if end < 0 else end)
        self._starts, self._ends = [], []
        for m in self.breaks.finditer(self.text, start):
            self._starts.append(m.start())
            self._ends.append(m.end())
            if m.end() > self._line[1]:
                break


def _cut_points(text: str, quantities: list[Quantity]) -> list[tuple[int | None, int | None]]:
    """(quote start, quote end) overrides for quantities sharing one clause."""
    cuts: list[int | None] = [None]
    for prev, cur in zip(quantities, quantities[1:], strict=False):
        joiners = list(JOINER_RE.finditer(text, prev.end, cur.start))
        cuts.append(joiners[-1].start() if joiners else None)
    bounds = []
    for i in range(len(quantities)):
        start = None
        if cuts[i] is not None:
            start = cuts[i] + len(JOINER_RE.match(text, cuts[i]).group())
        bounds.append((start, cuts[i + 1] if i + 1 < len(cuts) else None))
    return bounds


def _row_clause(text: str, clause: tuple[int, int]) -> tuple[int, int]:
    """A clause that ends at a table cell separator runs on to the end of the row (its deadline cell)."""
    if clause[1] < len(text) and text[clause[1]] in "\t|":
        line_end = text.find("\n", clause[1])
        return clause[0], len(text) if line_end < 0 else line_end
    return clause


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Where a numbering label may open a quote: a line, a table cell, a sentence, or a clause of a list (…;(2)建设…).
_LABEL_AFTER = "\n\t|;。"


def _unlabelled(text: str, quote: tuple[int, int], quantity_start: int) -> tuple[int, int]:
    """`quote` without the numbering label opening it (`1.新建幼儿园15所` in a task cell: 新建幼儿园15所).

    The label numbers the item, not the quantity; it stays out of the quote and the metric.
    """
    start, end = quote
    if start > 0 and text[start - 1] not in _LABEL_AFTER:
        return quote
    label = match_label(text[start:end])
    if label is None or start + label.end > quantity_start:
        return quote
    return start + label.end, end


def metric_of(text: str, quote: tuple[int, int], quantity: Quantity) -> str | None:
    """Best-effort name of what the quantity measures (see the module docstring)."""
    tail = text[quantity.end : quote[1]].strip(_METRIC_TRIM)
    if BRACKETED_RE.fullmatch(tail):  # a note after the quantity (2024年底前完成) names no metric
        tail = ""
    if len(re.findall(r"[\u4e00-\u9fff]", tail)) >= 2:
        return tail
    head = LEADING_VERBS_RE.sub("", text[quote[0] : quantity.start].strip(_METRIC_TRIM))
    head = TRAILING_VERBS_RE.sub("", head.strip(_METRIC_TRIM)).strip(_METRIC_TRIM)
    return head or None


def _text_indicators(text: str, skip: list[tuple[int, int]], plan_period_end: int | None) -> list[_Found]:
    quantities = [q for q in find_quantities(text) if not any(s <= q.number_start < e for s, e in skip)]
    clauses, sentences = _Pieces(text, CLAUSE_BREAK_RE), _Pieces(text, SENTENCE_BREAK_RE)
    by_clause: dict[tuple[int, int], list[Quantity]] = {}
    for q in quantities:
        by_clause.setdefault(clauses.at(q.number_start), []).append(q)
    found = []
    for clause, members in by_clause.items():
        for q, (cut_start, cut_end) in zip(members, _cut_points(text, members), strict=True):
            quote = _trim(
                text, cut_start if cut_start is not None else clause[0], cut_end if cut_end is not None else clause[1]
            )
            quote = _unlabelled(text, (min(quote[0], q.start), max(quote[1], q.end)), q.start)
            sentence = sentences.at(q.number_start)
            context = read_context(text, sentence, _row_clause(text, clause), q.number_start, q.end, plan_period_end)
            found.append(
                _Found(
                    quote[0],
                    quote[1],
                    metric_of(text, quote, q),
                    q.comparator,
                    q.comparator_word,
                    (q.value, q.value_min, q.value_max),
                    q.unit.unit,
                    context,
                )
            )
    return found


def _table_indicators(tables: list[IndicatorTable]) -> list[_Found]:
    found = []
    for table in tables:
        for row in table.rows:
            found.append(_from_row(row))
    return found


def _from_row(row: TableRow) -> _Found:
    comparator, value, low, high, word = row.target
    source = "inferred" if row.target_year else None
    return _Found(
        row.start,
        row.end,
        row.metric or None,
        comparator,
        word,
        (value, low, high),
        row.unit,
        Context(row.target_year, source, "target"),
        (row.baseline_value, row.baseline_year),
        row.attribute,
        True,
    )


def _document_target(f: _Found) -> bool:
    """A target before the first measure that its own sentence dates (`…到2025年,全省…达到98%`).

    A news digest or a lead states the plan's targets there too; they are the
    document's, under no measure.  Undated figures there (a preamble's counts) are not.
    """
    return not f.in_table and f.context.kind == "target" and f.context.target_year_source == "stated"


def _measure_for(measures: list[Measure], start: int, end: int) -> Measure | None:
    holding = [m for m in measures if m.start <= start and end <= m.end]
    if holding:
        return min(holding, key=lambda m: (m.end - m.start, -m.start))
    before = [m for m in measures if m.start <= start]
    return max(before, key=lambda m: m.start) if before else None


def _normalised(value: float | None, unit: str | None) -> float | None:
    known = load_units().get(unit or "")
    if value is None or known is None:
        return None
    return value * known.multiplier


def _indicator(doc: NormalisedDocument, n: int, measure: Measure | None, f: _Found) -> Indicator:
    known = load_units().get(f.unit or "")
    raw_start, raw_end = doc.mapped.raw_span(f.start, f.end)
    value, low, high = f.values
    return Indicator(
        f"{doc.document_id}:i{n:04d}",
        None if measure is None else measure.measure_id,
        doc.document_id,
        doc.text[f.start : f.end],
        f.metric,
        f.comparator,
        f.comparator_word,
        value,
        low,
        high,
        f.unit,
        _normalised(value, f.unit),
        _normalised(low, f.unit),
        _normalised(high, f.unit),
        known.unit_normalised if known else None,
        f.context.target_year,
        f.context.target_year_source,
        f.baseline[0],
        f.baseline[1],
        f.attribute,
        f.context.kind,
        f.start,
        f.end,
        raw_start,
        raw_end,
    )


class _Years:
    """The years that govern a quantity whose own sentence names none (see `governing`)."""

    def __init__(self, text: str, measures: list[Measure], period: tuple[int | None, int | None]) -> None:
        self.text = text
        self.by_id = {m.measure_id: m for m in measures}
        self.children: dict[str | None, list[Measure]] = {}
        for m in measures:
            self.children.setdefault(m.parent_id, []).append(m)
        self.period_start, self.period_end = period

    def governing(self, f: _Found, measure: Measure | None) -> Context:
        """The context of `f` with the nearest governing year, in this order.

        1. `deadline`: the deadline cell of its task-table row (`2024年底`), or the deadline
           its own text writes (`完成时限:2023年底`, `deadlines.prose_deadline`);
        2. `paragraph`: a year an earlier sentence of its paragraph gave;
        3. `section`: a year opening a line of its measure above it, its heading
           (`2025年…主要预期目标`), or the lead lines of an enclosing heading before
           its first sub-heading (`(二)工作目标` / `到2018年,…`);
        4. `period`: the end of the document's plan period (title, manifest; known at both ends), failing all.

        A year before the plan period starts is a baseline, not a target year: stated in the sentence, it
        makes the figure an achievement; governing from further off, it stops the search.
        """
        if f.in_table or f.context.kind != "target" or (f.context.marked and f.context.target_year is None):
            return f.context
        if f.context.target_year is not None:
            past = self.period_start is not None and f.context.target_year < self.period_start
            return Context(None, None, "achievement") if past else f.context  # a year before the plan: a baseline
        found = self._deadline(measure) or self._paragraph(f.start) or self._section(measure, f.start)
        if found is None and self.period_start is not None and self.period_end is not None:
            found = (self.period_end, "period")
        if found is None or (self.period_start is not None and found[0] < self.period_start):
            return f.context
        return Context(found[0], found[1], "target")

    def _deadline(self, measure: Measure | None) -> tuple[int, str] | None:
        if measure is None:
            return None
        cells = [c.text for c in measure.cells if header_role(c.header) == "deadline"]
        # A measure built outside `build` may not carry its prose deadline yet: read it here too.
        deadline = measure.deadline or (None if measure.cells else prose_deadline(measure.text))
        for written in ([deadline] if deadline else []) + cells:
            years = DEADLINE_YEAR_RE.findall(written)
            # Steps with their years (2022年启动、2025年完成): the work is done by the last one.
            if len(years) > 1:
                return year_number(years[-1]), "deadline"
            year = year_of(written, self.period_end)
            if year is not None:
                return year[0], "deadline"
            # A deadline cell is a date on its own (2025年12月, 2023—2025年): its year.
            if years:
                return year_number(years[-1]), "deadline"
        return None

    def _paragraph(self, pos: int) -> tuple[int, str] | None:
        sentence_start = max(self.text.rfind(c, 0, pos) for c in "。!?\n") + 1
        year = paragraph_year(self.text, sentence_start, self.period_end)
        return None if year is None else (year, "paragraph")

    def _section(self, measure: Measure | None, pos: int) -> tuple[int, str] | None:
        line_start = self.text.rfind("\n", 0, pos) + 1
        innermost = True
        while measure is not None:
            kids = self.children.get(measure.measure_id, [])
            if innermost:  # its own lines above the quantity, less those of sub-headings closed before it
                end, skip = line_start, [(k.start, k.end) for k in kids if k.end <= line_start]
            else:  # an enclosing heading: its lines before its first sub-heading
                end, skip = min([k.start for k in kids] + [line_start]), []
            year = self._last_lead_year(measure.start, end, skip)
            if year is not None:
                return year, "section"
            measure, innermost = self.by_id.get(measure.parent_id or ""), False
        return None

    def _last_lead_year(self, start: int, end: int, skip: list[tuple[int, int]]) -> int | None:
        last = None
        pos = start
        while pos < end:
            line_end = self.text.find("\n", pos, end)
            line_end = end if line_end < 0 else line_end
            if not any(s <= pos < e for s, e in skip):
                line = self.text[pos:line_end]
                label = match_label(line)
                year = lead_year(line[label.end :] if label else line, self.period_end)
                last = year if year is not None else last
            pos = line_end + 1
        return last


def extract_indicators(
    doc: NormalisedDocument,
    measures: list[Measure],
    plan_period_end: int | None,
    *,
    include_achievements: bool = False,
    plan_period_start: int | None = None,
) -> list[Indicator]:
    """Indicators stated in the measures of one document, in reading order.

    A quantity whose sentence names no year takes the year that governs it (`_Years.governing`).
    """
    tables = find_indicator_tables(doc.text, plan_period_end)
    skip = [(t.start, t.end) for t in tables]
    found = _text_indicators(doc.text, skip, plan_period_end) + _table_indicators(tables)
    found.sort(key=lambda f: (f.start, f.end))
    years = _Years(doc.text, measures, (plan_period_start, plan_period_end))
    indicators: list[Indicator] = []
    for f in found:
        measure = _measure_for(measures, f.start, f.end)
        if measure is None and not _document_target(f):
            continue
        f = replace(f, context=years.governing(f, measure))
        if f.context.kind != "achievement" or include_achievements:
            indicators.append(_indicator(doc, len(indicators) + 1, measure, f))
    return indicators
