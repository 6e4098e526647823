"""`plandata release`: the versioned zip of the dataset, with checksums.

`dist/plandata-<version>.zip` holds one folder, `plandata-<version>/`, with
`datapackage/`, `schemas/`, the project README, the licence files, the
CHANGELOG and `SHA256SUMS` (checked with `sha256sum -c SHA256SUMS` inside
that folder).  The version comes from `plandata.__version__` only.  Before
zipping, the release checks that the package was built by this version, is
valid, and that its README, `schemas/` and the CHANGELOG are current.  The
zip is deterministic: sorted members, fixed timestamps and permissions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

from plandata import __version__
from plandata.check.validate import validate_package
from plandata.errors import InputError, ValidationFailed
from plandata.package.datadict import readme_diff
from plandata.package.schemas import schema_files

PACKAGE_DIR = "datapackage"
SCHEMAS_DIR = "schemas"
DIST_DIR = "dist"
TOP_FILES = ("README.md", "CHANGELOG.md")
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
    return problems


def sha256sums(files: dict[str, Path]) -> str:
    """`sha256sum` output for the files: `<hex>  <path>` per line."""
    lines = []
    for name, path in files.items():
        with path.open("rb") as fh:
            lines.append(f"{hashlib.file_digest(fh, 'sha256').hexdigest()}  {name}")
    return "\n".join(lines) + "\n"


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
