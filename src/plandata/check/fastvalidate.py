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
- bytes and sha256 of every resource (hashed on other threads meanwhile).

Tables are read in batches (`cellchecks.stream_columns`) and advance
together; nothing of a batch is kept once it is checked.  Keys are proved
as they stream (`keychecks`: in a package written in document order, memory
follows one batch and one document, not the table); a key not proved that
way is checked again by the exact method on its whole key columns, read a
second time.  Known difference, not changing a verdict: a header that does
not match the schema is reported (labels) and stops the checks of that table.

`validate_fast` adds the two other checks of the full path: each table's
JSON Schema, compiled with fastjsonschema (`schemacheck`), and the Parquet
files (`report.check_parquet`, one row group at a time).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plandata.check.cellchecks import (
    CONSTRAINT_ORDER,
    Column,
    WidthError,
    constraint_failures,
    read_columns,
    read_header,
    rows_where,
    stream_columns,
    type_column,
)
from plandata.check.keychecks import KeyProofs, absent_key_rows, repeated_key_rows
from plandata.check.report import Report, check_parquet
from plandata.check.schemacheck import JsonSchemaCheck
from plandata.package.tables import TABLES

_ROW_SEQ = {"primary-key": 1_000_000, "foreign-key": 1_000_001}  # after every cell of the row
# Hashing (sha256 runs in C without the GIL) takes as long as the tables: two threads, largest files first.
HASH_THREADS = 2


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


class BatchHook(Protocol):
    """Sees every batch of every table; told at the end which tables count, in order."""

    def __call__(self, check: TableCheck, columns: dict[str, Column], offset: int) -> None: ...

    def finish(self, tables: list[str]) -> None: ...


class TableCheck:
    """The frictionless checks of one CSV table resource, streamed batch by batch.

    `start` reads the header, then each `step` checks one batch.  The key
    columns named in `keep` are kept whole (`keys`) only for the exact
    method: when a row has the wrong width (the whole table is then read at
    once) or when `load_keys` reads them again.  `key_paths` says, once the
    checks ran, how each key check was decided: "streamed" or "exact";
    `key_peak`, how many key values were held at most while streaming.
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
        self.key_paths: dict[str, str] = {}
        self.key_peak = 0  # the most key values held at once while streaming (`KeyProofs.held`)
        self.rows = 0
        self.done = False
        self.restarted = False  # a row of the wrong width: the whole table was read at once
        self._batches: Iterator[pa.Table] = iter(())

    def add(self, index: np.ndarray, offset: int, order: int, field: str | None, code: str, note: str = "") -> None:
        for i in index:
            row = int(i) + offset + 2  # the header is row 1
            self.findings.append((row, order, Finding(self.name, row, field, code, note)))

    def start(self) -> list[Finding]:
        """Read the header: its label errors (with any, the table is not checked further)."""
        found = self._label_findings(read_header(self.path))
        self.done = bool(found)
        if not found:
            self._batches = stream_columns(self.path, self.names)
        return found

    def step(self) -> dict[str, Column] | None:
        """Check the next batch (width, type, constraint and blank-row errors): its typed columns, None at the end."""
        try:
            batch = next(self._batches, None)
        except WidthError:  # start again, reading the whole file to number the rows of the wrong width
            self.findings, self.rows, self.restarted, self._batches = [], 0, True, iter(())
            columns = self._check_batch(*read_columns(self.path, self.names))
            self.keys = {name: columns[name].typed for name in self.keep}
            return columns
        if batch is None:
            self.done = True
            return None
        return self._check_batch(batch, [])

    def _check_batch(self, table: pa.Table, wrong_width: list[tuple[int, int]]) -> dict[str, Column]:
        offset = self.rows
        for number, cells in wrong_width:
            self._width_findings(number, cells)
        columns: dict[str, Column] = {}
        for i, field in enumerate(self.fields):
            name, kind = field["name"], field.get("type", "string")
            column = columns[name] = type_column(table.column(name), kind)
            self.add(rows_where(column.type_error), offset, i * 10, name, "type-error")
            order = CONSTRAINT_ORDER.get(kind, ())
            for constraint, mask in constraint_failures(field, column).items():
                place = i * 10 + 1 + order.index(constraint)  # frictionless's order within the row
                self.add(rows_where(mask), offset, place, name, "constraint-error", constraint)
        self._blank_rows(columns, offset)
        if self.hook:
            self.hook(self, columns, offset)
        self.rows += table.num_rows
        return columns

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
        blank = functools.reduce(pc.and_, [c.missing for c in columns.values()])
        rows = {int(i) + offset + 2 for i in rows_where(blank)}
        if rows:  # a blank row's only cell error is blank-row
            self.findings = [f for f in self.findings if f[0] not in rows]
            self.findings += [(row, 0, Finding(self.name, row, None, "blank-row")) for row in sorted(rows)]

    def load_keys(self, fields: set[str]) -> None:
        """Read the key columns `fields` again, whole, for the exact method."""
        wanted = [name for name in self.names if name in fields and name not in self.keys]
        if not wanted:
            return
        kinds = {f["name"]: f.get("type", "string") for f in self.fields}
        chunks: dict[str, list[pa.Array]] = {name: [] for name in wanted}
        for batch in stream_columns(self.path, self.names, include=wanted):
            for name in wanted:
                chunks[name].append(type_column(batch.column(name), kinds[name]).typed)
        self.keys.update({name: pa.concat_arrays(c) for name, c in chunks.items() if c})

    def key(self, fields: list[str]) -> list[pa.Array]:
        return [self.keys[f] for f in fields]

    def check_primary_key(self) -> None:
        """primary-key errors by the exact method, on the whole key columns."""
        fields = _names(self.schema.get("primaryKey") or [])
        if fields and set(fields) <= set(self.keys):
            self.add(repeated_key_rows(self.key(fields)), 0, _ROW_SEQ["primary-key"], None, "primary-key")

    def check_foreign_key(self, k: int, tables: dict[str, TableCheck]) -> None:
        """foreign-key errors of the k-th foreign key by the exact method, on the whole key columns."""
        fk = self.schema["foreignKeys"][k]
        fields, ref = _names(fk["fields"]), fk["reference"]
        ref_fields = _names(ref["fields"])
        target = tables.get(ref["resource"] or self.name)
        if target is None or not set(fields) <= set(self.keys) or not set(ref_fields) <= set(target.keys):
            return
        rows = absent_key_rows(self.key(fields), target.key(ref_fields))
        self.add(rows, 0, _ROW_SEQ["foreign-key"] + k, None, "foreign-key")

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


def _stream_tables(checks: list[TableCheck], hook: BatchHook | None, in_order: bool) -> list[list[Finding]]:
    """Label findings of each table, after checking every batch of every table, the tables advancing together.

    A table waits while it is ahead of a table its keys refer to, or of one
    referring to it (`KeyProofs.waits`); when all wait, the first one goes on.
    An error reading a table is raised once the tables before it are done,
    and only the batches up to it count for `hook`, as if the tables had been
    read one after the other.
    """
    labels: list[list[Finding]] = []
    failure: tuple[int, Exception] | None = None
    for i, check in enumerate(checks):
        try:
            labels.append(check.start())
        except Exception as error:  # noqa: BLE001 - raised below, after the tables before it
            failure = (i, error)
            break
    proofs = KeyProofs({c.name: c.schema for c, found in zip(checks, labels, strict=False) if not found}, in_order)
    active = [c for c in checks[: len(labels)] if not c.done]
    while active:
        ready = [c for c in active if not proofs.waits(c.name)] or active[:1]
        for check in ready:
            if check not in active:
                continue
            try:
                columns = check.step()
            except Exception as error:  # noqa: BLE001 - raised below, after the tables before it
                index = checks.index(check)
                failure = min(failure or (index, error), (index, error), key=lambda f: f[0])
                active = [c for c in active if checks.index(c) < failure[0]]
                continue
            pa.default_memory_pool().release_unused()  # what the batch used, back to the system: memory stays flat
            if check.restarted:
                proofs.abandon(check.name)
            if columns is None:
                proofs.done(check.name)
                active.remove(check)
            else:
                proofs.feed(check.name, {name: columns[name].typed for name in check.keep})
    counted = checks if failure is None else checks[: failure[0] + 1]
    if hook:
        hook.finish([c.name for c in counted])
    if failure is not None:
        raise failure[1]
    _exact_keys({c.name: c for c in checks}, proofs)
    return labels


def _exact_keys(checks: dict[str, TableCheck], proofs: KeyProofs) -> None:
    """Record how each key check was decided; run the exact method on those not proved while streaming."""
    needed: dict[str, set[str]] = {}
    for check in checks.values():
        check.key_peak = proofs.peak.get(check.name, 0)
    for name, paths in proofs.proved().items():
        check = checks[name]
        check.key_paths = {label: "streamed" if ok else "exact" for label, ok in paths.items()}
        for label, ok in paths.items():
            if ok:
                continue
            if label == "primary-key":
                needed.setdefault(name, set()).update(_names(check.schema["primaryKey"]))
                continue
            fk = check.schema["foreignKeys"][int(label.split()[-1])]
            needed.setdefault(name, set()).update(_names(fk["fields"]))
            target = fk["reference"]["resource"] or name
            needed.setdefault(target, set()).update(_names(fk["reference"]["fields"]))
    for name, fields in needed.items():
        checks[name].load_keys(fields)
    for check in checks.values():
        if check.key_paths.get("primary-key") == "exact":
            check.check_primary_key()
        for k in range(len(check.schema.get("foreignKeys", []))):
            if check.key_paths.get(f"foreign-key {k}") == "exact":
                check.check_foreign_key(k, checks)
    for check in checks.values():
        check.keys = {}


def run_checks(
    package_dir: Path, hook: BatchHook | None = None, in_order: bool = True
) -> tuple[list[Finding], dict[str, TableCheck]]:
    """Frictionless's findings on the package, in its order, and the checks; `hook` sees every batch.

    With `in_order` False, keys are not proved while streaming: every key
    goes to the exact method (the same findings, with memory following the keys).
    """
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    resources = descriptor.get("resources", [])
    keep = key_fields(resources)
    checks = {
        r["name"]: TableCheck(package_dir, r, keep, hook)
        for r in resources
        if r.get("type", "table") == "table" and r.get("format", "csv") == "csv"
    }
    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
        stats: dict[int, Future[list[Finding]]] = {}
        for i in _largest_first(package_dir, resources):
            stats[i] = pool.submit(resource_stats_findings, package_dir, resources[i])
        labels = dict(zip(checks, _stream_tables(list(checks.values()), hook, in_order), strict=True))
        found: list[Finding] = []
        for i, resource in enumerate(resources):
            name = resource["name"]
            if name in checks:
                found += labels[name] + checks[name].ordered()
            found += stats[i].result()
    return found, checks


def _largest_first(package_dir: Path, resources: list[dict[str, Any]]) -> list[int]:
    """Indexes of the resources by decreasing file size, so that the hashing threads end together."""

    def size(i: int) -> int:
        try:
            return os.stat(package_dir / resources[i]["path"]).st_size
        except (OSError, KeyError, TypeError):
            return 0

    return sorted(range(len(resources)), key=size, reverse=True)


def table_findings(package_dir: Path, in_order: bool = True) -> list[Finding]:
    """What frictionless would report on the package's resources, in its order."""
    return run_checks(package_dir, in_order=in_order)[0]


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
