"""What recording warnings costs a backtest, against silencing them (as tasks.py did).

Workload: ARMA(2,2) and the naive forecast on the first 40 M3 yearly series (the ARMA fits
on these short series often stop before converging and say so), training parts only,
horizon 2, origins every step from 10 observations, refit every 2 origins, serial. Two candidates, interleaved in
the same run: ``silenced`` runs each task under ``warnings.simplefilter("ignore")`` and
drops the model's reports (the old behaviour); ``recorded`` is the backtest as it is,
recording every warning per task. Forecasts must be identical; the table gives the
recorded warnings.

Run: ``python -m benchmarks.bench_task_warnings [--repeats 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import warnings

import numpy as np

import forecast as fc
from forecast.evaluation import backtest as run_backtest
from forecast.evaluation import tasks

from . import _harness as H

N_SERIES, HORIZON, INITIAL = 40, 2, 10


class _Nothing:
    """A recorder that keeps nothing: the old behaviour."""

    stage = "fit"

    def add_notes(self, stage, notes):
        pass

    def entries(self):
        return []


@contextlib.contextmanager
def _silenced():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield _Nothing()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    train, _, _ = fc.datasets.load_m3("yearly", split=True)
    panel = {sid: train[sid] for sid in list(train)[:N_SERIES]}
    kwargs = dict(horizon=HORIZON, initial=INITIAL, step=1, refit=2)
    counts = {}

    def run(name):
        res = run_backtest(["arma(2,2)", "naive"], panel, **kwargs)
        counts[name] = (len(res.fit_warnings()), int(res.fit_warnings()["count"].sum()), res.meta["tasks_total"])
        return res.forecasts["y_pred"].to_numpy().reshape(-1, HORIZON)

    def silenced():
        real = tasks.recording_warnings
        tasks.recording_warnings = _silenced
        try:
            return run("silenced")
        finally:
            tasks.recording_warnings = real

    rows = H.run([H.Candidate("silenced", silenced, note="warnings.simplefilter('ignore'), as before"),
                  H.Candidate("recorded", lambda: run("recorded"), note="every warning recorded per task")],
                 reference="silenced", repeats=args.repeats)
    print()
    print(H.table(rows, reference="silenced"))
    rows_, total, n_tasks = counts["recorded"]
    print(f"\nrecorded: {total} warnings in {rows_} (task, message) rows over {n_tasks} tasks; "
          f"silenced: {counts['silenced'][1]}")
    print(f"machine: {H.machine()}")
    assert np.isfinite(rows[0].median)


if __name__ == "__main__":
    main()
