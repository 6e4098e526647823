"""Numerals: Arabic, full-width and Chinese tokens, one at a time."""

from __future__ import annotations

import re

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract.numbers import NUMERAL_RE, YEAR, fold_digits, is_chinese, next_numeral, parse_numeral, year_number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("98.5", 98.5),
        ("1,200", 1200.0),
        ("９５", 95.0),
        ("两", 2.0),
        ("十", 10.0),
        ("三千五百", 3500.0),
        ("九十八点五", 98.5),
        ("一百零五", 105.0),
        ("百分之九十", 90.0),
        ("百分之95", 95.0),
        ("十四五", None),
        ("百", None),
        ("一二", None),
        ("二〇二五", None),
    ],
)
def test_parse_numeral(token: str, value: float | None) -> None:
    assert parse_numeral(token) == value


def test_numeral_tokens_in_running_text() -> None:
    text = "新建学校12所、培训教师两千名,覆盖率达到百分之九十,统一部署5g网络"
    assert [m.group() for m in NUMERAL_RE.finditer(text)] == ["12", "两千", "百分之九十", "一", "5"]


def test_words_made_of_positional_characters_are_not_numerals() -> None:
    assert [m.group() for m in NUMERAL_RE.finditer("千家万户,百户比")] == []


def test_fold_digits_keeps_length() -> None:
    assert fold_digits("１２．５") == "12.5"
    assert is_chinese("三千") and not is_chinese("3千")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_round_trip_chinese_and_arabic(n: int) -> None:
    chinese = cn2an.an2cn(n)
    assert parse_numeral(chinese) == n
    assert parse_numeral(str(n)) == n
    assert parse_numeral(fold_digits(str(n)).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})) == n


@settings(max_examples=200, deadline=None)
@given(st.text("12,.３٣a百分之十二两千万零〇统第 ", max_size=30), st.integers(min_value=0, max_value=30))
def test_next_numeral_finds_what_the_pattern_finds(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    expected = NUMERAL_RE.search(text, pos, len(text))
    found = next_numeral(text, pos, len(text))
    assert (found and found.span()) == (expected and expected.span())
    assert (found and found.group("percent")) == (expected and expected.group("percent"))


@pytest.mark.parametrize(
    ("written", "year"), [("2025", 2025), ("二〇二五", 2025), ("二零二一", 2021), ("二○三五", 2035), ("二O二O", 2020)]
)
def test_years_written_digit_by_digit(written: str, year: int) -> None:
    assert re.fullmatch(YEAR, written) and year_number(written) == year


@pytest.mark.parametrize("text", ["二十五", "一二三四", "三〇二五", "205"])
def test_numbers_that_are_no_years(text: str) -> None:
    assert re.fullmatch(YEAR, text) is None
