"""Stage: export.  Takes a written package folder; gives the files people open.

Every export reads only the written package — its `datapackage.json` and
Parquet files (through `package/rows.py`) — never the pipeline's objects,
so `plandata export` runs on any plandata package, a downloaded one
included.  The files written are then listed in the descriptor with their
size and hash (`package_meta.register_files`).  Every writer is
deterministic, so rebuilds stay byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from plandata.errors import InputError
from plandata.package.files import DATASETTE_PATH, SQLITE_PATH, XLSX_PATH, spreadsheet_csv_path
from plandata.package.package_meta import register_files

# Export name (as `--to`/`--exports` take it) and what it writes, in descriptor order.
EXPORTS = {
    "xlsx": "an Excel workbook, one sheet per table plus a data dictionary",
    "sqlite": "a SQLite database with keys, join indexes and full-text search, and its Datasette metadata",
    "spreadsheet": "CSV files for Excel (UTF-8 with byte-order mark, CRLF)",
}


def parse_exports(text: str) -> tuple[str, ...]:
    """`xlsx,sqlite`, `all` or `none` as export names in descriptor order; unknown names are a usage error."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    if words == ["none"]:
        return ()
    if words == ["all"]:
        return tuple(EXPORTS)
    unknown = [w for w in words if w not in EXPORTS]
    if unknown or not words:
        raise InputError(
            f"unknown export {', '.join(unknown) or repr(text)}: choose from {', '.join(EXPORTS)}, all, none"
        )
    return tuple(name for name in EXPORTS if name in words)


def write_export(kind: str, package_dir: Path) -> list[str]:
    """Write one export (a key of `EXPORTS`); return the paths written, inside the package."""
    # Imported here: each writer pulls in its own library (XlsxWriter, sqlite3).
    from plandata.package.tables import TABLES

    if kind == "xlsx":
        from plandata.export.xlsx import write_workbook

        write_workbook(package_dir, package_dir / XLSX_PATH)
        return [XLSX_PATH]
    if kind == "sqlite":
        from plandata.export.datasette import write_datasette_metadata
        from plandata.export.sqlite import write_database

        write_database(package_dir, package_dir / SQLITE_PATH)
        write_datasette_metadata(package_dir, package_dir / DATASETTE_PATH)
        return [SQLITE_PATH, DATASETTE_PATH]
    from plandata.export.spreadsheet_csv import write_spreadsheet_csv

    written = []
    for table in TABLES:
        path = package_dir / spreadsheet_csv_path(table.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_spreadsheet_csv(package_dir, table, path)
        written.append(spreadsheet_csv_path(table.name))
    return written


def export_steps(kinds: tuple[str, ...], step: Callable[[str | None], None]) -> Callable[[str], None]:
    """Announce the exports `kinds` to `step`; the callback returned relabels it as each one is written.

    The label reads `exporting xlsx, sqlite (1 of 3 written)`: the exports
    still being written, and how many are done.
    """
    pending = list(kinds)

    def label() -> str:
        written = len(kinds) - len(pending)
        return f"exporting {', '.join(pending)}" + (f" ({written} of {len(kinds)} written)" if written else "")

    def done(kind: str) -> None:
        pending.remove(kind)
        if pending:
            step(label())

    step(label())
    return done


def check_package_dir(package_dir: Path) -> None:
    """Refuse a folder that is not a plandata package, naming what is missing."""
    descriptor = package_dir / "datapackage.json"
    if not descriptor.is_file():
        raise InputError(f"{package_dir}: no datapackage.json (not a data package folder)")
    try:
        properties = json.loads(descriptor.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{descriptor}: not a readable JSON descriptor ({error})") from None
    if not isinstance(properties, dict) or "plandata" not in properties:
        raise InputError(f"{descriptor}: not a plandata package (no `plandata` property)")


def export_package(
    package_dir: Path,
    kinds: tuple[str, ...] = tuple(EXPORTS),
    jobs: int = 1,
    done: Callable[[str], None] | None = None,
) -> list[str]:
    """Write the exports `kinds` from the package in `package_dir` and list them in its descriptor.

    With `jobs` > 1 the exports are written side by side in worker processes
    (they only read the closed data files). `done(kind)` is called as each
    export is written, for progress. Returns their paths inside the package,
    in descriptor order.
    """
    check_package_dir(package_dir)
    report = done or (lambda kind: None)
    written: dict[str, list[str]] = {}
    if jobs <= 1 or len(kinds) <= 1:
        for kind in kinds:
            written[kind] = write_export(kind, package_dir)
            report(kind)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(kinds))) as pool:
            futures = {pool.submit(write_export, kind, package_dir): kind for kind in kinds}
            for future in as_completed(futures):
                written[futures[future]] = future.result()
                report(futures[future])
    register_files(package_dir)
    return [path for kind in kinds for path in written[kind]]
