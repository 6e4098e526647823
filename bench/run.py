"""Benchmark: build and validate generated corpora; print throughput beside the floor and frictionless.

    python bench/run.py [--sizes 10,100,1000] [--jobs N] [--work DIR] [--frictionless-max-rows N]

For each size (MB) it generates a plan-like corpus from raw/ (bench/corpus.py),
then measures, each in its own process:

- floor: read + decode + OpenCC t2s of every file, in one process (one core);
- build: `plandata build --jobs N --exports none` (the package step), then
  `plandata export` once per export (workbook, SQLite, spreadsheet CSVs),
  each measured apart: wall time, CPU time of the process and its workers,
  peak RSS of the whole process tree; throughput per core is MB per
  CPU-second (robust on a shared machine), set beside the floor's; the
  build's figures are the package step plus every export;
- the package step again with `--jobs 1` (up to `--jobs1-max-mb`), for the
  CPU the parallel build spends beyond one process: total CPU of `--jobs N`
  over that of `--jobs 1`;
- validate: `plandata validate` (fast path) and `frictionless validate` on
  the same package (rows/s, their ratio, and whether the verdicts agree).

It prints figures only; it is not a test and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pyarrow.parquet as pq

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "src")]  # run from a checkout, installed or not
from corpus import write_corpus  # noqa: E402


@dataclass
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the process and every worker it waited for
    peak_rss_mb: float  # peak of the summed RSS: counts pages a forked worker shares with its parent twice
    peak_pss_mb: float  # peak of the summed PSS: shared pages split between the processes sharing them
    returncode: int
    output: str


def run_measured(cmd: list[str], poll: float = 0.1) -> Run:
    """Run a command; wall time and the peaks of the summed RSS and PSS of its process tree."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    root = psutil.Process(proc.pid)
    peak = peak_pss = 0
    while proc.poll() is None:
        try:
            tree = [p.memory_full_info() for p in [root, *root.children(recursive=True)] if p.is_running()]
            peak = max(peak, sum(m.rss for m in tree))
            peak_pss = max(peak_pss, sum(m.pss for m in tree))
        except psutil.Error:
            pass
        time.sleep(poll)
    output = proc.stdout.read() if proc.stdout else ""
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 2**20, peak_pss / 2**20, proc.returncode, output)


def floor_seconds(corpus: Path) -> float:
    """CPU seconds to read, decode and convert (OpenCC t2s) every file in one process: the text-layer floor."""
    code = (
        "import sys, time, opencc; from pathlib import Path\n"
        "conv = opencc.OpenCC('t2s').convert; t = time.process_time()\n"
        "for p in sorted(Path(sys.argv[1]).glob('*.txt')): conv(p.read_bytes().decode('utf-8'))\n"
        "print(time.process_time() - t)"
    )
    return float(
        subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True, text=True, check=True).stdout
    )


def package_rows(package: Path) -> int:
    """Rows of every table (from the Parquet footers, equal to the CSV records)."""
    return sum(pq.read_metadata(p).num_rows for p in (package / "data").glob("*.parquet"))


def corpus_of(name: str, target_bytes: int, args: argparse.Namespace) -> tuple[Path, int, int]:
    """The generated corpus `name` (made once, beside, renamed when complete): path, documents, bytes."""
    corpus = args.work / name
    if not corpus.exists():
        partial = corpus.with_name(corpus.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        write_corpus(ROOT / "raw", partial, target_bytes)
        partial.rename(corpus)
    files = list(corpus.glob("*.txt"))
    return corpus, len(files), sum(p.stat().st_size for p in files)


EXPORTS = ("xlsx", "sqlite", "spreadsheet")


def measured_build(corpus: Path, package: Path, jobs: int, exports: str = "none") -> Run:
    """`plandata build --exports EXPORTS` of `corpus` into `package`, measured."""
    build = run_measured(
        [
            sys.executable,
            "-m",
            "plandata",
            "build",
            "--raw",
            str(corpus),
            "--out",
            str(package),
            "--quiet",
            "--jobs",
            str(jobs),
            "--exports",
            exports,
            "--no-cache",  # every document processed: the full build (bench/cache.py measures the cache)
        ]
    )
    if build.returncode:
        raise SystemExit(f"build failed:\n{build.output[-2000:]}")
    return build


def measured_export(package: Path, kind: str) -> Run:
    """`plandata export PACKAGE --to KIND`, measured: one export alone, reading the written package."""
    run = run_measured([sys.executable, "-m", "plandata", "export", str(package), "--to", kind])
    if run.returncode:
        raise SystemExit(f"export {kind} failed:\n{run.output[-2000:]}")
    return run


def combined(runs: list[Run]) -> Run:
    """Runs one after another as one: times add, peaks are the highest."""
    return Run(
        sum(r.seconds for r in runs),
        sum(r.cpu_seconds for r in runs),
        max(r.peak_rss_mb for r in runs),
        max(r.peak_pss_mb for r in runs),
        max(r.returncode for r in runs),
        "".join(r.output for r in runs),
    )


def startup(args: argparse.Namespace) -> Run:
    """A build of one short document: the fixed cost of every build (imports, processes, package files)."""
    corpus, _, _ = corpus_of("corpus_startup", 1, args)
    build = measured_build(corpus, args.work / "package_startup", args.jobs, exports="all")
    shutil.rmtree(args.work / "package_startup", ignore_errors=True)
    return build


def bench_size(size_mb: int, args: argparse.Namespace, fixed: Run) -> dict[str, object]:
    """Every figure for one corpus size; `fixed` is the start-up build, subtracted for the marginal figures."""
    corpus, docs, nbytes = corpus_of(f"corpus_{size_mb}mb", size_mb * 10**6, args)
    package = args.work / f"package_{size_mb}mb"
    mb = nbytes / 10**6
    floor = floor_seconds(corpus)
    package_step = measured_build(corpus, package, args.jobs)
    one_job = None
    if args.jobs != 1 and size_mb <= args.jobs1_max_mb:
        one_job = measured_build(corpus, args.work / f"package_{size_mb}mb_jobs1", 1)
        shutil.rmtree(args.work / f"package_{size_mb}mb_jobs1", ignore_errors=True)
    exports = {kind: measured_export(package, kind) for kind in EXPORTS}
    build = combined([package_step, *exports.values()])
    rows = package_rows(package)
    fast = run_measured([sys.executable, "-m", "plandata", "validate", str(package)])
    result: dict[str, object] = {
        "size_mb": round(mb, 1),
        "documents": docs,
        "rows": rows,
        "floor_mb_s_per_core": mb / floor,
        "build_s": build.seconds,
        "build_cpu_s": build.cpu_seconds,
        "build_mb_s": mb / build.seconds,
        "build_mb_s_per_core": mb / build.cpu_seconds,
        "startup_s": fixed.seconds,
        "startup_cpu_s": fixed.cpu_seconds,
        "marginal_mb_s": mb / max(build.seconds - fixed.seconds, 1e-9),
        "marginal_mb_s_per_core": mb / max(build.cpu_seconds - fixed.cpu_seconds, 1e-9),
        "build_peak_rss_mb": build.peak_rss_mb,
        "build_peak_pss_mb": build.peak_pss_mb,
        "package_s": package_step.seconds,
        "package_cpu_s": package_step.cpu_seconds,
        "package_mb_per_cpu_s": mb / package_step.cpu_seconds,
        "package_vs_floor": floor / package_step.cpu_seconds,
        "floor_cpu_s": floor,
        **({} if one_job is None else {"package_jobs1_cpu_s": one_job.cpu_seconds}),
        **({} if one_job is None else {"jobs_cpu_ratio": package_step.cpu_seconds / one_job.cpu_seconds}),
        **{f"export_{k}_s": r.seconds for k, r in exports.items()},
        **{f"export_{k}_cpu_s": r.cpu_seconds for k, r in exports.items()},
        **{f"export_{k}_mb_per_cpu_s": mb / r.cpu_seconds for k, r in exports.items()},
        "validate_s": fast.seconds,
        "validate_cpu_s": fast.cpu_seconds,
        "validate_rows_s": rows / fast.seconds,
        "validate_peak_rss_mb": fast.peak_rss_mb,
        "validate_peak_pss_mb": fast.peak_pss_mb,
        "validate_valid": fast.returncode == 0,
    }
    result["build_vs_floor"] = result["build_mb_s_per_core"] / result["floor_mb_s_per_core"]  # type: ignore[operator]
    if rows <= args.frictionless_max_rows:
        frictionless = Path(sys.executable).with_name("frictionless")
        full = run_measured([str(frictionless), "validate", str(package / "datapackage.json")])
        result.update(
            frictionless_s=full.seconds,
            frictionless_cpu_s=full.cpu_seconds,
            frictionless_rows_s=rows / full.seconds,
            validate_cpu_speedup=full.cpu_seconds / fast.cpu_seconds,
            frictionless_valid=full.returncode == 0,
            validate_speedup=full.seconds / fast.seconds,
            verdicts_agree=(full.returncode == 0) == (fast.returncode == 0),
        )
    if not args.keep:
        shutil.rmtree(package, ignore_errors=True)
    return result


def print_table(results: list[dict[str, object]], jobs: int) -> None:
    """The figures, one block per corpus."""
    print(f"\nmachine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; build --jobs {jobs}")
    for r in results:
        print(f"\n== corpus {r['size_mb']} MB, {r['documents']} documents, {r['rows']} rows")
        print(f"  floor (read+decode+t2s)   {r['floor_mb_s_per_core']:8.1f} MB per CPU-second")
        print(
            f"  build                     {r['build_mb_s']:8.2f} MB/s wall"
            f"  ({r['build_mb_s_per_core']:.2f} MB per CPU-second = {r['build_vs_floor']:.1%} of the floor)"
            f"  {r['build_s']:.1f} s  peak RSS {r['build_peak_rss_mb']:.0f} MB, PSS {r['build_peak_pss_mb']:.0f} MB"
        )
        print(
            f"  package step              {r['package_mb_per_cpu_s']:8.2f} MB per CPU-second"
            f"  {r['package_s']:.1f} s, {r['package_cpu_s']:.1f} CPU-s ({1 / r['package_vs_floor']:.1f}x the floor"
            f" of {r['floor_cpu_s']:.1f} CPU-s)"
        )
        if "jobs_cpu_ratio" in r:
            print(
                f"  package step --jobs 1      {r['package_jobs1_cpu_s']:.1f} CPU-s: --jobs {jobs} spends"
                f" {r['jobs_cpu_ratio']:.2f}x its CPU"
            )
        for kind in EXPORTS:
            print(
                f"  export {kind:<18} {r[f'export_{kind}_mb_per_cpu_s']:8.2f} MB per CPU-second"
                f"  {r[f'export_{kind}_s']:.1f} s, {r[f'export_{kind}_cpu_s']:.1f} CPU-s"
            )
        print(
            f"  build less start-up       {r['marginal_mb_s']:8.2f} MB/s wall"
            f"  ({r['marginal_mb_s_per_core']:.2f} MB per CPU-second; start-up {r['startup_s']:.2f} s,"
            f" {r['startup_cpu_s']:.2f} CPU-s: a build of one short document)"
        )
        print(
            f"  validate (fast path)      {r['validate_rows_s']:8.0f} rows/s  {r['validate_s']:.1f} s"
            f"  peak RSS {r['validate_peak_rss_mb']:.0f} MB, PSS {r['validate_peak_pss_mb']:.0f} MB"
            f"  valid={r['validate_valid']}"
        )
        if "frictionless_s" in r:
            print(
                f"  frictionless validate     {r['frictionless_rows_s']:8.0f} rows/s  {r['frictionless_s']:.1f} s"
                f"  valid={r['frictionless_valid']}  -> fast path {r['validate_speedup']:.1f}x wall,"
                f" {r['validate_cpu_speedup']:.1f}x CPU,"
                f" verdicts agree: {r['verdicts_agree']}"
            )
        else:
            print("  frictionless validate     not run (more rows than --frictionless-max-rows)")
    if len(results) > 1:
        base = results[0]["build_mb_s"]
        print(
            "\nbuild throughput relative to the smallest corpus: "
            + ", ".join(f"{r['size_mb']} MB {r['build_mb_s'] / base:.2f}" for r in results)
        )  # type: ignore[operator]
        base = results[0]["marginal_mb_s"]
        print(
            "the same less start-up: "
            + ", ".join(f"{r['size_mb']} MB {r['marginal_mb_s'] / base:.2f}" for r in results)
        )  # type: ignore[operator]


def main(argv: list[str] | None = None) -> None:
    """Parse options, run every size, print the table (and JSON with --json)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10,100,1000", help="corpus sizes in MB (default: 10,100,1000)")
    p.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="build processes (default: cores)")
    p.add_argument("--work", type=Path, default=ROOT / ".bench", help="folder for corpora and packages")
    p.add_argument("--frictionless-max-rows", type=int, default=3_000_000, help="skip frictionless above this")
    p.add_argument("--keep", action="store_true", help="keep the built packages")
    p.add_argument(
        "--jobs1-max-mb", type=int, default=100, help="also build with --jobs 1 up to this size (default: 100)"
    )
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    fixed = startup(args)
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(bench_size(size, args, fixed))
        print(json.dumps(results[-1]), flush=True)
    print_table(results, args.jobs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
