"""Running tasks: in-process, with joblib (``n_jobs``) or on a Dask cluster.

Results come back in task order whatever order the workers finish in, and every task is a
pure function of its inputs, so ``n_jobs=1``, ``n_jobs=2`` and Dask give identical
numbers. Finished tasks are written to the cache (when one is given) as they arrive, so an
interrupted run loses only the tasks in flight.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import InputError, option
from ..io import validated_input
from ..validation import whole_number
from .cache import TaskCache
from .chains import ChainTask, run_chain
from .tasks import Task, run_task

__all__ = ["execute", "resolve_backend", "capped_jobs"]

_LOCAL_BACKENDS = (None, "loky", "joblib", "threading", "multiprocessing")


def capped_jobs(n_jobs: Any, backend: Any = None) -> tuple[Any, str | None]:
    """``(n_jobs, note)``: more local workers than CPU cores only slow a run down (1000
    processes on 2 cores took 378 s where one took 1.6 s), so a count above the cores is
    cut to them, with a note saying so (None when nothing changed). Other values (``-1``,
    a bad value refused later, a Dask backend) pass unchanged."""
    cores = (getattr(os, "process_cpu_count", None) or os.cpu_count)() or 1
    try:
        count = whole_number(n_jobs, "n_jobs", low=-1)
    except InputError:
        return n_jobs, None  # refused later, with its message
    if count <= cores or not (backend is None or isinstance(backend, str) and backend in _LOCAL_BACKENDS):
        return n_jobs, None
    return cores, (f"{option('n_jobs', 'n_jobs')}={n_jobs} asks for more workers than the {cores} CPU "
                   f"core(s) of this machine; running {cores} (more processes than cores only slow the run down)")


def _run(task: Any) -> dict[str, Any]:
    """The record of a task or of a chain of refits (:mod:`.chains`). The engine validated
    the data once where they entered; a task's fits do not check them again."""
    with validated_input():
        return run_chain(task) if isinstance(task, ChainTask) else run_task(task)


def _run_indexed(i: int, task: Task) -> tuple[int, dict[str, Any]]:
    return i, _run(task)


def resolve_backend(backend: Any, n_jobs: int) -> tuple[str, Any]:
    """``("serial" | "joblib" | "dask" | "dask-own", client-or-joblib-backend)``; "dask-own"
    is a client this module opened (from an address) and closes after the run."""
    n_jobs_given = n_jobs
    try:
        n_jobs = whole_number(n_jobs, "n_jobs", low=-1)
    except InputError:
        n_jobs = 0
    if n_jobs == 0:
        raise InputError(f"n_jobs must be a whole number >= 1, or -1 for all cores; got {n_jobs_given!r}")
    if backend is None or backend in ("loky", "joblib", "threading", "multiprocessing"):
        if n_jobs == 1:
            return "serial", None
        return "joblib", "loky" if backend in (None, "joblib") else backend
    if isinstance(backend, str):
        if backend == "dask":
            try:
                from distributed import get_client
            except ImportError as err:
                raise InputError("backend='dask' needs dask.distributed; run: pip install 'forecast[dask]'") from err
            try:
                return "dask", get_client()
            except ValueError as err:
                raise InputError(
                    "backend='dask' found no running Dask client; create one "
                    "(dask.distributed.Client(...)) or pass its scheduler address, e.g. backend='tcp://127.0.0.1:8786'"
                ) from err
        if "://" in backend or ":" in backend:
            from distributed import Client

            return "dask-own", Client(backend, set_as_default=False)
        raise InputError(
            f"unknown backend {backend!r}; use None (joblib with n_jobs), 'dask', a dask.distributed.Client "
            "or a Dask scheduler address"
        )
    if hasattr(backend, "submit") and hasattr(backend, "scheduler_info"):
        return "dask", backend
    raise InputError(f"unknown backend {backend!r}; pass a dask.distributed.Client, 'dask', or an address")


def _describe(task: Any) -> str:
    series = getattr(task, "series_id", None)
    return task.model_name if series in (None, "y") else f"{task.model_name} · {series}"


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (rich's detection), with stderr no terminal."""
    try:
        if sys.stderr.isatty():
            return False
    except (AttributeError, ValueError):
        pass
    from rich.console import Console

    return Console(stderr=True).is_jupyter


def epoch_text(task: Any, stage: str, epoch: int, total: int) -> str:
    """How the progress bar names a network's epoch, e.g. ``lstm: epoch 12/100`` or
    ``gru · N1402: refit epoch 2/3``."""
    what = "epoch" if stage == "train" else f"{stage} epoch"
    return f"{_describe(task)}: {what} {epoch}/{total}"


@contextlib.contextmanager
def _progress(progress: Any, total: int, done: int) -> Iterator[tuple[Callable[[Any], None], Any]]:
    """Report finished tasks: to a callback ``progress(done, total, task)`` (called once with
    ``task=None`` before the first), or as a rich bar on stderr when ``progress`` is true and
    stderr is a terminal or a Jupyter notebook's output. Yields ``(report, epoch)``: ``epoch(task, stage, epoch, total)``
    reports a network's training epochs inside a task (``stage`` "train" or "refit"), to the
    callback's own ``epoch`` attribute when it has one, as a second line of the rich bar;
    None when nobody listens."""
    if callable(progress):
        count = [done]
        progress(done, total, None)

        def report(task: Any) -> None:
            count[0] += 1
            progress(count[0], total, task)

        yield report, getattr(progress, "epoch", None)
        return
    if progress and _in_notebook():  # an HTML bar updated in place: readable in a stored notebook
        from ..htmlrepr import NotebookBar

        bar = NotebookBar(total, done)
        yield (lambda task: bar.advance(_describe(task))), None
        bar.close()
        return
    if not progress or not sys.stderr.isatty():
        yield (lambda task: None), None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        job = bar.add_task("backtest", total=total, completed=done)
        epochs = bar.add_task("", total=None, visible=False)

        def finished(task: Any) -> None:
            bar.update(epochs, visible=False)
            bar.update(job, advance=1, description=f"backtest {_describe(task)}")

        def epoch(task: Any, stage: str, n: int, of: int) -> None:
            bar.update(epochs, completed=n, total=of, visible=True, description="  " + epoch_text(task, stage, n, of))

        yield finished, epoch


def _iter_serial(tasks: Sequence[Task], todo: list[int], epoch: Any = None):
    """Tasks one by one in this process; ``epoch`` (when given) hears every training epoch
    of a network fitted in a task (tasks in other processes report only when they finish)."""
    for i in todo:
        task = tasks[i]
        if epoch is None:
            yield i, _run(task)
            continue
        task.epoch_progress = lambda stage, n, of, task=task: epoch(task, stage, n, of)
        try:
            record = _run(task)
        finally:
            del task.epoch_progress
        yield i, record


def _iter_joblib(tasks: Sequence[Task], todo: list[int], n_jobs: int, backend: str):
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, backend=backend, return_as="generator_unordered")
    yield from parallel(delayed(_run_indexed)(i, tasks[i]) for i in todo)


def _iter_dask(tasks: Sequence[Task], todo: list[int], client: Any):
    from distributed import as_completed

    futures = [client.submit(_run_indexed, i, tasks[i], key=f"forecast-task-{tasks[i].key}-{i}", pure=False)
               for i in todo]
    try:
        for future in as_completed(futures, loop=client.loop):
            yield future.result()
    finally:
        for future in futures:
            future.release()


def execute(tasks: Sequence[Task], *, n_jobs: int = 1, backend: Any = None,
            cache: TaskCache | None = None, progress: Any = False) -> tuple[list[dict[str, Any]], int]:
    """Run ``tasks`` (skipping those already in ``cache``); return records in task order and
    the number of tasks computed in this call."""
    kind, handle = resolve_backend(backend, n_jobs)
    records: list[dict[str, Any] | None] = [None] * len(tasks)
    todo = []
    for i, task in enumerate(tasks):
        record = cache.get(task.key) if cache is not None else None
        if record is not None:
            records[i] = record
        else:
            todo.append(i)
    if kind != "serial":
        for i in todo:
            tasks[i].limit_threads = True
    with _progress(progress, len(tasks), len(tasks) - len(todo)) as (advance, epoch):
        if kind == "serial":
            stream = _iter_serial(tasks, todo, epoch)
        elif kind == "joblib":
            stream = _iter_joblib(tasks, todo, int(n_jobs), handle)
        else:
            stream = _iter_dask(tasks, todo, handle)
        try:
            for i, record in stream:
                if cache is not None:
                    cache.put(tasks[i].key, record)
                records[i] = record
                advance(tasks[i])
        finally:
            if kind == "dask-own":
                handle.close()
    return records, len(todo)  # type: ignore[return-value]
