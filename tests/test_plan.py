"""The task plan: one key and one seed derivation for per-series and global tasks, equal to
the formulas cached results were stored under (a cache from before stays valid, and a
seeded backtest draws the same numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import forecast as fc
from forecast import __version__
from forecast.base import Forecaster, Prediction
from forecast.evaluation import engine
from forecast.evaluation.cache import hash_frame, hash_json, hash_series
from forecast.evaluation.chains import ChainTask
from forecast.evaluation.tasks import GlobalTask, Task


class PanelLast(Forecaster):
    """The last value of each series; global over a panel (no network needed)."""

    _tags = {"global_model": True}

    def __init__(self, shift: float = 0.0):
        self.shift = shift

    def _fit(self, y, X):
        pass

    def _predict(self, horizon, X):
        return Prediction(np.full(horizon, float(self.y_.iloc[-1]) + self.shift))

    def _fit_panel(self, ys, Xs):
        self.levels_ = {sid: float(s.iloc[-1]) for sid, s in ys.items()}

    def _predict_panel(self, horizon, Xs):
        return {sid: Prediction(np.full(horizon, v + self.shift)) for sid, v in self.levels_.items()}

    def _update_panel(self, ys_new, Xs_new):
        self.levels_.update({sid: float(s.iloc[-1]) for sid, s in ys_new.items()})

    def _predict_origins_panel(self, ys_new, positions, horizon, Xs_all):
        out = {}
        for sid, part in ys_new.items():
            values = np.concatenate([[self.levels_[sid]], part.to_numpy()])
            out[sid] = [Prediction(np.full(horizon, values[p] + self.shift)) for p in positions[sid]]
        return out


def _model_id(model):
    cls = type(model)
    return {"class": f"{cls.__module__}:{cls.__qualname__}", "params": model.get_params()}


def _planned(monkeypatch, *args, **kwargs):
    """The backtest's result and the tasks it ran (chains opened into their segments)."""
    seen = []
    real = engine.execute

    def spy(tasks, **kw):
        seen.extend(tasks)
        return real(tasks, **kw)

    monkeypatch.setattr(engine, "execute", spy)
    res = fc.backtest(*args, **kwargs)
    return res, [t for item in seen for t in (item.tasks if isinstance(item, ChainTask) else [item])]


def test_keys_and_seeds_are_the_formulas_cached_and_seeded_results_were_made_with(monkeypatch):
    idx = pd.period_range("2000-01", periods=40, freq="M")
    panel = {"a": pd.Series(np.arange(40.0), index=idx), "b": pd.Series(np.sin(np.arange(34.0)), index=idx[:34])}
    models = {"naive": fc.Naive(), "last": PanelLast(shift=0.5)}
    kw = dict(horizon=3, initial=20, step=2, refit=2, seed=11)
    res, tasks = _planned(monkeypatch, models, panel, **kw)
    settings = {"horizon": 3, "initial": 20, "step": 2, "window": "expanding", "refit": 2, "level": 95.0,
                "known_exog": [], "seed": 11}
    seasons = {"a": 12, "b": 12}

    one = next(t for t in tasks if isinstance(t, Task) and t.series_id == "b" and t.segment == 1)
    start = 0
    assert one.key == hash_json({"version": __version__, "y": hash_series(panel["b"]), "X": hash_frame(None),
                                 "model": _model_id(models["naive"]), "settings": settings,
                                 "origins": one.origins, "start": start, "name": "naive", "season": 12})
    assert one.seed == int(hash_json([11, "b", "naive", 1])[:8], 16) == 897254142
    assert one.origins == [23, 25] and one.n_train == 24 and len(one.y) == 26

    glob = next(t for t in tasks if isinstance(t, GlobalTask) and t.segment == 2)
    members = ["a", "b"]
    assert glob.key == hash_json({
        "version": __version__, "global": True, "y": {s: hash_series(panel[s]) for s in members},
        "X": {s: hash_frame(None) for s in members}, "model": _model_id(models["last"]), "settings": settings,
        "origins": glob.origins, "start": dict.fromkeys(members, 0), "name": "last",
        "seasons": {s: seasons[s] for s in members}})
    assert glob.seed == int(hash_json([11, "global", "last", 2])[:8], 16) == 2005335895
    assert glob.origins == {"a": [27, 29], "b": [27, 29]} and glob.seasons == seasons
    last = next(t for t in tasks if isinstance(t, GlobalTask) and t.segment == 4)
    assert last.origins == {"a": [35]} and last.seasons == {"a": 12}  # b has no fifth segment

    # the plan: per series (series, then model, then segment), then the global model's segments
    order = [(t.series_id, t.model_name, t.segment) if isinstance(t, Task) else ("*", t.model_name, t.segment)
             for t in tasks]
    assert order == ([("a", "naive", k) for k in range(5)] + [("b", "naive", k) for k in range(3)]
                     + [("*", "last", k) for k in range(5)])
    assert res.meta["tasks_total"] == len(tasks)


def test_task_seed_is_none_without_a_run_seed_and_the_same_rule_for_both_scopes():
    from forecast.evaluation.plan import GLOBAL, task_seed

    assert task_seed(None, "b", "naive", 1) is None
    assert task_seed(11, "b", "naive", 1) == 897254142
    assert task_seed(11, GLOBAL, "last", 2) == 2005335895
    assert task_seed(11, "a", "naive", 1) != task_seed(11, "b", "naive", 1) != task_seed(11, "b", "naive", 2)
