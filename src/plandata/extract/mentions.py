"""Agencies named in a measure's body text: candidates for `mentioned` links.

Two sources, merged leftmost-longest without overlaps:

1. every written form the registry resolves in the document's jurisdiction
   (`教育部`, `市政府`, `区教委`, `北京市教委` …), except groups (`有关部门`
   would flood every measure);
2. suffix patterns from `data/agency_suffixes.csv`: a scope (`区`, `市`, `县`,
   `省`, optionally `中共` and `委`) + a short stem + a suffix such as
   `领导小组`, `委员会`, `办公室`, `局` — for bodies the registry lacks.

To keep precision, a candidate is dropped when the character before its scope
makes the scope part of another word (`全区`, `社区`, `城市` …, see
`SCOPE_BLOCKED_BEFORE`/`SCOPE_BLOCKED_AFTER`), when the character after it
extends it into another word (`教育部门`, `局面`, see `NEXT_CHAR_BLOCKERS`) or
its last character ends another word (`新格局`, see `PREV_CHAR_BLOCKERS`),
when it sits inside a title `《…》`, or when a creation verb precedes it
(`成立…委员会`: a body the measure sets up is not yet responsible).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.extract.registry import SCOPE_LEVELS, Registry
from plandata.model import Agency
from plandata.rules.lexicon import read_table
from plandata.rules.rule_regex import blind_past_match

# A scope character preceded by one of these belongs to another word: 全区, 本市, 各区, 城区, 社区, 区县 …
SCOPE_BLOCKED_BEFORE = "全本各城社辖片园校郊山矿街该我两三市省县区"
# A scope character followed by one of these is not a scope: 区域, 区级, 市场, 市民, 县域, 省份, 市区 …
SCOPE_BLOCKED_AFTER = {"区": "域间块位级县市区", "市": "场民级值容区县", "县": "域级城区市", "省": "份级内外市区县"}
# A name ending in this character, followed by one of these, is part of a longer word: 教育部门, 局面, 区委托 …
NEXT_CHAR_BLOCKERS = {"部": "门署分件位队落长", "局": "面部限势", "会": "议员上", "委": "托员婉屈身派书常副"}
# A name ending in this character, after one of these, ends in another word: 新格局, 总体布局 …
PREV_CHAR_BLOCKERS = {"局": "格布大全结开当变破残"}
# A body right after one of these is being set up, not acting: 成立…专家委员会.
CREATION_VERBS = ("成立", "建立", "组建", "设立", "筹建")
# Characters that cannot occur inside a body's stem (function words and punctuation).
STEM_STOP = "的和与及在对等将把为是由从向于并或以其各、,;:。()“”《》"
MAX_STEM_CHARS = 10
HAN_FIRST, HAN_LAST = 0x4E00, 0x9FFF  # the CJK Unified Ideographs block: what a stem is written in


@dataclass(frozen=True)
class Mention:
    """A name found in body text; `agency` is None for suffix-pattern names the registry lacks."""

    name: str
    start: int
    end: int
    agency: Agency | None


@lru_cache(maxsize=1)
def load_suffixes() -> tuple[str, ...]:
    """`data/agency_suffixes.csv`: endings of agency names, longest first."""
    rows = read_table("agency_suffixes.csv", ("suffix", "seen_in"), "suffix")
    return tuple(sorted((r["suffix"] for r in rows), key=len, reverse=True))


@lru_cache(maxsize=64)
def _surface_re(registry: Registry, jurisdiction: str | None) -> tuple[re.Pattern[str], dict[str, Agency]]:
    forms = {w: a for w, a in registry.surfaces(jurisdiction).items() if a.type != "group"}
    return _words_re(list(forms)), forms


def _words_re(words: list[str]) -> re.Pattern[str]:
    """Any of `words`, the longest where several start at the same place.

    Written as a trie (北京市(?:教委|海淀区(?:教委|…))), so that at each place the
    engine follows one path instead of trying every word, and the pattern stays
    small to compile.  A word ending inside a longer one is the last branch of
    its node, so the longer word wins.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie_pattern(trie) or r"(?!)")


def _trie_pattern(node: dict[str, dict]) -> str:
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if "" in node:
        branches.append("")
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def han_class_without(excluded: str) -> str:
    """A class of the Han characters U+4E00–U+9FFF but those of `excluded` (as `(?![excluded])` before the class).

    Written as ranges, with no lookahead: quicker, and a pattern that looks at
    nothing past what it consumes can be scanned once per document (`_Scanned`).
    """
    gaps = sorted({ord(c) for c in excluded if HAN_FIRST <= ord(c) <= HAN_LAST})
    ranges, low = [], HAN_FIRST
    for gap in [*gaps, HAN_LAST + 1]:
        if low < gap:
            ranges.append(f"\\u{low:04x}-\\u{gap - 1:04x}" if gap - 1 > low else f"\\u{low:04x}")
        low = gap + 1
    return f"[{''.join(ranges)}]"


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern[str]:
    scope = "".join(SCOPE_LEVELS)
    han = han_class_without(STEM_STOP)
    suffixes = "|".join(map(re.escape, load_suffixes()))
    # (中共)? + scope, written to start with a character set so that the engine skips other text quickly.
    party_or_scope = rf"[中{scope}](?:(?<=中)共[{scope}]|(?<=[{scope}]))"
    # A second suffix may follow closely: 区编制委员会 + 办公室 is one name.
    return re.compile(rf"{party_or_scope}委?{han}{{1,{MAX_STEM_CHARS}}}?(?:{suffixes})(?:{han}{{0,4}}?(?:{suffixes}))?")


def find_mentions(
    text: str, start: int, end: int, registry: Registry, jurisdiction: str | None, exclude: list[tuple[int, int]]
) -> list[Mention]:
    """Agency names in `text[start:end]` outside the `exclude` spans, in text order.

    The plain reference of `MentionFinder`: the registry's written forms found
    by one regex (`_surface_re`), compiled per jurisdiction.
    """
    pattern, forms = _surface_re(registry, jurisdiction)
    surface = [Mention(m.group(), m.start(), m.end(), forms[m.group()]) for m in _scan(pattern, text, start, end)]
    suffix = _scan(_suffix_re(), text, start, end)
    return _kept(text, _candidates(surface, suffix, registry, jurisdiction), exclude)


class SurfaceIndex:
    """The registry's written forms in one jurisdiction, found by their last two characters.

    What `_surface_re` finds, without compiling it: that regex holds a couple
    of thousand words and costs about 0.1 s to build and compile, once per
    jurisdiction, and a corpus of plans from many places has a jurisdiction
    for nearly every document.  Here the text is searched for the words'
    final pairs of characters (about 150, one small regex shared by every
    jurisdiction with the same pairs), and the words ending there are looked
    up in a set.  A word is resolved only when the text holds it.
    """

    def __init__(self, registry: Registry, jurisdiction: str | None) -> None:
        self.registry, self.jurisdiction = registry, jurisdiction
        self.words = frozenset(registry.written_forms(jurisdiction))
        lengths: dict[str, set[int]] = {}
        for word in self.words:
            lengths.setdefault(word[-2:], set()).add(len(word))  # a one-character word is its own tail
        # Lengths of the words ending in each tail, longest first; tails of one character end one-character words.
        self.lengths = {tail: sorted(found, reverse=True) for tail, found in lengths.items()}
        self.tails = _tails_re(frozenset(self.lengths))
        self._agencies: dict[str, Agency | None] = {}

    def agency(self, word: str) -> Agency | None:
        """The agency a written form names here; None for a form that resolves to nothing or to a group."""
        if word not in self._agencies:
            agency = self.registry.resolve(word, self.jurisdiction) if word in self.words else None
            self._agencies[word] = agency if agency is not None and agency.type != "group" else None
        return self._agencies[word]

    def scan(self, text: str) -> dict[int, list[int]]:
        """Start -> the ends of the words found starting there, in increasing order."""
        found: dict[int, list[int]] = {}
        search, lengths = self.tails.search, self.lengths
        m = search(text)
        while m is not None:
            at = m.start()
            for tail_end in (at + 2, at + 1):  # a tail of two characters, or a word of one
                for length in lengths.get(text[at:tail_end], ()) if tail_end <= len(text) else ():
                    start = tail_end - length
                    if start >= 0 and self.agency(text[start:tail_end]) is not None:
                        found.setdefault(start, []).append(tail_end)
            m = search(text, at + 1)  # tails may overlap
        for ends in found.values():
            ends.sort()
        return found


@lru_cache(maxsize=64)
def surface_index(registry: Registry, jurisdiction: str | None) -> SurfaceIndex:
    """`SurfaceIndex` of `jurisdiction`, kept for the next document of the same place."""
    return SurfaceIndex(registry, jurisdiction)


@lru_cache(maxsize=64)
def _tails_re(tails: frozenset[str]) -> re.Pattern[str]:
    # Longest first, then in code-point order: the same set always compiles to the same pattern.
    return re.compile("|".join(map(re.escape, sorted(tails, key=lambda t: (-len(t), t)))) or r"(?!)")


class MentionFinder:
    """`find_mentions` for the measures of one document: the text is scanned once, not once per measure.

    A search per measure costs more than the scanning itself: there are many
    short measures.  The matches of the whole text are handed out by span
    (see `_Scanned`), the same as a scan of each span finds; the registry's
    written forms are found by `SurfaceIndex`, not by `_surface_re`.
    """

    def __init__(self, text: str, registry: Registry, jurisdiction: str | None) -> None:
        self.text, self.registry, self.jurisdiction = text, registry, jurisdiction
        self._scanned: tuple[_IndexScan, _Scanned] | None = None  # scanned on first use

    def find(self, start: int, end: int, exclude: list[tuple[int, int]]) -> list[Mention]:
        """`find_mentions(text, start, end, registry, jurisdiction, exclude)`."""
        if self._scanned is None:
            suffix = _suffix_re()
            index = surface_index(self.registry, self.jurisdiction)
            self._scanned = (_IndexScan(index, self.text), _Scanned(suffix, self.text, blind_past_match(suffix)))
        surface, suffix = self._scanned[0].within(start, end), self._scanned[1].within(start, end)
        if not surface and not suffix:  # most measures
            return []
        return _kept(self.text, _candidates(surface, suffix, self.registry, self.jurisdiction), exclude)


class _IndexScan:
    """The written forms `_scan(_surface_re(...), text, start, end)` finds, for many spans, from one scan."""

    def __init__(self, index: SurfaceIndex, text: str) -> None:
        self.index, self.text = index, text
        self.found = index.scan(text)
        self.starts = sorted(self.found)

    def within(self, start: int, end: int) -> list[Mention]:
        """At each place in the span where a word starts, the longest ending inside it (as the trie regex)."""
        out: list[Mention] = []
        at = bisect.bisect_left(self.starts, start)
        while at < len(self.starts) and self.starts[at] < end:
            begin = self.starts[at]
            ends = self.found[begin]
            fits = bisect.bisect_right(ends, end)
            if fits:
                word = self.text[begin : ends[fits - 1]]
                out.append(Mention(word, begin, ends[fits - 1], self.index.agency(word)))
            at += 1
        return out


def _candidates(
    surface: list[Mention], suffix: list[re.Match[str]], registry: Registry, jurisdiction: str | None
) -> list[Mention]:
    """Mentions of the registry's written forms and of suffix patterns, before any is dropped."""
    found = list(surface)
    found += [Mention(m.group(), m.start(), m.end(), registry.resolve(m.group(), jurisdiction)) for m in suffix]
    return found


def _kept(text: str, found: list[Mention], exclude: list[tuple[int, int]]) -> list[Mention]:
    """Leftmost-longest candidates without overlaps, outside `exclude`, that are plausible names."""
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for cand in found:
        if kept and cand.start < kept[-1].end:
            continue
        if any(s < cand.end and cand.start < e for s, e in exclude) or not _plausible(text, cand):
            continue
        kept.append(cand)
    return kept


def _scan(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[re.Match[str]]:
    """All matches, also overlapping ones, so that a blocked match does not hide a good one."""
    out = []
    pos = start
    while (m := pattern.search(text, pos, end)) is not None:
        out.append(m)
        pos = m.start() + 1
    return out


class _Scanned:
    """`_scan(pattern, text, start, end)` for many spans of one text, from one scan of the whole text.

    `_scan` finds the match at every position that has one.  A pattern blind
    past what it consumes (`rule_regex.blind_past_match`) has at a position the
    same match whatever the end of the text, as long as the match ends before
    it, and none if it has none on the whole text: only a match of the whole
    text running past the span's end is matched again, within the span.
    """

    def __init__(self, pattern: re.Pattern[str], text: str, blind: bool) -> None:
        self.pattern, self.text = pattern, text
        self.blind = blind  # `blind_past_match(pattern)`
        self.matches = _scan(pattern, text, 0, len(text)) if self.blind else []
        self.starts = [m.start() for m in self.matches]

    def within(self, start: int, end: int) -> list[re.Match[str]]:
        """The matches `_scan(pattern, text, start, end)` finds."""
        if not self.blind:
            return _scan(self.pattern, self.text, start, end)
        found: list[re.Match[str]] = []
        at = bisect.bisect_left(self.starts, start)
        while at < len(self.starts) and self.starts[at] < end:  # few: most spans hold none
            m: re.Match[str] | None = self.matches[at]
            if m.end() > end:  # type: ignore[union-attr]
                m = self.pattern.match(self.text, self.starts[at], end)
            if m is not None:
                found.append(m)
            at += 1
        return found


def _plausible(text: str, cand: Mention) -> bool:
    """False for candidates that are part of another word, in a title, or being set up."""
    s, e = cand.start, cand.end
    scope_at = s + 2 if cand.name.startswith("中共") else s
    scope = text[scope_at]
    if scope in SCOPE_LEVELS:
        if scope_at > 0 and text[scope_at - 1] in SCOPE_BLOCKED_BEFORE:
            return False
        if text[scope_at + 1 : scope_at + 2] in tuple(SCOPE_BLOCKED_AFTER[scope]):
            return False
    if e < len(text) and text[e] in NEXT_CHAR_BLOCKERS.get(text[e - 1], ""):
        return False
    if e - s >= 2 and text[e - 2] in PREV_CHAR_BLOCKERS.get(text[e - 1], ""):
        return False
    if text.rfind("《", 0, s) > text.rfind("》", 0, s):
        return False
    return not any(verb in text[max(0, s - 4) : s] for verb in CREATION_VERBS)
