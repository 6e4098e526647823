"""Digests of files and of a whole package folder, as `sha256sum` would list them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def sha256sums(files: dict[str, Path], known: dict[str, str] | None = None) -> str:
    """`sha256sum` output for the files: `<hex>  <path>` per line; `known` digests are taken, not computed."""
    lines = []
    for name, path in files.items():
        digest = (known or {}).get(name)
        if digest is None:
            with path.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        lines.append(f"{digest}  {name}")
    return "\n".join(lines) + "\n"


def package_digest(package_dir: Path, known: dict[str, str] | None = None) -> str:
    """The sha256 of `sha256sum` over every file of the package (paths inside it): one value for its bytes.

    `known`: the sha256 of files already hashed and checked (a validated
    descriptor's), by path inside the package; only the others are read.
    """
    files = {p.relative_to(package_dir).as_posix(): p for p in sorted(package_dir.rglob("*")) if p.is_file()}
    return hashlib.sha256(sha256sums(dict(sorted(files.items())), known).encode("utf-8")).hexdigest()


def described_digests(package_dir: Path) -> dict[str, str]:
    """The sha256 of each resource file `datapackage.json` gives a hash of, by path (valid once validated)."""
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    return {
        r["path"]: r["hash"].removeprefix("sha256:")
        for r in descriptor.get("resources", [])
        if isinstance(r.get("path"), str) and str(r.get("hash", "")).startswith("sha256:")
    }
