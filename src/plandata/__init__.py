"""plandata: Chinese education plans as a validated Frictionless data package."""

# The one place the version lives: pyproject reads it, the package and the
# release bundle carry it.  RELEASE_DATE is the package's `created` date, so
# rebuilds are byte-identical.
__version__ = "0.1.0"
RELEASE_DATE = "2026-11-22"
