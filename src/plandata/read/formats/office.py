"""Word 97–2003 (.doc), WPS (.wps) and OpenDocument (.odt) files, through LibreOffice.

These formats have no maintained, permissively licensed Python reader, so
LibreOffice (headless) converts each to .docx in a private temporary folder
and the .docx reader reads that.  Where LibreOffice is not installed the
error says which package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from plandata.errors import InputError
from plandata.read.formats.docx import read_docx
from plandata.read.formats.layer import TextLayer

CONVERT_TIMEOUT_SECONDS = 180
SOFFICE_NAMES = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return next((p for name in SOFFICE_NAMES if (p := shutil.which(name))), None)


OFFICE_FORMATS = ("doc", "wps", "odt")  # what LibreOffice converts before python-docx reads it


def converter_version(fmt: str | None) -> str:
    """The converter a file of format `fmt` goes through and its version ("" when none is): part of a cache key.

    A new LibreOffice may convert a .doc differently, and its version is in
    the document's `reader`, so rows cached under another version are stale.
    """
    if fmt not in OFFICE_FORMATS:
        return ""
    program = find_soffice()
    return soffice_version(program) if program else "no LibreOffice"


@lru_cache(maxsize=1)
def soffice_version(program: str) -> str:
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "LibreOffice"
    words = out.split()
    return " ".join(words[:2]) if words else "LibreOffice"


def convert(data: bytes, name: str, target: str = "docx") -> bytes:
    """`data` (a file called `name`) converted by LibreOffice to `target`; InputError when it cannot be."""
    program = find_soffice()
    if program is None:
        raise InputError(
            f"{name}: reading {Path(name).suffix} files needs LibreOffice, which is not installed "
            f"(Debian/Ubuntu: apt-get install libreoffice-writer-nogui; or save the file as .docx)"
        )
    with tempfile.TemporaryDirectory(prefix="plandata-soffice-") as tmp:
        source = Path(tmp) / ("in" + Path(name).suffix.lower())
        source.write_bytes(data)
        # A profile of its own, so that parallel conversions (and a user's open LibreOffice) do not collide.
        profile = Path(tmp, "profile").as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", target, "--outdir", str(Path(tmp, "out")), str(source)]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS, check=False,
                           env={**os.environ, "HOME": tmp})  # fmt: skip
        except subprocess.TimeoutExpired:
            raise InputError(f"{name}: LibreOffice did not convert it within {CONVERT_TIMEOUT_SECONDS} s") from None
        out = Path(tmp, "out", f"in.{target}")
        if not out.is_file():
            raise InputError(f"{name}: LibreOffice could not read it (a damaged or password-protected file?)")
        return out.read_bytes()


def read_office(data: bytes, name: str) -> TextLayer:
    """The text layer of a .doc/.wps/.odt file, read as LibreOffice converts it to .docx."""
    layer = read_docx(convert(data, name), name)
    program = find_soffice() or "soffice"
    return TextLayer(
        layer.text,
        f"{soffice_version(program)} to .docx, {layer.reader}",
        tables=layer.tables,
        properties=layer.properties,
    )
