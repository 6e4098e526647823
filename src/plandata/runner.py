"""Run the per-document pipeline over many documents, in order, on one or many machines.

Three ways to run the same pure per-document function:

- `jobs=1`: in this process, one document after another;
- `jobs=N` (default: the number of cores): a pool of N processes;
- `engine="dask"`: on a dask.distributed cluster, the one at `scheduler`
  (e.g. ``tcp://10.0.0.5:8786``) or a LocalCluster of `jobs` workers.

Whatever the engine, results come back in input order, so the package is
byte-identical for every N and engine.  At most `WINDOW_PER_WORKER` documents
per worker are in flight at once: memory is bounded by the largest documents,
not by the corpus.

The items are `ingest.Source`s: `ingest.plan_sources` lists the documents
of raw/ without reading them, so that workers read their own files and the
parent never holds the corpus.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

from plandata.errors import InputError

Progress = Callable[[int, int, str], None]  # (done, total, source_file)
# The label of the step under way once the documents are done (writing, exports, validation); None: all done.
StepReport = Callable[[str | None], None]
ENGINES = ("local", "dask")
# Documents in flight per worker: enough to keep every worker busy while the
# parent writes, few enough that waiting results stay small.
WINDOW_PER_WORKER = 4

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def iter_results(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    jobs: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Iterator[Result]:
    """`work(item)` for every item, yielded in input order, run by the chosen engine."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    jobs = jobs or default_jobs()
    if engine == "dask":
        yield from _run_dask(items, work, jobs, scheduler, progress)
    elif jobs == 1 or len(items) <= 1:
        for done, item in enumerate(items, start=1):
            result = work(item)
            _report(progress, done, len(items), item)
            yield result
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
            yield from _in_order(pool.submit, items, work, jobs * WINDOW_PER_WORKER, progress)


def _in_order(
    submit: Callable[..., Future[Any]],
    items: Iterable[Item],
    work: Callable[[Item], Result],
    window: int,
    progress: Progress | None,
) -> Iterator[Result]:
    """Keep `window` items in flight; yield results in submission order."""
    items = list(items)
    queue = iter(items)
    pending: deque[tuple[Item, Future[Any]]] = deque((item, submit(work, item)) for item in islice(queue, window))
    done = 0
    while pending:
        item, future = pending.popleft()
        result = future.result()
        following = next(queue, None)
        if following is not None:
            pending.append((following, submit(work, following)))
        done += 1
        _report(progress, done, len(items), item)
        yield result


def _report(progress: Progress | None, done: int, total: int, item: object) -> None:
    if progress:
        progress(done, total, getattr(item, "source_file", str(item)))


def _run_dask(
    items: Sequence[Item], work: Callable[[Item], Result], jobs: int, scheduler: str | None, progress: Progress | None
) -> Iterator[Result]:
    """Submit every item to a dask.distributed cluster (workers must import plandata and see raw/)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise InputError("engine 'dask' needs dask[distributed]: pip install 'dask[distributed]'") from error
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        # pure=False: every document is new work, never a cached result of another run.
        submit = lambda fn, item: client.submit(fn, item, pure=False)  # noqa: E731
        yield from _in_order(submit, items, work, workers * WINDOW_PER_WORKER, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
