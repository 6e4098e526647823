"""`plandata release`: the zip holds what it should, its SHA256SUMS verify with sha256sum -c, it is reproducible."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from consumers_support import ROOT, build_real_package
from plandata import __version__
from plandata.cli import main
from plandata.errors import InputError
from plandata.export.release import CHECKSUMS, build_release, release_name

PROJECT_FILES = ("README.md", "CHANGELOG.md", "CITATION.cff", "releases.csv", "LICENSE", "LICENSE-DATA")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's release inputs, with a fresh build of raw/."""
    root = tmp_path_factory.mktemp("release")
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "schemas", root / "schemas")
    build_real_package(root / "datapackage")
    return root


@pytest.fixture(scope="module")
def released(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert main(["release", "--root", str(project), "--out", str(out)]) == 0
    return out / f"{release_name()}.zip"


def test_zip_name_carries_the_version(released: Path) -> None:
    assert released.name == f"plandata-{__version__}.zip"


def test_zip_holds_the_release(released: Path, project: Path) -> None:
    top = release_name()
    with zipfile.ZipFile(released) as archive:
        names = archive.namelist()
    assert all(name.startswith(f"{top}/") for name in names)
    inside = {name.removeprefix(f"{top}/") for name in names}
    assert set(PROJECT_FILES) | {CHECKSUMS, "datapackage/datapackage.json", "datapackage/README.md"} <= inside
    package_files = {p.relative_to(project).as_posix() for p in (project / "datapackage").rglob("*") if p.is_file()}
    schema_files = {p.relative_to(project).as_posix() for p in (project / "schemas").rglob("*") if p.is_file()}
    assert package_files | schema_files <= inside


def test_sha256sum_verifies(released: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(released) as archive:
        archive.extractall(tmp_path)
        members = len(archive.namelist())
    result = subprocess.run(
        ["sha256sum", "-c", CHECKSUMS], cwd=tmp_path / release_name(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK\n") == members - 1  # every member but SHA256SUMS itself


def test_release_is_byte_identical(released: Path, project: Path, tmp_path: Path) -> None:
    assert build_release(project, tmp_path).read_bytes() == released.read_bytes()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda root: (root / "datapackage" / "README.md").write_text("# old\n", encoding="utf-8"),
            "README.md is stale",
        ),
        (lambda root: (root / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8"), "CHANGELOG.md has no"),
        (
            lambda root: (root / "schemas" / "measures.json").write_text("{}\n", encoding="utf-8"),
            "measures.json is stale",
        ),
        (lambda root: (root / "LICENSE").unlink() or (root / "LICENSE-DATA").unlink(), "no LICENSE file"),
        (
            lambda root: (root / "datapackage" / "plandata.xlsx").open("ab").write(b"\0"),
            rf"datapackage/ is not the package releases.csv records for version {re.escape(__version__)}.*bump",
        ),
        (lambda root: (root / "CITATION.cff").write_text("cff-version: 1.2.0\n"), "CITATION.cff is stale"),
        (
            lambda root: (root / "releases.csv").write_text((ROOT / "releases.csv").read_text().splitlines()[0] + "\n"),
            f"releases.csv has no row for version {re.escape(__version__)}",
        ),
        (
            lambda root: (root / "CHANGELOG.md").write_text(
                (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").replace("Rows: documents 5,", "Rows: documents 6,")
            ),
            r"the \[0.2.0\] section must say `Rows: documents 5,",
        ),
    ],
    ids=[
        "stale-readme",
        "changelog-without-version",
        "stale-schema",
        "no-licence",
        "bytes-changed-without-a-new-version",
        "stale-citation",
        "version-not-recorded",
        "changelog-counts-wrong",
    ],
)
def test_release_refuses_stale_inputs(damage, message: str, project: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = Path(shutil.copytree(project, tmp_path / "project"))
    damage(copy)
    with pytest.raises(InputError, match=message):
        build_release(copy, tmp_path / "dist")
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
