"""Run the per-document pipeline over many documents.

First version: one process, documents in order.  (Parallel and distributed
engines: issue 8.)
"""

from __future__ import annotations

from collections.abc import Callable

from plandata.model import DocumentResult, RawDocument

Progress = Callable[[int, int, str], None]  # (done, total, source_file)


def process_all(
    raws: list[RawDocument],
    process: Callable[[RawDocument], DocumentResult],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[DocumentResult]:
    """Results of `process` for every document, in the order given."""
    results = []
    for done, raw in enumerate(raws, start=1):
        results.append(process(raw))
        if progress:
            progress(done, len(raws), raw.source_file)
    return results
