"""Bad input never crashes the build and never corrupts the dataset; builds are deterministic.

The bad-input corpus is `tests/bad_inputs/cases.toml` (see its header): every
case runs `plandata` on a copy of raw/ beside a previous build, and checks the
exit code, the one line on stderr, and that nothing in the folder changed.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest

from bad_inputs.makers import MAKERS
from build_support import RAW, REPO, build_into, read_table, tree_digest
from plandata.build import process_document
from plandata.cli import main
from plandata.errors import EXIT_CODES, InternalError
from plandata.model import RawDocument
from plandata.package.files import XLSX_PATH
from plandata.read.decoding import BINARY_SIGNATURES
from plandata.read.ingest import MANIFEST_COLUMNS

CORPUS = Path(__file__).parent / "bad_inputs"
CASES: list[dict] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
DEFAULT_ARGS = ["build", "--raw", "{raw}", "--out", "{out}"]
# Guard: the corpus only grows.  Raise this when adding cases.
MIN_CASES = 65
# A few cases also run as a real process, to check the exit status the shell sees.
PROCESS_CASES = ("undecodable_gbk", "manifest_impossible_year", "usage_unknown_option", "out_holds_raw")


@pytest.fixture(scope="module")
def previous_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the repository's raw/: the previous output of every case."""
    out = tmp_path_factory.mktemp("previous") / "datapackage"
    build_into(RAW, out)
    return out


def fill(template: str, paths: dict[str, str]) -> str:
    for key, value in paths.items():
        template = template.replace("{" + key + "}", value)
    return template


def set_up_case(case: dict, tmp: Path, previous: Path) -> dict[str, str]:
    """Copy raw/ and the previous package into `tmp`, change the input as the case says."""
    raw = tmp / "raw"
    shutil.copytree(RAW, raw)
    shutil.copytree(previous, tmp / "datapackage")
    for name, source in case.get("add", {}).items():
        shutil.copyfile(CORPUS / "files" / source, raw / name)
    manifest = raw / "documents.csv"
    text = manifest.read_text(encoding="utf-8")
    first_row = text.count("\n") + (0 if text.endswith("\n") else 1) + 1
    if rows := case.get("manifest"):
        manifest.write_text(text.rstrip("\n") + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    if source := case.get("manifest_file"):
        shutil.copyfile(CORPUS / "files" / source, manifest)
    if maker := case.get("make"):
        MAKERS[maker](raw, tmp)
    return {
        "raw": str(raw),
        "out": str(tmp / "datapackage"),
        "tmp": str(tmp),
        "row": str(first_row),
        "row2": str(first_row + 1),
    }


def check_message(case: dict, stderr: str, paths: dict[str, str]) -> None:
    assert stderr.endswith("\n") and stderr.count("\n") == 1, f"not one line: {stderr!r}"
    if "message" in case:
        assert stderr == fill(case["message"], paths) + "\n"
    else:
        assert stderr.startswith(fill(case["message_start"], paths))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case: dict, tmp_path: Path, previous_package: Path, capfd: pytest.CaptureFixture[str]) -> None:
    paths = set_up_case(case, tmp_path, previous_package)
    before = tree_digest(tmp_path)
    code = main([fill(a, paths) for a in case.get("args", DEFAULT_ARGS)])
    stdout, stderr = capfd.readouterr()
    assert code == case["exit"], stderr
    check_message(case, stderr, paths)
    assert stdout == ""
    assert tree_digest(tmp_path) == before  # the previous package, raw/ and all else untouched


@pytest.mark.parametrize("case_id", PROCESS_CASES)
def test_bad_input_process_exit_status(case_id: str, tmp_path: Path, previous_package: Path) -> None:
    case = next(c for c in CASES if c["id"] == case_id)
    paths = set_up_case(case, tmp_path, previous_package)
    before = tree_digest(tmp_path)
    args = [fill(a, paths) for a in case.get("args", DEFAULT_ARGS)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-m", "plandata", *args], capture_output=True, text=True, env=env)
    assert done.returncode == case["exit"]
    check_message(case, done.stderr, paths)
    assert "Traceback" not in done.stderr
    assert tree_digest(tmp_path) == before


def test_corpus_cases() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= MIN_CASES
    for case in CASES:
        assert case["what"] and isinstance(case["exit"], int)
        assert ("message" in case) != ("message_start" in case), case["id"]


def test_corpus_uses_every_file_and_maker() -> None:
    files = {f for c in CASES for f in [*c.get("add", {}).values(), c.get("manifest_file")] if f}
    assert files == {p.name for p in (CORPUS / "files").iterdir()}
    assert {c["make"] for c in CASES if "make" in c} == set(MAKERS)


def test_corpus_covers_every_binary_signature() -> None:
    messages = " ".join(c.get("message", "") for c in CASES)
    for _signature, kind in BINARY_SIGNATURES:
        assert f"this is {kind}, not a text file" in messages, kind


def test_verbose_adds_the_traceback(tmp_path: Path, previous_package: Path, capfd: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in CASES if c["id"] == "manifest_impossible_year")
    paths = set_up_case(case, tmp_path, previous_package)
    assert main(["build", "--raw", paths["raw"], "--out", paths["out"], "--verbose"]) == 2
    stderr = capfd.readouterr().err
    assert stderr.startswith(fill(case["message"], paths) + "\nTraceback (most recent call last):\n")
    assert "InputError" in stderr


# --- encodings -----------------------------------------------------------------------

ENCODINGS = {  # file bytes from the UTF-8 fixture -> encoding recorded in the documents table
    "utf8": (lambda text: text.encode("utf-8"), "utf-8"),
    "utf8_bom": (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
    "gbk": (lambda text: text.encode("gbk"), "gb18030"),
    "gb18030": (lambda text: text.encode("gb18030"), "gb18030"),
    "utf16_le_bom": (lambda text: text.encode("utf-16"), "utf-16"),
    "utf16_be_bom": (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16"),
}


def test_every_encoding_builds_the_same_document(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (CORPUS / "files" / "plan.txt").read_text(encoding="utf-8")
    for name, (encode, _recorded) in ENCODINGS.items():
        (raw / f"plan_{name}.txt").write_bytes(encode(text))
    build_into(raw, tmp_path / "out")
    documents = {d["document_id"]: d for d in read_table(tmp_path / "out", "documents")}
    assert {d: documents[f"plan_{d}"]["encoding"] for d in ENCODINGS} == {d: e for d, (_f, e) in ENCODINGS.items()}
    measures = read_table(tmp_path / "out", "measures")
    # Offsets count a UTF-8 BOM as one character (U+FEFF), as open(encoding="utf-8") reads it.
    shift = {d: 1 if recorded == "utf-8-sig" else 0 for d, (_f, recorded) in ENCODINGS.items()}
    by_document = {
        d: [
            (m["title"], int(m["raw_start"]) - shift[d], int(m["raw_end"]) - shift[d])
            for m in measures
            if m["document_id"] == f"plan_{d}"
        ]
        for d in ENCODINGS
    }
    assert by_document["utf8"], "the fixture plan yields measures"
    assert all(found == by_document["utf8"] for found in by_document.values())


# --- determinism ---------------------------------------------------------------------
# Each test builds its own reference, so that the builds it compares run the same code.


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    build_into(RAW, tmp_path / "first")
    build_into(RAW, tmp_path / "again")
    assert tree_digest(tmp_path / "again") == tree_digest(tmp_path / "first")


def test_build_ignores_hash_seed(tmp_path: Path) -> None:
    digests = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONHASHSEED": seed}
        out = tmp_path / f"seed_{seed}"
        cmd = [sys.executable, "-m", "plandata", "build", "--raw", str(RAW), "--out", str(out), "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        digests.append(tree_digest(out))
    assert digests[0] == digests[1]


def test_build_ignores_listing_order(tmp_path: Path) -> None:
    """Files created in reverse order, in another folder, with the manifest rows reversed."""
    raw = tmp_path / "elsewhere" / "sources"
    raw.mkdir(parents=True)
    for path in sorted(RAW.iterdir(), reverse=True):
        shutil.copyfile(path, raw / path.name)
    header, *rows = (RAW / "documents.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (raw / "documents.csv").write_text(header + "".join(reversed(rows)), encoding="utf-8")
    build_into(RAW, tmp_path / "reference")
    build_into(raw, tmp_path / "out")
    assert tree_digest(tmp_path / "out") == tree_digest(tmp_path / "reference")


def test_adding_a_document_keeps_every_id(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    shutil.copyfile(CORPUS / "files" / "plan.txt", raw / "zz_added_plan.txt")
    build_into(RAW, tmp_path / "before")
    build_into(raw, tmp_path / "after")
    keys = {"documents": "document_id", "measures": "measure_id", "indicators": "indicator_id", "agencies": "agency_id"}
    for table, key in keys.items():
        before = {row[key]: row for row in read_table(tmp_path / "before", table)}
        after = {row[key]: row for row in read_table(tmp_path / "after", table)}
        assert before, table
        if table == "agencies":  # a new document may add short forms to a known agency
            assert {k: after[k]["name_zh"] for k in before} == {k: r["name_zh"] for k, r in before.items()}
        else:
            assert {k: after[k] for k in before} == before, table
    links = read_table(tmp_path / "after", "measure_agencies")
    assert all(link in links for link in read_table(tmp_path / "before", "measure_agencies"))


# --- formula injection -----------------------------------------------------------------
# Text a spreadsheet would run as a formula, reaching the package through both doors:
# the manifest (title, notes) and the document text (measure titles, agency names).
FORMULA_TRIGGERS = ("=", "+", "-", "@")
FORMULA_PLAN = (
    "某区教育发展规划\n"
    "一、=1+1推进教育发展。到2025年,新增学位3000个以上。\n"
    "二、-2调整学校布局。\n"
    "(一)+3扩大学位供给。(任务分工:=区教委、@区财政局)\n"
    "(二)@SUM(A1)提升教师素质。\n"
)
FORMULA_MANIFEST_ROW = (
    'formulas.txt,,"=HYPERLINK(""http://example.com"",""点击"")",某区,district,2021,2025,'
    "\"@SUM(1+1)*cmd|' /C calc'!A0\""
)
NUMBER_RE = re.compile(r"^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


@pytest.fixture(scope="module")
def formula_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("formulas") / "raw"
    raw.mkdir()
    (raw / "formulas.txt").write_text(FORMULA_PLAN, encoding="utf-8")
    (raw / "documents.csv").write_text(f"{','.join(MANIFEST_COLUMNS)}\n{FORMULA_MANIFEST_ROW}\n", encoding="utf-8")
    build_into(raw, raw.parent / "out")
    return raw.parent / "out"


def test_spreadsheet_csv_neutralises_formulas(formula_package: Path) -> None:
    cells = []
    for path in sorted((formula_package / "spreadsheet").glob("*.csv")):
        cells += [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for c in row]
    risky = [c for c in cells if c.startswith(FORMULA_TRIGGERS) and not NUMBER_RE.match(c)]
    assert risky == []
    for payload in (
        '=HYPERLINK("http://example.com","点击")',
        "=1+1推进教育发展",
        "-2调整学校布局",
        "+3扩大学位供给",
        "@SUM(A1)提升教师素质",
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ):
        assert "'" + payload in cells, payload  # kept, marked as text


def test_workbook_neutralises_formulas(formula_package: Path) -> None:
    book = openpyxl.load_workbook(formula_package / XLSX_PATH)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {cell.value!r} is not marked as text"
                    texts.append(cell.value)
    assert '=HYPERLINK("http://example.com","点击")' in texts and "@SUM(A1)提升教师素质" in texts


# --- failures that are not the input's fault ---------------------------------------------


def test_stage_crash_names_the_document() -> None:
    broken = RawDocument("broken", "broken.txt", "0" * 64, "utf-8", None, {})  # type: ignore[arg-type]
    with pytest.raises(InternalError) as caught:
        process_document(broken)
    assert caught.value.exit_code == 3
    assert str(caught.value).startswith("internal error while processing broken.txt: TypeError: ")
    assert str(caught.value).endswith("(a bug in plandata; rerun with --verbose and report the traceback)")
    assert "\n" not in str(caught.value)


def test_unwritable_output_is_one_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x\n", encoding="utf-8")
    assert main(["schemas", "--out", str(tmp_path / "file" / "schemas")]) == 2
    stdout, stderr = capfd.readouterr()
    assert stderr.startswith("plandata: error: ") and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x\n"


def test_help_lists_the_exit_codes(capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    stdout = capfd.readouterr().out
    for code, meaning in EXIT_CODES.items():
        assert f"  {code}  {meaning}" in stdout


def test_every_subcommand_describes_itself(capfd: pytest.CaptureFixture[str]) -> None:
    for command in ("build", "export", "validate", "schemas", "release"):
        assert main([command, "--help"]) == 0
        usage, description = capfd.readouterr().out.split("\n\n")[:2]
        assert usage.startswith(f"usage: plandata {command}") and description[0].isupper(), description
        assert description.endswith(".") and "\n" not in description


def test_validate_json_gives_the_verdict(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["validate", str(Path(__file__).parents[1] / "datapackage"), "--json"]) == 0
    verdict = json.loads(capfd.readouterr().out)
    assert verdict["valid"] is True and verdict["errors"] == {} and verdict["rows_checked"] > 0
