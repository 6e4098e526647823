"""Whether a package is already what a build would write: then the build has nothing to do.

A nightly rebuild of an unchanged corpus should cost what it takes to see
that nothing changed.  After a build through the cache, a record is kept in
the cache folder, one per output folder (`packages/<sha256 of its path>.json`):
the *build key* — a digest of every document's cache key (its bytes, name,
manifest row, the plandata version and rule digest, library versions), the
exports asked for and a digest of all of plandata's code — and the digest of
the package as written (`digest.package_digest`), with its row counts and the
documents' warnings.  When the next build's key and the folder's digest both
match, the package on disk is byte for byte what the build would write again,
so it is kept as it is and the build reports it up to date, repeating the
warnings of the build that made it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from plandata.package.cache import stage_digest
from plandata.package.digest import package_digest

RECORDS = "packages"
RECORD_VERSION = 1


@dataclass(frozen=True)
class PackageRecord:
    """What a build through the cache wrote into one output folder."""

    build_key: str
    package_sha256: str
    counts: dict[str, int]
    warnings: list[str]  # the documents' warnings (those of planning raw/ are made afresh each time)
    unknown_agencies: list[str]


def build_key(entry_keys: list[str], exports: tuple[str, ...]) -> str:
    """The digest of everything a package depends on: its documents' cache keys, the exports, all the code."""
    parts = {
        "record": RECORD_VERSION,
        "entries": entry_keys,
        "exports": list(exports),
        "code": stage_digest(parts=("",)),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def record_path(cache_dir: Path, out_dir: Path) -> Path:
    """Where the record of the package in `out_dir` is kept."""
    name = hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()
    return cache_dir / RECORDS / f"{name}.json"


def up_to_date(cache_dir: Path, out_dir: Path, key: str) -> PackageRecord | None:
    """The record of `out_dir` if its package is exactly what a build of `key` writes; None otherwise."""
    try:
        data = json.loads(record_path(cache_dir, out_dir).read_text(encoding="utf-8"))
        record = PackageRecord(**data)
    except (OSError, ValueError, TypeError):  # no record, or one of another shape: build
        return None
    if record.build_key != key or not (out_dir / "datapackage.json").is_file():
        return None
    return record if package_digest(out_dir) == record.package_sha256 else None


def save_record(cache_dir: Path, out_dir: Path, record: PackageRecord) -> None:
    """Keep the record of a package just published (temporary name, then renamed: builds may share a cache)."""
    path = record_path(cache_dir, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".record.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(record), fh, ensure_ascii=False, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
