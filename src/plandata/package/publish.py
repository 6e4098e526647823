"""Publish a staged directory in place of the output, atomically where the OS allows.

The package is written into a staging folder beside the output
(`.datapackage.staging-<pid>-<random>`), flushed to disk, then swapped in.
On Linux `renameat2(RENAME_EXCHANGE)` swaps the two folders in one step, so at
every instant the output path holds either the old or the new package, even
if the process is killed.  Elsewhere two renames are used; the window between
them is a few microseconds and `recover` repairs it on the next run.

Before anything is written, `check_output_dir` refuses outputs that are not a
previous package (`--out .` or `--out raw` must never be swapped away).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

from plandata.errors import OutputError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
PACKAGE_MARKER = "datapackage.json"  # a folder holding it is a package we may replace
STAGING_INFIX = ".staging-"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def backup_path(out_dir: Path) -> Path:
    """Where the two-rename swap parks the previous package for a moment."""
    return out_dir.with_name(f".{out_dir.name}.previous")


def check_output_dir(out_dir: Path, raw_dir: Path | None = None) -> Path:
    """The absolute output folder, after checking that it may be replaced.

    Allowed: a missing path, an empty folder, or a folder holding
    `datapackage.json`.  Refused, naming the path: a file, any other folder,
    and a folder that is or holds `raw_dir`.
    """
    out_dir = Path(os.path.abspath(out_dir))  # `x/..` must not name the folder above x
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()  # replace the package the link points to, keep the link
    recover(out_dir)
    if raw_dir is not None:
        raw = raw_dir.resolve()
        if out_dir.resolve() == raw or out_dir.resolve() in raw.parents:
            raise OutputError(f"{out_dir}: the output folder would replace the source folder {raw_dir}")
    if not out_dir.exists():
        return out_dir
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another --out")
    if any(out_dir.iterdir()) and not (out_dir / PACKAGE_MARKER).is_file():
        raise OutputError(
            f"{out_dir}: not a data package (no {PACKAGE_MARKER}); refusing to replace it, choose another --out"
        )
    return out_dir


def make_staging(out_dir: Path) -> Path:
    """A fresh staging folder beside `out_dir`, after removing ones left by killed builds."""
    prefix = f".{out_dir.name}{STAGING_INFIX}{os.getpid()}-"
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir.parent))
        staging.chmod(0o755)  # mkdtemp makes it private; the package is for everyone
    except BaseException as error:
        # Ctrl-C may land inside mkdtemp after its mkdir, before the path is returned:
        # remove this process's folder by its name, so that nothing is left behind.
        for left in out_dir.parent.glob(f"{prefix}*"):
            shutil.rmtree(left, ignore_errors=True)
        if isinstance(error, OSError):
            raise OutputError(f"{out_dir}: cannot write the output: {error.strerror or error}") from None
        raise
    return staging


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Remove staging folders whose build process is gone (killed); return them."""
    removed = []
    for path in sorted(out_dir.parent.glob(f".{out_dir.name}{STAGING_INFIX}*")):
        pid = path.name[len(f".{out_dir.name}{STAGING_INFIX}") :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def recover(out_dir: Path) -> None:
    """Repair a two-rename swap that was cut off.

    Killed after the first rename: the output is missing and the backup holds
    the previous package, which is put back.  Killed after the second: the
    output is the new package and the backup is stale, so it goes.
    """
    previous = backup_path(out_dir)
    if not previous.exists():
        return
    if out_dir.exists():
        shutil.rmtree(previous, ignore_errors=True)
    else:
        os.rename(previous, out_dir)


def fsync_tree(root: Path) -> None:
    """Flush every file and folder under `root` to disk before it is published.

    Renames are atomic, but without this a power cut just after the swap
    could leave the new names pointing at empty files.
    """
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder))


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_by_renames(staging: Path, out_dir: Path) -> None:
    """The portable swap: park the output, move staging in, move the old one to staging."""
    previous = backup_path(out_dir)
    os.rename(out_dir, previous)
    os.rename(staging, out_dir)
    os.rename(previous, staging)


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Make `staging` the new `out_dir`; the old contents end up in `staging`."""
    fsync_tree(staging)
    recover(out_dir)
    if not out_dir.exists():
        os.rename(staging, out_dir)
    elif not _exchange(staging, out_dir):
        swap_by_renames(staging, out_dir)
    _fsync_path(out_dir.parent)
