"""Document metadata: manifest first, then what the title line supports."""

from __future__ import annotations

import pytest

from plandata.model import MappedText, NormalisedDocument, RawDocument
from plandata.read.metadata import FIVE_YEAR_PLANS, document_metadata


def _doc(manifest: dict[str, str] | None = None) -> NormalisedDocument:
    raw = RawDocument("d", "d.txt", "0" * 64, "utf-8", "正文。", manifest or {})
    return NormalisedDocument(raw, MappedText("正文。", (0, 1, 2, 3)), "zh-Hans")


@pytest.mark.parametrize(
    ("title", "jurisdiction", "level", "start", "end"),
    [
        ("北京市“十四五”时期教育改革和发展规划(2021—2025年)", "北京市", "municipality", 2021, 2025),
        ("杭州市临平区教育事业发展“十四五”规划", "杭州市临平区", "district", 2021, 2025),
        ("海淀区教育发展“十三五”规划", "北京市海淀区", "district", 2016, 2020),
        ("某市教育事业发展第十四个五年规划", "某市", None, 2021, 2025),
        ("某省教育发展第十三个五年规划纲要", "某省", "province", 2016, 2020),
        ("某县新时代教师队伍建设实施方案", "某县", "county", None, None),
        ("关于全面深化新时代教师队伍建设改革的实施意见", None, None, None, None),
    ],
)
def test_inferred_from_title(title, jurisdiction, level, start, end) -> None:
    meta = document_metadata(_doc(), title)
    assert (meta["jurisdiction"], meta["admin_level"]) == (jurisdiction, level)
    assert (meta["plan_period_start"], meta["plan_period_end"]) == (start, end)
    assert meta["title"] == title and meta["title_source"] == "text"


def test_manifest_wins_over_inference() -> None:
    manifest = {
        "title": "某区教育规划",
        "jurisdiction": "某区",
        "admin_level": "district",
        "plan_period_start": "2021",
        "plan_period_end": "2025",
    }
    meta = document_metadata(_doc(manifest), "北京市“十三五”规划")
    assert meta["title"] == "某区教育规划" and meta["title_source"] == "manifest"
    assert (meta["jurisdiction"], meta["plan_period_end"]) == ("某区", 2025)


def test_unknown_stays_empty() -> None:
    meta = document_metadata(_doc(), None)
    assert meta["title"] is None and meta["jurisdiction"] is None and meta["plan_period_end"] is None


def test_every_five_year_plan_has_five_years() -> None:
    for name, (first, last) in FIVE_YEAR_PLANS.items():
        assert last - first == 4, name
