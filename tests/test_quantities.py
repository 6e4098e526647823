"""Quantities in running text: spans, units and exclusions (property tests over the unit table)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract.numbers import NUMERAL_RE
from plandata.extract.quantities import Exclusions, counts_listed_items, excluded_spans, find_quantities
from plandata.extract.quantity_rules import load_units, unmatchable

UNITS = sorted(u for u, unit in load_units().items() if not unit.needs_comparator)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(UNITS), st.text("的学校教师建设,。", max_size=6))
def test_a_number_and_a_unit_make_one_quantity(n: int, unit: str, filler: str) -> None:
    text = f"{filler}新建{n}{unit}{filler}"
    (q,) = find_quantities(text)
    assert (q.value, q.unit.unit, q.comparator) == (n, unit, "eq")
    assert text[q.number_start : q.end] == f"{n}{unit}"


def test_bare_numbers_are_not_quantities() -> None:
    assert find_quantities("推进5g网络建设,落实教育信息化2.0行动,3.完善机制") == []


def test_words_before_the_number_must_touch_it_unless_they_lead() -> None:
    (q,) = find_quantities("照明达标率85%")
    assert q.comparator == "eq"
    (q,) = find_quantities("每校至少要配备2名校医")
    assert (q.comparator, q.comparator_word, q.start) == ("gte", "至少", 2)


def test_durations_in_years_need_a_comparator() -> None:
    assert find_quantities("用3年时间,投入10年以上的学校,3-5年内完成") == []


def test_excluded_spans_name_their_rule() -> None:
    rules = {rule for _, _, rule in excluded_spans("贯彻《规划(2021—2025年)》和党的二十大精神")}
    assert {"document_title", "congress", "year_range"} <= rules


def test_a_chinese_numeral_counting_the_list_before_it_is_a_summary() -> None:
    text = "开设语文、数学、英语三个学科的拓展课程"
    assert counts_listed_items(text, text.index("三"), 3)
    assert find_quantities(text) == []
    assert [q.value for q in find_quantities("开设语文、数学、英语3个学科的拓展课程")] == [3]
    assert [q.value for q in find_quantities("开设语文、数学、英语四个学科的拓展课程")] == [4]


@pytest.mark.parametrize(
    ("pattern", "never_held"),
    [
        (r"第[0-9一二三]+", "\n。,"),  # classes and literals
        (r"\d{1,3}(?:,\d{3})+", "\n。"),  # a quantifier's comma is not a literal; the other comma is
        (r"《[^》\n]{1,120}》", "\n"),  # a negated class holds 。 and commas, not what it lists
        (r"\d+\s*年", "。,"),  # \s holds a line break
        (r"年.", "\n"),  # . holds all but a line break
        (r"(?s)年.", ""),  # inline flags, $, back references and numeric escapes are not judged
        (r"年$", ""),
        (r"(年)\1", ""),
        (r"年\012", ""),
        (r"年\x0a", ""),
    ],
)
def test_unmatchable_characters_of_a_pattern(pattern: str, never_held: str) -> None:
    assert unmatchable(re.compile(pattern), "\n。,") == never_held


# Pieces that fire the not-target rules (titles, slogans, dates, congresses, ordinals, ages, lone 一 …), and others.
PIECES = [
    "2025年",
    "2021—2025",
    "《规划2025》",
    "“十四五”",
    "“四个\n意识”",
    "五位一体",
    "十九届二中全会",
    "二十大",
    "第三",
    "3岁",
    "5页",
    "2mb",
    "统一",
    "一",
    "三个学科",
    "12所",
    "10名",
    "2021年3月5日",
    "\n",
    "。",
    ",",
    " ",
    "全区",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.booleans())
def test_exclusions_agree_with_the_whole_text_spans(pieces: list[str], backwards: bool) -> None:
    text = "".join(pieces)
    spans = excluded_spans(text)
    numerals = [m.span() for m in NUMERAL_RE.finditer(text)]
    exclusions = Exclusions(text)
    for start, end in reversed(numerals) if backwards else numerals:
        assert exclusions.covers(start, end) == any(s < end and start < e for s, e, _ in spans)


# Long stretches too: lines and sentences longer than a set of their characters is worth building for.
LONG_PIECES = [*PIECES, "加强教师队伍建设" * 8, "。", "\n", "一所", "十个", "数十所学校"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LONG_PIECES), max_size=40), st.randoms(use_true_random=False))
def test_exclusions_agree_with_the_whole_text_spans_in_any_order(pieces: list[str], rng: random.Random) -> None:
    text = "".join(pieces)
    spans = excluded_spans(text)
    numerals = [m.span() for m in NUMERAL_RE.finditer(text)]
    order = list(numerals)
    rng.shuffle(order)
    exclusions = Exclusions(text)
    for start, end in numerals + order + numerals:  # in order, shuffled, then in order again
        assert exclusions.covers(start, end) == any(s < end and start < e for s, e, _ in spans)


def test_a_respectively_list_shares_its_first_comparator() -> None:
    found = find_quantities("入学率分别达到99.5%、97%和95%,巩固率达到98%和90%。")
    assert [(q.value, q.comparator, q.comparator_word) for q in found] == [
        (99.5, "gte", "达到"),
        (97, "gte", "达到"),
        (95, "gte", "达到"),
        (98, "gte", "达到"),
        (90, "eq", None),  # no 分别: 和 alone does not carry the word over
    ]
