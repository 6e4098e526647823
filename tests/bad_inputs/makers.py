"""Inputs of the bad-input corpus that git cannot hold: huge files, links, pipes, odd names.

Each maker changes the case folder `tmp` (whose source folder is `raw`);
`cases.toml` names it in its `make` field.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

HUGE_BYTES = 50 * 2**20
# One clause of an invented plan, repeated without a line break.
HUGE_CLAUSE = "推进区域教育优质均衡发展,".encode()


def huge_single_line(raw: Path, tmp: Path) -> None:
    """A 50 MB file of one single line."""
    with (raw / "huge.txt").open("wb") as fh:
        chunk = HUGE_CLAUSE * (2**20 // len(HUGE_CLAUSE))
        written = 0
        while written < HUGE_BYTES:
            fh.write(chunk)
            written += len(chunk)


def folder_named_txt(raw: Path, tmp: Path) -> None:
    """A folder whose name ends in .txt, with a file in it."""
    (raw / "folder.txt").mkdir()
    (raw / "folder.txt" / "inside.txt").write_text("某区教育发展规划\n", encoding="utf-8")


def fifo_named_txt(raw: Path, tmp: Path) -> None:
    """A named pipe: opening it for reading would block forever."""
    os.mkfifo(raw / "pipe.txt")


def symlink_out_of_raw(raw: Path, tmp: Path) -> None:
    """raw/outside.txt links to a readable plan outside raw/."""
    (tmp / "elsewhere.txt").write_text("某区教育发展规划\n一、发展目标\n", encoding="utf-8")
    (raw / "outside.txt").symlink_to(tmp / "elsewhere.txt")


def broken_symlink(raw: Path, tmp: Path) -> None:
    """raw/broken.txt links to a file that does not exist."""
    (raw / "broken.txt").symlink_to(raw / "gone.txt")


def symlink_loop(raw: Path, tmp: Path) -> None:
    """Two links pointing at each other."""
    (raw / "loop_a.txt").symlink_to(raw / "loop_b.txt")
    (raw / "loop_b.txt").symlink_to(raw / "loop_a.txt")


def file_name_not_utf8(raw: Path, tmp: Path) -> None:
    """A file named `教育.txt` in GBK bytes, as unpacked from an old archive."""
    name = "教育".encode("gbk") + b".txt"
    with open(os.path.join(os.fsencode(raw), name), "wb") as fh:
        fh.write("某区教育发展规划\n".encode())


def file_name_line_break(raw: Path, tmp: Path) -> None:
    """A file name holding a line break."""
    (raw / "plan\n2025.txt").write_text("某区教育发展规划\n", encoding="utf-8")


def no_documents(raw: Path, tmp: Path) -> None:
    """raw/ holding only the manifest's header line."""
    for path in raw.glob("*.txt"):
        path.unlink()
    header = (raw / "documents.csv").read_text(encoding="utf-8").splitlines()[0]
    (raw / "documents.csv").write_text(header + "\n", encoding="utf-8")


def out_file(raw: Path, tmp: Path) -> None:
    """A file where the output folder should be."""
    (tmp / "notes.csv").write_text("note\nkeep me\n", encoding="utf-8")


def out_folder_of_other_work(raw: Path, tmp: Path) -> None:
    """A folder of someone's work, which must never be swapped away."""
    (tmp / "work").mkdir()
    (tmp / "work" / "draft.md").write_text("# 草稿\n", encoding="utf-8")


MAKERS: dict[str, Callable[[Path, Path], None]] = {
    f.__name__: f
    for f in (
        huge_single_line,
        folder_named_txt,
        fifo_named_txt,
        symlink_out_of_raw,
        broken_symlink,
        symlink_loop,
        file_name_not_utf8,
        file_name_line_break,
        no_documents,
        out_file,
        out_folder_of_other_work,
    )
}
