"""Quantities in running text: a numeral, its unit and the words that bound it.

`find_quantities` reads, around every numeral token (see `numbers`):

    [before|lead word] NUMBER [infix word] UNIT [after word]
    NUMBER [UNIT] SEPARATOR NUMBER UNIT            (a range)

A numeral is a quantity only when a unit of `data/units.csv` follows it, so
bare numbers (`5g`, `2.0`, outline labels `3.`) are never read.  Numerals that
fall in a match of `data/not_targets.csv` (titles in 《》, slogans, dates,
congress numbers, ages …) are skipped, and so is a Chinese numeral that
counts the items of a 、-list just before it (语、数、英三个学科).  When several comparator words apply,
the one nearest the unit wins: after/infix words, then words touching the
number, then lead words a few characters away, then a word standing before a
short `…的` phrase (不低于应交流人数的15%).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plandata.numbers import NUMERAL_RE, is_chinese, parse_numeral
from plandata.quantity_rules import (
    ComparatorWord,
    Unit,
    comparator_words,
    load_not_targets,
    load_units,
    units_longest_first,
)

# A lead word (至少, 约) may stand this many characters before the number, with
# only Han characters between (至少要配备1名); punctuation or digits stop it.
LEAD_GAP = 4
_LEAD_FILL_RE = re.compile(r"[\u4e00-\u9fff]*")
# Between a word touching the number and the number: spaces and the particle 了.
_TOUCH_FILL_RE = re.compile(r"[ 了]*$")
# A Chinese numeral that counts the items listed just before it, in its own clause,
# sums up a list (语、数、英三个学科; A、B、C、D、E五项重点工程): not a target.
_LIST_CLAUSE_START_RE = re.compile(r"[,;:。!?\n\t|]")
_LIST_JOINER_RE = re.compile(r"、|和|及|与")
# A word before a "…的" phrase bounds the number after it too (不低于应交流人数的15%).
OF_PHRASE_MAX = 10
_OF_PHRASE_RE = re.compile(rf"[\u4e00-\u9fff]{{1,{OF_PHRASE_MAX - 1}}}的")


@dataclass(frozen=True)
class Quantity:
    """One quantity found in the text; offsets index that text."""

    start: int  # the comparator word before the number, or the number
    end: int  # after the unit and any word after it
    number_start: int
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: Unit
    comparator: str
    comparator_word: str | None


def excluded_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of `text` where numbers are not quantities, with the rule that fired."""
    return [(m.start(), m.end(), rule.rule_id) for rule in load_not_targets() for m in rule.regex.finditer(text)]


def counts_listed_items(text: str, number_start: int, value: float) -> bool:
    """True when the number equals the count of a 、-list that ends right before it."""
    breaks = list(_LIST_CLAUSE_START_RE.finditer(text, max(0, number_start - 200), number_start))
    clause_start = breaks[-1].end() if breaks else max(0, number_start - 200)
    items = _LIST_JOINER_RE.split(text[clause_start:number_start])
    return "、" in text[clause_start:number_start] and all(items) and len(items) == value


def _excluded(start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    return any(s < end and start < e for s, e, _ in spans)


def _unit_at(text: str, pos: int) -> Unit | None:
    """The longest unit of the table written at `pos`."""
    for unit in units_longest_first():
        if text.startswith(unit.unit, pos):
            return unit
    return None


def _word_at(text: str, pos: int, position: str) -> ComparatorWord | None:
    for word in comparator_words(position):
        if text.startswith(word.word, pos):
            return word
    return None


def _word_before(text: str, pos: int) -> tuple[ComparatorWord, int] | None:
    """A comparator word ending just before `pos` (touching) or a lead word a little earlier."""
    head = text[max(0, pos - 12) : pos]
    fill = _TOUCH_FILL_RE.search(head)
    touch_end = pos - (len(fill.group()) if fill else 0)
    for word in comparator_words("before"):
        if text.endswith(word.word, 0, touch_end):
            return word, touch_end - len(word.word)
    for word in comparator_words("lead"):
        for gap in range(LEAD_GAP + 1):
            end = pos - gap
            if text.endswith(word.word, 0, end) and _LEAD_FILL_RE.fullmatch(text[end:pos]):
                return word, end - len(word.word)
    window_start = max(0, pos - OF_PHRASE_MAX - 4)
    for word in comparator_words("before"):
        at = text.rfind(word.word, window_start, pos)
        if at >= 0 and _OF_PHRASE_RE.fullmatch(text, at + len(word.word), pos):
            return word, at
    return None


@dataclass
class _Reading:
    """A numeral with what follows it, before the comparator is settled."""

    number_start: int
    cursor: int  # first character not yet read
    value: float
    unit: Unit | None = None
    value_max: float | None = None
    separator: str | None = None
    infix: ComparatorWord | None = None


def _read_unit(text: str, reading: _Reading, token: str) -> None:
    """Read an infix word and the unit after the numeral.

    A Chinese numeral may have swallowed the 万/亿 of a unit (十万人 is read
    as 十 + 万人 only when the table has 万人); Arabic ones never do.
    """
    for cut in (2, 1):
        head = token[-cut:]
        if len(token) > cut and head in ("万", "亿", "万亿") and _unit_at(text, reading.cursor - cut):
            value = parse_numeral(token[:-cut])
            if value is not None:
                reading.value, reading.cursor = value, reading.cursor - cut
                break
    reading.infix = _word_at(text, reading.cursor, "infix")
    if reading.infix:
        reading.cursor += len(reading.infix.word)
    elif _read_scaled_infix(text, reading):
        return
    reading.unit = _unit_at(text, reading.cursor)
    if reading.unit:
        reading.cursor += len(reading.unit.unit)


def _read_scaled_infix(text: str, reading: _Reading) -> bool:
    """万/亿 + infix + unit, read as the scaled unit (2万余名 is 2 万名, more than)."""
    scale = text[reading.cursor : reading.cursor + 1]
    infix = _word_at(text, reading.cursor + 1, "infix") if scale in ("万", "亿") else None
    if infix is None:
        return False
    base = _unit_at(text, reading.cursor + 1 + len(infix.word))
    unit = load_units().get(scale + base.unit) if base else None
    if unit is None:
        return False
    reading.infix, reading.unit = infix, unit
    reading.cursor += len(infix.word) + len(unit.unit)  # the scale, the infix and the base unit
    return True


def _read_range(text: str, reading: _Reading) -> None:
    """Extend a reading to a range when a separator and a larger number follow."""
    sep = _word_at(text, reading.cursor, "between")
    if not sep or reading.infix:
        return
    m = NUMERAL_RE.match(text, reading.cursor + len(sep.word))
    top = parse_numeral(m.group()) if m else None
    if m is None or top is None or top <= reading.value:
        return
    unit = _unit_at(text, m.end())
    if unit is None or (reading.unit and reading.unit != unit):
        return
    reading.value_max, reading.separator, reading.unit = top, sep.word, unit
    reading.cursor = m.end() + len(unit.unit)


def _settle(text: str, reading: _Reading) -> Quantity | None:
    """Pick the comparator and build the quantity; None when it is not one."""
    unit = reading.unit
    if unit is None:
        return None
    start = reading.number_start
    before = _word_before(text, reading.number_start)
    if unit.needs_comparator and before is None:
        return None
    if reading.separator:
        return Quantity(start, reading.cursor, start, None, reading.value, reading.value_max, unit,
                        "range", reading.separator)
    after = _word_at(text, reading.cursor, "after")
    end = reading.cursor + (len(after.word) if after else 0)
    if before:
        start = before[1]
    word = reading.infix or after or (before[0] if before else None)
    comparator = word.comparator if word else "eq"
    return Quantity(start, end, reading.number_start, reading.value, None, None, unit, comparator,
                    word.word if word else None)


def find_quantities(text: str, start: int = 0, end: int | None = None,
                    excluded: list[tuple[int, int, str]] | None = None) -> list[Quantity]:
    """Quantities whose numeral lies in `text[start:end]`, in reading order.

    `excluded` are spans from `excluded_spans(text)`; pass them when scanning
    many pieces of one text so the patterns run once.
    """
    end = len(text) if end is None else end
    spans = excluded_spans(text) if excluded is None else excluded
    found: list[Quantity] = []
    pos = start
    while (m := NUMERAL_RE.search(text, pos, end)) is not None:
        pos = m.end()
        value = parse_numeral(m.group())
        if value is None or _excluded(m.start(), m.end(), spans):
            continue
        reading = _Reading(m.start(), m.end(), value)
        if m.group("percent"):
            reading.unit = load_units()["%"]
        else:
            _read_unit(text, reading, m.group())
        _read_range(text, reading)
        quantity = _settle(text, reading)
        if quantity is not None and is_chinese(m.group()) and counts_listed_items(text, m.start(), value):
            continue
        if quantity is not None:
            found.append(quantity)
            pos = max(pos, quantity.end if quantity.comparator == "range" else m.end())
    return found
