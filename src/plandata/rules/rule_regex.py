"""Running tables of regex rules fast, with the same answers as running each rule in turn.

Two tools for the rule tables of the extraction stages (not-target patterns,
year forms, table headers …):

- `required_chars(regex)` reads a pattern and returns clauses, each a set of
  characters: every match holds at least one character of every clause
  (`婴幼儿|(?:19|20)\\d{2}年` gives `({婴, 年},)`).  A span lacking all the
  characters of a clause holds no match, so `RuleFilter` skips the search:
  running a dozen rules over every sentence around a numeral costs more than
  all the rest of the extraction, and most rules name characters most
  sentences lack.
- `FirstMatch` answers "the first rule, in table order, whose regex matches
  here" with one regex, the rules' patterns as groups of one alternation: the
  engine tries them in order and stops at the first that matches, as the loop
  over the rules would.

The reading of patterns is conservative: what it cannot judge gives no
clause, and a rule with no clause is always run.  Only characters a match
*consumes* count (lookarounds and anchors consume none); a repeat counts only
when it must match at least once; an alternation gives one clause, a
character from each branch; a cased letter under IGNORECASE (`k` also
matches `K` and the Kelvin sign) and large or negated classes give none.
Rules that cannot be joined into one regex (capturing groups, differing or
inline flags) are run one by one.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Generic, TypeVar

try:  # the parser of the standard `re` package (Python 3.11+)
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - a Python without it: no clause, every search runs
    sre = sre_parse = None  # type: ignore[assignment]

Clauses = tuple[frozenset[str], ...]
T = TypeVar("T")
# A character class listing more characters than this gives no clause: testing them all costs more than searching.
MAX_CLASS_CHARS = 32
# Up to this length the characters of a span are gathered in a set to test what rules need; in longer
# spans each character a rule needs is looked for with `str.find` (a set of a long line costs more).
PRESENT_SET_MAX_CHARS = 100
# The white space of Unicode 14.0 (Python 3.11), the same since Unicode 6.3; other versions are read afresh.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
WHITESPACE_UNICODE_VERSION = "14.0.0"


@lru_cache(maxsize=1)
def whitespace() -> frozenset[str]:
    """Every character `\\s` matches (those `str.isspace` calls white space)."""
    if unicodedata.unidata_version == WHITESPACE_UNICODE_VERSION:
        return frozenset(WHITESPACE)
    return frozenset(filter(str.isspace, map(chr, range(sys.maxunicode + 1))))  # 0.04 s


@lru_cache(maxsize=256)
def required_chars(regex: re.Pattern[str]) -> Clauses:
    """Clauses of `regex`: every match holds a character of each (empty: nothing known)."""
    parsed = _parsed(regex)
    return () if parsed is None else _simplest(_sequence(parsed, regex.flags))


def _parsed(regex: re.Pattern[str]) -> list[tuple[object, object]] | None:
    """The items of `regex` as the `re` parser reads them; None when it cannot be read."""
    if sre_parse is None or not isinstance(regex.pattern, str):
        return None
    try:
        return list(sre_parse.parse(regex.pattern, regex.flags))
    except (re.error, RecursionError):
        return None


@lru_cache(maxsize=256)
def required_strings(regex: re.Pattern[str]) -> Clauses:
    """Clauses of strings: every match of `regex` holds one string of each (empty: nothing known).

    `required_chars` with runs of literal characters kept together: `pg电子`
    under IGNORECASE gives `({电子},)` where `required_chars` gives `({电}, {子})`.
    A string is a fast C scan (`in`), and a pair of characters is much rarer
    in a text than either character alone, so more searches are skipped.
    """
    parsed = _parsed(regex)
    return () if parsed is None else _simplest(_string_sequence(parsed, regex.flags))


def _string_sequence(items: list[tuple[object, object]], flags: int) -> list[frozenset[str]]:
    """String clauses of items matched one after the other: runs of exact literals, and those of each item."""
    clauses: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL and _exact({chr(av)}, flags):  # type: ignore[arg-type]
            run += chr(av)  # type: ignore[arg-type]
            continue
        if run:  # anything else ends the run, zero-width items too (the run's parts stay required)
            clauses.append(frozenset({run}))
            run = ""
        clauses += _string_item(op, av, flags)
    if run:
        clauses.append(frozenset({run}))
    return clauses


def _string_item(op: object, av: object, flags: int) -> list[frozenset[str]]:
    if (contents := _contents(op, av, flags)) is not None:
        items, inner_flags, low = contents
        return _string_sequence(items, inner_flags) if low >= 1 else []
    if op is sre.BRANCH:  # one string of each branch's most telling clause; a branch without any: nothing
        _none, branches = av  # type: ignore[misc]
        best = [_most_telling(_simplest(_string_sequence(list(b), flags))) for b in branches]
        return [] if any(b is None for b in best) else [frozenset().union(*best)]  # type: ignore[arg-type]
    return _item(op, av, flags)  # a literal of a cased letter, a class, anchors …: as `required_chars` reads them


def _most_telling(clauses: Clauses) -> frozenset[str] | None:
    """The clause whose shortest string is longest (fewest strings on a tie); None when there is none."""
    if not clauses:
        return None
    return max(clauses, key=lambda cl: (min(map(len, cl)), -len(cl), sorted(cl)))


@lru_cache(maxsize=256)
def first_chars(regex: re.Pattern[str], nonempty: bool = False) -> frozenset[str] | None:
    """The characters a match of `regex` can start with; None when unknown or when it can match nothing.

    A text whose first character is not among them is not matched by
    `regex.match` (used for labels that open a line).  With `nonempty`, the
    characters a match that is not empty can start with, even when the
    pattern can also match nothing (`(?:19|20)?年?` gives {1, 2, 年}).
    """
    if sre_parse is None or not isinstance(regex.pattern, str):
        return None
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
    except (re.error, RecursionError):
        return None
    found = _starts(list(parsed), regex.flags)
    return None if found is None or (found[1] and not nonempty) else found[0]


def _starts(items: list[tuple[object, object]], flags: int) -> tuple[frozenset[str], bool] | None:
    """(characters a match of the sequence can start with, whether it can be empty); None when unknown."""
    chars: set[str] = set()
    for op, av in items:
        item = _item_starts(op, av, flags)
        if item is None:
            return None
        chars |= item[0]
        if not item[1]:  # this item consumes a character: nothing after it can come first
            return frozenset(chars), False
    return frozenset(chars), True


def _item_starts(op: object, av: object, flags: int) -> tuple[frozenset[str], bool] | None:
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset(), True  # zero width: whatever follows comes first
    if op in (sre.LITERAL, sre.IN):
        chars = _exact({chr(av)}, flags) if op is sre.LITERAL else _class_chars(av, flags)  # type: ignore[arg-type]
        return (chars, False) if chars else None
    if (contents := _contents(op, av, flags)) is not None:
        items, inner_flags, low = contents
        found = _starts(items, inner_flags)
        return None if found is None else (found[0], found[1] or low == 0)
    if op is sre.BRANCH:
        _none, branches = av  # type: ignore[misc]
        each = [_starts(list(b), flags) for b in branches]
        if any(found is None for found in each):
            return None
        return frozenset().union(*(f[0] for f in each)), any(f[1] for f in each)  # type: ignore[index]
    return None  # `.`, categories, back references: unknown


def longest_whole_match(regex: re.Pattern[str]) -> int | None:
    """The longest text `regex.match` can accept, when its pattern ends with `$` or `\\Z`; else None.

    Such a match runs to the end of the text (`$` also before a final line
    break), so a text longer than the pattern can consume is never matched.
    """
    if sre_parse is None or not isinstance(regex.pattern, str) or regex.flags & re.MULTILINE:
        return None
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
    except (re.error, RecursionError):
        return None
    if not len(parsed) or parsed[-1] not in ((sre.AT, sre.AT_END), (sre.AT, sre.AT_END_STRING)):
        return None
    widest = parsed.getwidth()[1]
    return None if widest >= sre.MAXREPEAT else widest + 1  # + a final line break before `$`


@lru_cache(maxsize=256)
def blind_past_match(regex: re.Pattern[str]) -> bool:
    """True when `regex` looks at no character after those it consumes: no lookahead, `$`, `\\Z`, `\\b` or `\\B`.

    Matching at a position then reads only what a match there consumes (and,
    looking behind, what comes before), so the end of the text given to the
    engine (`endpos`) changes a match only by cutting it short: a match that
    ends before the end is found the same with any end after it, and where
    none is found, none is found with an earlier end.
    """
    if sre_parse is None or not isinstance(regex.pattern, str):
        return False
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
    except (re.error, RecursionError):
        return False
    return _blind(list(parsed))


def _blind(items: list[tuple[object, object]]) -> bool:
    for op, av in items:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.GROUPREF):
            continue
        if op is sre.AT:
            if av not in (sre.AT_BEGINNING, sre.AT_BEGINNING_LINE, sre.AT_BEGINNING_STRING):  # those look back
                return False
        elif op is sre.SUBPATTERN:
            if not _blind(list(av[3])):  # type: ignore[index]
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _blind(list(av)):  # type: ignore[call-overload]
                return False
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            if not _blind(list(av[2])):  # type: ignore[index]
                return False
        elif op is sre.BRANCH:
            if not all(_blind(list(branch)) for branch in av[1]):  # type: ignore[index]
                return False
        elif op is sre.ASSERT_NOT or op is sre.ASSERT:
            if av[0] >= 0 or not _blind(list(av[1])):  # type: ignore[index]  # a lookahead reads ahead
                return False
        else:  # conditionals and anything unknown
            return False
    return True


def key_clause(clauses: Clauses, likely: str = "") -> frozenset[str] | None:
    """The one clause worth testing: fewest characters `likely` in any text searched, then fewest characters.

    Testing one clause (`not clause.isdisjoint(present)`) is a single cheap
    call; testing all of them costs as much as the search it would save.
    """
    if not clauses:
        return None
    return min(clauses, key=lambda clause: (sum(c in likely for c in clause), len(clause)))


class FirstMatch(Generic[T]):
    """The first of `rules`, in order, whose regex matches a text: `next(r for r in rules if regex.match(text))`."""

    def __init__(self, rules: Iterable[T], regex_of: Callable[[T], re.Pattern[str]]) -> None:
        self.rules = tuple(rules)
        self.regexes = tuple(regex_of(rule) for rule in self.rules)
        self.joined = _joined(self.regexes)  # None: the rules are run one by one

    def match(self, text: str) -> T | None:
        """The first rule whose regex matches at the start of `text` (`re.Pattern.match`)."""
        if self.joined is None:
            return next((rule for rule, regex in zip(self.rules, self.regexes, strict=True) if regex.match(text)), None)
        m = self.joined.match(text)
        return self.rules[m.lastindex - 1] if m and m.lastindex else None


def _joined(regexes: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """`(p1)|(p2)|…`, whose match is that of the first pattern that matches; None when that cannot be said.

    Group k is pattern k only if no pattern has groups of its own, and all must
    compile under one set of flags (an inline global flag must open a pattern).
    """
    if not regexes or any(r.groups or not isinstance(r.pattern, str) for r in regexes):
        return None
    if len({r.flags for r in regexes}) != 1:
        return None
    try:
        return re.compile("|".join(f"({r.pattern})" for r in regexes), regexes[0].flags)
    except re.error:
        return None


class RuleFilter(Generic[T]):
    """Rules that run a regex each, with the one clause of it worth testing (`key_clause`).

    `worth_running` drops the rules whose regex cannot match in a span:
    identical results, fewer searches.
    """

    def __init__(self, rules: Iterable[T], regex_of: Callable[[T], re.Pattern[str]], likely: str = "") -> None:
        self.rules = tuple(rules)
        self.needs = tuple(key_clause(required_chars(regex_of(rule)), likely) for rule in self.rules)

    def worth_running(
        self, text: str, start: int = 0, stop: int | None = None, present: AbstractSet[str] | None = None
    ) -> list[T]:
        """The rules, in order, whose regex may match in `text[start:stop]`.

        `present`, when given, holds every character of the span (more does no
        harm): a caller testing several filters on one span gathers it once.
        """
        stop = len(text) if stop is None else stop
        pairs = zip(self.rules, self.needs, strict=True)
        if present is None and stop - start <= PRESENT_SET_MAX_CHARS:
            present = set(text[start:stop])
        if present is not None:
            return [rule for rule, chars in pairs if chars is None or not chars.isdisjoint(present)]
        return [rule for rule, chars in pairs if chars is None or any(text.find(c, start, stop) >= 0 for c in chars)]


def _sequence(items: list[tuple[object, object]], flags: int) -> list[frozenset[str]]:
    """Clauses of items matched one after the other: those of each item."""
    clauses: list[frozenset[str]] = []
    for op, av in items:
        clauses += _item(op, av, flags)
    return clauses


def _item(op: object, av: object, flags: int) -> list[frozenset[str]]:
    if op is sre.LITERAL:
        chars = _exact({chr(av)}, flags)  # type: ignore[arg-type]
        return [chars] if chars else []
    if op is sre.IN:
        chars = _class_chars(av, flags)  # type: ignore[arg-type]
        return [chars] if chars else []
    if (contents := _contents(op, av, flags)) is not None:
        items, inner_flags, low = contents
        return _sequence(items, inner_flags) if low >= 1 else []
    if op is sre.BRANCH:
        _none, branches = av  # type: ignore[misc]
        return _alternation([_simplest(_sequence(list(b), flags)) for b in branches])
    return []  # anchors, lookarounds, back references, `.`, categories: no clause


def _contents(op: object, av: object, flags: int) -> tuple[list[tuple[object, object]], int, int] | None:
    """(items, flags, least count) of a group (matched once) or a repeat; None for any other item."""
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, items = av  # type: ignore[misc]
        return list(items), (flags | add_flags) & ~del_flags, 1
    if op is sre.ATOMIC_GROUP:
        return list(av), flags, 1  # type: ignore[call-overload]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, items = av  # type: ignore[misc]
        return list(items), flags, low
    return None


def _exact(chars: set[str], flags: int) -> frozenset[str]:
    """`chars` when each matches only itself under `flags`, else the empty set."""
    if flags & re.IGNORECASE and any(c.lower() != c or c.upper() != c for c in chars):
        return frozenset()
    return frozenset(chars)


def _class_chars(items: list[tuple[object, object]], flags: int) -> frozenset[str]:
    """The characters of a small class of literals and ranges; empty for anything else."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))  # type: ignore[arg-type]
        elif op is sre.RANGE and av[1] - av[0] < MAX_CLASS_CHARS:  # type: ignore[index]
            chars.update(map(chr, range(av[0], av[1] + 1)))  # type: ignore[index]
        elif op is sre.CATEGORY and av is sre.CATEGORY_SPACE:  # \s: under re.ASCII fewer, never more
            chars.update(whitespace())
        else:  # NEGATE, other categories (\d, \w), a large range
            return frozenset()
    return _exact(chars, flags) if len(chars) <= MAX_CLASS_CHARS else frozenset()


def _alternation(branches: list[Clauses]) -> list[frozenset[str]]:
    """One clause for an alternation: a clause of every branch, joined; none if a branch has none.

    Each branch contributes the clause adding the fewest new characters, and
    among those the one whose characters the other branches share most
    (`以来|近年来` gives {来}, not {以, 近}).
    """
    if not branches or any(not clauses for clauses in branches):
        return []
    shared: dict[str, int] = {}
    for clauses in branches:
        for c in set().union(*clauses):
            shared[c] = shared.get(c, 0) + 1
    joined: set[str] = set()
    for clauses in branches:
        best = min(clauses, key=lambda cl: (len(cl - joined), -sum(shared[c] for c in cl) / len(cl)))
        joined |= best
    return [frozenset(joined)]


def _simplest(clauses: list[frozenset[str]]) -> Clauses:
    """Clauses without repeats and without any that holds a smaller one (it says less)."""
    unique = sorted(set(clauses), key=lambda cl: (len(cl), sorted(cl)))
    kept: list[frozenset[str]] = []
    for clause in unique:
        if not any(k <= clause for k in kept):
            kept.append(clause)
    return tuple(kept)
