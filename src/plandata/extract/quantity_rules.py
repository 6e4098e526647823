"""The curated tables that drive indicator extraction, loaded and checked.

Each table is a CSV in `plandata/rules/data/` with a `note` column saying why a row
is there; tests hold one case per row (tests/fixtures/indicators/cases.tsv).

- `units.csv`: unit as written, normalised unit, multiplier, and whether the
  unit only counts after a comparator (年);
- `comparators.csv`: comparator word, its reading (SPEC: 以上 gte, 超过 gt …)
  and where it stands: `before` touching the number, `lead` a few characters
  before it (至少要配备1名), `infix` between number and unit (100余所),
  `after` the unit (90%以上), `between` two numbers of a range (8—10名);
- `not_targets.csv`: patterns whose matches are never quantities (titles in
  《》, slogans, dates, congress numbers, ages …);
- `year_forms.csv`: phrases that fix a target year (到2025年) or a period
  (“十四五”时期);
- `achievement_cues.csv`: words that make a figure a past achievement (已, 以来);
- `phrase_quantities.csv`: phrases that state a quantity without a numeral
  (翻一番 is 2 倍, 全覆盖 100 %), and whether one counts only beside another
  quantity or a year in its sentence.

In patterns, `{num}` stands for one numeral character, Arabic or Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.errors import RuleTableError
from plandata.extract.numbers import NUMERAL_CLASS
from plandata.model import COMPARATORS
from plandata.rules.lexicon import read_table

COMPARATOR_POSITIONS = ("before", "lead", "infix", "after", "between")
YEAR_FORM_KINDS = ("year", "period", "plan")
CUE_SCOPES = ("clause", "sentence")


@dataclass(frozen=True)
class Unit:
    """A unit as written, with its normalised unit and multiplier."""

    unit: str
    unit_normalised: str
    multiplier: float
    needs_comparator: bool


@dataclass(frozen=True)
class ComparatorWord:
    """A word that bounds a value, and where it stands relative to the number."""

    word: str
    comparator: str
    position: str


@dataclass(frozen=True)
class PatternRule:
    """A named regex from one of the pattern tables."""

    rule_id: str
    kind: str  # category (not_targets), kind (year_forms) or scope (achievement_cues)
    regex: re.Pattern[str]
    source: str = ""  # year_forms only: stated | inferred


# Characters that cut a text into stretches (lines, sentences) which the not-target rules whose
# matches never hold them are run on one at a time (see `unmatchable`, `quantities.Exclusions`).
STRETCH_BREAKS = "\n。"
# One part of a pattern: an escape, a character class, a quantifier {m,n}, or a single character.
_PATTERN_PART_RE = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\{(?:\d+,?\d*|,\d+)\}|.", re.DOTALL)
_OPERATORS = set("()|*+?{}^")
_INLINE_FLAG_RE = re.compile(r"\(\?(?!P[<=])[a-zA-Z-]")


def unmatchable(pattern: re.Pattern[str], chars: str) -> str:
    """The characters of `chars` that no match of `pattern` can hold.

    Every character a match holds is matched by one literal, escape, class or
    `.` of the pattern (a backreference repeats what a group matched), so each
    part is tried on its own against each character.  What this reading cannot
    judge — `$`, inline flags, numeric escapes, parts that do not compile alone —
    answers "" (none), which is always safe.  Quantifier digits and group names
    are tried as literals too: they can only make the answer smaller.
    """
    parts = _PATTERN_PART_RE.findall(pattern.pattern)
    if "$" in parts or _INLINE_FLAG_RE.search(pattern.pattern) or pattern.flags & re.VERBOSE:
        return ""
    kept = chars
    for part in parts:
        if part in _OPERATORS or part[0] == "{" and len(part) > 1:  # {1,3}: a quantifier
            continue
        if part[0] == "\\" and part[1].isdigit():  # \1 (a group), \012 (octal)
            return ""
        try:
            regex = re.compile(part, pattern.flags)
        except re.error:
            return ""
        kept = "".join(c for c in kept if not regex.fullmatch(c))
    return kept


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern.replace("{num}", NUMERAL_CLASS), re.IGNORECASE)
    except re.error as exc:
        raise RuleTableError(f"{where}: bad pattern {pattern!r}: {exc}") from exc


@lru_cache(maxsize=1)
def load_units() -> dict[str, Unit]:
    """`data/units.csv` keyed by the unit as written."""
    rows = read_table("units.csv", ("unit", "unit_normalised", "multiplier", "needs_comparator", "note"), "unit")
    units = {}
    for line, row in enumerate(rows, 2):
        try:
            multiplier = float(row["multiplier"])
        except ValueError as exc:
            raise RuleTableError(f"data/units.csv, line {line}: multiplier is not a number") from exc
        units[row["unit"]] = Unit(row["unit"], row["unit_normalised"], multiplier, row["needs_comparator"] == "true")
    return units


@lru_cache(maxsize=1)
def units_longest_first() -> tuple[Unit, ...]:
    """Units of the table, longest first, so that 个百分点 is tried before 个."""
    return tuple(sorted(load_units().values(), key=lambda u: -len(u.unit)))


def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex trying `words` in the order given: its match at a position is the first word written there."""
    return re.compile("|".join(map(re.escape, words)) or r"(?!)")


@lru_cache(maxsize=1)
def unit_re() -> re.Pattern[str]:
    """The units of the table as one regex, longest first: `match` at a position gives the unit written there."""
    return _alternation(tuple(u.unit for u in units_longest_first()))


@lru_cache(maxsize=1)
def load_comparators() -> dict[str, ComparatorWord]:
    """`data/comparators.csv` keyed by word."""
    words = {}
    for line, row in enumerate(read_table("comparators.csv", ("word", "comparator", "position", "note"), "word"), 2):
        if row["comparator"] not in COMPARATORS or row["position"] not in COMPARATOR_POSITIONS:
            raise RuleTableError(f"data/comparators.csv, line {line}: bad comparator or position")
        words[row["word"]] = ComparatorWord(row["word"], row["comparator"], row["position"])
    return words


@lru_cache(maxsize=8)
def comparator_words(position: str) -> tuple[ComparatorWord, ...]:
    """Comparator words of one position, longest first (不超过 before 超过)."""
    found = [w for w in load_comparators().values() if w.position == position]
    return tuple(sorted(found, key=lambda w: -len(w.word)))


@lru_cache(maxsize=8)
def comparator_sizes(position: str) -> tuple[int, ...]:
    """Lengths of the comparator words of one position, longest first."""
    return tuple(sorted({len(w.word) for w in comparator_words(position)}, reverse=True))


@lru_cache(maxsize=8)
def comparator_re(position: str) -> re.Pattern[str]:
    """Comparator words of one position as one regex, longest first (see `unit_re`)."""
    return _alternation(tuple(w.word for w in comparator_words(position)))


@lru_cache(maxsize=1)
def quantity_follow_re() -> re.Pattern[str]:
    """What must follow a numeral for it to be a quantity: a unit, an infix or range word, or 万/亿.

    Only a cheap test: a numeral without any of these after it can never be
    read as a quantity (see `quantities.find_quantities`).
    """
    words = {u.unit for u in load_units().values()} | {"万", "亿"}
    words |= {w.word for w in load_comparators().values() if w.position in ("infix", "between")}
    return _alternation(tuple(sorted(words)))


@lru_cache(maxsize=1)
def load_not_targets() -> tuple[PatternRule, ...]:
    """`data/not_targets.csv`, compiled."""
    rows = read_table("not_targets.csv", ("rule_id", "category", "pattern", "note"), "rule_id")
    return tuple(
        PatternRule(r["rule_id"], r["category"], _compile(r["pattern"], f"data/not_targets.csv, line {n}"))
        for n, r in enumerate(rows, 2)
    )


@lru_cache(maxsize=1)
def load_year_forms() -> tuple[PatternRule, ...]:
    """`data/year_forms.csv`, compiled."""
    rules = []
    for n, r in enumerate(read_table("year_forms.csv", ("form_id", "kind", "source", "pattern", "note"), "form_id"), 2):
        if r["kind"] not in YEAR_FORM_KINDS or r["source"] not in ("stated", "inferred"):
            raise RuleTableError(f"data/year_forms.csv, line {n}: bad kind or source")
        regex = _compile(r["pattern"], f"data/year_forms.csv, line {n}")
        rules.append(PatternRule(r["form_id"], r["kind"], regex, r["source"]))
    return tuple(rules)


@lru_cache(maxsize=1)
def load_achievement_cues() -> tuple[PatternRule, ...]:
    """`data/achievement_cues.csv`, compiled."""
    rules = []
    for n, r in enumerate(read_table("achievement_cues.csv", ("cue_id", "scope", "pattern", "note"), "cue_id"), 2):
        if r["scope"] not in CUE_SCOPES:
            raise RuleTableError(f"data/achievement_cues.csv, line {n}: scope must be one of {CUE_SCOPES}")
        regex = _compile(r["pattern"], f"data/achievement_cues.csv, line {n}")
        rules.append(PatternRule(r["cue_id"], r["scope"], regex))
    return tuple(rules)


@dataclass(frozen=True)
class PhraseQuantity:
    """A phrase of `data/phrase_quantities.csv`: a quantity written without a numeral."""

    rule_id: str
    regex: re.Pattern[str]
    value: float
    unit: Unit
    comparator: str
    needs_company: bool  # a target only in a sentence with another quantity or a year form


@lru_cache(maxsize=1)
def load_phrase_quantities() -> tuple[PhraseQuantity, ...]:
    """`data/phrase_quantities.csv`, compiled and checked against the unit table."""
    columns = ("rule_id", "pattern", "value", "unit", "comparator", "needs_company", "note")
    rules = []
    for n, r in enumerate(read_table("phrase_quantities.csv", columns, "rule_id"), 2):
        where = f"data/phrase_quantities.csv, line {n}"
        unit = load_units().get(r["unit"])
        if unit is None or r["comparator"] not in COMPARATORS or r["needs_company"] not in ("true", "false"):
            raise RuleTableError(f"{where}: unknown unit or comparator, or needs_company not true/false")
        try:
            value = float(r["value"])
        except ValueError as exc:
            raise RuleTableError(f"{where}: value is not a number") from exc
        regex = _compile(r["pattern"], where)
        rules.append(PhraseQuantity(r["rule_id"], regex, value, unit, r["comparator"], r["needs_company"] == "true"))
    return tuple(rules)
