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

With `lookup`, a result this process can give at once (a cache hit) is
taken here, before any worker is asked: the workers get only the items
`lookup` leaves (None), and the pool is started at the first of them, so a
rebuild served wholly from the cache starts no process and sends nothing
between processes.

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
from contextlib import ExitStack
from typing import Any, TypeVar

from plandata.errors import InputError

Progress = Callable[[int, int, str], None]  # (done, total, source_file)
# The label of the step under way once the documents are done (writing, exports, validation); None: all done.
StepReport = Callable[[str | None], None]


def no_steps(label: str | None) -> None:
    """The `StepReport` that reports nothing (no terminal, or `--quiet`)."""


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
    lookup: Callable[[Item], Result | None] | None = None,
) -> Iterator[Result]:
    """`work(item)` for every item, yielded in input order, run by the chosen engine.

    `lookup(item)`, when given, is tried first in this process and `work` runs only where it gives
    None; it must give what `work` would (a shortcut, not another answer).
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    jobs = jobs or default_jobs()
    if engine == "dask":
        yield from _run_dask(items, work, jobs, scheduler, progress, lookup)
    elif jobs == 1 or len(items) <= 1:
        for done, item in enumerate(items, start=1):
            found = lookup(item) if lookup is not None else None
            result = work(item) if found is None else found
            _report(progress, done, len(items), item)
            yield result
    else:
        with ExitStack() as stack:
            pool: list[ProcessPoolExecutor] = []

            def submit(fn: Callable[[Item], Result], item: Item) -> Future[Any]:
                if not pool:  # started at the first item `lookup` leaves
                    pool.append(stack.enter_context(ProcessPoolExecutor(max_workers=min(jobs, len(items)))))
                return pool[0].submit(fn, item)

            yield from _in_order(submit, items, work, jobs * WINDOW_PER_WORKER, progress, lookup)


class _Done(Future):  # type: ignore[type-arg]
    """A result at hand, queued among the futures so that the order holds."""

    def __init__(self, result: object) -> None:
        super().__init__()
        self.set_result(result)


def _in_order(
    submit: Callable[..., Future[Any]],
    items: Iterable[Item],
    work: Callable[[Item], Result],
    window: int,
    progress: Progress | None,
    lookup: Callable[[Item], Result | None] | None = None,
) -> Iterator[Result]:
    """Keep `window` items in flight or waiting; yield results in submission order.

    An item `lookup` answers waits, done, for its turn among the others.
    """
    items = list(items)
    queue = iter(items)
    pending: deque[tuple[Item, Future[Any]]] = deque()

    def fill() -> None:
        while len(pending) < window and (item := next(queue, _END)) is not _END:
            found = lookup(item) if lookup is not None else None
            pending.append((item, submit(work, item) if found is None else _Done(found)))

    fill()
    done = 0
    while pending:
        item, future = pending.popleft()
        result = future.result()
        fill()
        done += 1
        _report(progress, done, len(items), item)
        yield result


_END = object()


def _report(progress: Progress | None, done: int, total: int, item: object) -> None:
    if progress:
        progress(done, total, getattr(item, "source_file", str(item)))


def _run_dask(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    jobs: int,
    scheduler: str | None,
    progress: Progress | None,
    lookup: Callable[[Item], Result | None] | None = None,
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
        yield from _in_order(submit, items, work, workers * WINDOW_PER_WORKER, progress, lookup)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
