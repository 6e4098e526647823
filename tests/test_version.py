"""One version, one set of bytes: releases.csv, the CHANGELOG, CITATION.cff and the published URLs agree."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from plandata import HOMEPAGE, RELEASE_DATE, SCHEMA_BASE_URL, __version__
from plandata.errors import InputError
from plandata.export.release import (
    RELEASES,
    changelog_section,
    counts_line,
    package_digest,
    package_release,
    read_releases,
    version_problems,
)
from plandata.package.package_meta import citation_cff

ROOT = Path(__file__).parents[1]
# The Citation File Format 1.2.0 schema, as cffconvert 2.0.0 ships it (see tests/fixtures/citation/README.md).
CFF_SCHEMA = Path(__file__).parent / "fixtures" / "citation" / "schema-1.2.0.json"


def test_the_committed_package_is_the_one_released_as_this_version() -> None:
    """Fails when datapackage/ changes and the version does not: bump it and record the new row."""
    assert version_problems(ROOT) == []
    recorded = read_releases(ROOT / RELEASES)[__version__]
    assert recorded.date == RELEASE_DATE and recorded == package_release(ROOT / "datapackage")


def test_every_release_has_its_changelog_section_with_its_counts() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = read_releases(ROOT / RELEASES)
    assert __version__ in releases and len(releases) >= 2
    for release in releases.values():
        section = changelog_section(changelog, release.version)
        assert section is not None, release.version
        assert counts_line(release) in section
    assert f"## [{__version__}] — {RELEASE_DATE}" in changelog


def test_a_changed_byte_changes_the_digest(tmp_path: Path) -> None:
    copy = Path(shutil.copytree(ROOT / "datapackage", tmp_path / "datapackage"))
    before = package_digest(copy)
    with (copy / "data" / "measures.csv").open("ab") as fh:
        fh.write(b"\n")
    assert package_digest(copy) != before
    (copy / "data" / "extra.txt").write_text("x")
    assert len({before, package_digest(copy)}) == 2


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("version,date\n", "line 1: the header must be"),
        ("version,date,package_sha256,documents,measures,indicators,agencies,measure_agencies\n1,2,3,4\n", "line 2"),
        (
            "version,date,package_sha256,documents,measures,indicators,agencies,measure_agencies\n"
            "1.0,d,x,1,2,3,4,5\n1.0,d,x,1,2,3,4,5\n",
            "line 3: version 1.0 is listed twice",
        ),
    ],
)
def test_a_malformed_releases_file_is_named_with_its_line(text: str, where: str, tmp_path: Path) -> None:
    path = tmp_path / RELEASES
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"{RELEASES}, {where}"):
        read_releases(path)


def test_citation_cff_is_current_and_valid() -> None:
    committed = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert committed == citation_cff(), "run `plandata citation`"
    citation = yaml.safe_load(committed)
    jsonschema.Draft7Validator(json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))).validate(citation)
    assert citation["version"] == __version__ and str(citation["date-released"]) == RELEASE_DATE
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert citation["title"] == descriptor["title"] and citation["url"] == descriptor["homepage"] == HOMEPAGE
    assert citation["license"] == [licence["name"] for licence in descriptor["licenses"]]


def test_the_cff_schema_rejects_a_citation_without_authors() -> None:
    citation = yaml.safe_load(citation_cff())
    del citation["authors"]
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.Draft7Validator(json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))).validate(citation)


def test_published_urls_derive_from_one_home() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Homepage"] == HOMEPAGE and urls["Changelog"].startswith(HOMEPAGE + "/")
    assert f"/v{__version__}/schemas/" in SCHEMA_BASE_URL  # the schema files as tagged for this release
    for path in sorted((ROOT / "schemas").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"] == SCHEMA_BASE_URL + path.name
    for text in (ROOT / "datapackage" / "datapackage.json", ROOT / "CITATION.cff", ROOT / "README.md"):
        assert ".example" not in text.read_text(encoding="utf-8"), text
