"""Digests of files and of a whole package folder, as `sha256sum` would list them."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256sums(files: dict[str, Path]) -> str:
    """`sha256sum` output for the files: `<hex>  <path>` per line."""
    lines = []
    for name, path in files.items():
        with path.open("rb") as fh:
            lines.append(f"{hashlib.file_digest(fh, 'sha256').hexdigest()}  {name}")
    return "\n".join(lines) + "\n"


def package_digest(package_dir: Path) -> str:
    """The sha256 of `sha256sum` over every file of the package (paths inside it): one value for its bytes."""
    files = {p.relative_to(package_dir).as_posix(): p for p in sorted(package_dir.rglob("*")) if p.is_file()}
    return hashlib.sha256(sha256sums(dict(sorted(files.items()))).encode("utf-8")).hexdigest()
