"""The `plandata` command: each subcommand parses options and calls one library function.

Exit codes (`plandata --help` lists them): 0 success, 1 validation failed,
2 bad input or usage (also a folder the system cannot read or write),
3 internal error (a bug), 130 interrupted.  Every error
is one line on stderr, never a bare traceback; `--verbose` (before or after
the subcommand) adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from plandata import __version__
from plandata.errors import BUG_HINT, EXIT_CODES, InputError, PlandataError


class CommandParser(argparse.ArgumentParser):
    """Usage errors as one line and exit code 2; `--verbose` on every (sub)command."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # SUPPRESS: a subcommand without the flag keeps what the top level set.
        self.add_argument(
            "--verbose", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error"
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _build(args: argparse.Namespace) -> int:
    from plandata.build import BuildOptions, build
    from plandata.export import parse_exports
    from plandata.progress import progress_for, steps_for, summary_lines, warning_lines

    started = time.monotonic()
    options = BuildOptions(
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        progress=progress_for(sys.stderr, args.quiet),
        steps=steps_for(sys.stderr, args.quiet),
        exports=parse_exports(args.exports),
        cache=_cache_dir(args),
    )
    summary = build(Path(args.raw), Path(args.out), options)
    if not args.quiet:
        print("\n".join(summary_lines(summary, time.monotonic() - started)))
    sys.stdout.flush()  # the summary first, then the warnings, where both go to one terminal
    # Warnings go to stderr, even with --quiet: a document left out must never pass unseen.
    for line in warning_lines(summary.warnings):
        print(line, file=sys.stderr)
    return 0


CACHE_DEFAULT = "$PLANDATA_CACHE_DIR, else $XDG_CACHE_HOME/plandata or ~/.cache/plandata"


def _cache_dir(args: argparse.Namespace) -> Path | None:
    from plandata.package.cache import default_cache_dir

    return None if getattr(args, "no_cache", False) else Path(args.cache) if args.cache else default_cache_dir()


def _cache(args: argparse.Namespace) -> int:
    from plandata.package.cache import DocumentCache

    cache = DocumentCache(_cache_dir(args))  # type: ignore[arg-type]
    if args.action in ("clear", "prune"):
        removed = cache.clear() if args.action == "clear" else cache.prune(args.days)
        print(
            f"removed {removed.entries} entries ({removed.bytes / 2**20:.1f} MiB) and {removed.packages} package"
            f" snapshots ({removed.package_bytes / 2**20:.1f} MiB) from {cache.root}"
        )
    else:
        info = cache.info()
        print(f"location  {info.location}\nentries   {info.entries}\nbytes     {info.bytes}")
        print(f"packages  {info.packages} (records and snapshots of output folders: {info.package_bytes} bytes)")
    return 0


def _export(args: argparse.Namespace) -> int:
    from plandata.export import export_package, export_steps, parse_exports
    from plandata.progress import steps_for
    from plandata.runner import no_steps

    started = time.monotonic()
    kinds = parse_exports(args.to)
    step = steps_for(sys.stderr, quiet=False) or no_steps
    try:
        written = export_package(Path(args.package), kinds, args.jobs or 1, export_steps(kinds, step))
    finally:
        step(None)
    print(f"exported {len(written)} files into {args.package} in {time.monotonic() - started:.1f} s")
    for path in written:
        print(f"  {path}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from plandata.export.release import build_release

    path = build_release(Path(args.root), Path(args.out) if args.out else None)
    print(f"wrote {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from plandata.check.validate import validate_package
    from plandata.progress import steps_for
    from plandata.runner import no_steps

    path = Path(args.path)
    # A wrong path is a usage error (exit 2), not a package that fails its schemas (exit 1).
    if path.is_file():
        if path.name != "datapackage.json":
            raise InputError(f"{path}: not a package descriptor; give the package folder or its datapackage.json")
        path = path.parent
    elif not (path / "datapackage.json").is_file():
        raise InputError(f"{path}: no datapackage.json here; give the folder `plandata build` wrote")
    step = steps_for(sys.stderr, quiet=False) or no_steps
    step(f"validating {path}" + (" with frictionless" if args.full else ""))
    try:
        report = validate_package(path, full=args.full)
    finally:
        step(None)
    if args.json:
        verdict = {"valid": report.valid, "rows_checked": report.rows_checked, "method": report.method}
        print(json.dumps({**verdict, "errors": report.errors}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.valid else 1


def _schemas(args: argparse.Namespace) -> int:
    from plandata.package.schemas import write_schemas

    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def _citation(args: argparse.Namespace) -> int:
    from plandata.package.package_meta import citation_cff

    Path(args.out).write_text(citation_cff(), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per library entry point."""
    epilog = "exit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())
    p = CommandParser(
        prog="plandata",
        description=__doc__.splitlines()[0],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"plandata {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        # The one-line summary is also the subcommand's own --help description.
        return sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")

    b = command("build", "build the data package from raw/")
    b.add_argument("--raw", default="raw", help="folder of source documents (default: raw)")
    b.add_argument("--out", default="datapackage", help="output folder (default: datapackage)")
    b.add_argument("--quiet", action="store_true", help="no progress bar, and nothing printed on success")
    b.add_argument("--jobs", type=_positive, default=None, help="worker processes (default: one per core)")
    b.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local processes, or a dask.distributed cluster (default: local)",
    )
    b.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of --jobs workers)",
    )
    b.add_argument(
        "--exports",
        default="all",
        metavar="LIST",
        help="exports written after the package: all, none, or a list of xlsx,sqlite,spreadsheet (default: all)",
    )
    b.add_argument("--cache", default=None, metavar="DIR", help=f"per-document cache folder (default: {CACHE_DEFAULT})")
    b.add_argument("--no-cache", action="store_true", help="process every document, reading and writing no cache")
    b.set_defaults(func=_build)
    c = command("cache", "say what the per-document cache of `plandata build` holds, prune it or empty it")
    c.add_argument(
        "action",
        choices=("info", "prune", "clear"),
        help="info: location, entries, bytes; prune: remove entries unused for --days; clear: remove them all",
    )
    c.add_argument("--days", type=float, default=30.0, help="prune: entries no build used for this long (default 30)")
    c.add_argument("--cache", default=None, metavar="DIR", help=f"cache folder (default: {CACHE_DEFAULT})")
    c.set_defaults(func=_cache)
    e = command("export", "write the workbook, database and spreadsheet CSVs from a built package")
    e.add_argument("package", nargs="?", default="datapackage", help="package folder (default: datapackage)")
    e.add_argument(
        "--to", default="all", metavar="LIST", help="all, or a list of xlsx,sqlite,spreadsheet (default: all)"
    )
    e.add_argument("--jobs", type=_positive, default=None, help="worker processes, one per export (default: 1)")
    e.set_defaults(func=_export)
    v = command("validate", "validate a built package (frictionless, JSON Schema, Parquet)")
    v.add_argument("path", nargs="?", default="datapackage", help="package folder or its datapackage.json")
    v.add_argument(
        "--full",
        action="store_true",
        help="run frictionless and jsonschema themselves instead of the fast path (slow on big packages)",
    )
    v.add_argument("--json", action="store_true", help="print the verdict as JSON (valid, rows_checked, errors)")
    v.set_defaults(func=_validate)
    s = command("schemas", "write the JSON Schemas of every table")
    s.add_argument("--out", default="schemas", help="output folder (default: schemas)")
    s.set_defaults(func=_schemas)
    c = command("citation", "write CITATION.cff for this version")
    c.add_argument("--out", default="CITATION.cff", help="output file (default: CITATION.cff)")
    c.set_defaults(func=_citation)
    r = command("release", "check the built package and write dist/plandata-<version>.zip")
    r.add_argument("--root", default=".", help="project folder with datapackage/, schemas/ (default: .)")
    r.add_argument("--out", default=None, help="folder for the zip (default: <root>/dist)")
    r.set_defaults(func=_release)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (see `EXIT_CODES`)."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error already printed
        return 0 if stop.code is None else stop.code if isinstance(stop.code, int) else 2
    verbose = getattr(args, "verbose", False)
    try:
        return args.func(args)
    except PlandataError as error:
        return _fail(f"error: {error}", error.exit_code, verbose)
    except KeyboardInterrupt:
        print("plandata: interrupted; previous output kept", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout piped into a command that quit early (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1
    except OSError as error:  # the disk, not plandata: a missing or unwritable folder, a full disk
        where = f"{error.filename}: " if error.filename else ""
        return _fail(f"error: {where}{error.strerror or error}", 2, verbose)
    except Exception as error:  # anything else is a bug: still one line, never a bare traceback
        return _fail(f"internal error: {type(error).__name__}: {' '.join(str(error).split())} ({BUG_HINT})", 3, verbose)


def _fail(message: str, code: int, verbose: bool) -> int:
    """Print one error line (and the traceback when asked); return the exit code."""
    print(f"plandata: {message}", file=sys.stderr)
    if verbose:
        traceback.print_exc()
    return code
