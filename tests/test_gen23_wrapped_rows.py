"""A task-table row whose cell wraps onto a second row with an empty 序号: that row continues the one above.

Plain text, HTML and box-drawn tables (as tab- or pipe-separated rows) put the
rest of a wrapped cell in a row of its own; it joins the row above, and the
rows after it keep their own numbers and stay measures of their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from build_support import read_table
from gen21_support import build_one, links
from plandata.structure.table_blocks import Line, find_table

_HEADER = ("序号", "重点任务", "牵头单位", "配合单位")
# Row 1 wraps: its task and its supporting units go on in a row with an empty 序号.
_ROWS = (
    ("1", "新建城区学校若干所,", "区教育局", "区发改局、"),
    ("", "同步配建幼儿园", "", "区财政局"),
    ("2", "实施薄弱学校改造", "区教育局", "区财政局"),
    ("3", "建成教师发展中心", "区教育局", "区人社局"),
)


def _tab_text() -> str:
    return "任务分工表\n" + "\n".join("\t".join(row) for row in (_HEADER, *_ROWS)) + "\n"


def _pipe_text() -> str:
    rule = "|" + "---|" * len(_HEADER)
    rows = [f"| {' | '.join(row)} |" for row in (_HEADER, *_ROWS)]
    return "任务分工表\n" + "\n".join([rows[0], rule, *rows[1:]]) + "\n"


def _box_text() -> str:
    widths = (4, 14, 8, 8)
    rule = "├" + "┼".join("─" * w for w in widths) + "┤"
    rows = ["│" + "│".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + "│" for row in _ROWS]
    body = [rows[0], rows[1], rule, rows[2], rule, rows[3]]  # no rule between a row and its rest
    top, bottom = ("┌" + "┬".join("─" * w for w in widths) + "┐", "└" + "┴".join("─" * w for w in widths) + "┘")
    return "\n".join(["任务分工表", top, "│" + "│".join(_HEADER) + "│", rule, *body, bottom]) + "\n"


def _html_text() -> str:
    rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in (_HEADER, *_ROWS))
    return f'<html><head><meta charset="utf-8"></head><body><p>任务分工表</p><table>{rows}</table></body></html>'


@pytest.mark.parametrize(
    ("name", "text"),
    [("tab.txt", _tab_text()), ("pipe.txt", _pipe_text()), ("box.txt", _box_text()), ("table.html", _html_text())],
)
def test_a_wrapped_rows_rest_joins_it_and_the_rows_after_it_stay_rows(tmp_path: Path, name: str, text: str) -> None:
    out = build_one(tmp_path, name, text)
    rows = [m for m in read_table(out, "measures") if m["kind"] == "table_row"]
    assert [m["label"] for m in rows] == ["1", "2", "3"]
    assert rows[0]["title"] == "新建城区学校若干所,同步配建幼儿园"  # the task cell's two lines, one text
    assert rows[0]["text"] == "新建城区学校若干所,同步配建幼儿园\t区教育局\t区发改局、区财政局"
    assert [m["title"] for m in rows[1:]] == ["实施薄弱学校改造", "建成教师发展中心"]
    assert links(out, "label") == [
        ("1", "区教育局", "lead"),
        ("1", "区发改局", "support"),
        ("1", "区财政局", "support"),  # from the row's second line
        ("2", "区教育局", "lead"),
        ("2", "区财政局", "support"),
        ("3", "区教育局", "lead"),
        ("3", "区人社局", "support"),
    ]
    # provenance: the row's span runs from its first line's cells (its number first) to the end of its rest
    raw = (out / "text" / f"{Path(name).stem}.txt").read_text(encoding="utf-8") if name.endswith(".html") else text
    piece = raw[int(rows[0]["raw_start"]) : int(rows[0]["raw_end"])]
    assert piece.startswith("1") and piece.endswith("区财政局")
    assert piece.lstrip("1 \t|│").startswith("新建城区学校若干所,") and "同步配建幼儿园" in piece
    for link in read_table(out, "measure_agencies"):  # every unit points at its own name, on either line
        assert raw[int(link["raw_start"]) : int(link["raw_end"])] == link["name_in_text"]


def test_a_rest_left_with_one_cell_after_the_tabs_were_cut_keeps_the_rows_after_it(tmp_path: Path) -> None:
    text = "序号\t重点任务\t牵头单位\t配合单位\n1\t新建城区学校,\t区教育局\t区发改局\n\t同步配建幼儿园\n"
    text += "2\t实施薄弱学校改造\t区教育局\t区财政局\n3\t建成教师发展中心\t区教育局\t区人社局\n"
    rows = [m for m in read_table(build_one(tmp_path, "cut.txt", text), "measures") if m["kind"] == "table_row"]
    assert [(m["label"], m["title"]) for m in rows] == [
        ("1", "新建城区学校,同步配建幼儿园"),
        ("2", "实施薄弱学校改造"),
        ("3", "建成教师发展中心"),
    ]


def test_a_category_column_merged_down_the_page_keeps_each_row(tmp_path: Path) -> None:
    text = "类别\t重点任务\t牵头单位\n学前教育\t新建幼儿园\t区教育局\n\t扩充普惠学位\t区教育局\n"
    text += "义务教育\t改造薄弱学校\t区教育局\n"
    rows = [m for m in read_table(build_one(tmp_path, "merged.txt", text), "measures") if m["kind"] == "table_row"]
    assert [m["title"] for m in rows] == ["新建幼儿园", "扩充普惠学位", "改造薄弱学校"]


def test_a_row_that_lost_its_empty_last_cell_keeps_its_number_and_is_no_rest(tmp_path: Path) -> None:
    text = "序号\t重点任务\t牵头单位\t完成时限\n1\t新建幼儿园\t区教育局\t2024年\n2\t改造薄弱学校\t区教育局\t\n"
    out = build_one(tmp_path, "short.txt", text)
    rows = [m for m in read_table(out, "measures") if m["kind"] == "table_row"]
    assert [(m["label"], m["title"], m["text"]) for m in rows] == [
        ("1", "新建幼儿园", "新建幼儿园\t区教育局\t2024年"),
        ("2", "改造薄弱学校", "改造薄弱学校\t区教育局"),  # its cells where they stood, not moved right
    ]
    assert [link[:2] for link in links(out, "label")] == [("1", "区教育局"), ("2", "区教育局")]


def test_a_paragraph_indented_with_a_tab_after_the_table_is_not_its_last_rows_rest(tmp_path: Path) -> None:
    text = "一、重点任务\n序号\t重点任务\t牵头单位\n1\t新建幼儿园\t区教育局\n2\t改造薄弱学校\t区教育局\n"
    text += "\t以上任务按年度推进。\n二、保障措施\n"
    measures = read_table(build_one(tmp_path, "after.txt", text), "measures")
    rows = [m for m in measures if m["kind"] == "table_row"]
    assert [(m["title"], m["text"]) for m in rows] == [
        ("新建幼儿园", "新建幼儿园\t区教育局"),
        ("改造薄弱学校", "改造薄弱学校\t区教育局"),  # no table row follows the note: it is no rest of this one
    ]


def test_a_rest_only_joins_when_the_row_above_has_a_number() -> None:
    lines = [Line("序号\t重点任务\t牵头单位", 0), Line("\t扩充学位\t区教育局".lstrip("\t"), 20, 1)]
    table = find_table(lines, 0, lambda _: False)
    assert table is not None and len(table.rows) == 1  # nothing above to continue: a row, unnumbered
    assert [c.text for c in table.rows[0]] == ["扩充学位", "区教育局"]
