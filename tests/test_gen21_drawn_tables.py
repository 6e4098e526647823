"""Task tables drawn in plain text with box characters or ASCII art read as the pipe tables they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_support import read_table
from gen21_support import build_one, links

_BOX = """某县教育事业发展规划
一、重点任务分工
┌──┬────────────┬──────┬──────┐
│序号│重点任务                │牵头单位  │配合单位  │
├──┼────────────┼──────┼──────┤
│1   │新增学位4000个          │县教育局  │县财政局  │
├──┼────────────┼──────┼──────┤
│2   │培训教师2000人次        │县教育局  │县人社局  │
└──┴────────────┴──────┴──────┘
二、保障措施
(一)加强组织领导。成立工作专班。
"""
_ASCII = """某县教育事业发展规划
一、重点任务分工
+----+------------------+----------+----------+
| 序号 | 重点任务             | 牵头单位   | 配合单位   |
+====+==================+==========+==========+
| 1  | 新增学位4000个       | 县教育局   | 县财政局   |
+----+------------------+----------+----------+
| 2  | 培训教师2000人次     | 县教育局   | 县人社局   |
+----+------------------+----------+----------+
二、保障措施
(一)加强组织领导。成立工作专班。
"""


@pytest.mark.parametrize("text", [_BOX, _ASCII], ids=["box", "ascii"])
def test_a_drawn_task_table_gives_one_measure_a_row_with_its_units(tmp_path: Path, text: str) -> None:
    out = build_one(tmp_path, "plan.txt", text)
    measures = read_table(out, "measures")
    assert [(m["kind"], m["label"], m["title"]) for m in measures] == [
        ("part", "一、", "重点任务分工"),
        ("table_row", "1", "新增学位4000个"),
        ("table_row", "2", "培训教师2000人次"),
        ("part", "二、", "保障措施"),
        ("subpart", "(一)", "加强组织领导"),
    ]
    for m in measures:  # offsets still point at the raw text
        assert m["title"] in text[int(m["raw_start"]) : int(m["raw_end"])]
    assert links(out, "label") == [
        ("1", "县教育局", "lead"),
        ("1", "县财政局", "support"),
        ("2", "县教育局", "lead"),
        ("2", "县人社局", "support"),
    ]
    values = [(i["value"], text[int(i["raw_start"]) : int(i["raw_end"])]) for i in read_table(out, "indicators")]
    assert [v for v, _ in values] == ["4000", "2000"] and all(v in quote for v, quote in values)
