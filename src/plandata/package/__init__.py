"""Stage: package.  Takes every document's results; gives the written data package.

`tables` defines every field once (Table Schema, JSON Schema and Arrow schema
are generated from it, `schemas` writes the JSON Schemas), `assemble` turns
results into rows, `write` streams CSV and Parquet and writes the descriptor
(`package_meta`) and the README data dictionary (`datadict`), `rows` reads a
written package back, and `publish` swaps a staging folder into place.
"""
