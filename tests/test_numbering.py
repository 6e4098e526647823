"""Numbering families: one case per style of the rule table, numerals, and what is no label."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.package.tables import MEASURE_KINDS
from plandata.structure import numbering
from plandata.structure.numbering import (
    STYLES,
    chinese_numeral,
    conventional_rank,
    kind_of,
    match_label,
    run_on_label_at,
)


@pytest.mark.parametrize("style", STYLES, ids=lambda s: s.key)
def test_every_style_matches_its_example(style: numbering.NumberingStyle) -> None:
    label = match_label(style.example + "加强教师队伍建设")
    assert label is not None
    assert (label.style_key, label.kind, label.text, label.ordinal) == (style.key, style.kind, style.example, 1)
    assert style.kind in MEASURE_KINDS and kind_of(style.key) == style.kind


@pytest.mark.parametrize(
    ("line", "style_key", "label_text", "ordinal"),
    [
        ("第二十一章 保障措施", "chapter", "第二十一章", 21),
        ("第3节 主要任务", "section", "第3节", 3),
        ("第二篇 发展任务", "division", "第二篇", 2),
        ("十、加强组织领导", "part", "十、", 10),
        ("一百零五、附则", "part", "一百零五、", 105),
        ("(十二)建设高素质教师队伍", "subpart", "(十二)", 12),
        ("12.深化考核评价改革。", "item", "12.", 12),
        ("3、推进集团化办学", "item", "3、", 3),
        ("⒊完善制度", "item", "⒊", 3),
        ("(10)建立台账", "subitem", "(10)", 10),
        ("⑿建立台账", "subitem", "⑿", 12),
        ("⑳开展评估", "point", "⑳", 20),
        ("★名师工程", "bullet:★", "★", None),
        ("● 校长工程", "bullet:●", "●", None),
        ("---坚持改革创新。", "bullet:-", "---", None),
        ("——坚持党的领导。", "bullet:—", "——", None),
    ],
)
def test_labels_and_ordinals(line: str, style_key: str, label_text: str, ordinal: int | None) -> None:
    label = match_label(line)
    assert label is not None
    assert (label.style_key, label.text, label.ordinal) == (style_key, label_text, ordinal)
    assert line[label.end :].strip() == line[label.end :]  # spaces after a label are skipped


@pytest.mark.parametrize(
    "line",
    [
        "1.5万名教师参加培训。",
        "2021年全区新建学校",
        "一是加强领导",
        "(2021—2025年)",
        "第一书记抓党建",
        "“十四五”时期",
        "—在会上",
    ],
)
def test_not_labels(line: str) -> None:
    assert match_label(line) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十三", 23),
        ("一百", 100),
        ("一百零五", 105),
        ("两", 2),
        ("二〇二五", 2025),
        ("", None),
        ("abc", None),
    ],
)
def test_chinese_numeral(text: str, value: int | None) -> None:
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(
    ("title", "at"),
    [
        ("完善普惠保障机制,推动学前教育优质发展1、学前教育入园目标", 19),
        ("深化课程教学改革(一)推进课堂教学改革", 8),
        ("完善制度(1)建立台账", 4),
        ("加强领导①成立小组", 4),
        ("实施“1、2、3”工程", None),  # a number inside quotes is no label
        ("新增1.5万个学位", None),
        ("1、学前教育", None),  # at the start it is the line's own label
    ],
)
def test_run_on_first_label(title: str, at: int | None) -> None:
    assert run_on_label_at(title) == at


def test_conventional_order_is_strict_and_bullets_come_last() -> None:
    ranks = [s.conventional_rank for s in STYLES]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert conventional_rank("bullet:★") > max(ranks)
    assert kind_of("bullet:★") == "bullet"


@pytest.mark.parametrize("glyph", list(numbering.BULLET_GLYPHS))
def test_every_bullet_glyph_opens_a_bullet(glyph: str) -> None:
    label = match_label(f"{glyph}名师培养工程")
    assert label is not None and (label.kind, label.style_key, label.text) == ("bullet", f"bullet:{glyph}", glyph)


# Line openings of every style and of none: labels, numerals, bullets, dashes, spaces and plain words.
OPENINGS = (
    [s.example for s in STYLES]
    + list(numbering.BULLET_GLYPHS)
    + [
        "第十二章",
        "二十、",
        "(十)",
        "12.",
        "1.5",
        "(3)",
        "⒛",
        "⑴",
        "⑳",
        "-",
        "--",
        "——",
        "—",
        "第",
        "一",
        "(",
        " ",
        "\t",
        "加强",
        "2025年",
        "《",
        "十四五",
        "1、",
        "一百零五、",
    ]
)


def _first_style(line: str) -> tuple[str, str] | None:
    """The label `match_label` should find: every style tried in order, then a bullet."""
    for style in STYLES:
        if m := style.pattern.match(line):
            return style.key, m.group()
    m = numbering._BULLET_RE.match(line)  # noqa: SLF001
    if m is None:
        return None
    glyph = m.group()[0] if m.group()[0] in numbering.DASH_BULLETS else m.group()
    return numbering.BULLET_PREFIX + glyph, m.group()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(OPENINGS), max_size=4).map("".join))
def test_labels_found_by_their_first_character_are_those_of_every_style_in_turn(line: str) -> None:
    label = match_label(line)
    assert (None if label is None else (label.style_key, label.text)) == _first_style(line)
