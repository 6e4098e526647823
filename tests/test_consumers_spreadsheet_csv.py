"""CSV for spreadsheets: BOM, CRLF, neutralised formulas; LibreOffice opens both CSVs and converts them.

LibreOffice is told the character set (UTF-8), as its Text Import dialog
asks a person to; it converts each CSV to a workbook, which openpyxl reads
back: the Chinese text is intact, numbers are numbers, and formula-like
text from the spreadsheet CSV is text.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from consumers_support import LO_CSV_IMPORT_UTF8, build_real_and_fixture_packages, formula_like_rows, soffice
from plandata.export.spreadsheet_csv import FORMULA_TRIGGERS, TEXT_MARK, neutralise, spreadsheet_cell
from plandata.package.files import spreadsheet_csv_path
from plandata.package.tables import MEASURES, TABLES

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_real_and_fixture_packages(tmp_path_factory.mktemp("spreadsheet_csv"))


@pytest.fixture(scope="module")
def converted(packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real package's data/ and spreadsheet/ CSVs and the fixture's, converted to XLSX in one run."""
    work = tmp_path_factory.mktemp("libreoffice_csv")
    inputs = []
    for table in TABLES:
        inputs.append(shutil.copy(packages["real"] / "data" / f"{table.name}.csv", work / f"data-{table.name}.csv"))
        source = packages["real"] / spreadsheet_csv_path(table.name)
        inputs.append(shutil.copy(source, work / f"spreadsheet-{table.name}.csv"))
    inputs.append(shutil.copy(packages["fixture"] / spreadsheet_csv_path("measures"), work / "fixture-measures.csv"))
    soffice(
        ["--infilter=" + LO_CSV_IMPORT_UTF8, "--convert-to", "xlsx", "--outdir", str(work / "out"), *map(str, inputs)],
        work,
    )
    return work / "out"


@pytest.mark.parametrize("variant", ["data", "spreadsheet"])
@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
@pytest.mark.clients
def test_libreoffice_opens_csv(variant: str, table, packages: dict[str, Path], converted: Path) -> None:  # type: ignore[no-untyped-def]
    rows = pq.read_table(packages["real"] / "data" / f"{table.name}.parquet").to_pylist()
    sheet = openpyxl.load_workbook(converted / f"{variant}-{table.name}.xlsx").active
    assert [c.value for c in sheet[1]] == table.field_names  # no BOM left in the first header
    got = list(sheet.iter_rows(min_row=2))
    assert len(got) == len(rows)
    for row, cells in zip(rows, got, strict=True):
        for field, cell in zip(table.fields, cells, strict=True):
            value = row[field.name]
            if field.type in ("integer", "number") and value is not None:
                assert cell.data_type == "n" and cell.value == value, (table.name, field.name)
            elif field.type == "string" and value is not None:
                assert cell.value == (neutralise(value) if variant == "spreadsheet" else value), (
                    table.name,
                    field.name,
                )


@pytest.mark.clients
def test_libreoffice_keeps_formula_like_text(converted: Path) -> None:
    sheet = openpyxl.load_workbook(converted / "fixture-measures.xlsx").active
    header = [c.value for c in sheet[1]]
    titles = [row[header.index("title")] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in titles] == [(neutralise(r["title"]), "s") for r in formula_like_rows()]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_bom_crlf_and_same_rows_as_data(table, packages: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    raw = (packages["real"] / spreadsheet_csv_path(table.name)).read_bytes()
    assert raw.startswith(BOM) and raw.endswith(b"\r\n")
    assert not (packages["real"] / "data" / f"{table.name}.csv").read_bytes().startswith(BOM)
    with (packages["real"] / spreadsheet_csv_path(table.name)).open(encoding="utf-8-sig", newline="") as fh:
        spreadsheet = list(csv.reader(fh))
    with (packages["real"] / "data" / f"{table.name}.csv").open(encoding="utf-8", newline="") as fh:
        data = list(csv.reader(fh))
    assert spreadsheet[0] == data[0]
    assert [_typed(table, row) for row in spreadsheet[1:]] == [_typed(table, row, mark=True) for row in data[1:]]


def _typed(table, row: list[str], mark: bool = False) -> list[object]:  # type: ignore[no-untyped-def]
    """Cells as values: numbers compared as numbers (1e+10 == 10000000000), text neutralised if `mark`."""
    out: list[object] = []
    for field, cell in zip(table.fields, row, strict=True):
        if field.type == "number" and cell:
            out.append(float(cell))
        else:
            out.append(neutralise(cell) if mark and field.type == "string" else cell)
    return out


# One case per formula trigger, plus text that must stay as it is.
NEUTRALISE_CASES = [
    ("=1+1", "'=1+1"),
    ("+5%的学校", "'+5%的学校"),
    ("-10名", "'-10名"),
    ("@全体教师", "'@全体教师"),
    ("\t加强", "'\t加强"),
    ("\r加强", "'\r加强"),
    ("加强-改革", "加强-改革"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), NEUTRALISE_CASES)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_every_trigger_has_a_case() -> None:
    assert {text[0] for text, expected in NEUTRALISE_CASES if expected.startswith(TEXT_MARK)} == set(FORMULA_TRIGGERS)


def test_numbers_are_never_neutralised() -> None:
    assert spreadsheet_cell("number", -5.0) == "-5"
    assert spreadsheet_cell("string", "-5") == '"\'-5"'  # text is quoted, then neutralised inside the quotes
    assert spreadsheet_cell("string", 'say "是"') == '"say ""是"""'
    assert spreadsheet_cell(MEASURES.fields[0].type, None) == ""
