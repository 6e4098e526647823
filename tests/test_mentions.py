"""Mentions: the regexes that find agency names in body text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.mentions import _suffix_re, _words_re

WORDS = st.lists(st.text("区市教委局办", min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(WORDS, st.text("区市教委局办的", max_size=30))
def test_words_regex_finds_the_longest_word_at_each_place(words: list[str], text: str) -> None:
    flat = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    assert [m.span() for m in _words_re(words).finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_suffix_names_start_at_the_scope_or_at_the_party_prefix() -> None:
    text = "由中共区委教育工作领导小组、中区教育局和市财政局负责"
    assert [m.group() for m in _suffix_re().finditer(text)] == ["中共区委教育工作领导小组", "区教育局", "市财政局"]
