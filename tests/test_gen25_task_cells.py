"""Task-division cells as provincial pages write them: labels inside a 责任单位 cell, a closing 按职责分工负责."""

from __future__ import annotations

from pathlib import Path

from gen21_support import build_one, links
from plandata.extract.task_division import read_cell

_PAGE = """<html><head><meta charset="utf-8"><title>方案</title></head><body>
<p>一、重点任务</p>
<table border="1">
<tr><td>序号</td><td>重点任务</td><td>责任单位</td><td>时间进度</td></tr>
<tr><td>1</td><td>扩充公办学位</td><td>牵头单位:省教育厅<br>配合单位:省发展改革委、省财政厅</td><td>2025年</td></tr>
<tr><td>2</td><td>治理配套园</td><td>省住房城乡建设厅、省教育厅(按职责分工负责)</td><td>2023年底前</td></tr>
</table>
<p>二、保障措施</p>
<p>加强组织领导。</p>
</body></html>
"""


_LINKS = "1 省教育厅 lead|1 省发展改革委 support|1 省财政厅 support|2 省住房城乡建设厅 assigned|2 省教育厅 assigned"


def test_a_cell_with_its_own_labels_is_read_by_them_and_a_closing_duty_phrase_is_no_name(tmp_path: Path) -> None:
    found = links(build_one(tmp_path, "plan.html", _PAGE), "label")
    assert "|".join(" ".join(link) for link in found) == _LINKS


def test_a_plain_cell_keeps_its_columns_relation() -> None:
    assert [(u.name, u.relation) for u in read_cell("市教育局、市财政局", 0, "牵头单位")] == [
        ("市教育局", "lead"),
        ("市财政局", "lead"),
    ]
    assert [(u.name, u.relation) for u in read_cell("市教育局、市财政局按职责分工负责", 0, "责任单位")] == [
        ("市教育局", "assigned"),
        ("市财政局", "assigned"),
    ]
