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


@pytest.mark.parametrize(
    ("cell", "role"),
    [("重点工作任务", "task"), ("目标与任务", "task"), ("目标任务", "task"), ("分 管 县领导", "person")],
)
def test_task_header_variants(cell: str, role: str) -> None:
    assert header_role(cell) == role


def test_flattened_table_of_cells_closed_by_a_pipe() -> None:
    header = "序号 |\n工作任务 |\n分管领导 |\n牵头单位 |\n责任单位 |\n"
    text = header + "7 |\n建设教师发展中心。 |\n王 某 |\n区教委 |\n各街道 |\n正文"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and table.kind == "task" and table.end_line == 10
    (row,) = table.rows
    assert [(c.header, c.text) for c in row] == [
        ("序号", "7"),
        ("工作任务", "建设教师发展中心。"),
        ("分管领导", "王 某"),
        ("牵头单位", "区教委"),
        ("责任单位(配合)", "各街道"),  # beside a lead column, a plain one names the supporting units
    ]
    assert all(text[c.start : c.end] == c.text for c in row)


def test_flattened_task_table_with_category_rows_and_rising_serials() -> None:
    text = (
        "序号\n重点任务\n牵头单位\n一、扩大供给\n2\n新建学校。\n区教委\n"
        "二、深化改革\n三、提升质量\n9\n推进轮岗。\n区人社局\n12\n培训教师。"
    )
    lines = split_lines(text)
    table = find_table(lines, 0, _never_heading)
    assert table is not None and table.end_line == len(lines)
    assert [r[0].text for r in table.rows] == ["2", "9", "12"]
    assert [lines[i].text for i in table.headings] == ["一、扩大供给", "二、深化改革", "三、提升质量"]
    assert len(table.rows[-1]) == 2  # the short last row is kept, and reported
    assert table.problems == ((12, "a task table row has 2 of 3 cells"),)  # the line of its 序号


def test_flattened_task_table_ends_at_a_heading_that_no_row_follows() -> None:
    text = "序号\n重点任务\n牵头单位\n1\n新建学校。\n区教委\n二、保障措施\n加强组织领导,落实责任。"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and table.end_line == 6 and table.headings == ()


def test_flattened_task_table_skips_a_repeated_header() -> None:
    text = "序号\n重点任务\n责任单位\n1\n新建学校。\n区教委\n序号\n重点任务\n责任单位\n2\n推进轮岗。\n区人社局\n"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and [r[0].text for r in table.rows] == ["1", "2"]


def test_a_header_with_no_body_is_reported() -> None:
    table = find_table(split_lines("序号\n重点任务\n牵头单位\n二、保障措施\n加强领导。"), 0, _never_heading)
    assert table is not None and table.rows == () and table.problems[0][0] == 0
    piped = find_table(split_lines("序号|重点任务|牵头单位\n正文"), 0, _never_heading)
    assert piped is not None and piped.problems == ((0, "a table header with no rows under it"),)


def test_a_row_with_extra_cells_is_kept_and_reported() -> None:
    table = find_table(split_lines("序号\t重点任务\t牵头单位\n1\t新建学校\t区教委\t区财政局"), 0, _never_heading)
    assert table is not None and len(table.rows) == 1
    assert table.problems == ((1, "a table row has 4 cells, its header 3"),)


def test_flattened_indicator_table_keeps_category_rows_of_a_seen_style() -> None:
    text = "指标\n2020年\n2025年\n一、普及水平\n毛入园率(%)\n90\n95\n二、主要任务\n(一)扩大供给\n统筹推进。"
    lines = split_lines(text)
    table = find_table(lines, 0, lambda t: t[:2] in ("一、", "二、"))
    assert table is not None and table.end_line == 7


def test_long_flattened_task_table() -> None:
    body = "".join(f"{i}\n推进第{i}项建设。\n区教委\n" for i in range(1, 10001))
    table = find_table(split_lines("序号\n重点任务\n牵头单位\n" + body), 0, _never_heading)
    assert table is not None and len(table.rows) == 10000 and table.problems == ()


def test_space_aligned_task_table() -> None:
    text = (
        "序号  重点任务          牵头单位    配合单位\n"
        "1     新建学校。        区教委      区财政局\n"
        "2     推进轮岗。        区人社局    区教委\n正文。"
    )
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and table.kind == "task" and table.end_line == 3
    assert [(c.header, c.text) for c in table.rows[1]] == [
        ("序号", "2"),
        ("重点任务", "推进轮岗。"),
        ("牵头单位", "区人社局"),
        ("配合单位", "区教委"),
    ]
    assert all(text[c.start : c.end] == c.text for row in table.rows for c in row)


def test_a_spaced_out_header_cell_is_no_space_aligned_row() -> None:
    lines = split_lines("指  标\n2020年\n2025年\n毛入园率(%)\n90\n95\n二、主要任务")
    table = find_table(lines, 0, lambda t: t.startswith("二、"))
    assert table is not None and table.kind == "indicator" and table.end_line == 6


@pytest.mark.parametrize(
    "category",
    [
        "一、夯实基础\t一、夯实基础\t一、夯实基础\t一、夯实基础",  # a colspan cell repeated into every column
        "一、夯实基础",  # or in the first column, the empty others cut off with the line's edge
        "| 一、夯实基础 | | | |",
    ],
)
def test_a_category_row_merged_across_a_separated_task_table_is_a_heading(category: str) -> None:
    piped = category.startswith("|")
    row = (lambda *cells: f"| {' | '.join(cells)} |") if piped else (lambda *cells: "\t".join(cells))
    text = "\n".join(
        [row("序号", "重点任务", "牵头单位", "配合单位"), category, row("1", "建设平台。", "省教育厅", "省财政厅")]
    )
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and table.headings == (1,) and table.end_line == 3
    assert [r[0].text for r in table.rows] == ["1"]


def test_a_heading_after_a_separated_task_table_ends_it() -> None:
    for after in ("二、保障措施\n加强组织领导。", "二、分工\n序号\t重点任务\t牵头单位\n1\t建设平台。\t区教委"):
        text = f"序号\t重点任务\t牵头单位\n1\t建设平台。\t省教育厅\n{after}"
        table = find_table(split_lines(text), 0, _never_heading)
        assert table is not None and table.end_line == 2 and table.headings == ()


def test_a_caption_merged_across_a_task_table_is_no_row() -> None:
    text = "序号\t重点任务\t牵头单位\n基础教育\t基础教育\t基础教育\n1\t建设平台。\t省教育厅"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and table.headings == () and [r[0].text for r in table.rows] == ["1"]


@pytest.mark.parametrize(
    ("cell", "role"),
    [
        ("牵头处室", "lead"),  # a provincial department dividing its tasks among its divisions
        ("配合处室", "support"),
        ("负责处室", "agency"),
        ("主要责任部门", "lead"),
        ("配合责任单位", "support"),
        ("协助单位", "support"),
        ("完成期限", "deadline"),
        ("完成年限", "deadline"),
    ],
)
def test_header_variants(cell: str, role: str) -> None:
    assert header_role(cell) == role


def test_a_separated_task_table_skips_its_header_repeated_and_ends_at_another_header() -> None:
    header = "序号\t重点任务\t牵头单位"
    other = "序号\t工作任务\t责任单位\n3\t做好信访。\t办公室"
    text = f"{header}\n1\t建设平台。\t区教委\n{header}\n2\t培训教师。\t区人社局\n{other}"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and [r[0].text for r in table.rows] == ["1", "2"] and table.end_line == 4


def test_a_flattened_task_table_without_serials_keeps_a_row_that_lost_its_empty_cell() -> None:
    # the empty support cell of the second row left no line: the next task, a sentence, opens the next row
    text = "重点任务\n牵头单位\n配合单位\n新建学校。\n区教委\n区财政局\n培训教师。\n区教委\n推进轮岗。\n区教委\n各街道"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and [r[0].text for r in table.rows] == ["新建学校。", "培训教师。", "推进轮岗。"]
    assert [len(r) for r in table.rows] == [3, 2, 3]
    assert table.problems == ((6, "a task table row has 2 of 3 cells"),)


def test_a_flattened_task_table_whose_unit_cells_end_sentences_is_read_by_width() -> None:
    text = "重点任务\n牵头单位\n配合单位\n新建学校。\n区教委。\n区财政局。\n培训教师。\n区教委。\n推进轮岗。"
    table = find_table(split_lines(text), 0, _never_heading)
    assert table is not None and [[c.text for c in r] for r in table.rows] == [
        ["新建学校。", "区教委。", "区财政局。"],
        ["培训教师。", "区教委。", "推进轮岗。"],
    ]
