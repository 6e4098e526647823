"""The orchestrator: chain the stages, then publish the package atomically.

ingest → normalise → parse → extract (indicators, agencies) → assemble →
write & validate.  `process_document` is the whole per-document pipeline, a
pure function of one raw document, so documents can be processed alone or in
parallel.  `build` writes into a staging directory beside the output and
swaps it in only after validation passes: a failed or killed build leaves the
previous package untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from plandata import agencies, indicators, parse
from plandata.assemble import Tables, assemble
from plandata.errors import ValidationFailed
from plandata.ingest import ingest
from plandata.metadata import document_metadata
from plandata.model import DocumentResult, RawDocument
from plandata.normalise import OPENCC_CONFIG, normalise, opencc_version
from plandata.publish import swap_into_place
from plandata.runner import Progress, process_all
from plandata.validate import Report, validate_package
from plandata.write import write_package


@dataclass
class BuildSummary:
    """What a build produced, for the one-screen summary."""

    out_dir: Path
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    unknown_agencies: list[str] = field(default_factory=list)
    report: Report | None = None


def process_document(raw: RawDocument) -> DocumentResult:
    """Run every per-document stage on one raw document."""
    doc = normalise(raw)
    meta = document_metadata(doc, parse.find_title(doc))
    measures = parse.parse_measures(doc)
    found = indicators.extract_indicators(doc, measures, meta["plan_period_end"])  # type: ignore[arg-type]
    links, named = agencies.extract_task_division(doc, measures, meta["jurisdiction"])  # type: ignore[arg-type]
    warnings = [] if measures else [f"{raw.source_file}: no measures found"]
    return DocumentResult(doc, meta, measures, found, links, named, warnings)


def package_metadata() -> dict[str, object]:
    """Tool versions recorded in the package (`plandata` property)."""
    from plandata import __version__

    return {
        "builder": {"name": "plandata", "version": __version__},
        "normalisation": {
            "script_conversion": {
                "tool": "OpenCC",
                "package": "opencc",
                "version": opencc_version(),
                "config": OPENCC_CONFIG,
            },
            "noise_rules": "src/plandata/data/noise.csv",
        },
    }


@dataclass(frozen=True)
class BuildOptions:
    """How to run a build: parallelism, engine and progress reporting."""

    jobs: int = 1
    engine: str = "local"  # local | dask
    scheduler: str | None = None  # dask.distributed scheduler address
    progress: Progress | None = None


def build_tables(raw_dir: Path, options: BuildOptions | None = None) -> tuple[Tables, list[DocumentResult], list[str]]:
    """Tables of every document in `raw_dir`, with per-document results and warnings."""
    options = options or BuildOptions()
    corpus = ingest(raw_dir)
    results = process_all(
        corpus.documents, process_document, options.jobs, options.engine, options.scheduler, options.progress
    )
    warnings = corpus.warnings + [w for r in results for w in r.warnings]
    return assemble(results), results, warnings


def build(raw_dir: Path, out_dir: Path, options: BuildOptions | None = None) -> BuildSummary:
    """Build, validate and publish the package from `raw_dir` into `out_dir`."""
    tables, _results, warnings = build_tables(raw_dir, options)
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the package is for everyone
    try:
        write_package(tables, package_metadata(), staging)
        report = validate_package(staging)
        if not report.valid:
            raise ValidationFailed("the built package is invalid; previous output kept:\n" + "\n".join(report.lines()))
        swap_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    unknown = sorted({r["name_zh"] for r in tables["agencies"] if not r["in_registry"]})
    counts = {name: len(rows) for name, rows in tables.items()}
    return BuildSummary(out_dir, counts, warnings, unknown, report)
