"""Tables in plan text: one case per known column header, both layouts, both table kinds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.rules.lexicon import read_table
from plandata.structure.parse import split_lines
from plandata.structure.table_blocks import find_table, header_role, header_rules, serial_value, table_kind

HEADERS = read_table("table_headers.csv", ("header_id", "role", "pattern", "example", "seen_in", "note"), "header_id")


def _never_heading(text: str) -> bool:
    return False


@pytest.mark.parametrize("row", HEADERS, ids=lambda r: r["header_id"])
def test_header_example_has_its_role(row: dict[str, str]) -> None:
    assert header_role(row["example"]) == row["role"]
    assert header_role(f" {row['example']} ") == row["role"]


def test_every_header_rule_has_a_case() -> None:
    assert [r.header_id for r in header_rules()] == [r["header_id"] for r in HEADERS]


@pytest.mark.parametrize("cell", ["加强组织领导", "区教委", "98", "预期性", ""])
def test_ordinary_cells_are_no_headers(cell: str) -> None:
    assert header_role(cell) is None


def test_table_kind_needs_a_task_and_a_responsibility_or_an_indicator_and_a_value() -> None:
    assert table_kind(("serial", "task", "lead", "support")) == "task"
    assert table_kind(("indicator", "baseline", "target", "attribute")) == "indicator"
    assert table_kind(("serial", "task", "deadline")) is None
    assert table_kind(("indicator", "unit")) is None


def test_separated_task_table_with_rule_row_and_short_row() -> None:
    text = "|序号|主要任务|责任单位|\n|---|---|---|\n|1|建设教师发展中心|区教委|\n|推进交流轮岗|区人力社保局|\n正文"
    lines = split_lines(text)
    table = find_table(lines, 0, _never_heading)
    assert table is not None and table.kind == "task" and table.end_line == 4
    first, short = table.rows
    assert [(c.header, c.text) for c in first] == [
        ("序号", "1"),
        ("主要任务", "建设教师发展中心"),
        ("责任单位", "区教委"),
    ]
    assert [c.header for c in short] == ["主要任务", "责任单位"]  # merged first cell: aligned right
    assert all(text[c.start : c.end] == c.text for row in table.rows for c in row)


def test_tab_separated_indicator_table() -> None:
    lines = split_lines("指标\t2020年\t2025年\t属性\n毛入园率(%)\t98\t99\t预期性\n二、主要任务")
    table = find_table(lines, 0, _never_heading)
    assert table is not None and (table.kind, table.end_line) == ("indicator", 2)
    assert [(c.header, c.text) for c in table.rows[0]][-1] == ("属性", "预期性")


def test_flattened_task_table_stops_when_the_serial_breaks() -> None:
    lines = split_lines("序号\n工作任务\n责任单位\n1\n建设中心\n区教委\n2\n推进轮岗\n区教委\n(二)加强督导")
    table = find_table(lines, 0, _never_heading)
    assert table is not None and table.end_line == 9 and len(table.rows) == 2


def test_flattened_task_table_without_serial_stops_at_a_heading() -> None:
    lines = split_lines("重点任务\n牵头单位\n建设中心\n区教委\n(二)加强督导\n区财政局")
    table = find_table(lines, 0, lambda t: t.startswith("(二)"))
    assert table is not None and table.end_line == 4 and len(table.rows) == 1


def test_flattened_indicator_table_stops_at_the_outline_or_a_sentence() -> None:
    lines = split_lines("指标\n2025年\n毛入园率(%)\n99\n二、主要任务")
    assert find_table(lines, 0, lambda t: t.startswith("二、")).end_line == 4
    lines = split_lines("指标\n2025年\n毛入园率(%)\n99\n到2025年,全面普及学前教育。")
    assert find_table(lines, 0, _never_heading).end_line == 4


def test_lines_that_are_no_table_header() -> None:
    assert find_table(split_lines("序号\n加强组织领导"), 0, _never_heading) is None
    assert find_table(split_lines("加强 | 领导 | 机制"), 0, _never_heading) is None


@pytest.mark.parametrize(
    ("cell", "value"), [("3", 3), ("12.", 12), ("三", 3), ("十二、", 12), ("", None), ("甲", None)]
)
def test_serial_value(cell: str, value: int | None) -> None:
    assert serial_value(cell) == value


# Cells: header examples with spaces inside and around, as parts of longer text, and long lines of text.
CELL_PIECES = [r["example"] for r in HEADERS] + [" ", "\u3000", "\t", "  ", "建设", "任务", "单位", "(", "2025年"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CELL_PIECES), max_size=8).map("".join), st.integers(0, 3))
def test_header_roles_are_those_of_every_rule_in_turn(cell: str, times: int) -> None:
    for text in (cell, cell * times + "加强组织领导,完善工作机制" * times):
        squeezed = re.sub(r"\s+", "", text)
        expected = next((r.role for r in header_rules() if r.regex.match(squeezed)), None)
        assert header_role(text) == expected
