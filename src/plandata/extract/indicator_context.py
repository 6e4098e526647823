"""What the words around a quantity say: its target year and whether it is a target.

Markers are read in the sentence before the quantity (a sentence ends at 。!?
or a line break, so a year carries across a comma- or semicolon-joined run
of targets):

- year forms of `data/year_forms.csv`: a stated year (`到2025年`,
  `2025年前`, a year opening the sentence), a five-year period
  (`“十四五”时期`) or the plan period (`规划期内`);
- achievement cues of `data/achievement_cues.csv` (`已`, `以来`, `截至`);
  clause-scoped cues count only in the quantity's own clause.

The marker nearest the quantity decides.  With no marker in its sentence, a
quantity in a paragraph whose last marker was past (`“十三五”时期,…取得显著成就。
全区新建中小学12所`) is an achievement too: review paragraphs run over
several sentences, while a target year is only carried within its sentence.  A year form makes a target with
that year; a cue, or a period that ended before the plan's own
(`“十三五”期间` in a plan ending 2025), makes an achievement.  With no marker
before it, a stated year later in the same clause (`…于2025年前建成`) is used.
A period gives the plan's `plan_period_end` when it is the plan's own period,
else its own last year; both are `inferred`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.extract.numbers import parse_chinese, year_number
from plandata.extract.quantity_rules import PatternRule, load_achievement_cues, load_year_forms
from plandata.rules.rule_regex import RuleFilter

# Five-year plans from the third on run 1966–1970, 1971–1975 …: the Nth ends
# in 1970 + 5 (N - 3).  (The first two, 1953–1962, never appear in these plans.)
FIRST_REGULAR_PLAN, FIRST_REGULAR_PLAN_END = 3, 1970


@dataclass(frozen=True)
class Context:
    """Target year, how it was found, and the kind of figure."""

    target_year: int | None
    target_year_source: str | None
    kind: str  # target | achievement
    # The sentence names its year, known or not (`规划期内` with no plan period known):
    # no year from further off replaces it.
    marked: bool = False


@dataclass(frozen=True)
class _Marker:
    pos: int
    year: int | None
    source: str | None
    past: bool  # an achievement cue or a period already over


def five_year_plan_end(number: int) -> int:
    """Last year of the Nth five-year plan (十四五 is 14: 2025)."""
    return FIRST_REGULAR_PLAN_END + 5 * (number - FIRST_REGULAR_PLAN)


def _year_marker(rule: PatternRule, m: re.Match[str], offset: int, plan_period_end: int | None) -> _Marker | None:
    if rule.kind == "year":
        return _Marker(offset + m.start(), year_number(m.group("year")), rule.source, False)
    if rule.kind == "plan":
        return _Marker(offset + m.start(), plan_period_end, rule.source if plan_period_end else None, False)
    number = parse_chinese("十" + m.group("plan"))
    if number is None:
        return None
    end = five_year_plan_end(int(number))
    if plan_period_end is not None and end < plan_period_end:
        return _Marker(offset + m.start(), None, None, True)
    return _Marker(offset + m.start(), end, rule.source, False)


@lru_cache(maxsize=1)
def _context_rules() -> RuleFilter[tuple[str, PatternRule]]:
    """Year forms (kind `year`) and achievement cues (kind: their scope), each with the characters it needs.

    One filter for all: a piece is read once to drop the rules it cannot fire.
    """
    rules = [("year", rule) for rule in load_year_forms()] + [(rule.kind, rule) for rule in load_achievement_cues()]
    return RuleFilter(rules, lambda kind_rule: kind_rule[1].regex)


def _markers(
    piece: str,
    offset: int,
    plan_period_end: int | None,
    scope: str | None = None,
    clause: tuple[str, int] | None = None,
) -> list[_Marker]:
    """Year markers of `piece`, then its cues of `scope`, then the clause cues of `clause` (piece, offset)."""
    # the characters of both pieces (the clause mostly ends the sentence piece): the rules they may fire
    present = None if clause is None else set(piece).union(clause[0])
    years: list[_Marker] = []
    cues: list[_Marker] = []
    clause_cues: list[_Marker] = []
    for kind, rule in _context_rules().worth_running(piece, present=present):  # in table order
        if kind == "year":
            years += [mk for m in rule.regex.finditer(piece) if (mk := _year_marker(rule, m, offset, plan_period_end))]
        elif kind == scope:
            cues += [_Marker(offset + m.start(), None, None, True) for m in rule.regex.finditer(piece)]
        elif kind == "clause" and clause is not None:
            clause_cues += [_Marker(clause[1] + m.start(), None, None, True) for m in rule.regex.finditer(clause[0])]
    return years + cues + clause_cues


@lru_cache(maxsize=32)  # the quantities of one sentence ask in turn; few texts are held
def _review_paragraph(text: str, sentence_start: int, plan_period_end: int | None) -> bool:
    """True when the paragraph before the sentence last spoke of the past (a review of results)."""
    para_start = text.rfind("\n", 0, sentence_start) + 1
    markers = _markers(text[para_start:sentence_start], para_start, plan_period_end, "sentence")
    return bool(markers) and max(markers, key=lambda mk: (mk.pos, not mk.past)).past


def read_context(
    text: str,
    sentence: tuple[int, int],
    clause: tuple[int, int],
    number_start: int,
    number_end: int,
    plan_period_end: int | None,
) -> Context:
    """Target year and kind of the quantity at `number_start` in `text`.

    `sentence` and `clause` are the spans holding the quantity.
    """
    s0, c0, c1 = sentence[0], clause[0], clause[1]
    markers = _markers(text[s0:number_start], s0, plan_period_end, "sentence", (text[c0:number_start], c0))
    if markers:
        nearest = max(markers, key=lambda mk: (mk.pos, not mk.past))
        if nearest.past:
            return Context(None, None, "achievement")
        return Context(nearest.year, nearest.source, "target", marked=True)
    later = [
        mk
        for mk in _markers(text[number_end:c1], number_end, plan_period_end)
        if mk.source == "stated" and mk.pos > number_end
    ]
    if later:
        return Context(later[0].year, "stated", "target", marked=True)
    if _review_paragraph(text, s0, plan_period_end):
        return Context(None, None, "achievement")
    return Context(None, None, "target")


# How far into a line a year may stand and still open it: after a short lead such
# as `工作目标。` or `主要目标:` (a heading run into its first sentence).
LEAD_YEAR_MAX_OFFSET = 12


def year_of(piece: str, plan_period_end: int | None) -> tuple[int, str] | None:
    """(year, source) of the first year form in `piece` (a deadline cell, a heading), if it names a year.

    None when the first marker is past (an achievement cue, a period already over) or has no year.
    """
    markers = sorted(_markers(piece, 0, plan_period_end, "sentence"), key=lambda mk: (mk.pos, not mk.past))
    first = markers[0] if markers else None
    if first is None or first.past or first.year is None or first.source is None:
        return None
    return first.year, first.source


def lead_year(line: str, plan_period_end: int | None) -> int | None:
    """The year that opens `line` (`到2020年,…`, `工作目标。到2018年…`), which governs the lines after it.

    A year further in, or a past marker first, opens nothing.
    """
    markers = sorted(_markers(line, 0, plan_period_end, "sentence"), key=lambda mk: (mk.pos, not mk.past))
    first = markers[0] if markers else None
    if first is None or first.past or first.year is None or first.pos > LEAD_YEAR_MAX_OFFSET:
        return None
    return first.year


def paragraph_year(text: str, sentence_start: int, plan_period_end: int | None) -> int | None:
    """The year an earlier sentence of the paragraph gave, carried to a sentence that names none.

    The nearest marker decides: a past one (a review) carries no year.
    """
    para_start = text.rfind("\n", 0, sentence_start) + 1
    markers = _markers(text[para_start:sentence_start], para_start, plan_period_end, "sentence")
    if not markers:
        return None
    nearest = max(markers, key=lambda mk: (mk.pos, not mk.past))
    return None if nearest.past else nearest.year
