"""Fast ways to run rule tables: each compared with running every rule in turn, on the real tables and on
patterns chosen to trip the reading of patterns (case, lookarounds, optional parts, empty branches)."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract import indicator_tables
from plandata.extract.quantity_rules import load_achievement_cues, load_not_targets, load_year_forms
from plandata.rules.lexicon import load_noise_rules
from plandata.rules.rule_regex import (
    PRESENT_SET_MAX_CHARS,
    FirstMatch,
    RuleFilter,
    blind_past_match,
    first_chars,
    key_clause,
    longest_whole_match,
    required_chars,
    required_strings,
    whitespace,
)
from plandata.structure import numbering, prose, table_blocks

# Pieces of plan text that fire the rule tables (years, periods, cues, titles, slogans, labels, headers …),
# and characters around them: any mix of them is a text the rules may meet.
FRAGMENTS = [
    "到2025年",
    "2025年前",
    "2023年6月底前",
    "“十四五”时期",
    "十三五期间",
    "规划期内",
    "已建成",
    "截至2020年底",
    "近年来",
    "目前",
    "现有学校",
    "过去五年",
    "累计完成",
    "《教育发展规划》",
    "“四个意识”",
    "「五育」",
    "五位一体",
    "五个一工程",
    "新三名工程",
    "十项准则",
    "京教人〔2022〕5号",
    "2021—2025",
    "二〇二一年三月五日",
    "党的二十大",
    "十九届二中全会",
    "第三次代表大会",
    "八部门",
    "第二批",
    "3-6岁",
    "5页",
    "2MB",
    "一所",
    "数十所",
    "序号",
    "责任单位",
    "牵头单位",
    "指标名称",
    "2025年目标值",
    "2020年(基期)",
    "属性",
    "备注",
    "近日",
    "记者获悉",
    "为贯彻落实",
    "根据",
    "制定本方案",
    "各区",
    "一、",
    "(一)",
    "1.",
    "(1)",
    "①",
    "★",
    "——",
    "--",
    "⒈",
    "⑴",
    "第一章",
    "第2节",
    "第一部分",
    "建设",
    "教师",
    "学校",
    "95%",
    "1,200",
    "百分之九十",
    "12所",
    "以上",
    "不低于",
]
CHARS = list("\n。,;: \t|\u3000()【】一二十年月日前期KkMm0123456789")
TEXTS = st.lists(st.sampled_from(FRAGMENTS) | st.sampled_from(CHARS), max_size=40).map("".join)

# Patterns that the reading must get right, beside those of the tables.
TRICKY = [
    r"(?i)kb|mb",  # cased letters under IGNORECASE: no clause (k also matches K and the Kelvin sign)
    r"(?<=年)前|(?=期)",  # a lookbehind consumes nothing; a branch that matches nothing gives no clause
    r"年?月",  # an optional part gives nothing, what follows does
    r"(?:十|二十)+大",
    r"[一二三]{0,2}期",
    r"[^年]月",  # a negated class gives nothing
    r"(年)\1",  # a back reference repeats what its group consumed
    r".前",
    r"\d+\s*页",
    r"^(?:序号|编号)$",
    r"(?i:m)b",  # a scoped flag
    r"(?:(?:第)|(?:次))",
    r"\s*[((]",
    r"(?>一+)个",  # atomic group
    r"(?:一|)二",  # an empty branch
]


def _rule_patterns() -> list[re.Pattern[str]]:
    tables = [r.regex for r in (*load_not_targets(), *load_year_forms(), *load_achievement_cues())]
    tables += [c.regex for c in prose.prose_cues()] + [h.regex for h in table_blocks.header_rules()]
    tables += [s.pattern for s in numbering.STYLES] + [numbering._BULLET_RE]  # noqa: SLF001
    tables += list(indicator_tables.HEADER_CELLS.values())
    return tables + [re.compile(p) for p in TRICKY] + [re.compile(p, re.IGNORECASE) for p in TRICKY[:4]]


PATTERNS = _rule_patterns()


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_every_match_holds_a_character_of_every_clause(text: str) -> None:
    for regex in PATTERNS:
        clauses = required_chars(regex)
        for m in regex.finditer(text):
            assert all(not clause.isdisjoint(m.group()) for clause in clauses), (regex.pattern, m.group())


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_every_match_holds_a_string_of_every_clause(text: str) -> None:
    noise = [r.regex for r in load_noise_rules()]
    for regex in [*PATTERNS, *noise]:
        clauses = required_strings(regex)
        for m in regex.finditer(text):
            assert all(any(piece in m.group() for piece in clause) for clause in clauses), (regex.pattern, m.group())


@pytest.mark.parametrize(
    ("pattern", "clauses"),
    [
        ("(?i)pg电子", [["电子"]]),
        ("(?i)(?<![a-z])[a-z]{2}(?:电子|棋牌)(?:官网|入口)的?", [["入口", "官网"], ["棋牌", "电子"]]),
        ("新?葡京|澳门(?:金沙|永利)", [["澳门", "葡京"]]),
        ("年?月底前", [["月底前"]]),
        ("(?:一|)二", [["二"]]),
        ("(?:十|二十)+大", [["二十", "十"], ["大"]]),
        ("a(?=b)c", [["a"], ["c"]]),
    ],
)
def test_string_clauses_of_a_pattern(pattern: str, clauses: list[list[str]]) -> None:
    assert sorted(sorted(c) for c in required_strings(re.compile(pattern))) == clauses


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_matches_start_with_a_first_character(text: str) -> None:
    for regex in PATTERNS:
        starts, nonempty_starts = first_chars(regex), first_chars(regex, nonempty=True)
        for pos in range(len(text) + 1):
            m = regex.match(text, pos)
            if m is None:
                continue
            if starts is not None:
                assert m.end() > pos and text[pos] in starts, regex.pattern
            if nonempty_starts is not None and m.end() > pos:
                assert text[pos] in nonempty_starts, regex.pattern


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_no_whole_match_is_longer_than_the_limit(text: str) -> None:
    for regex in PATTERNS:
        limit = longest_whole_match(regex)
        if limit is not None:
            for pos in range(len(text) + 1):
                assert regex.match(text[pos:]) is None or len(text) - pos <= limit, regex.pattern


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(0, 60), st.integers(0, 300))
def test_a_rule_filter_drops_only_rules_that_cannot_match(text: str, start: int, length: int) -> None:
    start = min(start, len(text))
    stop = min(len(text), start + length)
    rules = RuleFilter(PATTERNS, lambda regex: regex, "0123456789")
    kept = rules.worth_running(text, start, stop)
    assert [r for r in PATTERNS if r.search(text, start, stop)] == [r for r in kept if r.search(text, start, stop)]
    present = set(text[start:stop]) | set("年")  # a set holding more than the span does no harm
    assert set(kept) <= set(rules.worth_running(text, start, stop, present))


def test_a_rule_filter_reads_long_spans_with_find() -> None:
    rules = RuleFilter([re.compile("《[^》]+》"), re.compile(r"\d+岁")], lambda regex: regex)
    text = "教师" * PRESENT_SET_MAX_CHARS + "《规划》"
    assert rules.worth_running(text) == [rules.rules[0]]
    assert rules.worth_running(text, 0, 10) == []


@pytest.mark.parametrize(
    ("pattern", "clauses"),
    [
        ("《[^》\n]{1,120}》", ["《", "》"]),
        ("以来|近年来", ["来"]),  # the character both branches share
        ("第{0,1}三", ["三"]),
        (r"(?i)kb|mb", []),
        (r"[\u4e00-\u9fff]+局", ["局"]),  # a large class gives nothing
        (r"(?=期)", []),
    ],
)
def test_clauses_of_a_pattern(pattern: str, clauses: list[str]) -> None:
    assert sorted("".join(sorted(c)) for c in required_chars(re.compile(pattern))) == clauses


def test_the_key_clause_avoids_likely_characters() -> None:
    clauses = required_chars(re.compile("(?:十[一二]|二十)大"))
    assert key_clause(clauses, "一二十") == frozenset("大")
    assert key_clause((), "") is None


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_first_match_agrees_with_the_loop(text: str) -> None:
    for patterns in (PATTERNS[:20], [r for r in PATTERNS if not r.groups], TRICKY):
        regexes = [re.compile(p) if isinstance(p, str) else p for p in patterns]
        first = FirstMatch(regexes, lambda regex: regex)
        assert first.match(text) == next((r for r in regexes if r.match(text)), None)


def test_rules_with_groups_or_inline_flags_are_not_joined() -> None:
    assert FirstMatch([re.compile("(年)"), re.compile("月")], lambda r: r).joined is None
    assert FirstMatch([re.compile("年"), re.compile("(?i)m")], lambda r: r).joined is None
    assert FirstMatch([re.compile("年"), re.compile("月")], lambda r: r).joined is not None


def test_white_space_is_what_backslash_s_matches_and_split_splits_on() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert whitespace() == frozenset(re.findall(r"\s", every)) == frozenset(filter(str.isspace, every))
    assert "".join(every.split()) == re.sub(r"\s+", "", every)  # what header_role relies on


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(0, 40), st.integers(0, 40))
def test_a_pattern_blind_past_its_match_finds_the_same_match_with_an_earlier_end(text: str, pos: int, cut: int) -> None:
    pos, early = min(pos, len(text)), min(len(text), pos + cut)
    for regex in PATTERNS:
        if not blind_past_match(regex):
            continue
        whole, short = regex.match(text, pos), regex.match(text, pos, early)
        if whole is None:
            assert short is None, regex.pattern
        elif whole.end() <= early:
            assert short is not None and short.span() == whole.span(), regex.pattern


@pytest.mark.parametrize(
    ("pattern", "blind"),
    [
        ("(?<=中)共[区市]", True),
        ("^序号", True),
        ("一(?!个)", False),
        ("年$", False),
        (r"\b年", False),
        ("(?:(?![的和])[\u4e00-\u9fff])+局", False),
        ("(年)(?(1)前|后)", False),
    ],
)
def test_patterns_that_look_past_their_match(pattern: str, blind: bool) -> None:
    assert blind_past_match(re.compile(pattern)) is blind
