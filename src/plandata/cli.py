"""The `plandata` command: each subcommand parses options and calls one library function.

Exit codes: 0 success, 1 validation failed, 2 bad input or usage.  Errors are
one line on stderr; `--verbose` adds the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from plandata import __version__
from plandata.errors import EXIT_CODES, PlandataError


def _build(args: argparse.Namespace) -> int:
    from plandata.build import build

    summary = build(Path(args.raw), Path(args.out))
    if not args.quiet:
        print(f"built {summary.out_dir}")
        print("  " + ", ".join(f"{name} {n}" for name, n in summary.counts.items()))
        for warning in summary.warnings:
            print(f"  warning: {warning}")
        if summary.unknown_agencies:
            unknown = summary.unknown_agencies
            print(f"  agencies not in the registry ({len(unknown)}): " + "、".join(unknown))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from plandata.validate import validate_package

    path = Path(args.path)
    report = validate_package(path.parent if path.name == "datapackage.json" else path)
    print("\n".join(report.lines()))
    return 0 if report.valid else 1


def _schemas(args: argparse.Namespace) -> int:
    from plandata.schemas import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per library entry point."""
    epilog = "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())
    p = argparse.ArgumentParser(prog="plandata", description=__doc__.splitlines()[0], epilog=epilog,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"plandata {__version__}")
    p.add_argument("--verbose", action="store_true", help="show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the data package from raw/")
    b.add_argument("--raw", default="raw", help="folder of source documents (default: raw)")
    b.add_argument("--out", default="datapackage", help="output folder (default: datapackage)")
    b.add_argument("--quiet", action="store_true", help="print nothing on success")
    b.set_defaults(func=_build)
    v = sub.add_parser("validate", help="validate a built package (frictionless, JSON Schema, Parquet)")
    v.add_argument("path", nargs="?", default="datapackage", help="package folder or its datapackage.json")
    v.set_defaults(func=_validate)
    s = sub.add_parser("schemas", help="write the JSON Schemas of every table")
    s.add_argument("--out", default="schemas", help="output folder (default: schemas)")
    s.set_defaults(func=_schemas)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PlandataError as error:
        print(f"plandata: error: {error}", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return error.exit_code
    except KeyboardInterrupt:
        print("plandata: interrupted; previous output kept", file=sys.stderr)
        return 130
