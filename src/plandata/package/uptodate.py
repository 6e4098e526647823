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
warnings of the build that made it.  The record also names the snapshot of
the rows that build wrote (package/snapshot.py), from which the next build
into the folder takes its unchanged documents, and each source file's sha256
beside its size, times and inode (`SourceDigests`), so that the next build
hashes only the files that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat as stat_module
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from plandata.package.cache import PACKAGES, stage_digest
from plandata.package.digest import package_digest

RECORDS = PACKAGES
RECORD_VERSION = 3
# A file is recorded by its digest only once its times are this much older than the build that read it: one
# written in the same instant could change again within the clock's resolution and look the same (git's
# "racily clean" entries).
SETTLED_NS = 2 * 10**9


@dataclass(frozen=True)
class PackageRecord:
    """What a build through the cache wrote into one output folder."""

    build_key: str
    package_sha256: str
    counts: dict[str, int]
    warnings: list[str]  # the documents' warnings (those of planning raw/ are made afresh each time)
    unknown_agencies: list[str]
    snapshot: str | None = None  # the snapshot's folder in RECORDS (package/snapshot.py)
    snapshot_sha256: dict[str, str] | None = None  # of each of its files
    # Source file name -> [size, mtime_ns, ctime_ns, inode, device, sha256] (see `SourceDigests`).
    files: dict[str, list[int | str]] | None = None


class SourceDigests:
    """The sha256 of source files, taken from the last record where a file's stat is the one recorded.

    A rebuild of a large corpus would otherwise read and hash every file
    (3 s a gigabyte) to learn that one changed.  As git and make do, a
    regular file whose size, modification and change times, inode and device
    are what they were is taken to hold the same bytes; `ctime` cannot be set
    back by a tool that restores `mtime`.  Links and anything else are always
    read.
    """

    def __init__(self, record: PackageRecord | None, started_ns: int | None = None) -> None:
        """`record`: the last build's; `started_ns`: when this build started (now)."""
        self.known = (record.files if record is not None else None) or {}
        self.seen: dict[str, list[int | str]] = {}  # what the next record holds
        self._started = time.time_ns() if started_ns is None else started_ns

    def digest(self, name: str, path: Path, read: Callable[[Path], bytes]) -> str:
        """The sha256 of the file `name` at `path`; `read` gives its bytes where they must be hashed."""
        st = path.lstat()
        stat: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        known = self.known.get(name)
        if stat_module.S_ISREG(st.st_mode) and known is not None and known[:-1] == stat:
            self.seen[name] = known
            return str(known[-1])
        digest = hashlib.sha256(read(path)).hexdigest()
        if stat_module.S_ISREG(st.st_mode) and max(st.st_mtime_ns, st.st_ctime_ns) < self._started - SETTLED_NS:
            self.seen[name] = [*stat, digest]
        return digest


def build_key(entry_keys: list[str], exports: tuple[str, ...]) -> str:
    """The digest of everything a package depends on: its documents' cache keys, the exports, all the code."""
    parts = {
        "record": RECORD_VERSION,
        "entries": entry_keys,
        "exports": list(exports),
        "code": stage_digest(parts=("",)),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def record_stem(out_dir: Path) -> str:
    """The name of the record (and the start of the snapshots' names) of the package in `out_dir`."""
    return hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()


def record_path(cache_dir: Path, out_dir: Path) -> Path:
    """Where the record of the package in `out_dir` is kept."""
    return cache_dir / RECORDS / f"{record_stem(out_dir)}.json"


def read_record(cache_dir: Path, out_dir: Path) -> PackageRecord | None:
    """The record of the last build through the cache into `out_dir`; None if there is none (or of another shape)."""
    try:
        data = json.loads(record_path(cache_dir, out_dir).read_text(encoding="utf-8"))
        return PackageRecord(**data)
    except (OSError, ValueError, TypeError):  # no record, or one of another shape: build
        return None


def up_to_date(record: PackageRecord | None, out_dir: Path, key: str) -> bool:
    """Whether the package in `out_dir` is exactly what a build of `key` writes, by its `record`."""
    if record is None or record.build_key != key or not (out_dir / "datapackage.json").is_file():
        return False
    return package_digest(out_dir) == record.package_sha256


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
