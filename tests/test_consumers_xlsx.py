"""The workbook: read by openpyxl, and opened and converted by LibreOffice headless.

LibreOffice converts every sheet to CSV with text cells quoted and numbers
bare, so the conversion shows both that the Chinese text survives and that
numbers are stored as numbers.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from consumers_support import (
    LO_CSV_EXPORT,
    build_real_and_fixture_packages,
    formula_like_rows,
    read_cells,
    soffice,
)
from plandata.export.xlsx import (
    ABOUT_SHEET,
    DICTIONARY_SHEET,
    EXCEL_MAX_CELL_CHARS,
    LIBREOFFICE_CSV_FILTER,
    MAX_WIDTH,
    TRUNCATION_NOTE,
    column_width,
    display_width,
    fit_cell,
    sheet_names,
    write_workbook,
)
from plandata.package.files import XLSX_PATH
from plandata.package.tables import TABLES


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_real_and_fixture_packages(tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def converted(packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both workbooks converted by one LibreOffice run: <name>-<sheet>.csv per sheet."""
    work = tmp_path_factory.mktemp("libreoffice")
    inputs = []
    for name, package in packages.items():
        inputs.append(str(shutil.copy(package / XLSX_PATH, work / f"{name}.xlsx")))
    soffice(["--convert-to", LO_CSV_EXPORT, "--outdir", str(work / "out"), *inputs], work)
    return work / "out"


def _expected_cell(field_type: str, value: Any) -> tuple[str, bool]:
    if value is None:
        return ("", False)
    if field_type == "boolean":
        return ("TRUE" if value else "FALSE", False)
    if field_type in ("integer", "number"):
        return (str(value), False)
    return (value, True)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
@pytest.mark.clients
def test_libreoffice_keeps_text_and_numbers(table: Any, packages: dict[str, Path], converted: Path) -> None:
    rows = pq.read_table(packages["real"] / "data" / f"{table.name}.parquet").to_pylist()
    cells = read_cells(converted / f"real-{table.name}.csv")
    assert cells[0] == [(name, True) for name in table.field_names]
    assert len(cells) - 1 == len(rows)
    for row, got in zip(rows, cells[1:], strict=True):
        for field, (text, quoted) in zip(table.fields, got, strict=True):
            want_text, want_quoted = _expected_cell(field.type, row[field.name])
            assert quoted == want_quoted, (table.name, field.name, text)
            if field.type == "number" and text:
                assert float(text) == row[field.name]
            else:
                assert text == want_text, (table.name, field.name)


@pytest.mark.clients
def test_libreoffice_converts_chinese_text(packages: dict[str, Path], converted: Path) -> None:
    titles = pq.read_table(packages["real"] / "data" / "measures.parquet", columns=["title"]).column(0).to_pylist()
    text = (converted / "real-measures.csv").read_text(encoding="utf-8")
    assert titles and all(title in text for title in titles)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(titles))


@pytest.mark.clients
def test_libreoffice_runs_no_formula(converted: Path) -> None:
    cells = read_cells(converted / "fixture-measures.csv")
    header = [c for c, _ in cells[0]]
    titles = [row[header.index("title")] for row in cells[1:]]
    assert titles == [(case["title"], True) for case in formula_like_rows()]


@pytest.mark.clients
def test_libreoffice_reads_the_dictionary_sheet(converted: Path) -> None:
    cells = read_cells(converted / f"real-{DICTIONARY_SHEET}.csv")
    fields = [(row[0][0], row[1][0]) for row in cells[1:]]
    assert fields == [(t.name, f.name) for t in TABLES for f in t.fields]


def test_sheets_and_layout(packages: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(packages["real"] / XLSX_PATH)
    assert book.sheetnames == [t.name for t in TABLES] + [DICTIONARY_SHEET, ABOUT_SHEET]
    for table in TABLES:
        sheet = book[table.name]
        assert sheet.freeze_panes == "A2"
        assert [c.value for c in sheet[1]] == table.field_names
        assert sheet.auto_filter.ref.startswith("A1:")
        widths = [d.width for d in sheet.column_dimensions.values()]
        assert widths and all(6 <= w <= MAX_WIDTH + 1 for w in widths)


def test_numbers_are_numbers(packages: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(packages["real"] / XLSX_PATH)["measures"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        assert row[header.index("raw_start")].data_type == "n"
        assert isinstance(row[header.index("raw_start")].value, int)
        assert row[header.index("title")].data_type == "s"


def test_formula_like_text_is_marked_text(packages: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(packages["fixture"] / XLSX_PATH)["measures"]
    header = [c.value for c in sheet[1]]
    for case, row in zip(formula_like_rows(), sheet.iter_rows(min_row=2), strict=True):
        cell = row[header.index("title")]
        assert (cell.value, cell.data_type) == (case["title"], "s")
        assert cell.quotePrefix == case["title"].startswith(("=", "+", "-", "@", "\t"))


def test_a_table_longer_than_a_sheet_continues_on_the_next(packages: dict[str, Path], tmp_path: Path) -> None:
    """With a limit of 21 rows per sheet (20 data rows), every row is still there, in order, across sheets."""
    package = packages["real"]
    book = openpyxl.load_workbook(write_workbook(package, tmp_path / "split.xlsx", max_rows=21))
    for table in TABLES:
        expected = pq.read_table(package / "data" / f"{table.name}.parquet").to_pylist()
        names = sheet_names(table.name, len(expected), 21)
        assert len(names) == max(1, -(-len(expected) // 20))
        rows = []
        for name in names:
            sheet = book[name]
            assert [c.value for c in sheet[1]] == table.field_names
            rows += [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        assert [r[0] for r in rows] == [row[table.field_names[0]] for row in expected]
    assert book.sheetnames[-2:] == [DICTIONARY_SHEET, ABOUT_SHEET]


@pytest.mark.parametrize(
    ("rows", "names"),
    [(0, ["t"]), (1_048_575, ["t"]), (1_048_576, ["t", "t_2"]), (3_000_000, ["t", "t_2", "t_3"])],
)
def test_sheet_names(rows: int, names: list[str]) -> None:
    assert sheet_names("t", rows) == names


def test_workbook_is_byte_identical(packages: dict[str, Path], tmp_path: Path) -> None:
    again = write_workbook(packages["real"], tmp_path / "again.xlsx")
    assert again.read_bytes() == (packages["real"] / XLSX_PATH).read_bytes()


@pytest.mark.parametrize(
    ("header", "cells", "width"),
    [
        ("id", [], 6),  # never narrower than 6
        ("title", ["建设高素质队伍"], 14),  # CJK characters are two columns wide
        ("text", ["字" * 200], MAX_WIDTH),  # long text is capped
    ],
)
def test_column_width(header: str, cells: list[str], width: int) -> None:
    assert column_width(header, cells) == width


def test_display_width() -> None:
    assert display_width("3.提升") == 6


def test_fit_cell() -> None:
    assert fit_cell("字" * 10) == "字" * 10
    long = fit_cell("字" * (EXCEL_MAX_CELL_CHARS + 1))
    assert len(long) == EXCEL_MAX_CELL_CHARS and long.endswith(TRUNCATION_NOTE)


def test_the_workbook_says_its_licence_and_how_to_cite_it(packages: dict[str, Path]) -> None:
    import json

    book = openpyxl.load_workbook(packages["real"] / XLSX_PATH, read_only=True)
    assert book.sheetnames[-1] == ABOUT_SHEET and book.sheetnames[0] == TABLES[0].name  # data first
    about = dict(list(book["about"].iter_rows(values_only=True))[1:])
    descriptor = json.loads((packages["real"] / "datapackage.json").read_text(encoding="utf-8"))
    assert about["version"] == descriptor["version"]
    assert "https://creativecommons.org/licenses/by/4.0/" in about["licence"]
    assert descriptor["title"] in about["attribution"] and about["homepage"] == descriptor["homepage"]


def _readme_command() -> list[str]:
    """The LibreOffice command the README gives for CSV, as its words."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^soffice --headless --convert-to .*plandata\.xlsx$", readme, re.M)
    assert found, "the README no longer gives the LibreOffice CSV command"
    return shlex.split(found.group(0))


def test_the_readme_and_about_sheet_give_the_tested_csv_filter(packages: dict[str, Path]) -> None:
    words = _readme_command()
    assert words[words.index("--convert-to") + 1] == LIBREOFFICE_CSV_FILTER
    book = openpyxl.load_workbook(packages["real"] / XLSX_PATH, read_only=True)
    about = dict(list(book[ABOUT_SHEET].iter_rows(values_only=True))[1:])
    assert shlex.split(about["CSV with LibreOffice"]) == words


@pytest.mark.clients
def test_the_readme_csv_command_gives_every_sheet_in_utf8(packages: dict[str, Path], tmp_path: Path) -> None:
    """What a user runs: the README's command, as written, in the folder holding the workbook."""
    shutil.copy(packages["real"] / XLSX_PATH, tmp_path / "plandata.xlsx")
    soffice(_readme_command()[1:], tmp_path)  # soffice() supplies the program and a private profile
    sheets = openpyxl.load_workbook(tmp_path / "plandata.xlsx", read_only=True).sheetnames
    assert sorted(p.name for p in tmp_path.glob("plandata-*.csv")) == sorted(f"plandata-{s}.csv" for s in sheets)
    for table in TABLES:
        rows = pq.read_table(packages["real"] / "data" / f"{table.name}.parquet").num_rows
        cells = read_cells(tmp_path / f"plandata-{table.name}.csv")
        assert cells[0] == [(name, True) for name in table.field_names] and len(cells) - 1 == rows
    jurisdictions = pq.read_table(packages["real"] / "data" / "documents.parquet", columns=["jurisdiction"])
    text = (tmp_path / "plandata-documents.csv").read_text(encoding="utf-8")
    assert all(j in text for j in jurisdictions.column(0).to_pylist() if j) and "?" * 3 not in text
