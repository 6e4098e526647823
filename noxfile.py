"""Developer and CI sessions; `.ci/run` runs the same commands."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """Run the test suite."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", "src", "tests", "noxfile.py")


@nox.session(python="3.11")
def build(session: nox.Session) -> None:
    """Build datapackage/ from raw/ and regenerate schemas/."""
    session.install("-e", ".")
    session.run("plandata", "schemas")
    session.run("plandata", "build")


@nox.session(python="3.11")
def validate(session: nox.Session) -> None:
    """Validate the committed package: plandata's checks and the frictionless CLI."""
    session.install("-e", ".")
    session.run("plandata", "validate", "datapackage")
    session.run("frictionless", "validate", "datapackage/datapackage.json")


@nox.session(python="3.11")
def score(session: nox.Session) -> None:
    """Score the committed package against ../shared/gold."""
    session.install("-e", ".")
    session.run("python", "../shared/tools/score.py", "datapackage", "../shared/gold", "--raw", "raw")
