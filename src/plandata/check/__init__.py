"""Stage: check.  Takes a written package folder; gives a `Report`.

`validate` runs frictionless and jsonschema themselves (`--full`) or the fast
path, `fastvalidate` with its cell, key and JSON Schema checks, which gives
the same verdicts.  Reads only the package.
"""
