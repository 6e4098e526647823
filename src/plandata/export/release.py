"""`plandata release`: the versioned zip of the dataset, with checksums.

`dist/plandata-<version>.zip` holds one folder, `plandata-<version>/`, with
`datapackage/`, `schemas/`, the project README, the licence files, the
CHANGELOG, CITATION.cff, releases.csv and `SHA256SUMS` (checked with
`sha256sum -c SHA256SUMS` inside that folder).  The version comes from
`plandata.__version__` only.  Before zipping, the release checks that the
package was built by this version, is valid, and that its README,
`schemas/`, CITATION.cff and the CHANGELOG are current.  The zip is
deterministic: sorted members, fixed timestamps and permissions.

One version names one set of bytes.  `releases.csv` has a row per version:
its date, the digest of its `datapackage/` (`package_digest`: the sha256 of
the package's own SHA256SUMS) and its row counts, which the CHANGELOG section
of the version states too.  A package whose bytes differ from the row of its
version cannot be released (and a test fails): the version must be bumped.
"""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from plandata import RELEASE_DATE, __version__
from plandata.check.validate import validate_package
from plandata.errors import InputError, ValidationFailed
from plandata.package.datadict import readme_diff
from plandata.package.digest import package_digest, sha256sums
from plandata.package.package_meta import CITATION_PATH, citation_cff
from plandata.package.schemas import schema_files

PACKAGE_DIR = "datapackage"
SCHEMAS_DIR = "schemas"
DIST_DIR = "dist"
TOP_FILES = ("README.md", "CHANGELOG.md", "CITATION.cff", "releases.csv")
RELEASES = "releases.csv"
# The CHANGELOG's line stating a version's row counts, in this order, under the version's heading.
COUNTED_TABLES = ("documents", "measures", "indicators", "agencies", "measure_agencies")
LICENSE_GLOB = "LICENSE*"
CHECKSUMS = "SHA256SUMS"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no clock in the bytes


def release_name(version: str = __version__) -> str:
    """`plandata-<version>`: the zip's stem and its top folder."""
    return f"plandata-{version}"


def release_files(root: Path) -> dict[str, Path]:
    """Path inside the release folder -> file in the project `root`, sorted."""
    files: dict[str, Path] = {}
    for name in TOP_FILES:
        files[name] = root / name
    for path in sorted(root.glob(LICENSE_GLOB)):
        files[path.name] = path
    for folder in (PACKAGE_DIR, SCHEMAS_DIR):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path
    return dict(sorted(files.items()))


@dataclass(frozen=True)
class Release:
    """A row of releases.csv: one version, the day it was released and the package it names."""

    version: str
    date: str
    package_sha256: str
    counts: tuple[int, ...]  # rows of COUNTED_TABLES

    def csv_row(self) -> str:
        """The row as releases.csv holds it."""
        return ",".join([self.version, self.date, self.package_sha256, *map(str, self.counts)])


RELEASE_COLUMNS = ("version", "date", "package_sha256", *COUNTED_TABLES)


def read_releases(path: Path) -> dict[str, Release]:
    """releases.csv by version; a malformed file is an error naming the file and line."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            if tuple(header) != RELEASE_COLUMNS:
                raise InputError(f"{path}, line 1: the header must be {','.join(RELEASE_COLUMNS)}")
            releases = {}
            for line, row in enumerate(reader, start=2):
                if len(row) != len(RELEASE_COLUMNS) or not all(x.isdigit() for x in row[3:]):
                    raise InputError(f"{path}, line {line}: {len(RELEASE_COLUMNS)} fields, counts as whole numbers")
                if row[0] in releases:
                    raise InputError(f"{path}, line {line}: version {row[0]} is listed twice")
                releases[row[0]] = Release(row[0], row[1], row[2], tuple(int(x) for x in row[3:]))
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    return releases


def package_release(package_dir: Path) -> Release:
    """The releases.csv row the package in `package_dir` needs: this version, its digest and row counts."""
    counts = tuple(
        pq.ParquetFile(package_dir / "data" / f"{name}.parquet").metadata.num_rows for name in COUNTED_TABLES
    )
    return Release(__version__, RELEASE_DATE, package_digest(package_dir), counts)


def counts_line(release: Release) -> str:
    """`Rows: documents 5, measures 68, …`: the CHANGELOG's statement of a version's row counts."""
    return "Rows: " + ", ".join(f"{name} {count}" for name, count in zip(COUNTED_TABLES, release.counts, strict=True))


def changelog_section(changelog: str, version: str) -> str | None:
    """The text under `## [version]` up to the next `## ` heading (None: no such section)."""
    found = re.search(rf"^##\s*\[?{re.escape(version)}\]?[^\n]*\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    return found.group(1) if found else None


def version_problems(root: Path) -> list[str]:
    """Whether `datapackage/` is the package releases.csv and the CHANGELOG record for this version."""
    releases = read_releases(root / RELEASES)
    wanted = package_release(root / PACKAGE_DIR)
    bump = f"bump the version in src/plandata/__init__.py and add the row `{wanted.csv_row()}` to {RELEASES}"
    recorded = releases.get(__version__)
    if recorded is None:
        return [f"{RELEASES} has no row for version {__version__}: add `{wanted.csv_row()}`"]
    problems = []
    if recorded != wanted:
        problems.append(
            f"{PACKAGE_DIR}/ is not the package {RELEASES} records for version {__version__}"
            f" (recorded `{recorded.csv_row()}`, built `{wanted.csv_row()}`): if version {__version__}"
            f" was released, {bump}; if not, correct its row"
        )
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8") if (root / "CHANGELOG.md").is_file() else ""
    for release in releases.values():
        section = changelog_section(changelog, release.version)
        if section is not None and counts_line(release) not in section:
            problems.append(f"CHANGELOG.md: the [{release.version}] section must say `{counts_line(release)}`")
    return problems


def _problems(root: Path) -> list[str]:
    """What is missing or out of date for a release of this version."""
    problems = [f"{name} is missing" for name in TOP_FILES if not (root / name).is_file()]
    if not list(root.glob(LICENSE_GLOB)):
        problems.append("no LICENSE file")
    descriptor = root / PACKAGE_DIR / "datapackage.json"
    if not descriptor.is_file():
        return [*problems, f"{descriptor} is missing: run `plandata build`"]
    built = json.loads(descriptor.read_text(encoding="utf-8")).get("version")
    if built != __version__:
        problems.append(f"{PACKAGE_DIR}/ was built by version {built}, this is {__version__}: run `plandata build`")
    if readme_diff(root / PACKAGE_DIR):
        problems.append(f"{PACKAGE_DIR}/README.md is stale: run `plandata build`")
    for name, content in schema_files().items():
        path = root / SCHEMAS_DIR / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            problems.append(f"{SCHEMAS_DIR}/{name} is stale: run `plandata schemas`")
    changelog = root / "CHANGELOG.md"
    if changelog.is_file() and not re.search(
        rf"^##\s*\[?{re.escape(__version__)}\]?", changelog.read_text(encoding="utf-8"), re.M
    ):
        problems.append(f"CHANGELOG.md has no `## [{__version__}]` section")
    citation = root / CITATION_PATH
    if citation.is_file() and citation.read_text(encoding="utf-8") != citation_cff():
        problems.append(f"{CITATION_PATH} is stale: run `plandata citation`")
    if (root / RELEASES).is_file():
        problems += version_problems(root)
    return problems


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # unix, so the permission bits below are read
    info.external_attr = 0o644 << 16
    return info


def write_zip(files: dict[str, Path], checksums: str, target: Path) -> None:
    """Write the release zip: every file under the release folder, then SHA256SUMS."""
    top = release_name()
    partial = target.with_name(f".{target.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, path in files.items():
            archive.writestr(_member(f"{top}/{name}"), path.read_bytes())
        archive.writestr(_member(f"{top}/{CHECKSUMS}"), checksums)
    os.replace(partial, target)  # a half-written zip never has the release's name


def build_release(root: Path, out_dir: Path | None = None) -> Path:
    """Check the project at `root` and write `<out_dir>/plandata-<version>.zip`; return its path."""
    problems = _problems(root)
    if problems:
        raise InputError("cannot release: " + "; ".join(problems))
    report = validate_package(root / PACKAGE_DIR)
    if not report.valid:
        raise ValidationFailed(f"cannot release: {PACKAGE_DIR}/ is invalid:\n" + "\n".join(report.lines()))
    out_dir = out_dir or root / DIST_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    files = release_files(root)
    target = out_dir / f"{release_name()}.zip"
    write_zip(files, sha256sums(files), target)
    return target
