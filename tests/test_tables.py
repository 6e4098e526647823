"""The table definitions: keys name real fields, schemas agree, schemas/ is fresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from plandata.package.schemas import schema_files
from plandata.package.tables import TABLES, TABLES_BY_NAME, arrow_schema, json_schema, table_schema

SCHEMAS_DIR = Path(__file__).parents[1] / "schemas"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_keys_name_real_fields(table) -> None:
    names = set(table.field_names)
    assert len(names) == len(table.field_names), "duplicate field name"
    assert set(table.primary_key) <= names
    for fk in table.foreign_keys:
        assert set(fk.fields) <= names
        target = TABLES_BY_NAME[fk.resource] if fk.resource else table
        assert set(fk.reference) <= set(target.field_names)
        assert tuple(fk.reference) == target.primary_key, "a reference must point at a primary key"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_field_is_described_and_ascii(table) -> None:
    for field in table.fields:
        assert field.name.isascii() and field.name == field.name.lower()
        assert field.description.strip()
        assert field.type in ("string", "integer", "number", "boolean")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_generated_schemas_agree(table) -> None:
    frictionless_fields = [f["name"] for f in table_schema(table)["fields"]]
    json_props = list(json_schema(table)["properties"])
    assert frictionless_fields == json_props == arrow_schema(table).names == table.field_names
    Draft202012Validator.check_schema(json_schema(table))
    required = {f.name for f in table.fields if f.required}
    assert {f.name for f in arrow_schema(table) if not f.nullable} == required


def test_contract_columns_present() -> None:
    """The SPEC's column names are a contract: they must never disappear."""
    contract = {
        "documents": ["document_id", "source_file", "sha256", "title", "jurisdiction", "admin_level", "script"],
        "measures": [
            "measure_id",
            "document_id",
            "parent_id",
            "level",
            "kind",
            "label",
            "ordinal",
            "title",
            "text",
            "raw_start",
            "raw_end",
        ],
        "indicators": [
            "indicator_id",
            "measure_id",
            "document_id",
            "quote",
            "metric",
            "comparator",
            "value",
            "value_min",
            "value_max",
            "unit",
            "target_year",
            "raw_start",
            "raw_end",
        ],
        "agencies": ["agency_id", "name_zh", "name_en", "admin_level", "jurisdiction", "type"],
        "measure_agencies": ["measure_id", "agency_id", "name_in_text", "position", "relation"],
    }
    for name, columns in contract.items():
        assert set(columns) <= set(TABLES_BY_NAME[name].field_names), name


def test_committed_schemas_are_fresh() -> None:
    expected = schema_files()
    committed = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS_DIR.glob("*.json")}
    assert committed == expected, "schemas/ is stale: run `plandata schemas`"
    for content in committed.values():
        assert json.loads(content)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
