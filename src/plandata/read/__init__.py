"""Stage: read.  Takes a file of `raw/` and its manifest row; gives a `NormalisedDocument`.

Ingest finds and decodes the source files (`ingest`, `decoding`), `normalise`
removes web-page noise and converts traditional script with an offset map
back to the raw text, and `metadata` fills the documents row.
"""
