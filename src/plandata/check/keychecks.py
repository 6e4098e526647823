"""Primary and foreign keys proved while the tables stream, in memory bounded by a batch and a document.

The builder writes every table in document order, and ids carry their
document's id as a prefix (`plan_a:m0001`, `plan_a:i0003`).  So a key's
rows come in runs, one run per *group*: the text of the key's first field
before its last ":" ("" when there is none, so that documents or agencies
form a single run).  While the tables stream, batch by batch:

- a primary key is unique iff no group's run recurs and the keys are unique
  within each run: only the current run's keys are kept (`PrimaryKeyProof`);
- a foreign key holds iff each referencing value (not empty) is found among
  the referenced table's keys.  The referencing values of a batch wait
  until the referenced table has passed their groups, then are looked up in
  the referenced table's window of batches covering those groups; batches
  every referencing table has passed are dropped, and `KeyProofs.waits`
  makes the tables advance together, so the window stays small
  (`ForeignKeyProof`).

A proof is a shortcut, never a verdict of its own: a key that is not proved
this way (an empty key cell, a run that recurs, a value not found, rows out
of order, a composite foreign key) is checked again by the exact method
(`repeated_key_rows`, `absent_key_rows`) on its whole key columns, read a
second time by `fastvalidate.TableCheck`, so the findings are the same
either way; only memory and time differ.
"""

from __future__ import annotations

import functools
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_GROUP_TAIL = r"(^[^:]*$)|(:[^:]*$)"  # what `key_groups` removes: the last ":" and after, or a key without ":"
_ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}


def key_groups(values: pa.Array) -> pa.Array:
    """The group of each key: its text before the last ":", else "" (also for keys that are not text)."""
    if not pa.types.is_string(values.type) or not len(values):
        return pa.repeat("", len(values))
    if not values.null_count:  # usually every key ends with ":" and a part of one length: cut it in one slice
        offsets = np.frombuffer(values.buffers()[1], np.int32, len(values) + 1, values.offset * 4)
        data = np.frombuffer(values.buffers()[2] or b"", np.uint8)
        colons = np.flatnonzero(data[offsets[0] : offsets[-1]] == ord(":")) + offsets[0]
        if not len(colons):
            return pa.repeat("", len(values))
        k = np.searchsorted(colons, offsets[1:]) - 1  # the last colon before each key's end
        last = colons[np.maximum(k, 0)]
        cut = offsets[1:] - last
        if (k >= 0).all() and (last >= offsets[:-1]).all() and (cut == cut[0]).all():
            return pc.binary_slice(values.view(pa.binary()), 0, -int(cut[0])).view(pa.string())
    return pc.fill_null(pc.replace_substring_regex(values, _GROUP_TAIL, ""), "")


def group_of(value: Any) -> str:
    """`key_groups` of one value."""
    return value.rpartition(":")[0] if isinstance(value, str) else ""


def _starts(groups: pa.Array) -> np.ndarray:
    """Index of the first row of each run of equal groups."""
    change = pc.not_equal(groups.slice(1), groups.slice(0, len(groups) - 1))
    return np.concatenate([[0], np.flatnonzero(change.to_numpy(zero_copy_only=False)) + 1])


def _increasing(keys: list[pa.Array]) -> bool:
    """Whether the key tuples strictly increase, row after row (then none repeats)."""
    n = len(keys[0])
    before, after = [k.slice(0, n - 1) for k in keys], [k.slice(1) for k in keys]
    # lexicographic: the first field is less, or equal and the rest increases
    less = pc.less(before[-1], after[-1])
    for b, a in zip(reversed(before[:-1]), reversed(after[:-1]), strict=True):
        less = pc.or_(pc.less(b, a), pc.and_(pc.equal(b, a), less))
    return n < 2 or bool(pc.all(less).as_py())


def _distinct(keys: list[pa.Array]) -> bool:
    """Whether no key tuple repeats (the arrays hold no nulls)."""
    if _increasing(keys):
        return True
    if len(keys) == 1:
        return len(pc.unique(keys[0])) == len(keys[0])
    table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
    return table.group_by(table.column_names).aggregate([]).num_rows == table.num_rows


def _all_found(values: pa.Array, known: pa.Array) -> bool:
    """Whether every one of `values` (no nulls) is among `known`; the smaller side is the one hashed."""
    values = pc.unique(values)  # (references repeat: a measure's agencies, a document's measures)
    if 4 * len(values) >= len(known):
        return bool(pc.all(pc.is_in(values, value_set=known)).as_py())
    seen = pc.filter(known, pc.is_in(known, value_set=values))
    return len(pc.unique(seen)) == len(values)


@dataclass
class _Batch:
    first_group: str
    last_group: str
    values: pa.Array  # the key's first field, as typed


_EVERYTHING, _NOTHING = (0, ""), (2, "")  # bounds of `ForeignKeyProof.low`, around (1, group)


class KeyRuns:
    """One table's key tuples as they stream: their runs of groups, and a window of batches for references.

    The groups must strictly increase from run to run (the builder writes
    documents sorted by id), so none recurs and "passed" is a comparison:
    nothing is kept per group.
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        self.current: str | None = None  # group of the last row
        self.in_order = True  # False once a run's group is not greater than the one before
        self.done = False
        self.referencing: list[ForeignKeyProof] = []
        self.window: deque[_Batch] = deque()
        self._joined: tuple[tuple[int, ...], pa.Array] | None = None
        # of the last batch: whether its first run continues the one before, and where its last run starts
        # (None: the whole batch continues the run before)
        self.continues: bool = False
        self.last_start: int | None = 0

    def feed(self, keys: list[pa.Array]) -> None:
        """Take the next batch's key columns (typed)."""
        if not len(keys[0]):
            return
        groups = key_groups(keys[0])
        starts = _starts(groups)
        names = groups.take(pa.array(starts)).to_pylist()
        self.continues = names[0] == self.current
        before = self.current
        for group in names[1:] if self.continues else names:
            if before is not None and not before < group:
                self.in_order = False
            before = group
        self.current = names[-1]
        self.last_start = None if self.continues and len(starts) == 1 else int(starts[-1])
        if any(p.live for p in self.referencing):
            self.window.append(_Batch(names[0], names[-1], keys[0]))

    def passed(self, group: str) -> bool:
        """Whether every row of `group` has been seen (the table is past it, or done)."""
        return self.done or (self.current is not None and group < self.current)

    def values_from(self, group: str, kind: pa.DataType) -> pa.Array:
        """The first key field of the window's batches from `group` on (joined once per window state)."""
        batches = [b for b in self.window if not b.last_group < group]
        state = tuple(id(b) for b in batches)
        if self._joined is None or self._joined[0] != state:
            self._joined = (state, pa.concat_arrays([b.values for b in batches]) if batches else pa.array([], kind))
        return self._joined[1]

    def drop_passed(self) -> None:
        """Forget the batches every referencing table has passed."""
        low = min((p.low() for p in self.referencing), default=_NOTHING)
        while self.window and (1, self.window[0].last_group) < low:
            self.window.popleft()
            self._joined = None


class PrimaryKeyProof:
    """Unique, never empty keys: unique within each run of a group, and no run recurring."""

    def __init__(self, runs: KeyRuns) -> None:
        self.runs = runs
        self.holds = True
        self.carry: list[pa.Array] = []  # keys of the current run

    def feed(self, keys: list[pa.Array]) -> None:
        """Take the batch's key columns, after `runs` took them."""
        if not self.holds or not len(keys[0]):
            return
        if any(k.null_count for k in keys):  # an empty key cell: the exact method says which rows
            self.fail()
            return
        shift = len(self.carry[0]) if self.carry and self.runs.continues else 0
        joined = [pa.concat_arrays([c, k]) for c, k in zip(self.carry, keys, strict=True)] if shift else keys
        if not _distinct(joined):
            self.fail()
            return
        start = 0 if self.runs.last_start is None else shift + self.runs.last_start
        self.carry = [k.slice(start) for k in joined]

    def fail(self) -> None:
        self.holds, self.carry = False, []

    @property
    def proved(self) -> bool:
        return self.holds and self.runs.in_order


@dataclass
class _Waiting:
    values: pa.Array
    first_group: str
    last_group: str


class ForeignKeyProof:
    """Every referencing value (not empty) found among the referenced table's keys (single-field keys)."""

    def __init__(self, source: str, fields: list[str], target: str, runs: KeyRuns, kind: pa.DataType | None) -> None:
        self.source, self.fields, self.target, self.runs = source, fields, target, runs
        self.kind = kind  # None: not provable this way (composite key, or types differ)
        self.holds = kind is not None
        self.source_done = False
        self.waiting: deque[_Waiting] = deque()  # batches of values not looked up yet, in order
        self.last_group: str | None = None  # group of the last value looked up
        runs.referencing.append(self)

    def feed(self, values: pa.Array) -> None:
        """Take a batch of referencing values (typed)."""
        if not self.holds:
            return
        values = values.drop_null()  # rows whose key is empty are not checked
        if len(values):
            self.waiting.append(_Waiting(values, group_of(values[0].as_py()), group_of(values[-1].as_py())))
        self.resolve()

    def resolve(self) -> None:
        """Look up the waiting values whose groups the referenced table has passed."""
        while self.holds and self.waiting and self.runs.passed(self.waiting[0].last_group):
            batch = self.waiting.popleft()
            if not _all_found(batch.values, self.runs.values_from(batch.first_group, batch.values.type)):
                self.fail()  # absent, or out of order: the exact method decides
            self.last_group = batch.last_group

    def fail(self) -> None:
        self.holds = False
        self.waiting.clear()

    @property
    def live(self) -> bool:
        return self.holds and not (self.source_done and not self.waiting)

    @property
    def proved(self) -> bool:
        return self.holds and not self.waiting

    def low(self) -> tuple[int, str]:
        """The earliest group of the referenced table this proof may still look into."""
        if not self.live:
            return _NOTHING
        group = self.waiting[0].first_group if self.waiting else self.last_group
        return _EVERYTHING if group is None else (1, group)


def _all_null(keys: list[pa.Array]) -> pa.Array:
    return functools.reduce(pc.and_, [pc.is_null(k) for k in keys])


def repeated_key_rows(keys: list[pa.Array]) -> np.ndarray:
    """The exact method for a primary key: rows whose key cells are all empty, or whose key an earlier row has."""
    empty_key = _all_null(keys)
    all_null = pc.fill_null(empty_key, False).to_numpy(zero_copy_only=False)
    # rows whose key is all empty never enter frictionless's memory of keys
    table = pa.table({f"k{i}": k for i, k in enumerate(keys)})
    entered = table.filter(pc.invert(empty_key))  # (an Arrow mask: no pandas import)
    if entered.group_by(entered.column_names).aggregate([]).num_rows == entered.num_rows:
        return np.flatnonzero(all_null)  # every key distinct: the usual case, decided in Arrow
    frame = table.to_pandas()[~all_null]
    repeated = frame.index[frame.duplicated(keep="first")].to_numpy()
    return np.sort(np.concatenate([np.flatnonzero(all_null), repeated]))


def absent_key_rows(keys: list[pa.Array], reference: list[pa.Array]) -> np.ndarray:
    """The exact method for a foreign key: rows whose key (not all empty) the referenced rows do not have."""
    if len(keys) == 1:
        found = pc.is_in(keys[0], value_set=pc.unique(reference[0].drop_null()))
    else:  # rows all null in the reference are left out
        known = {t for t in zip(*(r.to_pylist() for r in reference), strict=True) if set(t) != {None}}
        found = pa.array([t in known for t in zip(*(k.to_pylist() for k in keys), strict=True)])
    bad = pc.and_(pc.invert(_all_null(keys)), pc.invert(found))
    return np.flatnonzero(pc.fill_null(bad, False).to_numpy(zero_copy_only=False))


def _names(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


class KeyProofs:
    """The package's primary and foreign keys, proved batch by batch as the tables stream.

    `schemas` holds the Table Schema of each table whose keys are checked
    (a table whose header is wrong is left out, as the exact method skips it).
    With `in_order` False nothing is proved and every key goes to the exact method.
    """

    def __init__(self, schemas: dict[str, dict[str, Any]], in_order: bool = True) -> None:
        self.primary: dict[str, PrimaryKeyProof] = {}
        self.foreign: dict[tuple[str, int], ForeignKeyProof] = {}
        self._runs: dict[tuple[str, tuple[str, ...]], KeyRuns] = {}
        self.peak: dict[str, int] = {}  # per table, the most key values `held` at once
        types = {name: {f["name"]: f.get("type", "string") for f in s.get("fields", [])} for name, s in schemas.items()}
        for name, schema in schemas.items():
            primary = _names(schema.get("primaryKey") or [])
            if primary and set(primary) <= set(types[name]):
                self.primary[name] = PrimaryKeyProof(self._key_runs(name, primary))
            for k, fk in enumerate(schema.get("foreignKeys", [])):
                fields, ref = _names(fk["fields"]), fk["reference"]
                target, ref_fields = ref["resource"] or name, _names(ref["fields"])
                known = set(types.get(target, ()))
                if target not in types or not set(fields) <= set(types[name]) or not set(ref_fields) <= known:
                    continue  # the exact method skips it too
                kinds = {types[name][f] for f in fields} | {types[target][f] for f in ref_fields}
                single = len(fields) == len(ref_fields) == 1 and len(kinds) == 1
                kind = _ARROW_TYPES.get(kinds.pop()) if single else None
                self.foreign[name, k] = ForeignKeyProof(name, fields, target, self._key_runs(target, ref_fields), kind)
        if not in_order:
            self.abandon(*schemas)

    def _key_runs(self, table: str, fields: list[str]) -> KeyRuns:
        return self._runs.setdefault((table, tuple(fields)), KeyRuns(fields))

    def feed(self, table: str, typed: dict[str, pa.Array]) -> None:
        """Take the next batch of `table`: its typed columns."""
        for (name, _fields), runs in self._runs.items():
            if name == table:
                runs.feed([typed[f] for f in runs.fields])
        if table in self.primary:
            self.primary[table].feed([typed[f] for f in self.primary[table].runs.fields])
        for (name, _k), proof in self.foreign.items():
            if name == table:
                proof.feed(typed[proof.fields[0]])
        self._settle()

    def done(self, table: str) -> None:
        """`table` has no more batches."""
        for (name, _fields), runs in self._runs.items():
            if name == table:
                runs.done = True
        for (name, _k), proof in self.foreign.items():
            if name == table:
                proof.source_done = True
        self._settle()

    def _settle(self) -> None:
        for proof in self.foreign.values():
            proof.resolve()
        for runs in self._runs.values():
            runs.drop_passed()
        for name in {name for name, _fields in self._runs} | {name for name, _k in self.foreign}:
            self.peak[name] = max(self.peak.get(name, 0), self.held(name))

    def held(self, table: str) -> int:
        """How many key values are kept for `table`: its windows, its current run, its values waiting."""
        count = sum(len(b.values) for (name, _f), runs in self._runs.items() if name == table for b in runs.window)
        if table in self.primary:
            count += len(self.primary[table].carry[0]) if self.primary[table].carry else 0
        for (name, _k), proof in self.foreign.items():
            if name == table:
                count += sum(len(w.values) for w in proof.waiting)
        return count

    def abandon(self, *tables: str) -> None:
        """Leave every key of `tables`, or referring to them, to the exact method."""
        for name in tables:
            if name in self.primary:
                self.primary[name].fail()
        for (name, _k), proof in self.foreign.items():
            if name in tables or proof.target in tables:
                proof.fail()

    def waits(self, table: str) -> bool:
        """Whether `table` should wait: it is ahead of a table it refers to, or of one referring to it."""
        for proof in self.foreign.values():
            if not proof.live or proof.source == proof.target:
                continue
            if proof.source == table and proof.waiting and not proof.runs.done:
                return True  # its values wait for the referenced table
            if proof.target == table and not proof.waiting and not proof.source_done:
                return True  # the referencing table has not caught up
        return False

    def proved(self) -> dict[str, dict[str, bool]]:
        """For each table, which of its key checks were proved while streaming ("primary-key", "foreign-key N")."""
        out: dict[str, dict[str, bool]] = {}
        for name, proof in self.primary.items():
            out.setdefault(name, {})["primary-key"] = proof.proved
        for (name, k), fk in self.foreign.items():
            out.setdefault(name, {})[f"foreign-key {k}"] = fk.proved
        return out
