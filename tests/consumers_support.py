"""Shared helpers of the consumer tests: packages to test, LibreOffice, and a quote-aware CSV reader.

Two packages are tested: the real build of raw/, and a small package made
by the real writer from `fixtures/consumers/formula_like_measures.csv`
(measure titles a spreadsheet would take for formulas), which the seed
documents do not contain.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path
from typing import Any

from plandata.build import BuildOptions, build
from plandata.export import export_package
from plandata.export.xlsx import LIBREOFFICE_CSV_FILTER
from plandata.package.tables import DOCUMENTS, MEASURES, TABLES_BY_NAME
from plandata.package.write import PackageWriter, arrow_table

ROOT = Path(__file__).parents[1]
RAW = ROOT / "raw"
FIXTURES = Path(__file__).parent / "fixtures" / "consumers"
FORMULA_LIKE = FIXTURES / "formula_like_measures.csv"
# The CSV export filter users are told to run (README, the workbook's about sheet).
LO_CSV_EXPORT = LIBREOFFICE_CSV_FILTER
# Import: comma, double quote, UTF-8, from line 1, standard formats, language 0, quoted fields as text
# (the Text Import dialog's "Format quoted field as text").
LO_CSV_IMPORT_UTF8 = "CSV:44,34,76,1,,0,true"


def build_real_package(out: Path) -> Path:
    """Build raw/ into `out` with the real pipeline; return the package folder."""
    build(RAW, out, BuildOptions(jobs=1))
    return out


def formula_like_rows() -> list[dict[str, str]]:
    """The fixture's measure titles and texts that start like formulas."""
    with FORMULA_LIKE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _fixture_tables() -> dict[str, list[dict[str, Any]]]:
    doc_id = "fx_formula"
    document = {f.name: None for f in DOCUMENTS.fields} | {
        "document_id": doc_id,
        "source_file": f"{doc_id}.txt",
        "sha256": "0" * 64,
        "encoding": "utf-8",
        "script": "zh-Hans",
        "raw_chars": 0,
        "format": "txt",
        "title": "公式样文本测试",
        "jurisdiction": "某区",
    }
    measures = []
    for n, case in enumerate(formula_like_rows(), start=1):
        measures.append(
            {f.name: None for f in MEASURES.fields}
            | {
                "measure_id": f"{doc_id}:m{n:04d}",
                "document_id": doc_id,
                "level": 1,
                "kind": "paragraph",
                "ordinal": n,
                "sequence": n,
                "title": case["title"],
                "text": case["text"],
                "raw_start": 0,
                "raw_end": 0,
            }
        )
    return {"documents": [document], "measures": measures}


def build_fixture_package(out: Path) -> Path:
    """A package of the formula-like fixture rows, written by the real `PackageWriter` and exported."""
    writer = PackageWriter(out)
    try:
        for name, rows in _fixture_tables().items():
            writer.append(name, arrow_table(TABLES_BY_NAME[name], rows))
        writer.finish({})
    finally:
        writer.close()
    export_package(out)
    return out


def soffice(args: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    """Run LibreOffice headless with its own profile under `workdir`; fail loudly."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary, "LibreOffice is required (apt-get install libreoffice-calc-nogui)"
    profile = f"-env:UserInstallation=file://{workdir / 'lo-profile'}"
    result = subprocess.run(
        [binary, profile, "--headless", "--norestore", *args], cwd=workdir, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return result


def _field(data: str, i: int) -> tuple[str, bool, int]:
    """The field starting at `i`: its text, whether it was quoted, and where it ends."""
    if not data.startswith('"', i):
        end = i
        while end < len(data) and data[end] not in ",\n":
            end += 1
        return data[i:end], False, end
    parts, j = [], i + 1
    while True:
        k = data.index('"', j)
        parts.append(data[j:k])
        if not data.startswith('"', k + 1):
            return "".join(parts), True, k + 1
        parts.append('"')
        j = k + 2


def read_cells(path: Path) -> list[list[tuple[str, bool]]]:
    """Rows of a CSV as (text, was_quoted) cells: LibreOffice quotes text cells and leaves numbers bare."""
    data = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    rows: list[list[tuple[str, bool]]] = []
    row: list[tuple[str, bool]] = []
    i = 0
    while i < len(data):
        value, quoted, i = _field(data, i)
        row.append((value, quoted))
        if data.startswith(",", i):
            i += 1
            if i == len(data):
                row.append(("", False))
        else:  # end of line or of the file
            rows.append(row)
            row = []
            i += 1
    return rows


def build_real_and_fixture_packages(root: Path) -> dict[str, Path]:
    """The package built from raw/ and the fixture package, side by side under `root`."""
    return {
        "real": build_real_package(root / "real" / "datapackage"),
        "fixture": build_fixture_package(root / "fixture" / "datapackage"),
    }
