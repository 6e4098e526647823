"""Developer and CI sessions; `.ci/run` runs the same commands."""

from __future__ import annotations

import os
import shutil

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

# Programs the `clients` tests drive, and the Debian packages that provide them.
CLIENT_PROGRAMS = {"soffice": "libreoffice-calc-nogui", "sqlite3": "sqlite3", "sha256sum": "coreutils"}


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """Run the test suite (the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def clients(session: nox.Session) -> None:
    """Open every consumer output with its real client: LibreOffice and the sqlite3 shell (installs them)."""
    missing = sorted({pkg for program, pkg in CLIENT_PROGRAMS.items() if shutil.which(program) is None})
    if missing:
        if shutil.which("apt-get") is None or os.geteuid() != 0:
            session.error(f"install the Debian packages {' '.join(missing)} first")
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, external=True, env=env)
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "clients", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """Lint with ruff."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", "src", "tests", "bench", "noxfile.py")


@nox.session(python="3.11")
def build(session: nox.Session) -> None:
    """Build datapackage/ from raw/ and regenerate schemas/."""
    session.install("-e", ".")
    session.run("plandata", "schemas")
    session.run("plandata", "build")


@nox.session(python="3.11")
def validate(session: nox.Session) -> None:
    """Validate the committed package: plandata's full checks and the frictionless CLI."""
    session.install("-e", ".")
    session.run("plandata", "validate", "--full", "datapackage")
    session.run("frictionless", "validate", "datapackage/datapackage.json")


@nox.session(python="3.11")
def score(session: nox.Session) -> None:
    """Score the committed package against the seeds' hand annotations (copies kept in tests/fixtures)."""
    session.install("-e", ".")
    session.run("python", "tests/fixtures/score.py", "datapackage", "tests/fixtures/gold", "--raw", "raw")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmark build and validation on generated 10 MB, 100 MB and 1 GB corpora (prints figures; not a test)."""
    session.install("-e", ".", "psutil")
    session.run("python", "bench/run.py", *session.posargs)  # e.g. nox -s bench -- --sizes 10,100
