"""Exceptions meant for people: each message names the file and what is wrong.

The CLI turns them into one line on stderr and an exit code (see `EXIT_CODES`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# How a build's warnings mark a document that could not be read and is not in the package.
SKIPPED = "skipped: "


class PlandataError(Exception):
    """Base class; `exit_code` is what the CLI returns."""

    exit_code = 2


class InputError(PlandataError):
    """A raw file or the manifest cannot be used."""

    exit_code = 2


class RuleTableError(PlandataError):
    """A curated data file shipped with plandata is malformed."""

    exit_code = 2


class OutputError(PlandataError):
    """The output folder cannot be written or must not be replaced."""

    exit_code = 2


class InternalError(PlandataError):
    """An unexpected failure inside plandata: a bug, reported with the document it met."""

    exit_code = 3


class ValidationFailed(PlandataError):
    """A built package does not satisfy its schemas."""

    exit_code = 1


EXIT_CODES = {
    0: "success",
    1: "validation failed: the package does not satisfy its schemas",
    2: "bad input or usage: a raw file, the manifest, the output folder or the command line is wrong",
    3: "internal error: a bug in plandata (rerun with --verbose and report the traceback)",
    130: "interrupted (Ctrl-C); the previous output is kept",
}

BUG_HINT = "a bug in plandata; rerun with --verbose and report the traceback"


@contextmanager
def internal_errors_named(source_file: str) -> Iterator[None]:
    """Turn an unexpected exception into an `InternalError` naming the document it met."""
    try:
        yield
    except PlandataError:
        raise
    except Exception as error:
        raise InternalError(
            f"internal error while processing {source_file}: {type(error).__name__}: "
            f"{' '.join(str(error).split())} ({BUG_HINT})"
        ) from error
