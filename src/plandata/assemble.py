"""Stage 5: assemble per-document results into the rows of the five tables.

Rows are plain dicts keyed by the field names of `tables.py`, in a fixed
order (documents by id, everything else in reading order), so the same
results always give the same tables.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from plandata.model import Agency, DocumentResult
from plandata.tables import TABLES_BY_NAME

Row = dict[str, Any]
Tables = dict[str, list[Row]]


def _project(table: str, record: dict[str, Any]) -> Row:
    """Keep exactly the table's fields, in order."""
    return {name: record.get(name) for name in TABLES_BY_NAME[table].field_names}


def _agency_record(agency: Agency) -> dict[str, Any]:
    record = asdict(agency)
    record["short_forms"] = "|".join(agency.short_forms) or None
    return record


def merge_agencies(results: list[DocumentResult]) -> list[Row]:
    """One row per agency id; the same id must always describe the same agency."""
    merged: dict[str, Row] = {}
    for result in results:
        for agency in result.agencies:
            row = _project("agencies", _agency_record(agency))
            known = merged.get(agency.agency_id)
            if known is None:
                merged[agency.agency_id] = row
            elif known != row:
                known_forms = set((known["short_forms"] or "").split("|")) | set(agency.short_forms)
                known["short_forms"] = "|".join(sorted(f for f in known_forms if f)) or None
    return [merged[k] for k in sorted(merged)]


def assemble(results: list[DocumentResult]) -> Tables:
    """The five tables from the results of every document."""
    results = sorted(results, key=lambda r: r.document.document_id)
    tables: Tables = {name: [] for name in TABLES_BY_NAME}
    for result in results:
        tables["documents"].append(_project("documents", result.metadata))
        tables["measures"].extend(_project("measures", asdict(m)) for m in result.measures)
        tables["indicators"].extend(_project("indicators", asdict(i)) for i in result.indicators)
        tables["measure_agencies"].extend(_project("measure_agencies", asdict(a)) for a in result.assignments)
    tables["agencies"] = merge_agencies(results)
    return tables
