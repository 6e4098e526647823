"""Task division and agencies: fixture snippets, formats, mentions, seeds.

The fixtures in tests/fixtures/agencies/*.txt are plan snippets with the links
plandata must produce (format: tests/fixtures/agencies/README.md).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract.agencies import extract_task_division, own_regions, unregistered_agencies
from plandata.extract.mentions import (
    CREATION_VERBS,
    NEXT_CHAR_BLOCKERS,
    PREV_CHAR_BLOCKERS,
    SCOPE_BLOCKED_AFTER,
    SCOPE_BLOCKED_BEFORE,
    find_mentions,
    load_suffixes,
)
from plandata.extract.registry import REGISTRY_COLUMNS, load_registry
from plandata.extract.task_division import find_task_lists, load_vocabulary
from plandata.model import Measure, NormalisedDocument, RawDocument, TableCell
from plandata.read.ingest import ingest
from plandata.read.normalise import normalise
from plandata.rules.lexicon import read_table
from plandata.structure.parse import parse_measures

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "agencies"
CASES = sorted(FIXTURES.glob("*.txt"))
MEASURE_LABEL_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.)")


# -- fixture loader ---------------------------------------------------------------------------
@dataclass
class Case:
    """One fixture: a document, its measures keyed by label, and the expected links."""

    doc: NormalisedDocument
    jurisdiction: str | None
    measures: list[Measure]
    keys: dict[str, str]  # measure_id -> label as written in the expectations
    expected: list[tuple[str, ...]]


def _measure(doc: NormalisedDocument, seq: int, label: str, start: int, end: int, cells=()) -> Measure:
    text = doc.text[start:end]
    raw_start, raw_end = doc.mapped.raw_span(start, end)
    kind = "table_row" if cells else "item"
    return Measure(
        f"{doc.document_id}:m{seq:04d}",
        doc.document_id,
        None,
        1,
        kind,
        label,
        seq,
        seq,
        text.split("。")[0],
        text,
        start,
        end,
        raw_start,
        raw_end,
        tuple(cells),
    )


def _cells(line: str, offset: int) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for part in line.split("|")[1:-1]:
        pos = line.index(part, pos)
        s = offset + pos + len(part) - len(part.lstrip())
        out.append((part.strip(), s, s + len(part.strip())))
        pos += len(part)
    return out


def _measures(doc: NormalisedDocument) -> tuple[list[Measure], dict[str, str]]:
    """Numbered lines open measures, other lines continue them, `|` lines are table rows."""
    measures, keys = [], {}
    current: list | None = None  # [label, start, end]
    header: list[tuple[str, int, int]] | None = None
    pos = 0

    def close() -> None:
        if current:
            m = _measure(doc, len(measures) + 1, current[0], current[1], current[2])
            measures.append(m)
            keys[m.measure_id] = current[0]

    for line in doc.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if line.startswith("|"):
            close()
            current = None
            cells = _cells(line, start)
            if header is None:
                header = cells
                continue
            table_cells = [TableCell(h[0], c[0], c[1], c[2]) for h, c in zip(header, cells, strict=True)]
            m = _measure(doc, len(measures) + 1, "表" + cells[0][0], start, end, table_cells)
            measures.append(m)
            keys[m.measure_id] = "表" + cells[0][0]
            continue
        header = None
        label = MEASURE_LABEL_RE.match(line)
        if label:
            close()
            current = [label.group(), start, end]
        elif current:
            current[2] = end
    close()
    return measures, keys


def load_case(path: Path) -> Case:
    """Read one fixture file into a normalised document, measures and expectations."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("=== 原文\n")
    source, expected = rest.split("=== 期望\n")
    place = re.search(r"^管辖:\s*(\S+)", head, re.M).group(1)
    raw = RawDocument(path.stem, path.name, "", "utf-8", source.rstrip("\n"))
    doc = normalise(raw)
    measures, keys = _measures(doc)
    rows = [tuple(c.strip() for c in line.split("|")) for line in expected.strip().splitlines()[1:]]
    return Case(doc, None if place == "无" else place, measures, keys, rows)


def _actual(case: Case) -> list[tuple[str, ...]]:
    links, agencies = extract_task_division(case.doc, case.measures, case.jurisdiction)
    by_id = {a.agency_id: a for a in agencies}
    return [
        (
            case.keys[link.measure_id],
            str(link.position),
            link.name_in_text,
            link.relation,
            by_id[link.agency_id].name_zh,
            "是" if by_id[link.agency_id].in_registry else "否",
        )
        for link in links
    ]


# -- fixtures: each format --------------------------------------------------------------------
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_links(path: Path) -> None:
    case = load_case(path)
    assert _actual(case) == case.expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_spans_point_at_names(path: Path) -> None:
    case = load_case(path)
    links, _ = extract_task_division(case.doc, case.measures, case.jurisdiction)
    for link in links:
        assert case.doc.text[link.start : link.end] == link.name_in_text
        assert case.doc.raw.raw_text[link.raw_start : link.raw_end] == link.name_in_text


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_positions_unique_per_measure(path: Path) -> None:
    case = load_case(path)
    links, _ = extract_task_division(case.doc, case.measures, case.jurisdiction)
    by_measure: dict[str, list[int]] = {}
    for link in links:
        by_measure.setdefault(link.measure_id, []).append(link.position)
    for positions in by_measure.values():
        assert positions == list(range(1, len(positions) + 1))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_one_link_per_measure_and_agency(path: Path) -> None:
    case = load_case(path)
    links, _ = extract_task_division(case.doc, case.measures, case.jurisdiction)
    pairs = [(link.measure_id, link.agency_id) for link in links]
    assert pairs and len(pairs) == len(set(pairs))


def test_fixture_cases_guard() -> None:
    # Guards against a fixture silently losing its expectations.
    counts = {p.stem: len(load_case(p).expected) for p in CASES}
    assert len(counts) == 12
    assert all(n >= 4 for n in counts.values()), counts


def test_every_label_and_role_word_has_a_case() -> None:
    texts = "".join(p.read_text(encoding="utf-8").split("=== 期望")[0] for p in CASES)
    vocab = load_vocabulary()
    missing = [w for w in (*vocab.labels, *vocab.roles) if w not in texts]
    assert not missing


def test_unknown_names_are_kept_and_listed() -> None:
    case = load_case(FIXTURES / "lead_support_labels.txt")
    _, agencies = extract_task_division(case.doc, case.measures, case.jurisdiction)
    unknown = unregistered_agencies(agencies)
    assert [(a.name_zh, a.jurisdiction) for a in unknown] == [("区公安分局", "北京市海淀区")]
    assert unknown[0].agency_id.startswith("unregistered.")


def test_people_column_is_not_an_agency() -> None:
    case = load_case(FIXTURES / "table_main_support.txt")
    links, agencies = extract_task_division(case.doc, case.measures, case.jurisdiction)
    assert not [a for a in agencies if a.name_zh in ("李某", "张某")]
    assert {link.relation for link in links} == {"lead", "support"}


def test_parent_does_not_take_childrens_lists() -> None:
    case = load_case(FIXTURES / "task_division_paren.txt")
    outer = _measure(case.doc, 0, "一、", 0, len(case.doc.text))  # a heading spanning all items
    regions = own_regions([outer, *case.measures])
    assert regions[outer.measure_id] == (0, case.measures[0].start)
    links, _ = extract_task_division(case.doc, [outer, *case.measures], case.jurisdiction)
    assert outer.measure_id not in {link.measure_id for link in links}


# -- lists: property test ---------------------------------------------------------------------
BEIJING_FORMS = ["市教委", "市财政局", "市委编办", "市人力社保局", "相关高校和职业院校", "市规划自然资源委"]


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.sampled_from(BEIJING_FORMS), min_size=1, max_size=6),
    seps=st.lists(st.sampled_from(["、", ",", ";", " , "]), min_size=6, max_size=6),
    label=st.sampled_from(["任务分工", "责任单位", "牵头单位"]),
    closing=st.sampled_from(["", "。", "等"]),
)
def test_lists_keep_names_in_order(names, seps, label, closing) -> None:
    body = "".join(n + (seps[i] if i < len(names) - 1 else "") for i, n in enumerate(names))
    text = f"推进工作。({label}:{body}{closing})"
    lists = find_task_lists(text)
    assert [u.name for tl in lists for u in tl.units] == names
    assert all(text[u.start : u.end] == u.name for tl in lists for u in tl.units)


def test_body_parentheses_are_not_lists() -> None:
    text = "统筹配置学区内、教育集团内(跨学段)教师,努力造就中小学(含幼儿园、特殊教育,下同)教师队伍。"
    assert find_task_lists(text) == []


# -- mentions: suffixes and blockers ----------------------------------------------------------
def _mentions(text: str, jurisdiction: str | None = "海淀区") -> list[str]:
    return [m.name for m in find_mentions(text, 0, len(text), load_registry(), jurisdiction, [])]


@pytest.mark.parametrize("suffix", load_suffixes())
def test_every_suffix_finds_an_unregistered_body(suffix: str) -> None:
    name = f"区青少年科技创新{suffix}"
    assert _mentions(f"加强与{name}合作。") == [name]


@pytest.mark.parametrize("blocker", SCOPE_BLOCKED_BEFORE)
def test_scope_blocked_before(blocker: str) -> None:
    assert _mentions(f"推动{blocker}区教育工作领导小组改革。") == []


@pytest.mark.parametrize(("scope", "blocker"), [(s, b) for s, bs in SCOPE_BLOCKED_AFTER.items() for b in bs])
def test_scope_blocked_after(scope: str, blocker: str) -> None:
    assert _mentions(f"推动。{scope}{blocker}教育发展办公室") == []


@pytest.mark.parametrize(("last", "blocker"), [(k, b) for k, bs in NEXT_CHAR_BLOCKERS.items() for b in bs])
def test_next_char_blocked(last: str, blocker: str) -> None:
    word = {"部": "教育部", "局": "区教育局", "会": "区教育委员会", "委": "区委"}[last]
    assert _mentions(f"推进{word}{blocker}工作。") == []


@pytest.mark.parametrize(("last", "blocker"), [(k, b) for k, bs in PREV_CHAR_BLOCKERS.items() for b in bs])
def test_prev_char_blocked(last: str, blocker: str) -> None:
    assert _mentions(f"形成。区教育发展{blocker}{last}") == []


@pytest.mark.parametrize("verb", CREATION_VERBS)
def test_bodies_being_set_up_are_not_mentions(verb: str) -> None:
    assert _mentions(f"{verb}区教育咨询委员会。") == []


def test_titles_are_not_mentions() -> None:
    assert _mentions("落实《区教育委员会关于加强学校管理的意见》。") == []


# -- seeds ------------------------------------------------------------------------------------
def _seed_runs():
    manifest = {r["source_file"]: r for r in csv.DictReader((ROOT / "raw" / "documents.csv").open(encoding="utf-8"))}
    for raw in ingest(ROOT / "raw").documents:
        doc = normalise(raw)
        jurisdiction = manifest.get(raw.source_file, {}).get("jurisdiction") or None
        yield doc, *extract_task_division(doc, parse_measures(doc), jurisdiction)


def test_seed_lists_resolve_to_the_registry() -> None:
    runs = list(_seed_runs())
    listed = [(doc, link) for doc, links, _ in runs for link in links if link.relation != "mentioned"]
    assert len(listed) >= 40  # the Beijing plan closes 18 measures with (任务分工:…)
    agencies = {a.agency_id: a for _, _, ags in runs for a in ags}
    assert all(agencies[link.agency_id].in_registry for _, link in listed)
    assert {link.relation for _, link in listed} == {"assigned"}  # (任务分工:…) names no lead


def test_seed_agencies_repeat_identically() -> None:
    seen: dict[str, object] = {}
    for _, _, agencies in _seed_runs():
        for a in agencies:
            assert seen.setdefault(a.agency_id, a) == a


def test_agencies_table_columns_are_filled() -> None:
    columns = [c for c in read_table("agencies.csv", ("agency_id",))[0]]
    assert columns[: len(REGISTRY_COLUMNS)] == list(REGISTRY_COLUMNS)
