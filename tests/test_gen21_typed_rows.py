"""Task tables typed as paragraphs: cells apart by tabs in Word, by runs of &nbsp; or 　 on a web page."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from build_support import read_table
from gen21_support import build_one, docx_bytes, links

_ROWS = (
    ("序号", "重点任务", "牵头单位", "配合单位"),
    ("1", "新建幼儿园15所", "市教育局", "市财政局"),
    ("2", "培训教师3000人次", "市教育局", "市人社局"),
)
_HEADING = "二、重点任务分工"
_BEFORE = ("一、发展目标", "到2025年，学前三年毛入园率达到92%以上。")


def _html(gap: str) -> bytes:
    rows = "".join(f"<p>{gap.join(row)}</p>" for row in _ROWS)
    # One gap after a heading's number stays what it was: a heading, not a row.
    lines = f"<p>一、{gap}发展目标</p><p>{_BEFORE[1]}</p><p><b>{_HEADING}</b></p>{rows}"
    head = '<head><meta charset="utf-8"><title>规划</title></head>'
    page = f'<html>{head}<body><div class="content">{lines}</div></body></html>'
    return page.encode("utf-8")


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、\t发展目标")
    document.add_paragraph(_BEFORE[1])
    document.add_paragraph(_HEADING)
    for row in _ROWS:
        document.add_paragraph("\t".join(row))
    return docx_bytes(document)


@pytest.mark.parametrize("kind", ["nbsp", "nbsp-space", "ideographic", "docx-tab"])
def test_a_table_typed_as_paragraphs_gives_its_rows_as_measures_with_their_units(tmp_path: Path, kind: str) -> None:
    if kind == "docx-tab":
        out = build_one(tmp_path, "plan.docx", _docx())
    else:
        gap = {"nbsp": "&nbsp;&nbsp;&nbsp;&nbsp;", "nbsp-space": "&nbsp; &nbsp; &nbsp;", "ideographic": "\u3000\u3000"}
        out = build_one(tmp_path, "plan.html", _html(gap[kind]))
    measures = read_table(out, "measures")
    # Two headings, then one measure a row.
    assert " / ".join(f"{m['kind']} {m['title']}" for m in measures) == (
        "part 发展目标 / part 重点任务分工 / table_row 新建幼儿园15所 / table_row 培训教师3000人次"
    )
    assert links(out, "title") == [
        ("新建幼儿园15所", "市教育局", "lead"),
        ("新建幼儿园15所", "市财政局", "support"),
        ("培训教师3000人次", "市教育局", "lead"),
        ("培训教师3000人次", "市人社局", "support"),
    ]
