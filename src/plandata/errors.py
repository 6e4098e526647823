"""Exceptions meant for people: each message names the file and what is wrong.

The CLI turns them into one line on stderr and an exit code (see `EXIT_CODES`).
"""

from __future__ import annotations


class PlandataError(Exception):
    """Base class; `exit_code` is what the CLI returns."""

    exit_code = 2


class InputError(PlandataError):
    """A raw file or the manifest cannot be used."""

    exit_code = 2


class RuleTableError(PlandataError):
    """A curated data file shipped with plandata is malformed."""

    exit_code = 2


class ValidationFailed(PlandataError):
    """A built package does not satisfy its schemas."""

    exit_code = 1


EXIT_CODES = {
    0: "success",
    1: "validation failed: the package does not satisfy its schemas",
    2: "bad input or usage: a raw file, the manifest or the command line is wrong",
}
