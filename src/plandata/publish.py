"""Publish a staged directory in place of the output, atomically where the OS allows.

On Linux `renameat2(RENAME_EXCHANGE)` swaps the two directories in one step,
so at every instant the output path holds either the old or the new package,
even if the process is killed.  Elsewhere two renames are used; the window
between them is a few microseconds and `recover` repairs it on the next run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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
    return out_dir.with_name(f".{out_dir.name}.previous")


def recover(out_dir: Path) -> None:
    """Restore the previous output if a two-rename swap was cut off."""
    previous = backup_path(out_dir)
    if previous.exists() and not out_dir.exists():
        os.rename(previous, out_dir)


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Make `staging` the new `out_dir`; the old contents end up in `staging`."""
    recover(out_dir)
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        return
    previous = backup_path(out_dir)
    os.rename(out_dir, previous)
    os.rename(staging, out_dir)
    os.rename(previous, staging)
