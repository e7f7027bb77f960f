"""Panel of 100 M3 quarterly series: engine overhead per task and scaling with workers.

Every candidate does the same work: for each series, a model fitted at every origin
(``initial=16``, ``step=4``, ``h=8``) and its forecasts. The reference is a plain Python
loop over series and origins calling the same model's ``fit``/``predict`` directly; the
engine's overhead per task is (engine time − loop time) / tasks. Candidates: the
backtest in-process (``n_jobs=1``), with 2 joblib worker processes (``n_jobs=2``) and on a
Dask ``LocalCluster`` (2 worker processes, one thread each, on the loopback interface;
started once, outside the timed call, its start-up time reported in the note).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from .._harness import Candidate

H, INITIAL, STEP = 8, 16, 4


def panel(n_series: int = 100) -> dict:
    from forecast import datasets

    series, _ = datasets.load_m3("quarterly")
    return dict(list(series.items())[:n_series])


def loop(spec: str, data: dict) -> np.ndarray:
    import forecast as fc

    warnings.filterwarnings("ignore")
    out = []
    for _sid, y in data.items():
        for o in range(INITIAL - 1, len(y) - H, STEP):
            model = fc.create(spec).fit(y.iloc[:o + 1])
            out.append(model.predict(H).mean.to_numpy())
    return np.concatenate(out)


def engine(spec: str, data: dict, **kw) -> np.ndarray:
    import forecast as fc

    warnings.filterwarnings("ignore")
    res = fc.backtest({spec: spec}, data, horizon=H, initial=INITIAL, step=STEP, refit=True, **kw)
    frame = res.forecasts
    order = {sid: i for i, sid in enumerate(data)}
    frame = frame.assign(_o=frame["series_id"].map(order)).sort_values(["_o", "origin", "step"])
    return frame["y_pred"].to_numpy(float)


def n_tasks(data: dict) -> int:
    return sum(len(range(INITIAL - 1, len(y) - H, STEP)) for y in data.values())


def candidates(spec: str, n_series: int, *, dask: bool = True):
    data = panel(n_series)
    ref = f"plain loop fit/predict ({spec})"
    cands = [
        Candidate(ref, lambda: loop(spec, data), note="reference: same model calls, no engine"),
        Candidate("fc.backtest n_jobs=1", lambda: engine(spec, data, n_jobs=1), note="in-process"),
        Candidate("fc.backtest n_jobs=2", lambda: engine(spec, data, n_jobs=2), note="joblib, 2 processes"),
    ]
    cluster = client = None
    if dask:
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        # set_as_default=False fails inside fc.backtest with "No clients found" (distributed 2026.8)
        client = Client(cluster)
        start = time.perf_counter() - t0
        cands.append(Candidate("fc.backtest Dask LocalCluster", lambda: engine(spec, data, backend=client),
                               note=f"2 workers × 1 thread, loopback; cluster start-up {start:.1f} s (untimed)"))

    def close():
        if client is not None:
            client.close()
            cluster.close()

    return cands, ref, n_tasks(data), close
