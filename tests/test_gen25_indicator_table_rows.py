"""主要指标 tables as pages write them: a 序号 column after the category, a sub-row inside its parent's cell."""

from __future__ import annotations

from pathlib import Path

import docx

from build_support import read_table
from gen21_support import build_one, docx_bytes, headed_table

_PAGE = """<html><head><meta charset="utf-8"><title>规划</title></head><body>
<p>一、发展目标</p>
<p>到2025年,主要指标如下。</p>
<table border="1">
<tr><td>类别</td><td>序号</td><td>指标</td><td>2020年基数</td><td>2025年目标</td><td>指标属性</td></tr>
<tr><td rowspan="4"><p>普及</p><p>程度</p></td><td>1</td><td>学前教育毛入园率(%)</td><td>97.1</td><td>98以上</td>
<td rowspan="2">约束性</td></tr>
<tr><td>2</td><td>义务教育巩固率(%)</td><td>99.2</td><td>99.5</td></tr>
<tr><td rowspan="2">3</td><td><p>标准班额学校比例(%)</p><p>其中:小学</p></td><td>90</td><td>100</td>
<td rowspan="2">预期性</td></tr>
<tr><td>初中</td><td>86</td><td>95</td></tr>
</table>
<p>二、保障措施</p>
<p>加强组织领导。</p>
</body></html>
"""


def _indicators(tmp_path: Path) -> list[tuple[str, str, float, float, str]]:
    out = build_one(tmp_path, "plan.html", _PAGE)
    return [
        (i["metric"], i["unit"], float(i["value"]), float(i["baseline_value"]), i["attribute"])
        for i in read_table(out, "indicators")
        if i["attribute"]
    ]


def test_a_serial_column_after_the_category_yields_no_indicator_and_sub_rows_keep_their_parent(tmp_path: Path) -> None:
    assert _indicators(tmp_path) == [
        ("学前教育毛入园率", "%", 98.0, 97.1, "binding"),
        ("义务教育巩固率", "%", 99.5, 99.2, "binding"),
        ("标准班额学校比例(小学)", "%", 100.0, 90.0, "expected"),
        ("标准班额学校比例(初中)", "%", 95.0, 86.0, "expected"),
    ]


def _unit_column_plan() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、发展目标")
    document.add_paragraph("到2025年,主要指标如下。")
    table = headed_table(document, ("类别", "指标", "单位", "2020年", "2025年", "属性"))
    for row in (
        ("质量", "专任教师本科学历比例", "%", "", "", ""),
        ("", "其中:小学", "%", "70", "85", "预期性"),
        ("", "初中", "%", "88", "95", "预期性"),
        ("", "新增学位", "个", "—", "[6000]", "预期性"),
    ):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.add_paragraph("二、保障措施")
    return docx_bytes(document)


def test_a_short_name_in_another_unit_after_sub_rows_is_a_metric_of_its_own(tmp_path: Path) -> None:
    out = build_one(tmp_path, "plan.docx", _unit_column_plan())
    assert [(i["metric"], i["unit"], float(i["value"])) for i in read_table(out, "indicators") if i["attribute"]] == [
        ("专任教师本科学历比例(小学)", "%", 85.0),
        ("专任教师本科学历比例(初中)", "%", 95.0),
        ("新增学位", "个", 6000.0),
    ]
