"""The fast validator reports what frictionless reports, on a package with injected faults.

The clean package is tests/fixtures/fastvalidate/*.csv (one CSV per table,
readable as is); faults.csv lists one fault per kind of constraint: the cell
to change, the new value and the error frictionless gives for it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from frictionless import Package

from plandata.check import cellchecks
from plandata.check.fastvalidate import Finding, table_findings, validate_fast
from plandata.check.validate import validate_package
from plandata.package.tables import TABLES, TABLES_BY_NAME
from plandata.package.write import write_package

FIXTURES = Path(__file__).parent / "fixtures" / "fastvalidate"


def frictionless_findings(package_dir: Path) -> list[Finding]:
    """Frictionless's own report on the package, as findings: the oracle."""
    result = Package(str(package_dir / "datapackage.json")).validate()
    found = []
    for task in result.tasks:
        for error in task.errors:
            note = ""
            if error.type == "constraint-error":
                note = re.search(r'constraint "(\w+)"', error.note).group(1)  # type: ignore[union-attr]
            field = getattr(error, "field_name", None)
            if error.type.endswith("-label"):
                field = getattr(error, "label", None) or field
            found.append(Finding(task.name, getattr(error, "row_number", None), field, error.type, note))
    return found


def _typed(kind: str, text: str) -> object:
    if text == "":
        return None
    return {"integer": int, "number": float, "boolean": lambda t: t == "true"}.get(kind, str)(text)


def load_tables() -> dict[str, list[dict[str, object]]]:
    """The clean fixture tables, typed by their field definitions."""
    tables = {}
    for table in TABLES:
        types = {f.name: f.type for f in table.fields}
        with (FIXTURES / f"{table.name}.csv").open(encoding="utf-8", newline="") as fh:
            tables[table.name] = [{k: _typed(types[k], v) for k, v in row.items()} for row in csv.DictReader(fh)]
    return tables


def load_faults() -> list[dict[str, str]]:
    with (FIXTURES / "faults.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


FAULTS = load_faults()


def restamp(package: Path) -> None:
    """Make the descriptor's bytes and hash match the files again after an edit."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (package / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def edit_rows(package: Path, table: str, edit) -> None:  # type: ignore[no-untyped-def]
    """Rewrite a table's CSV after `edit(rows)` changes its records (header first)."""
    path = package / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(package: Path, fault: dict[str, str]) -> None:
    def edit(rows: list[list[str]]) -> None:
        rows[int(fault["row"])][rows[0].index(fault["column"])] = fault["value"]

    edit_rows(package, fault["table"], edit)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("fastvalidate") / "clean"
    write_package(load_tables(), {}, package)
    return package


@pytest.fixture(scope="module")
def faulty(clean: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean package with every fault of faults.csv injected at once."""
    package = tmp_path_factory.mktemp("fastvalidate") / "faulty"
    shutil.copytree(clean, package)
    for fault in FAULTS:
        set_cell(package, fault)
    restamp(package)
    return package


def test_clean_package_has_no_findings(clean: Path) -> None:
    assert table_findings(clean) == [] == frictionless_findings(clean)
    assert validate_fast(clean).valid and validate_fast(clean).rows_checked == 14


def test_injected_faults_reported_exactly_as_frictionless_does(faulty: Path) -> None:
    assert table_findings(faulty) == frictionless_findings(faulty)


@pytest.mark.parametrize("fault", FAULTS, ids=[f["fault"] for f in FAULTS])
def test_each_fault_is_found(faulty: Path, fault: dict[str, str]) -> None:
    cell_error = fault["code"] in ("type-error", "constraint-error")
    expected = Finding(
        fault["table"], int(fault["row"]) + 1, fault["column"] if cell_error else None, fault["code"], fault["note"]
    )
    assert expected in table_findings(faulty)


def test_every_constraint_kind_has_a_fault() -> None:
    kinds = {(f["code"], f["note"]) for f in FAULTS}
    used = {("constraint-error", "required"), ("type-error", ""), ("primary-key", "")}
    for table in TABLES:
        for f in table.fields:
            constrained = ("enum", "pattern", "minimum", "maximum")
            used |= {("constraint-error", name) for name in constrained if getattr(f, name) is not None}
        used |= {("foreign-key", "")} if table.foreign_keys else set()
    assert used <= kinds
    field_types = {(t.name, f.name): f.type for t in TABLES for f in t.fields}
    typed = {field_types[f["table"], f["column"]] for f in FAULTS if f["code"] == "type-error"}
    assert typed == {"integer", "number", "boolean"}


def test_fast_and_full_validation_agree_on_the_verdict(clean: Path, faulty: Path) -> None:
    full = validate_package(faulty, full=True)
    fast = validate_package(faulty)
    assert not full.valid and not fast.valid
    assert set(fast.errors) >= {"type-error", "constraint-error", "primary-key", "foreign-key", "json-schema"}
    assert validate_package(clean, full=True).valid


STRUCTURAL = {
    "blank_row": lambda rows: rows.insert(2, [""] * len(rows[0])),
    "extra_cell": lambda rows: rows[1].append("多余"),
    "missing_cell": lambda rows: rows[2].pop(),
    "multiline_text_then_fault": lambda rows: (rows[1].__setitem__(9, "第一行\n第二行"), rows[3].__setitem__(4, "x")),
    "wrong_label": lambda rows: rows[0].__setitem__(1, "doc_id"),
}


@pytest.mark.parametrize("edit", STRUCTURAL.values(), ids=STRUCTURAL.keys())
def test_structural_faults_reported_as_frictionless_does(clean: Path, tmp_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "package"
    shutil.copytree(clean, package)
    edit_rows(package, "measures", edit)
    restamp(package)
    fast = table_findings(package)
    assert fast and fast == frictionless_findings(package)


def test_changed_file_fails_hash_and_bytes(clean: Path, tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(clean, package)
    with (package / "data" / "agencies.parquet").open("ab") as fh:
        fh.write(b"\0")
    expected = [Finding("agencies_parquet", None, None, code) for code in ("hash-count", "byte-count")]
    assert table_findings(package) == frictionless_findings(package) == expected


def test_findings_do_not_depend_on_batch_size(faulty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, report = table_findings(faulty), validate_fast(faulty)
    monkeypatch.setattr(cellchecks, "STREAM_BLOCK_BYTES", 512)  # several batches per table
    assert (
        len(
            list(
                cellchecks.stream_columns(
                    faulty / "data" / "measures.csv", ["x"] * len(TABLES_BY_NAME["measures"].fields)
                )
            )
        )
        > 1
    )
    assert table_findings(faulty) == whole
    # JSON Schema messages come batch by batch: the same messages, in another order
    assert {k: sorted(v) for k, v in validate_fast(faulty).errors.items()} == {
        k: sorted(v) for k, v in report.errors.items()
    }


def test_json_schema_check_names_the_faulty_cells(faulty: Path) -> None:
    messages = validate_fast(faulty).errors["json-schema"]
    assert any(m.startswith("measures.csv, line 2, measure_id: data must match pattern") for m in messages)
    assert any(m.startswith("measures.csv, line 4, raw_start: data must be bigger than or equal") for m in messages)
    assert any(m.startswith("agencies.csv, line 3, in_registry: data must be boolean") for m in messages)
    assert any(m.startswith("measures.csv, line 6, kind: data must be one of") for m in messages)


def test_cli_validates_fast_by_default_and_fully_on_request(faulty: Path, capsys: pytest.CaptureFixture) -> None:
    from plandata.cli import main

    assert main(["validate", str(faulty)]) == 1
    assert "[primary-key] measures, row 4: primary-key" in capsys.readouterr().out
    assert main(["validate", "--full", str(faulty)]) == 1
    assert "[frictionless] measures, row 4:" in capsys.readouterr().out


def test_cli_validate_wrong_path_is_a_usage_error(faulty: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from plandata.cli import main

    assert main(["validate", str(tmp_path / "missing")]) == 2
    captured = capsys.readouterr()
    assert "no datapackage.json here" in captured.err and captured.out == ""
    other = tmp_path / "x.json"
    other.write_text("{}", encoding="utf-8")
    assert main(["validate", str(other)]) == 2
    assert "not a package descriptor" in capsys.readouterr().err
    # The descriptor itself is accepted and validates its folder.
    assert main(["validate", str(faulty / "datapackage.json")]) == 1
