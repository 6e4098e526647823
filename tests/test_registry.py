"""The agency registry: data files checked, every row and form resolved."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from plandata.extract.registry import AGENCY_ID_RE, derived_agency_id, load_registry
from plandata.package.tables import ADMIN_LEVELS, AGENCY_TYPES, NAME_EN_STATUSES

REGISTRY = load_registry()
RESOLUTIONS = Path(__file__).parent / "fixtures" / "agencies" / "resolutions.csv"
PLACES = sorted({j.name: j for j in REGISTRY.jurisdictions.values()}.values(), key=lambda j: j.name)
# Parametrised checks run on a sample: the country, every place a curated row or a resolution case names,
# and the first place of each kind of the division table (县级市, 自治州, 旗 …); whole-table checks loop.
_NAMED = {a.jurisdiction for a in REGISTRY.curated} | {"中华人民共和国"}
_FIRST_OF_KIND: dict[tuple[str, tuple[str, ...]], object] = {}
for _j in PLACES:
    _FIRST_OF_KIND.setdefault((_j.admin_level, _j.scope_words), _j)
KNOWN = sorted({*(j for j in PLACES if j.name in _NAMED), *_FIRST_OF_KIND.values()}, key=lambda j: j.name)
# The twelve units the Beijing implementation plan names in its task division, written as it writes them.
BEIJING_TWELVE = (
    "市委教育工委",
    "市教委",
    "市委宣传部",
    "市人力资源社会保障局",
    "市财政局",
    "市发展改革委",
    "市委编办",
    "市住房城乡建设委",
    "市规划自然资源委",
    "市农业农村局",
    "市属师范院校",
    "相关高校和职业院校",
)


def _resolutions() -> list[dict[str, str]]:
    with RESOLUTIONS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _resolutions(), ids=lambda r: f"{r['管辖']}:{r['原文名称']}")
def test_resolutions(row: dict[str, str]) -> None:
    agency = REGISTRY.resolve(row["原文名称"], row["管辖"] or None)
    assert agency is not None
    assert (agency.name_zh, agency.agency_id) == (row["全称"], row["agency_id"])
    assert agency.in_registry


def test_every_form_has_a_resolution_case() -> None:
    covered = {r["agency_id"].rsplit(".", 1)[-1] for r in _resolutions()}
    assert not [f.form_id for f in REGISTRY.forms if f.form_id not in covered]


@pytest.mark.parametrize("agency", REGISTRY.curated, ids=lambda a: a.agency_id)
def test_curated_rows(agency) -> None:
    assert AGENCY_ID_RE.match(agency.agency_id)
    assert agency.name_en and agency.name_en_source and agency.name_en_status in NAME_EN_STATUSES
    assert agency.admin_level in ADMIN_LEVELS and agency.type in AGENCY_TYPES
    for written in (agency.name_zh, *agency.short_forms):
        assert REGISTRY.resolve(written, agency.jurisdiction) == agency


def test_the_beijing_plans_twelve_units_are_curated() -> None:
    for written in BEIJING_TWELVE:
        agency = REGISTRY.resolve(written, "北京市")
        assert agency in REGISTRY.curated, written


def test_curated_rows_agree_with_the_forms() -> None:
    # A curated row that a generic form also produces must carry the form's id and Chinese name,
    # so that both routes give one agency.
    for agency in REGISTRY.curated:
        j = REGISTRY.jurisdiction(agency.jurisdiction)
        for form in REGISTRY.forms:
            if form.name_zh.format(full=j.full_name) == agency.name_zh:
                assert agency.agency_id == f"{j.slug}.{form.form_id}"


@pytest.mark.parametrize("j", KNOWN, ids=lambda j: j.name)
def test_no_alias_resolves_to_two_agencies_in_one_jurisdiction(j) -> None:
    by_written: dict[str, set[str]] = {}
    for written, agency in REGISTRY.expansions(j):
        by_written.setdefault(written, set()).add(agency.agency_id)
    clashes = {w: ids for w, ids in by_written.items() if len(ids) > 1}
    assert not clashes


def test_agency_ids_are_unique_and_carry_one_set_of_fields() -> None:
    seen: dict[str, object] = {}
    for j in KNOWN:
        for _, agency in REGISTRY.expansions(j):
            assert AGENCY_ID_RE.match(agency.agency_id)
            assert seen.setdefault(agency.agency_id, agency) == agency
    assert len({a.name_zh for a in seen.values()}) == len(seen)  # one id per full name


@pytest.mark.parametrize("j", KNOWN, ids=lambda j: j.name)
def test_every_registry_agency_has_an_english_name(j) -> None:
    for _, agency in REGISTRY.expansions(j):
        assert agency.in_registry
        assert agency.name_en and agency.name_en_status in NAME_EN_STATUSES and agency.name_en_source
        assert "{" not in agency.name_en


def test_every_jurisdiction_has_its_government() -> None:
    # every place of the division table, by each word its documents write for it (区政府, 州政府, 旗政府 …)
    wrong = []
    for j in PLACES:
        if j.admin_level == "national":
            continue
        for word in j.scope_words:
            agency = REGISTRY.resolve(word + "政府", j.name)
            if agency is None or (agency.name_zh, agency.jurisdiction) != (j.full_name + "人民政府", j.name):
                wrong.append((j.name, word))
        chain = [c.name for c in REGISTRY.chain(j.name)]
        if chain[0] != j.name or chain[-1] != "中华人民共和国":
            wrong.append((j.name, "chain"))
    assert not wrong


def test_unknown_jurisdiction_keeps_the_form_without_english() -> None:
    agency = REGISTRY.resolve("区教委", "某某区")
    assert (agency.name_zh, agency.in_registry, agency.name_en) == ("某某区教育委员会", False, None)
    assert agency.agency_id == derived_agency_id("某某区", "某某区教育委员会")


def test_derived_ids_are_stable() -> None:
    # The id of an unregistered name must not change between builds or versions.
    assert derived_agency_id("海淀区", "区公安分局") == "unregistered.572ae840a76c"
    assert derived_agency_id(None, "区教育局") == derived_agency_id("", "区教育局")


def test_unresolvable_scope_leaves_the_place_empty() -> None:
    assert REGISTRY.resolve("市教育局", "某某区") is None
    agency = REGISTRY.unregistered("市教育局", "某某区")
    assert (agency.name_zh, agency.jurisdiction, agency.in_registry) == ("市教育局", None, False)
    assert REGISTRY.unregistered("各学区", "某某区").type == "group"


def test_unregistered_generic_forms_keep_type_and_level() -> None:
    agency = REGISTRY.unregistered("区教育工作领导小组", None)
    assert (agency.type, agency.admin_level, agency.jurisdiction) == ("party_organ", "district", None)
    assert REGISTRY.unregistered("区教师发展中心", "海淀区").jurisdiction == "北京市海淀区"


def test_unknown_jurisdiction_full_and_short_forms_are_one_body() -> None:
    short = REGISTRY.resolve("区教委", "某某区")
    assert REGISTRY.resolve("某某区教育委员会", "某某区") == short
    assert REGISTRY.resolve("中共某某区委宣传部", "某某区").name_zh == "中共某某区委宣传部"
