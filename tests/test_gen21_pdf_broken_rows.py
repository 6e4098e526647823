"""A task-table row that Word lets break across a page: in the PDF its rest tops the next page with no 序号."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from build_support import read_table
from gen21_support import build_converted, headed_table, links
from plandata.read.formats.pdf import _continues_row

_ROWS = 30


def _long_task_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("一、重点任务")
    table = headed_table(document, ("序号", "重点任务", "牵头单位", "配合单位"))
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))  # repeated on each page
    for n in range(1, _ROWS + 1):
        cells = table.add_row().cells
        cells[0].text = str(n)
        cells[
            1
        ].text = f"实施第{n}项工程，统筹推进城乡学校布局调整和办学条件改善，新建改扩建学校{n}所，新增学位{n * 100}个"
        cells[2].text = "市教育局"
        cells[3].text = "市发展和改革委员会、市财政局、市自然资源和规划局"
    document.add_paragraph("二、保障措施")
    document.save(path)
    return path


@pytest.mark.clients
def test_a_row_broken_across_pdf_pages_is_one_row_and_the_rows_after_it_stay_rows(tmp_path: Path) -> None:
    out = build_converted(tmp_path, _long_task_table(tmp_path / "tasks.docx"), "pdf")
    rows = [m for m in read_table(out, "measures") if m["kind"] == "table_row"]
    assert [m["label"] for m in rows] == [str(n) for n in range(1, _ROWS + 1)]
    assert all(m["title"].startswith(f"实施第{m['label']}项工程") for m in rows)
    assert all(f"新增学位{int(m['label']) * 100}个" in m["text"] for m in rows)  # the row's rest is its own
    leads = [link for link in links(out, "label") if link[2] == "lead"]
    assert len(leads) == _ROWS and len(links(out, "label")) == 4 * _ROWS


def test_only_a_numbered_tables_row_without_its_number_continues_the_row_above() -> None:
    header = ["序号", "重点任务", "牵头单位"]
    assert _continues_row([header, ["8", "推进城乡学校布局调", "市教育局"]], ["", "整", ""])
    assert not _continues_row([header, ["8", "推进", "市教育局"]], ["9", "建设", "市教育局"])
    # A category column merged down the page: its rows have no number to lose.
    assert not _continues_row(
        [["类别", "重点任务", "牵头单位"], ["学前教育", "新建幼儿园", "市教育局"]], ["", "扩容", "市教育局"]
    )
    assert not _continues_row([header], ["", "整", ""])  # under a header there is no row to continue
