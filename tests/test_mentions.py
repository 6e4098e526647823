"""Mentions: the regexes that find agency names in body text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract.mentions import (
    STEM_STOP,
    MentionFinder,
    _scan,
    _suffix_re,
    _surface_re,
    _words_re,
    find_mentions,
    han_class_without,
    surface_index,
)
from plandata.extract.registry import load_registry
from plandata.rules.rule_regex import blind_past_match

WORDS = st.lists(st.text("区市教委局办", min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(WORDS, st.text("区市教委局办的", max_size=30))
def test_words_regex_finds_the_longest_word_at_each_place(words: list[str], text: str) -> None:
    flat = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    assert [m.span() for m in _words_re(words).finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_suffix_names_start_at_the_scope_or_at_the_party_prefix() -> None:
    text = "由中共区委教育工作领导小组、中区教育局和市财政局负责"
    assert [m.group() for m in _suffix_re().finditer(text)] == ["中共区委教育工作领导小组", "区教育局", "市财政局"]


# Body text naming bodies of the registry, bodies it lacks (suffix patterns), blocked names, titles and line ends.
BODY_PIECES = [
    "区教委",
    "市教委",
    "北京市教委",
    "区教育局",
    "中共区委教育工作领导小组",
    "区编制委员会办公室",
    "市财政局",
    "全区",
    "教育部门",
    "新格局",
    "《区教育局工作规划》",
    "成立区教育督导委员会",
    "区",
    "市",
    "委",
    "局",
    "的",
    "和",
    "负责",
    ",",
    "。",
    "\n",
    "加强",
    "(",
    ")",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(BODY_PIECES), max_size=30).map("".join),
    st.lists(st.integers(0, 120), max_size=8),
    st.sampled_from([None, "北京市", "海淀区"]),
)
def test_mentions_of_a_document_scanned_once_are_those_of_each_span(
    text: str, cuts: list[int], jurisdiction: str | None
) -> None:
    registry = load_registry()
    bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    finder = MentionFinder(text, registry, jurisdiction)
    for start, end in zip(bounds, bounds[1:], strict=False):  # spans side by side, as measures' own texts are
        exclude = [(start + 2, start + 4)]
        assert finder.find(start, end, exclude) == find_mentions(text, start, end, registry, jurisdiction, exclude)


def test_the_stem_class_is_the_han_block_without_the_stop_characters() -> None:
    stem = re.compile(han_class_without(STEM_STOP))
    looking_ahead = re.compile(rf"(?![{STEM_STOP}])[\u4e00-\u9fff]")
    assert all(bool(stem.fullmatch(chr(c))) == bool(looking_ahead.fullmatch(chr(c))) for c in range(0x10000))
    assert han_class_without("一\u9fff") == "[\\u4e01-\\u9ffe]"


@pytest.mark.parametrize("jurisdiction", [None, "北京市", "海淀区", "某某区"])
def test_the_written_forms_regex_looks_at_nothing_past_its_match(jurisdiction: str | None) -> None:
    assert blind_past_match(_surface_re(load_registry(), jurisdiction)[0])  # what MentionFinder takes for granted
    assert blind_past_match(_suffix_re())


@pytest.mark.parametrize("jurisdiction", [None, "北京市", "海淀区", "贺州市", "无锡市惠山区", "某某区"])
def test_the_surface_index_finds_what_the_written_forms_regex_finds_in_real_plans(jurisdiction: str | None) -> None:
    registry = load_registry()
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parents[1].joinpath("raw").glob("*.txt"))]
    for text in texts[:12]:
        finder = MentionFinder(text, registry, jurisdiction)
        bounds = [0, len(text) // 3, len(text) // 3 + 7, len(text)]
        for start, end in zip(bounds, bounds[1:], strict=False):
            assert finder.find(start, end, []) == find_mentions(text, start, end, registry, jurisdiction, [])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(BODY_PIECES), max_size=30).map("".join), st.sampled_from(["贺州市", "朝阳区"]))
def test_the_surface_index_scan_is_the_trie_regex_scan(text: str, jurisdiction: str) -> None:
    registry = load_registry()
    pattern, forms = _surface_re(registry, jurisdiction)
    index = surface_index(registry, jurisdiction)
    found = index.scan(text)
    spans = [(m.start(), m.end()) for m in _scan(pattern, text, 0, len(text))]
    assert spans == [(s, found[s][-1]) for s in sorted(found)]
    assert all(index.agency(w) == a for w, a in forms.items())
