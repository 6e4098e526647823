"""Benchmark the PDF reader: pages per second beside pypdfium2's bare text extraction (the floor).

    python bench/pdf.py [--mb 2] [--work DIR]

Generates a plan-like corpus from raw/ (bench/corpus.py), renders every
document to PDF as a publisher would (python-docx, then LibreOffice headless:
tests/formats_support.py, the same converter the format-parity tests use),
then measures, each in its own process:

- floor: pypdfium2 opening every PDF and extracting the text of every page;
- build: `plandata build --exports none --jobs 1` of the PDFs (lines from
  pypdfium2's characters, pdfplumber's table finder on pages with rules,
  then every later stage).

It prints CPU-seconds, pages per CPU-second and their ratio; it is not a test
and asserts nothing.  Needs LibreOffice (apt-get install libreoffice-writer-nogui).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests"), str(ROOT / "src")]
from corpus import write_corpus  # noqa: E402
from run import run_measured  # noqa: E402

from formats_support import convert_corpus  # noqa: E402

FLOOR = (
    "import sys, time, pypdfium2; from pathlib import Path\n"
    "t = time.process_time(); pages = 0\n"
    "for p in sorted(Path(sys.argv[1]).glob('*.pdf')):\n"
    "    pdf = pypdfium2.PdfDocument(p.read_bytes())\n"
    "    for page in pdf:\n"
    "        page.get_textpage().get_text_range(); pages += 1\n"
    "    pdf.close()\n"
    "print(pages, time.process_time() - t)"
)


def pdf_corpus(work: Path, megabytes: float) -> Path:
    """The benchmark texts of about `megabytes` MB as PDFs (made once, renamed when complete)."""
    pdfs = work / f"pdf_{megabytes:g}mb"
    if not pdfs.exists():
        texts, partial = work / f"pdf_{megabytes:g}mb.texts", pdfs.with_name(pdfs.name + ".partial")
        shutil.rmtree(texts, ignore_errors=True)
        shutil.rmtree(partial, ignore_errors=True)
        write_corpus(ROOT / "raw", texts, int(megabytes * 2**20))
        convert_corpus(texts, partial, "pdf")
        shutil.rmtree(texts)
        partial.rename(pdfs)
    return pdfs


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=2.0, help="size of the text corpus rendered to PDF (default: 2 MB)")
    p.add_argument("--work", type=Path, default=ROOT / ".bench", help="folder for corpora and packages")
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    pdfs = pdf_corpus(args.work, args.mb)
    files = sorted(pdfs.glob("*.pdf"))

    floor = subprocess.run([sys.executable, "-c", FLOOR, str(pdfs)], capture_output=True, text=True, check=True)
    pages, floor_cpu = floor.stdout.split()
    pages, floor_cpu = int(pages), float(floor_cpu)
    package = args.work / "pdf_package"
    shutil.rmtree(package, ignore_errors=True)
    cmd = [sys.executable, "-m", "plandata", "build", "--raw", str(pdfs), "--out", str(package)]
    build = run_measured([*cmd, "--quiet", "--jobs", "1", "--exports", "none", "--no-cache"])
    if build.returncode:
        raise SystemExit(f"build failed:\n{build.output[-2000:]}")
    shutil.rmtree(package, ignore_errors=True)

    print(f"PDF corpus: {len(files)} files, {pages} pages, {sum(f.stat().st_size for f in files) / 2**20:.1f} MB")
    print(f"{'':28}{'CPU s':>9}{'pages/CPU-s':>14}")
    print(f"{'floor (pypdfium2 text)':28}{floor_cpu:>9.2f}{pages / floor_cpu:>14.1f}")
    print(f"{'plandata build --jobs 1':28}{build.cpu_seconds:>9.2f}{pages / build.cpu_seconds:>14.1f}")
    print(f"ratio build / floor: {build.cpu_seconds / floor_cpu:.1f}x the floor's CPU (wall {build.seconds:.1f} s, "
          f"peak RSS {build.peak_rss_mb:.0f} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
