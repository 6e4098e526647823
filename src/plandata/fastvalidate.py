"""Fast validation: frictionless's checks, vectorised with pyarrow, and the JSON Schemas with fastjsonschema.

`table_findings` reports what `frictionless validate` reports on the
package's CSV resources — the same error types, rows, fields and
constraints — from the Table Schemas in `datapackage.json`:

- labels: the header against the schema's field names;
- types (integer, number, boolean; strings always read) as frictionless
  reads them (values are stripped, `int` / `Decimal` semantics; cells
  Arrow cannot cast are parsed in Python exactly as frictionless does);
- constraints required, minLength, maxLength, pattern, enum, minimum,
  maximum, checked only on cells without a type error, as frictionless does;
- blank rows, unique primary keys, foreign keys (typed values; a row whose
  key cells are all empty is skipped, as in frictionless);
- bytes and sha256 of every resource (hashed on a second core meanwhile).

Tables are read in batches (`cellchecks.stream_columns`); only key columns
are kept across batches, so memory follows the keys, not the table.  Known
difference, not changing a verdict: a header that does not match the schema
is reported (labels) and stops the checks of that table.

`validate_fast` adds the two other checks of the full path: each table's
JSON Schema, compiled with fastjsonschema, and the Parquet files
(`validate.check_parquet`, one row group at a time).  Every row object has
exactly the table's fields (the header is checked) and each property's
subschema constrains that property alone, so a row is valid iff each of its
values is valid for its property: each subschema sees each distinct value of
its column once, or only the extreme values when its keywords are monotone
(`MONOTONE_KEYWORDS`).  The verdict is exact; for a failing bound, the rows
named are those holding the extreme value.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plandata.cellchecks import (
    CONSTRAINT_ORDER,
    Column,
    WidthError,
    constraint_failures,
    read_columns,
    read_header,
    stream_columns,
    type_column,
)
from plandata.tables import TABLES, TABLES_BY_NAME, json_schema
from plandata.validate import Report, check_parquet

_ROW_SEQ = {"primary-key": 1_000_000, "foreign-key": 1_000_001}  # after every cell of the row


@dataclass(frozen=True, order=True)
class Finding:
    """One error, in the terms of a frictionless report."""

    resource: str
    row: int | None  # row number, the header being row 1; None for table-level errors
    field: str | None
    code: str  # frictionless error type: type-error, constraint-error, primary-key, ...
    note: str = ""  # constraint name for constraint-error

    def message(self) -> str:
        where = ", ".join(x for x in (self.resource, f"row {self.row}" if self.row else "", self.field or "") if x)
        return f"{where}: {self.code}" + (f" ({self.note})" if self.note else "")


def resource_stats_findings(package_dir: Path, resource: dict[str, Any]) -> list[Finding]:
    """hash-count and byte-count errors of one resource."""
    path = package_dir / resource["path"]
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    found = []
    expected_hash = resource.get("hash", "")
    if expected_hash and expected_hash.removeprefix("sha256:") != digest:
        found.append(Finding(resource["name"], None, None, "hash-count"))
    if resource.get("bytes") and resource["bytes"] != path.stat().st_size:
        found.append(Finding(resource["name"], None, None, "byte-count"))
    return found


def _mask(mask: pa.Array) -> np.ndarray:
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _rows(mask: pa.Array) -> np.ndarray:
    return np.flatnonzero(_mask(mask))


BatchHook = Callable[["TableCheck", dict[str, Column], int], None]  # (check, columns, first row index)


class TableCheck:
    """The frictionless checks of one CSV table resource, streamed batch by batch.

    Only the typed columns named in `keep` (key columns) are kept for the
    key checks; everything else is checked batch by batch and dropped, so
    memory follows the keys, not the table.
    """

    def __init__(self, package_dir: Path, resource: dict[str, Any], keep: set[str], hook: BatchHook | None) -> None:
        self.name = resource["name"]
        self.schema = resource.get("schema", {})
        self.fields = self.schema.get("fields", [])
        self.names = [f["name"] for f in self.fields]
        self.path = package_dir / resource["path"]
        self.keep = keep & set(self.names)
        self.hook = hook
        self.findings: list[tuple[int, int, Finding]] = []  # (row, order in row, finding)
        self.keys: dict[str, pa.Array] = {}
        self.rows = 0
        self._chunks: dict[str, list[pa.Array]] = {}

    def add(self, index: np.ndarray, offset: int, order: int, field: str | None, code: str, note: str = "") -> None:
        for i in index:
            row = int(i) + offset + 2  # the header is row 1
            self.findings.append((row, order, Finding(self.name, row, field, code, note)))

    def check_cells(self) -> list[Finding]:
        """Label, width, type, constraint and blank-row errors; keeps the typed key columns."""
        header = self._label_findings(read_header(self.path))
        if header:
            return header
        try:
            for batch in stream_columns(self.path, self.names):
                self._check_batch(batch, [])
        except WidthError:  # start again, reading the whole file to number the rows of the wrong width
            self.findings, self.rows, self._chunks = [], 0, {}
            self._check_batch(*read_columns(self.path, self.names))
        self.keys = {name: pa.concat_arrays(chunks) for name, chunks in self._chunks.items()}
        self._chunks = {}
        return []

    def _check_batch(self, table: pa.Table, wrong_width: list[tuple[int, int]]) -> None:
        offset = self.rows
        for number, cells in wrong_width:
            self._width_findings(number, cells)
        columns: dict[str, Column] = {}
        for i, field in enumerate(self.fields):
            name, kind = field["name"], field.get("type", "string")
            column = columns[name] = type_column(table.column(name), kind)
            self.add(_rows(column.type_error), offset, i * 10, name, "type-error")
            order = CONSTRAINT_ORDER.get(kind, ())
            for constraint, mask in constraint_failures(field, column).items():
                place = i * 10 + 1 + order.index(constraint)  # frictionless's order within the row
                self.add(_rows(mask), offset, place, name, "constraint-error", constraint)
            if name in self.keep:
                self._chunks.setdefault(name, []).append(column.typed)
        self._blank_rows(columns, offset)
        if self.hook:
            self.hook(self, columns, offset)
        self.rows += table.num_rows

    def _label_findings(self, labels: list[str]) -> list[Finding]:
        found = []
        for i, name in enumerate(self.names):
            if i >= len(labels):
                found.append(Finding(self.name, None, name, "missing-label"))
            elif labels[i] != name:
                found.append(Finding(self.name, None, labels[i] or name, "incorrect-label"))
        found += [Finding(self.name, None, label, "extra-label") for label in labels[len(self.names) :]]
        return found

    def _width_findings(self, number: int, cells: int) -> None:
        n = len(self.names)
        for k in range(n, cells):
            self.findings.append((number, 500_000 + k, Finding(self.name, number, "", "extra-cell")))
        for k in range(cells, n):
            self.findings.append((number, 500_000 + k, Finding(self.name, number, self.names[k], "missing-cell")))

    def _blank_rows(self, columns: dict[str, Column], offset: int) -> None:
        if not columns:
            return
        blank = np.flatnonzero(np.logical_and.reduce([_mask(c.missing) for c in columns.values()]))
        rows = {int(i) + offset + 2 for i in blank}
        if rows:  # a blank row's only cell error is blank-row
            self.findings = [f for f in self.findings if f[0] not in rows]
            self.findings += [(row, 0, Finding(self.name, row, None, "blank-row")) for row in sorted(rows)]

    def key(self, fields: list[str]) -> list[pa.Array]:
        return [self.keys[f] for f in fields]

    def check_primary_key(self) -> None:
        """primary-key errors: every key cell empty, or a key seen in an earlier row."""
        fields = _names(self.schema.get("primaryKey") or [])
        if not fields or not set(fields) <= set(self.keys):
            return
        keys = self.key(fields)
        empty_key = _all_null(keys)
        all_null = _mask(empty_key)
        self.add(np.flatnonzero(all_null), 0, _ROW_SEQ["primary-key"], None, "primary-key")
        # rows whose key is all empty never enter frictionless's memory of keys
        table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
        entered = table.filter(pc.invert(empty_key))  # (an Arrow mask: no pandas import)
        if entered.group_by(entered.column_names).aggregate([]).num_rows == entered.num_rows:
            return  # every key distinct: the usual case, decided in Arrow
        frame = table.to_pandas()[~all_null]
        repeated = frame.index[frame.duplicated(keep="first")].to_numpy()
        self.add(repeated, 0, _ROW_SEQ["primary-key"], None, "primary-key")

    def check_foreign_keys(self, tables: dict[str, TableCheck]) -> None:
        """foreign-key errors: a key (not all empty) absent from the referenced table."""
        for k, fk in enumerate(self.schema.get("foreignKeys", [])):
            fields, ref = _names(fk["fields"]), fk["reference"]
            ref_fields = _names(ref["fields"])
            target = tables.get(ref["resource"] or self.name)
            if target is None or not set(fields) <= set(self.keys) or not set(ref_fields) <= set(target.keys):
                continue
            keys = self.key(fields)
            absent = pc.invert(_is_in(keys, target.key(ref_fields)))
            bad = pc.and_(pc.invert(_all_null(keys)), absent)
            self.add(_rows(bad), 0, _ROW_SEQ["foreign-key"] + k, None, "foreign-key")

    def ordered(self) -> list[Finding]:
        return [f for _row, _order, f in sorted(self.findings, key=lambda x: (x[0], x[1]))]


def _names(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


def key_fields(resources: list[dict[str, Any]]) -> set[str]:
    """Every field named by a primary or foreign key, on either side."""
    names: set[str] = set()
    for resource in resources:
        schema = resource.get("schema", {})
        names |= set(_names(schema.get("primaryKey") or []))
        for fk in schema.get("foreignKeys", []):
            names |= set(_names(fk["fields"])) | set(_names(fk["reference"]["fields"]))
    return names


def _all_null(keys: list[pa.Array]) -> pa.Array:
    return functools.reduce(pc.and_, [pc.is_null(k) for k in keys])


def _is_in(keys: list[pa.Array], reference: list[pa.Array]) -> pa.Array:
    """For each row, whether its key tuple is among the reference's (rows all null there excluded)."""
    if len(keys) == 1:
        return pc.is_in(keys[0], value_set=pc.unique(reference[0].drop_null()))
    known = {t for t in zip(*(r.to_pylist() for r in reference), strict=True) if set(t) != {None}}
    return pa.array([t in known for t in zip(*(k.to_pylist() for k in keys), strict=True)])


def run_checks(package_dir: Path, hook: BatchHook | None = None) -> tuple[list[Finding], dict[str, TableCheck]]:
    """Frictionless's findings on the package, in its order, and the checks; `hook` sees every batch."""
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = descriptor.get("resources", [])
    keep = key_fields(resources)
    checks = {
        r["name"]: TableCheck(package_dir, r, keep, hook)
        for r in resources
        if r.get("type", "table") == "table" and r.get("format", "csv") == "csv"
    }
    # Hashing releases the GIL: it runs on a second core while the tables are checked.
    with ThreadPoolExecutor(max_workers=1) as pool:
        stats = [pool.submit(resource_stats_findings, package_dir, r) for r in resources]
        header = {name: check.check_cells() for name, check in checks.items()}
        for check in checks.values():
            check.check_primary_key()
            check.check_foreign_keys(checks)
        found: list[Finding] = []
        for resource, stat in zip(resources, stats, strict=True):
            name = resource["name"]
            if name in checks:
                found += header[name] + checks[name].ordered()
            found += stat.result()
    return found, checks


def table_findings(package_dir: Path) -> list[Finding]:
    """What frictionless would report on the package's resources, in its order."""
    return run_checks(package_dir)[0]


# Keywords whose verdict on a set of values is decided by its extremes: a
# value passes `type` + bounds iff the smallest and largest (or shortest and
# longest) do.  A subschema with any other keyword is checked on every value.
MONOTONE_KEYWORDS = {"description", "type", "minimum", "maximum", "minLength", "maxLength"}


@dataclass(frozen=True)
class _Subschema:
    validate: Callable[[Any], Any]  # fastjsonschema-compiled
    monotone: bool  # only MONOTONE_KEYWORDS, and perhaps a pattern
    pattern: str | None


class JsonSchemaCheck:
    """Each column against its property's subschema, compiled once by fastjsonschema.

    Cells are typed as frictionless types them; empty cells are null and
    cells with a type error are checked as their text (and fail the type).
    The subschema sees each distinct value once, or, when only monotone
    keywords constrain it, the extreme values (plus, for a pattern, the
    values Arrow's RE2 does not find it in: RE2 finding it implies Python's
    `re` does).  Used as the batch hook of `run_checks`.
    """

    def __init__(self, report: Report, limit: int = 10) -> None:
        self.report, self.limit = report, limit
        self.subschemas: dict[tuple[str, str], _Subschema] = {}

    def __call__(self, check: TableCheck, columns: dict[str, Column], offset: int) -> None:
        if check.name not in TABLES_BY_NAME:
            return
        for name, column in columns.items():
            subschema = self._subschema(check.name, name)
            for value in _candidates(column, subschema):
                try:
                    subschema.validate(value)
                except fastjsonschema.JsonSchemaException as error:
                    for i in _value_rows(column, value)[: self.limit]:
                        where = f"{check.path.name}, line {int(i) + offset + 2}, {name}"
                        self.report.add("json-schema", f"{where}: {error.message}")

    def _subschema(self, table: str, name: str) -> _Subschema:
        if (table, name) not in self.subschemas:
            schema = json_schema(TABLES_BY_NAME[table])["properties"][name]
            monotone = set(schema) - {"pattern"} <= MONOTONE_KEYWORDS
            self.subschemas[table, name] = _Subschema(fastjsonschema.compile(schema), monotone, schema.get("pattern"))
        return self.subschemas[table, name]


def _candidates(column: Column, subschema: _Subschema) -> list[Any]:
    """The values that decide a column's JSON Schema verdict (see `JsonSchemaCheck`)."""
    typed = pc.filter(column.typed, pc.invert(column.type_error))
    wrong_type = pc.unique(pc.filter(column.text, column.type_error)).to_pylist()
    if not subschema.monotone:
        return pc.unique(typed).to_pylist() + wrong_type
    present = typed.drop_null()
    extremes: list[Any] = [None] if typed.null_count else []
    if len(present):
        if pa.types.is_string(present.type):
            lengths = pc.utf8_length(present)
            extremes += [present[pc.index(lengths, pc.min(lengths)).as_py()].as_py(),
                         present[pc.index(lengths, pc.max(lengths)).as_py()].as_py()]
        else:
            bounds = pc.min_max(present)
            extremes += [bounds["min"].as_py(), bounds["max"].as_py()]
    if subschema.pattern is not None and len(present):
        try:  # JSON Schema patterns are searched, not anchored
            found = pc.match_substring_regex(present, subschema.pattern)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # beyond RE2: every value
            return pc.unique(typed).to_pylist() + wrong_type
        extremes += pc.unique(pc.filter(present, pc.invert(found))).to_pylist()
    return extremes + wrong_type


def _value_rows(column: Column, value: Any) -> np.ndarray:
    """Rows holding `value` (a typed value, None for empty, or the text of a cell of the wrong type)."""
    if value is None:
        return _rows(column.missing)
    if isinstance(value, str) and not pa.types.is_string(column.typed.type):
        return _rows(pc.and_(column.type_error, pc.equal(column.text, value)))
    return _rows(pc.equal(column.typed, pa.scalar(value, column.typed.type)))


def validate_fast(package_dir: Path) -> Report:
    """Validate the package: frictionless's checks, the JSON Schemas and the Parquet files, fast."""
    report = Report(method="fast path: frictionless's checks in Arrow, fastjsonschema, Parquet")
    descriptor = package_dir / "datapackage.json"
    try:
        json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        report.add("package", f"{descriptor}: not readable as JSON ({error})")
        return report
    try:
        findings, checks = run_checks(package_dir, JsonSchemaCheck(report))
    except (OSError, KeyError, pa.ArrowInvalid) as error:
        report.add("package", f"{package_dir}: cannot be read: {error}")
        return report
    for finding in findings:
        report.add(finding.code, finding.message())
    for table in TABLES:
        check = checks.get(table.name)
        if check is None or not check.path.exists():
            report.add("package", f"{package_dir / 'data' / (table.name + '.csv')}: missing")
            continue
        report.rows_checked += check.rows
        check_parquet(table, check.path.with_suffix(".parquet"), check.rows, report)
    return report
