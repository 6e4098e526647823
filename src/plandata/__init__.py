"""plandata: Chinese education plans as a validated Frictionless data package."""

# The one place the version lives: pyproject reads it, the package and the
# release bundle carry it.  RELEASE_DATE is the package's `created` date, so
# rebuilds are byte-identical.  A version names one set of package bytes:
# `releases.csv` records their digest, and a test fails when the bytes change
# and the version does not (see export/release.py).
__version__ = "0.2.1"
RELEASE_DATE = "2026-12-07"
# Where the project lives; the homepage, the JSON Schemas' `$id` (the file at
# the release's tag) and CITATION.cff all derive from it.
REPOSITORY = "plandata/plandata"
HOMEPAGE = f"https://github.com/{REPOSITORY}"
SCHEMA_BASE_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/v{__version__}/schemas/"
