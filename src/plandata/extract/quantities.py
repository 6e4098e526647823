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
short `…的` phrase (不低于应交流人数的15%) or a per phrase (不低于每生每年800元).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.extract.numbers import CN_NUMERAL_CHARS, NUMERAL_RE, is_chinese, next_numeral, parse_numeral
from plandata.extract.quantity_rules import (
    STRETCH_BREAKS,
    ComparatorWord,
    PatternRule,
    Unit,
    comparator_re,
    comparator_sizes,
    comparator_words,
    load_comparators,
    load_not_targets,
    load_phrase_quantities,
    load_units,
    load_year_forms,
    quantity_follow_re,
    unit_re,
    unmatchable,
)
from plandata.rules.rule_regex import RuleFilter

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
# A rate's "per" phrase may stand between a comparator word and its number (不低于每生每年800元,
# 不少于每周2节): one or two 每 with a character or two each, right before the number.
_PER_PHRASE_RE = re.compile(r"(?:每[\u4e00-\u9fff]{1,2}){1,2}$")
# Characters of numerals: every stretch searched for not-target matches holds some.
NUMERAL_CHARS = "0123456789" + CN_NUMERAL_CHARS


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


@lru_cache(maxsize=1)
def _rules_by_stretch() -> dict[str, RuleFilter[PatternRule]]:
    """Not-target rules by the characters of STRETCH_BREAKS that none of their matches holds."""
    rules: dict[str, list[PatternRule]] = {}
    for rule in load_not_targets():
        rules.setdefault(unmatchable(rule.regex, STRETCH_BREAKS), []).append(rule)
    # The largest group first: it excludes most numerals, and `Exclusions.covers` stops at the first match.
    # Numerals are what the stretches are searched around: their characters say least of a stretch.
    return {
        cut: RuleFilter(found, lambda rule: rule.regex, NUMERAL_CHARS)
        for cut, found in sorted(rules.items(), key=lambda kv: -len(kv[1]))
    }


class Exclusions:
    """The not-target matches of `excluded_spans(text)`, found only where a numeral is asked about.

    Running every rule over a whole document costs more than all the rest of
    the extraction, and few numerals are quantities.  A rule whose matches
    never hold a line break or a 。 (see `unmatchable`) is run only on the
    stretch around the numeral between two such characters (a line, a
    sentence): a search started just after one finds the same matches as one
    started at the beginning, since no earlier match can run across it, and
    one stopped just after the next finds all those starting before it.
    A rule whose matches may hold both runs over the whole text, once.  A rule
    is not run at all on a stretch lacking the characters it needs
    (`rule_regex.RuleFilter`).

    Numerals are asked about in text order, so the break characters around
    each are looked for only between the previous stretch and the next break:
    each document is read about once, however many numerals it has.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._searched: dict[str, tuple[int, int, list[tuple[int, int]]]] = {}  # last stretch per cut, its matches
        self._next: dict[str, tuple[int, int]] = {}  # per break character: (from, its first offset at or after from)

    def covers(self, start: int, end: int) -> bool:
        """True when a match of a not-target rule overlaps `text[start:end]`."""
        for cut, group in _rules_by_stretch().items():
            searched = self._searched.get(cut)
            if searched is None or not searched[0] <= start < end <= searched[1]:  # numerals come in order
                first, last = self._stretch(cut, start, end)
                searched = self._searched[cut] = (first, last, self._search(group, first, last))
            if any(s < end and start < e for s, e in searched[2]):
                return True
        return False

    def _stretch(self, cut: str, start: int, end: int) -> tuple[int, int]:
        """From just after the last `cut` character before `start` to the first at or after `end`."""
        if not cut:
            return 0, len(self.text)
        previous = self._searched.get(cut)
        # The previous stretch, if before `start`, ends at a `cut` character: the search back stops there.
        floor = previous[1] if previous is not None and previous[1] < start else 0
        first = max(self.text.rfind(c, floor, start) for c in cut) + 1
        return first, min(self._next_at(c, end) for c in cut)

    def _next_at(self, char: str, pos: int) -> int:
        """Offset of the first `char` at or after `pos` (the text's length if none); remembered for later `pos`."""
        known = self._next.get(char)
        if known is not None and known[0] <= pos <= known[1]:
            return known[1]
        found = self.text.find(char, pos)
        found = len(self.text) if found < 0 else found
        self._next[char] = (pos, found)
        return found

    def _search(self, group: RuleFilter[PatternRule], start: int, end: int) -> list[tuple[int, int]]:
        # The search may see the character that ends the stretch (a lookahead may test it) but no further.
        stop = min(end + 1, len(self.text))
        found = [
            rule.regex
            for rule in group.worth_running(self.text, start, stop)
            if rule.regex.search(self.text, start, stop)
        ]  # few: search is cheap
        return [m.span() for regex in found for m in regex.finditer(self.text, start, stop)]


def _unit_at(text: str, pos: int) -> Unit | None:
    """The longest unit of the table written at `pos`."""
    m = unit_re().match(text, pos)
    return load_units()[m.group()] if m else None


def _word_at(text: str, pos: int, position: str) -> ComparatorWord | None:
    """The longest comparator word of `position` written at `pos`."""
    m = comparator_re(position).match(text, pos)
    return load_comparators()[m.group()] if m else None


def _word_ending_at(text: str, end: int, position: str) -> ComparatorWord | None:
    """The longest comparator word of `position` written just before `end`."""
    for size in comparator_sizes(position):
        word = load_comparators().get(text[end - size : end]) if size <= end else None
        if word is not None and word.position == position:
            return word
    return None


def _word_before(text: str, pos: int) -> tuple[ComparatorWord, int] | None:
    """A comparator word ending just before `pos` (touching) or a lead word a little earlier."""
    head = text[max(0, pos - 12) : pos]
    fill = _TOUCH_FILL_RE.search(head)
    touch_end = pos - (len(fill.group()) if fill else 0)
    if touching := _word_ending_at(text, touch_end, "before"):
        return touching, touch_end - len(touching.word)
    if (per := _PER_PHRASE_RE.search(head)) and (word := _word_ending_at(text, pos - len(per.group()), "before")):
        return word, pos - len(per.group()) - len(word.word)
    for word in comparator_words("lead"):
        if pos > LEAD_GAP and word.word not in text[max(0, pos - LEAD_GAP - len(word.word)) : pos]:
            continue  # not near enough: no gap below can find it
        for gap in range(LEAD_GAP + 1):
            end = pos - gap
            if text.endswith(word.word, 0, end) and _LEAD_FILL_RE.fullmatch(text[end:pos]):
                return word, end - len(word.word)
    if text[pos - 1 : pos] != "的":  # what `_OF_PHRASE_RE` ends with
        return None
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
    """Extend a reading to a range when a separator and a larger number follow.

    The scale of the unit may be written at both ends (`3万—5万个`, `10亿—20亿元`).
    """
    scale = ""
    if reading.unit is None and text[reading.cursor : reading.cursor + 1] in ("万", "亿"):
        scale = text[reading.cursor]
    sep = _word_at(text, reading.cursor + len(scale), "between")
    if not sep or reading.infix:
        return
    m = NUMERAL_RE.match(text, reading.cursor + len(scale) + len(sep.word))
    top = parse_numeral(m.group()) if m else None
    if m is None or top is None or top <= reading.value:
        return
    unit = _unit_at(text, m.end())
    if unit is None or (reading.unit and reading.unit != unit) or not unit.unit.startswith(scale):
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
        return Quantity(
            start, reading.cursor, start, None, reading.value, reading.value_max, unit, "range", reading.separator
        )
    after = _word_at(text, reading.cursor, "after")
    end = reading.cursor + (len(after.word) if after else 0)
    if before:
        start = before[1]
    word = reading.infix or after or (before[0] if before else None)
    comparator = word.comparator if word else "eq"
    return Quantity(
        start, end, reading.number_start, reading.value, None, None, unit, comparator, word.word if word else None
    )


def find_quantities(
    text: str, start: int = 0, end: int | None = None, excluded: Exclusions | None = None
) -> list[Quantity]:
    """Quantities whose numeral lies in `text[start:end]`, in reading order.

    `excluded` is `Exclusions(text)`; pass it when scanning many pieces of one
    text so that no stretch is searched twice.
    """
    end = len(text) if end is None else end
    exclusions = Exclusions(text) if excluded is None else excluded
    follow = quantity_follow_re()
    found: list[Quantity] = []
    pos = start
    while (m := next_numeral(text, pos, end)) is not None:
        pos, token = m.end(), m.group()
        if not (m.group("percent") or token.endswith(("万", "亿")) or follow.match(text, pos)):
            continue  # no unit can be read after it: most numerals in a text (统一, 第一) end here
        value = parse_numeral(token)
        if value is None:
            continue
        quantity = _settle(text, _read(text, m, value))
        if quantity is None or exclusions.covers(m.start(), m.end()):
            continue
        if is_chinese(token) and counts_listed_items(text, m.start(), value):
            continue
        found.append(quantity)
        pos = max(pos, quantity.end if quantity.comparator == "range" else m.end())
    found = _shared_comparators(text, found)
    phrases = _phrase_quantities(text, start, end, found)
    return sorted(found + phrases, key=lambda q: q.number_start) if phrases else found


# `分别达到99.5%和95%`: the values of a 分别 list share the comparator written before the first.
RESPECTIVELY = "分别"
_LIST_JOIN_RE = re.compile(r"\s*(?:和|、|及|与|,)\s*")


def _shared_comparators(text: str, found: list[Quantity]) -> list[Quantity]:
    """Quantities with the comparator of the first of a `分别达到A、B和C` list given to the others.

    The list opens where 分别 stands right before a quantity's comparator word;
    it goes on while the next quantity follows joined by 和/、/及/与 with no
    word of its own.
    """
    if RESPECTIVELY not in text:
        return found
    out: list[Quantity] = []
    shared: Quantity | None = None
    for q in found:
        if shared is not None and q.comparator_word is None and _LIST_JOIN_RE.fullmatch(text, out[-1].end, q.start):
            q = dataclasses.replace(q, comparator=shared.comparator, comparator_word=shared.comparator_word)
        elif q.comparator_word is not None and q.comparator != "range" and text.endswith(RESPECTIVELY, 0, q.start):
            shared = q
        else:
            shared = None
        out.append(q)
    return out


# Sentences, for phrases that count only beside another quantity (see `_phrase_quantities`).
_SENTENCE_END_RE = re.compile(r"[。;!?\n]")


def _phrase_quantities(text: str, start: int, end: int, found: list[Quantity]) -> list[Quantity]:
    """Quantities written as phrases (`data/phrase_quantities.csv`) in `text[start:end]`.

    A phrase marked `needs_company` is kept only when its sentence also holds
    a numeral quantity or a year form (到2025年): 全覆盖 among a plan's targets
    is 100 %; alone (纵到底、横到边、全覆盖) it is a slogan of scope.
    """
    quantities: list[Quantity] = []
    for rule in load_phrase_quantities():
        for m in rule.regex.finditer(text, start, end):
            if any(q.start < m.end() and m.start() < q.end for q in found):
                continue
            if rule.needs_company and not _has_company(text, m.start(), found):
                continue
            quantities.append(
                Quantity(m.start(), m.end(), m.start(), rule.value, None, None, rule.unit, rule.comparator, None)
            )
    return quantities


def _has_company(text: str, pos: int, found: list[Quantity]) -> bool:
    """Whether the sentence around `pos` holds one of the numeral quantities `found`, or a year form."""
    begin = max((m.end() for m in _SENTENCE_END_RE.finditer(text, 0, pos)), default=0)
    stop = _SENTENCE_END_RE.search(text, pos)
    finish = stop.start() if stop else len(text)
    if any(begin <= q.number_start < finish for q in found):
        return True
    return any(rule.regex.search(text, begin, finish) for rule in load_year_forms() if rule.kind == "year")


def _read(text: str, m: re.Match[str], value: float) -> _Reading:
    """The unit, infix word and range after the numeral matched by `m`."""
    reading = _Reading(m.start(), m.end(), value)
    if m.group("percent"):
        reading.unit = load_units()["%"]
    else:
        _read_unit(text, reading, m.group())
    _read_range(text, reading)
    return reading
