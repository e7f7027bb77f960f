"""Consecutive refits of one series run as one task, each starting where the last ended.

With ``refit=True`` (or every k origins) a per-series model is re-estimated at origins a
few observations apart, and its optimum moves little between them. For models tagged
``warm_start`` (the ARMA family's exact-likelihood fits) the backtest therefore groups the
refit segments of one series and model into chains of :data:`CHAIN` consecutive segments:
one :class:`ChainTask` runs them in order, each fit starting from the previous fit's
optimum (:meth:`~forecast.base.Forecaster.warm_start_from`), which cuts the search to a
few iterations while the estimator's other starts still run wherever the warm one is not
conclusive.

A chain's first segment starts cold, and the chains are fixed by the plan (their length
is a constant, never the number of workers), so the same backtest gives the same bits
serially, with joblib or on Dask, resumed from its cache or not (a chain is cached as one
entry holding the records of its segments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cache import hash_json
from .tasks import Task, fit_and_forecast

__all__ = ["CHAIN", "ChainTask", "chain_tasks", "run_chain"]

#: refit segments per chain: long enough that warm starts carry most fits, short enough
#: that a single series' refits still spread over the workers of a parallel run
CHAIN = 10


@dataclass
class ChainTask:
    """Consecutive refit segments of one series and one model, run in order."""

    key: str
    tasks: list[Task] = field(default_factory=list)
    limit_threads: bool = False

    @property
    def model_name(self) -> str:
        return self.tasks[0].model_name

    @property
    def series_id(self) -> str:
        return self.tasks[0].series_id

    @property
    def segment(self) -> int:
        return self.tasks[0].segment


def chain_tasks(tasks: list[Any], size: int | None = None) -> list[Any]:
    """``tasks`` with the per-series tasks of warm-starting models grouped into chains of up
    to ``size`` (default :data:`CHAIN`; 1: no chains) consecutive segments, in the order
    planned; every other task unchanged. A chain stands where its first segment stood."""
    size = CHAIN if size is None else int(size)
    out: list[Any] = []
    open_chain: dict[tuple[str, str], ChainTask] = {}
    for task in tasks:
        if not (isinstance(task, Task) and task.model.get_tags()["warm_start"]):
            out.append(task)
            continue
        ident = (task.series_id, task.model_name)
        chain = open_chain.get(ident)
        if chain is None or len(chain.tasks) >= size:
            chain = open_chain[ident] = ChainTask(key="")
            out.append(chain)
        chain.tasks.append(task)
    result = []
    for item in out:
        if isinstance(item, ChainTask):
            if len(item.tasks) == 1:  # nothing to warm-start from: the plain task
                result.append(item.tasks[0])
                continue
            item.key = hash_json({"chain": [t.key for t in item.tasks]})
        result.append(item)
    return result


def run_chain(chain: ChainTask) -> dict[str, Any]:
    """Run the chain's segments in order, each fit warm-started from the last successful
    one; the record holds each segment's record (as a global task's does)."""
    records, previous = [], None
    for task in chain.tasks:
        task.limit_threads = chain.limit_threads
        record, fitted = fit_and_forecast(task, warm_from=previous)
        previous = fitted if fitted is not None else previous
        records.append(record)
    return {"key": chain.key, "chain": True, "records": records}
