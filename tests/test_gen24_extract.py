"""Extract-stage probes of gen24, asserted on built packages.

1. A measure links to an agency once, where its lists or cells name it twice:
   the link keeps the strongest relation the document gives (lead, then
   support, then assigned), the first of equals, and positions run from 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from build_support import read_table
from gen21_support import build_one, links

_PROSE = """某区教育发展规划(节选)
(一)学前教育扩容工程
新建公办幼儿园若干所。
牵头单位:区教育局;配合单位:区教育局、区财政局。
(二)义务教育学校建设工程
新建中小学若干所。
责任单位:区财政局、区教育局、区财政局。
(三)教师队伍建设工程
加强教师培训,区教育局负责。(区教育局牵头,区人力资源和社会保障局、区教育局配合)
"""

_TABLE = """某区教育高质量发展实施方案
| 序号 | 工作任务 | 牵头单位 | 配合单位 |
| --- | --- | --- | --- |
| 1 | 推进集团化办学 | 区教育局 | 区教育局、区财政局 |
| 2 | 建设智慧校园 | 区财政局、区财政局 | 区教育局 |
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _PROSE,
            [
                ("学前教育扩容工程", "区教育局", "lead"),  # the support list names the lead again
                ("学前教育扩容工程", "区财政局", "support"),
                ("义务教育学校建设工程", "区财政局", "assigned"),  # a list that repeats a unit
                ("义务教育学校建设工程", "区教育局", "assigned"),
                ("加强教师培训,区教育局负责", "区教育局", "lead"),  # assigned, lead and support: lead
                ("加强教师培训,区教育局负责", "区人力资源和社会保障局", "support"),
            ],
        ),
        (
            _TABLE,
            [
                ("推进集团化办学", "区教育局", "lead"),  # in the lead and the support cell
                ("推进集团化办学", "区财政局", "support"),
                ("建设智慧校园", "区财政局", "lead"),  # twice in the lead cell
                ("建设智慧校园", "区教育局", "support"),
            ],
        ),
    ],
    ids=["prose", "table"],
)
def test_a_measure_links_to_an_agency_once_with_its_strongest_relation(
    tmp_path: Path, text: str, expected: list[tuple[str, str, str]]
) -> None:
    out = build_one(tmp_path, "plan.txt", text)
    assert links(out, "title") == expected
    rows = read_table(out, "measure_agencies")
    pairs = [(a["measure_id"], a["agency_id"]) for a in rows]
    assert len(pairs) == len(set(pairs))
    by_measure: dict[str, list[int]] = {}
    for a in rows:
        by_measure.setdefault(a["measure_id"], []).append(int(a["position"]))
    assert all(p == list(range(1, len(p) + 1)) for p in by_measure.values())
