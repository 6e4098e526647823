"""Task division outside Beijing, on a real build of the plan snippets in fixtures/gen22_probes/raw.

Each snippet is written for these tests in a shape provincial, prefectural and
county plans use: `牵头单位:A;责任单位:B` in prose, collective names of the
places below a province or city (各设区市人民政府, 各盟市, 各旗县(市、区),
各区(市)县, 各乡镇(街道), 各镇街), an autonomous region's 党委 organs, and a
county's 发改委.  fixtures/gen22_probes/links.tsv holds the links the build must give.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gen22_support import build_probes, read_tsv, table
from plandata.extract.registry import load_registry


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_probes(tmp_path_factory.mktemp("gen22") / "out")


def links(package: Path) -> list[dict[str, str]]:
    """Every link of the package in the columns of links.tsv, in table order."""
    names = {a["agency_id"]: a["name_zh"] for a in table(package, "agencies")}
    out = []
    for r in table(package, "measure_agencies"):
        document, measure = r["measure_id"].split(":")
        out.append(
            {
                "document": document,
                "measure": measure,
                "name": r["name_in_text"],
                "relation": r["relation"],
                "name_zh": names[r["agency_id"]],
            }
        )
    return out


def test_links_are_the_expected_ones(package: Path) -> None:
    expected = read_tsv("links.tsv")
    assert len(expected) == 42  # guards against the fixture losing rows
    assert links(package) == expected


def test_a_plain_list_beside_a_lead_list_is_the_support(package: Path) -> None:
    # 牵头单位:A;责任单位:B — as a table's 责任单位 column beside its 牵头单位 column.
    first = [r for r in links(package) if (r["document"], r["measure"]) == ("gen22_province_prose", "m0002")]
    assert [r["relation"] for r in first] == ["lead", "support", "support", "support"]


@pytest.mark.parametrize("row", read_tsv("resolutions.tsv"), ids=lambda r: f"{r['jurisdiction']}:{r['written']}")
def test_collective_and_regional_forms_resolve(row: dict[str, str]) -> None:
    agency = load_registry().resolve(row["written"], row["jurisdiction"])
    assert agency is not None and agency.in_registry
    assert agency.name_zh == row["name_zh"]


def test_party_committee_written_党委_only_after_an_autonomous_region() -> None:
    # A province's Party committee is its 省委: 省党委宣传部 is no form of it.
    assert load_registry().resolve("省党委宣传部", "江苏省") is None
    assert load_registry().resolve("自治区党委宣传部", "西藏自治区") is not None
