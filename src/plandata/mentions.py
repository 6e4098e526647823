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

import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.lexicon import read_table
from plandata.model import Agency
from plandata.registry import SCOPE_LEVELS, Registry

# A scope character preceded by one of these belongs to another word: 全区, 本市, 各区, 城区, 社区, 区县 …
SCOPE_BLOCKED_BEFORE = "全本各城社辖片园校郊山矿街该我两三市省县区"
# A scope character followed by one of these is not a scope: 区域, 区级, 市场, 市民, 县域, 省份, 市区 …
SCOPE_BLOCKED_AFTER = {"区": "域间块位级县市区", "市": "场民级值容区县", "县": "域级城区市", "省": "份级内外市区县"}
# A name ending in this character, followed by one of these, is part of a longer word: 教育部门, 局面 …
NEXT_CHAR_BLOCKERS = {"部": "门署分件位队落长", "局": "面部限势", "会": "议员上"}
# A name ending in this character, after one of these, ends in another word: 新格局, 总体布局 …
PREV_CHAR_BLOCKERS = {"局": "格布大全结开当变破残"}
# A body right after one of these is being set up, not acting: 成立…专家委员会.
CREATION_VERBS = ("成立", "建立", "组建", "设立", "筹建")
# Characters that cannot occur inside a body's stem (function words and punctuation).
STEM_STOP = "的和与及在对等将把为是由从向于并或以其各、,;:。()“”《》"
MAX_STEM_CHARS = 10


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


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern[str]:
    scope = "".join(SCOPE_LEVELS)
    han = rf"(?:(?![{STEM_STOP}])[\u4e00-\u9fff])"
    suffixes = "|".join(map(re.escape, load_suffixes()))
    # (中共)? + scope, written to start with a character set so that the engine skips other text quickly.
    party_or_scope = rf"[中{scope}](?:(?<=中)共[{scope}]|(?<=[{scope}]))"
    # A second suffix may follow closely: 区编制委员会 + 办公室 is one name.
    return re.compile(
        rf"{party_or_scope}委?{han}{{1,{MAX_STEM_CHARS}}}?(?:{suffixes})(?:{han}{{0,4}}?(?:{suffixes}))?"
    )


def find_mentions(
    text: str, start: int, end: int, registry: Registry, jurisdiction: str | None, exclude: list[tuple[int, int]]
) -> list[Mention]:
    """Agency names in `text[start:end]` outside the `exclude` spans, in text order."""
    pattern, forms = _surface_re(registry, jurisdiction)
    found = [Mention(m.group(), m.start(), m.end(), forms[m.group()]) for m in _scan(pattern, text, start, end)]
    for m in _scan(_suffix_re(), text, start, end):
        name = m.group()
        found.append(Mention(name, m.start(), m.end(), registry.resolve(name, jurisdiction)))
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
