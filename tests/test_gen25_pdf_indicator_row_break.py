"""A 主要指标 table row that Word lets break across a page: its category cell is merged down, so it has no 序号."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from build_support import read_table
from gen21_support import build_converted, headed_table
from plandata.read.formats.pdf import _continues_row

_ROWS = 40
_HEADER = ("类别", "指标", "单位", "2020年", "2025年", "属性")


def _metric(n: int) -> str:
    return f"第{n}类学校专任教师研究生学历人数"


def _long_indicator_table() -> docx.document.Document:
    document = docx.Document()
    document.add_paragraph("一、发展目标")
    document.add_paragraph("主要指标如下:")
    table = headed_table(document, _HEADER)
    for n in range(1, _ROWS + 1):
        cells = table.add_row().cells
        cells[1].text = _metric(n)
        cells[2].text = "人"
        cells[3].text = str(n)
        cells[4].text = str(n + 100)
        cells[5].text = "预期性"
    category = table.cell(1, 0).merge(table.cell(_ROWS, 0))  # one category down every page
    category.text = "教师队伍"
    for row in table.rows:  # a narrow indicator column: every metric wraps
        row.cells[1].width = docx.shared.Cm(2.2)
    document.add_paragraph("二、保障措施")
    return document


@pytest.mark.clients
def test_an_indicator_row_broken_across_pdf_pages_keeps_its_whole_metric(tmp_path: Path) -> None:
    source = tmp_path / "indicators.docx"
    _long_indicator_table().save(source)
    out = build_converted(tmp_path, source, "pdf")
    rows = [i for i in read_table(out, "indicators") if i["attribute"]]
    assert [(i["metric"], float(i["value"]), float(i["baseline_value"])) for i in rows] == [
        (_metric(n), n + 100.0, float(n)) for n in range(1, _ROWS + 1)
    ]


def test_an_unnumbered_tables_row_continues_only_where_most_of_its_cells_are_empty() -> None:
    last = ["教师队伍", "专任教师", "人", "35", "80", "预期性"]
    assert _continues_row([list(_HEADER), last], ["", "研究生学历人数", "", "", "", ""])
    # A row of its own under the category merged across the page fills its values and attribute.
    assert not _continues_row([list(_HEADER), last], ["", "骨干教师", "人", "", "500", "预期性"])
    assert not _continues_row([list(_HEADER), last], ["", "骨干教师", "人", "320", "500", ""])
    assert not _continues_row([list(_HEADER), last], ["", "", "", "", "", ""])
