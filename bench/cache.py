"""Benchmark the per-document cache: full build, no-change rebuild, one-document-changed rebuild.

    python bench/cache.py [--mb 20] [--jobs N] [--work DIR]

On a corpus generated from raw/ (bench/corpus.py), each build is
`plandata build --exports none` in its own process, measured as in
bench/run.py: first without the cache (the full build), then with a cold
cache, again unchanged (the package in place is up to date: nothing is
rewritten), unchanged into a new folder (every document a hit, the package
written anew), and after one document was changed.  It prints figures only; it is not a test and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / "bench")]
from run import corpus_of, run_measured  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=int, default=20, help="corpus size in MB (default: 20)")
    p.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="build processes (default: cores)")
    p.add_argument("--work", type=Path, default=ROOT / ".bench", help="folder for corpora, packages and the cache")
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    args.frictionless_max_rows = 0
    corpus, docs, nbytes = corpus_of(f"corpus_{args.mb}mb", args.mb * 10**6, args)
    raw = args.work / f"cache_raw_{args.mb}mb"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(corpus, raw)
    cache = args.work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    package = args.work / f"cache_package_{args.mb}mb"

    def measured(*flags: str, out: Path = package):  # type: ignore[no-untyped-def]
        cmd = [sys.executable, "-m", "plandata", "build", "--raw", str(raw), "--out", str(out), "--quiet"]
        run = run_measured([*cmd, "--jobs", str(args.jobs), "--exports", "none", *flags])
        if run.returncode:
            raise SystemExit(f"build failed:\n{run.output[-2000:]}")
        return run

    full = measured("--no-cache")
    cold = measured("--cache", str(cache))
    warm = measured("--cache", str(cache))  # the package in place is what it would write: up to date
    elsewhere = package.with_name(package.name + "_elsewhere")
    shutil.rmtree(elsewhere, ignore_errors=True)
    hits = measured("--cache", str(cache), out=elsewhere)  # every document a hit, the package written anew
    shutil.rmtree(elsewhere, ignore_errors=True)
    texts = sorted(raw.glob("*.txt"))
    changed = texts[len(texts) // 2]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    one = measured("--cache", str(cache))
    entries = sum(p.stat().st_size for p in (cache / "documents").glob("*/*.rows"))
    print(f"corpus {nbytes / 10**6:.1f} MB, {docs} documents (one changed: {changed.name}); --jobs {args.jobs}")
    print(f"cache: {entries / 2**20:.1f} MiB")
    for label, run in (
        ("full build, no cache", full),
        ("cold cache (fills it)", cold),
        ("rebuild, nothing changed", warm),
        ("all hits, into a new folder", hits),
        ("rebuild, one document changed", one),
    ):
        print(
            f"  {label:32} {run.seconds:6.2f} s  {run.cpu_seconds:6.2f} CPU-s"
            f"  {run.seconds / full.seconds:6.1%} of the full build"
        )
    shutil.rmtree(package, ignore_errors=True)


if __name__ == "__main__":
    main()
