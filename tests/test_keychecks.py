"""Keys proved while the tables stream: the same findings as the exact method, on real packages.

The package is the committed build of raw/ (datapackage/), copied; each
variant edits its CSV rows the way a broken or reordered package would be,
then the streamed checks (`in_order`, the default) are compared with the
exact method (`in_order=False`) and with frictionless itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from plandata.check import cellchecks
from plandata.check.fastvalidate import run_checks, table_findings
from plandata.check.keychecks import KeyProofs, group_of, key_groups
from test_fastvalidate import edit_rows, frictionless_findings, restamp

COMMITTED = Path(__file__).resolve().parents[1] / "datapackage"
Rows = list[list[str]]


def _swap_documents(rows: Rows) -> None:
    """The first two documents' rows change places: each document still together, ids out of order."""
    body = rows[1:]
    first = body[0][0].rpartition(":")[0]
    ours = [r for r in body if r[0].rpartition(":")[0] == first]
    rows[1:] = [r for r in body if r not in ours] + ours


def _duplicate_next(rows: Rows) -> None:
    rows[3][0] = rows[2][0]  # a measure id repeated on the next row, in the same document


def _duplicate_far(rows: Rows) -> None:
    rows[-1][0] = rows[1][0]  # the first measure's id again on the last row, another document


def _duplicate_in_document(rows: Rows) -> None:
    """A measure id again ten rows on, in the same document: batches apart when they are small."""
    first = next(i for i in range(1, len(rows) - 10) if rows[i][1] == rows[i + 10][1])
    rows[first + 10][0] = rows[first][0]


def _parent_missing(rows: Rows) -> None:
    rows[5][2] = rows[5][1] + ":m9999"


def _parent_forward(rows: Rows) -> None:
    later = next(r for r in rows[3:] if r[1] == rows[2][1])
    rows[2][2] = later[0]  # a parent written after its child: valid, found once the document is read


# table edited -> edit; every variant's findings must not depend on the method
VARIANTS: dict[str, tuple[str, Callable[[Rows], None]]] = {
    "clean": ("measures", lambda rows: None),
    "documents_swapped": ("measures", _swap_documents),
    "rows_reversed": ("indicators", lambda rows: rows.__setitem__(slice(1, None), rows[:0:-1])),
    "duplicate_next": ("measures", _duplicate_next),
    "duplicate_far": ("measures", _duplicate_far),
    "duplicate_in_document": ("measures", _duplicate_in_document),
    "parent_missing": ("measures", _parent_missing),
    "parent_forward": ("measures", _parent_forward),
    "indicator_of_no_measure": ("indicators", lambda rows: rows[-1].__setitem__(1, rows[-1][1] + "9")),
    "empty_key": ("measure_agencies", lambda rows: rows[4].__setitem__(0, "")),
    "agency_removed": ("agencies", lambda rows: rows.pop(1)),
}


def _variant(name: str, tmp_path: Path) -> Path:
    package = tmp_path / name
    shutil.copytree(COMMITTED, package)
    table, edit = VARIANTS[name]
    edit_rows(package, table, edit)
    restamp(package)
    return package


@pytest.mark.parametrize("name", VARIANTS)
def test_streamed_and_exact_keys_give_the_same_findings(name: str, tmp_path: Path) -> None:
    package = _variant(name, tmp_path)
    streamed = table_findings(package)
    assert streamed == table_findings(package, in_order=False) == frictionless_findings(package)
    assert bool(streamed) == (name not in {"clean", "documents_swapped", "rows_reversed", "parent_forward"})


def _replicated(package: Path, copies: int) -> None:
    """Every document's rows `copies` times, under new document ids (c00_..., c01_...: still in order)."""
    for table in ("documents", "measures", "indicators", "measure_agencies"):

        def edit(rows: Rows) -> None:
            body = rows[1:]
            rows[1:] = [[_renamed(cell, n) for cell in row] for n in range(copies) for row in body]

        edit_rows(package, table, edit)
    restamp(package)


def _renamed(cell: str, n: int) -> str:
    return f"c{n:02d}_{cell}" if cell[:3].isdigit() and "_" in cell[:4] else cell  # seed ids: 000_5bfe...


@pytest.mark.parametrize(
    "name", ["clean", "parent_forward", "duplicate_far", "duplicate_in_document", "indicator_of_no_measure"]
)
def test_same_findings_when_the_tables_advance_in_small_batches(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _variant(name, tmp_path)
    _replicated(package, 12 if name in ("clean", "parent_forward") else 1)  # one fault, found in one place
    expected = table_findings(package, in_order=False)
    monkeypatch.setattr(cellchecks, "STREAM_BLOCK_BYTES", 4096)  # many batches: the tables advance together
    findings, checks = run_checks(package)
    assert findings == expected == frictionless_findings(package)
    if name in ("clean", "parent_forward"):  # proved while streaming, holding a fraction of the keys
        assert {path for check in checks.values() for path in check.key_paths.values()} == {"streamed"}
        assert checks["measures"].key_peak < checks["measures"].rows / 4


def test_built_package_is_proved_while_streaming() -> None:
    findings, checks = run_checks(COMMITTED)
    assert findings == []
    paths = {name: check.key_paths for name, check in checks.items()}
    for name, check in checks.items():
        expected = {"primary-key"} | {f"foreign-key {k}" for k in range(len(check.schema.get("foreignKeys", [])))}
        assert set(paths[name]) == expected
        assert set(paths[name].values()) == {"streamed"}, (name, paths[name])


@pytest.mark.parametrize(
    ("name", "table", "exact"),
    [
        ("documents_swapped", "measures", "primary-key"),
        ("duplicate_next", "measures", "primary-key"),
        ("indicator_of_no_measure", "indicators", "foreign-key 0"),
        ("parent_missing", "measures", "foreign-key 1"),
    ],
)
def test_a_key_not_proved_goes_to_the_exact_method(name: str, table: str, exact: str, tmp_path: Path) -> None:
    _findings, checks = run_checks(_variant(name, tmp_path))
    assert checks[table].key_paths[exact] == "exact"
    assert checks["agencies"].key_paths["primary-key"] == "streamed"  # the other keys stay streamed


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab:-.中", max_size=8), max_size=30))
def test_key_groups_cut_at_the_last_colon(values: list[str]) -> None:
    assert key_groups(pa.array(values, pa.string())).to_pylist() == [group_of(v) for v in values]
    tail = pa.array(["x:y", *values], pa.string()).slice(1)  # an array that starts inside its buffers
    assert key_groups(tail).to_pylist() == [group_of(v) for v in values]


def test_key_groups_of_ids_of_one_shape_and_of_mixed_shapes() -> None:
    same = ["plan_a:m0001", "plan_a:m0002", "plan_b:m0001"]
    mixed = ["plan_a:m9999", "plan_a:m10000", "agency.x", "a:b:c"]
    assert key_groups(pa.array(same)).to_pylist() == ["plan_a", "plan_a", "plan_b"]
    assert key_groups(pa.array(mixed)).to_pylist() == ["plan_a", "plan_a", "", "a:b"]
    assert key_groups(pa.array([1, 2])).to_pylist() == ["", ""]


# Two tables of a plan-like shape, fed to the proofs directly, in batches and in any interleaving:
# measure(id; parent -> measure.id) and agency_of(measure_id, position; measure_id -> measure.id).
SCHEMAS = {
    "measure": {
        "fields": [{"name": "id", "type": "string"}, {"name": "parent", "type": "string"}],
        "primaryKey": ["id"],
        "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}}],
    },
    "agency_of": {
        "fields": [{"name": "measure_id", "type": "string"}, {"name": "position", "type": "integer"}],
        "primaryKey": ["measure_id", "position"],
        "foreignKeys": [{"fields": ["measure_id"], "reference": {"resource": "measure", "fields": ["id"]}}],
    },
}


@st.composite
def plan_tables(draw: st.DrawFn) -> dict[str, list[tuple]]:
    """Rows in document order (document ids sorted, ids prefixed with them), sometimes with one fault."""
    measures, links = [], []
    for d in sorted(draw(st.sets(st.sampled_from(["a", "a1", "a10", "b", "b.2", "c:x"]), min_size=1))):
        ids = [f"{d}:m{i:04d}" for i in range(1, draw(st.integers(1, 12)) + 1)]
        measures += [(m, draw(st.sampled_from([None, *ids]))) for m in ids]
        links += [(m, p) for m in ids for p in range(1, draw(st.integers(0, 3)) + 1)]
    fault = draw(st.sampled_from(["none", "duplicate", "swap", "dangling", "empty", "link_swap"]))
    i, j = sorted(draw(st.lists(st.integers(0, len(measures) - 1), min_size=2, max_size=2)))
    if fault == "duplicate" and i < j:
        measures[j] = (measures[i][0], measures[j][1])
    elif fault == "swap":
        measures[i], measures[j] = measures[j], measures[i]
    elif fault == "dangling":
        measures[j] = (measures[j][0], "zz:m0001")
    elif fault == "empty":
        measures[j] = (None, measures[j][1])
    elif fault == "link_swap" and links:
        links.reverse()
    return {"measure": measures, "agency_of": links}


def _truth(tables: dict[str, list[tuple]]) -> dict[str, dict[str, bool]]:
    ids = [m for m, _p in tables["measure"]]
    known = {m for m in ids if m is not None}
    links = tables["agency_of"]
    return {
        "measure": {
            "primary-key": None not in ids and len(set(ids)) == len(ids),
            "foreign-key 0": all(p in known for _m, p in tables["measure"] if p is not None),
        },
        "agency_of": {
            "primary-key": len(set(links)) == len(links),
            "foreign-key 0": all(m in known for m, _p in links),
        },
    }


@settings(max_examples=200, deadline=None)
@given(plan_tables(), st.randoms(use_true_random=False))
def test_proofs_are_sound_and_prove_tables_in_document_order(tables: dict[str, list[tuple]], rnd) -> None:  # type: ignore[no-untyped-def]
    proofs = KeyProofs(SCHEMAS)
    batches = {name: _split(rows, rnd) for name, rows in tables.items()}
    while any(batches.values()):
        name = rnd.choice([n for n, b in batches.items() if b])  # any interleaving, waiting or not
        rows = batches[name].pop(0)
        second = pa.string() if name == "measure" else pa.int64()
        columns = [pa.array([r[0] for r in rows], pa.string()), pa.array([r[1] for r in rows], second)]
        proofs.feed(name, {f["name"]: c for f, c in zip(SCHEMAS[name]["fields"], columns, strict=True)})
        if not batches[name]:
            proofs.done(name)
    truth, proved = _truth(tables), proofs.proved()
    for name, checks in proved.items():
        for label, ok in checks.items():
            assert truth[name][label] or not ok, (name, label)  # never proved when it does not hold
    valid = all(all(c.values()) for c in truth.values())
    event(f"valid={valid} in_order={_in_document_order(tables)} proved={all(all(c.values()) for c in proved.values())}")
    if valid and _in_document_order(tables):
        assert all(all(c.values()) for c in proved.values())  # in order and valid: proved while streaming


def _split(rows: list[tuple], rnd) -> list[list[tuple]]:  # type: ignore[no-untyped-def]
    cuts = sorted(rnd.sample(range(1, len(rows)), min(len(rows) - 1, rnd.randint(0, 4)))) if len(rows) > 1 else []
    return [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)], strict=True)] if rows else []


def _in_document_order(tables: dict[str, list[tuple]]) -> bool:
    """Each table's groups never go back (documents in order, each one's rows together)."""
    return all(
        [group_of(row[0]) for row in rows] == sorted(group_of(row[0]) for row in rows) for rows in tables.values()
    )
