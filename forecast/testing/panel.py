"""The checks of a global model on a panel."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .case import as_case
from .helpers import assert_close, assert_same_forecast, ensure, raises


# ------------------------------------------------------------------------------ panel checks
def _long_frame(ys: dict[Any, pd.Series]) -> pd.DataFrame:
    def stamps(index: pd.Index) -> Any:
        return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index

    return pd.concat([pd.DataFrame({"series_id": k, "timestamp": stamps(s.index), "value": s.to_numpy()})
                      for k, s in ys.items()], ignore_index=True)


def _assert_same_panel(a: dict, b: dict, rtol: float, atol: float, what: str, index: bool = True) -> None:
    ensure(list(a) == list(b), f"{what}: series ids differ ({list(a)} vs {list(b)})")
    for k in a:
        fa, fb = a[k], b[k]
        for i, (x, y) in enumerate(zip(fa, fb, strict=True)) if isinstance(fa, list) else [(None, (fa, fb))]:
            label = f"{what}, series {k!r}" + ("" if i is None else f", origin {i}")
            if index:
                assert_same_forecast(x, y, rtol, atol, label)
            else:
                assert_close(x.mean.to_numpy(), y.mean.to_numpy(), rtol, atol, label)


def check_panel_refused(model: Any, y: Any = None, X: Any = None) -> None:
    """A model that is not a global model refuses a panel with ``InputError`` saying so."""
    case = as_case(model, y, X)
    ys, Xs, _, _ = case.panel()
    raises(InputError, lambda: case.new().fit(ys, Xs), "fit(a dict of series) on a single-series model",
            ["panel"])


def check_panel_fit_predict(model: Any, y: Any = None, X: Any = None) -> None:
    """A global model fits a dict and a long frame alike; ``predict`` gives a
    :class:`~forecast.base.PanelForecast` keyed by the caller's ids (ints stay ints), each
    forecast on the time stamps that continue its own series."""
    from ..base import PanelForecast
    from ..io import future_index

    case = as_case(model, y, X)
    ys, Xs, _, _ = case.panel()
    m = case.fitted_panel()
    ensure(m.is_panel_ and set(m.cutoff_) == {str(k) for k in ys}, "fit on a dict did not record every series")
    out = m.predict(case.horizon, case.panel_future_X())
    ensure(isinstance(out, PanelForecast), f"predict on a panel gave a {type(out).__name__}, not a PanelForecast")
    ensure(list(out) == sorted(ys) and all(type(k) is int for k in out),
            f"predict on a panel gave ids {list(out)}; expected the caller's int ids {sorted(ys)}")
    for k, f in out.items():
        ensure(f.index.equals(future_index(ys[k].index, case.horizon)),
                f"series {k}: the forecast does not continue its own series")
        ensure(np.isfinite(f.values).all(), f"series {k}: non-finite forecasts")
    frame = out.to_frame()
    ensure(list(frame.columns[:3]) == ["series_id", "timestamp", "mean"] and len(frame) == len(ys) * case.horizon,
            f"PanelForecast.to_frame() has columns {list(frame.columns)} and {len(frame)} rows")
    if not isinstance(case.y.index, pd.PeriodIndex | pd.DatetimeIndex):
        return
    long = _long_frame(ys)
    Xl = None if Xs is None else {k: x.set_axis(_long_frame({k: ys[k]})["timestamp"]) for k, x in Xs.items()}
    by_frame = case.new().fit(long, Xl)
    xf = case.panel_future_X()
    if xf is not None:
        xf = {k: x.set_axis(future_index(by_frame.y_[str(k)].index, case.horizon)) for k, x in xf.items()}
    got = by_frame.predict(case.horizon, xf)
    tol = 0.0 if case.tags["exact"] else 1e-6
    _assert_same_panel(got, out, tol, tol * case.atol / case.rtol, "fit on a long frame vs on a dict", index=False)


def check_panel_no_lookahead(model: Any, y: Any = None, X: Any = None) -> None:
    """On a panel, values after an origin, and other series' new values, never change the
    forecast from that origin."""
    case = as_case(model, y, X)
    m = case.fitted_panel()
    _, _, ys_new, Xs_new = case.panel()
    h = case.horizon
    origins = {0: [m.cutoff_["0"], ys_new[0].index[3]], 1: [ys_new[1].index[5]]}
    base = m.predict_origins(ys_new, origins, h, Xs_new)
    spread = float(case.y.std()) or 1.0
    moved_new = {k: s.copy() for k, s in ys_new.items()}
    moved_new[0].iloc[4:] += 5.0 * spread
    moved_new[1].iloc[6:] -= 5.0 * spread
    moved_new[2].iloc[:] += 7.0 * spread  # a series without origins here
    moved = m.predict_origins(moved_new, origins, h, Xs_new)
    _assert_same_panel(moved, base, case.rtol, case.atol,
                       "predict_origins on a panel after changing values that follow each origin")
    alone = m.predict_origins({0: ys_new[0]}, {0: origins[0]}, h, None if Xs_new is None else {0: Xs_new[0]})
    _assert_same_panel(alone, {0: base[0]}, case.rtol, case.atol, "series 0's origins alone vs with the others")


def check_panel_update_equals_batched(model: Any, y: Any = None, X: Any = None) -> None:
    """On a panel, ``predict_origins`` equals ``update`` + ``predict`` at each origin and
    leaves the model unchanged."""
    case = as_case(model, y, X)
    ys, Xs, ys_new, Xs_new = case.panel()
    m = case.new().fit(ys, Xs) if case.tags["needs_keras"] else copy.deepcopy(case.fitted_panel())
    h = case.horizon
    cut = {k: m.cutoff_[str(k)] for k in ys}
    origins = {k: [cut[k], s.index[4], s.index[-1]] for k, s in ys_new.items()}
    batched = m.predict_origins(ys_new, origins, h, Xs_new)
    ensure({k: m.cutoff_[str(k)] for k in ys} == cut, "predict_origins changed the panel model's data")
    for step, (lo, hi) in enumerate([(0, 0), (0, 5), (5, case.n_new)]):
        if hi > lo:
            xs = None if Xs_new is None else {k: x.iloc[lo:hi] for k, x in Xs_new.items()}
            ensure(m.update({k: s.iloc[lo:hi] for k, s in ys_new.items()}, xs) is m,
                    "update must return the model itself")
        got = m.predict(h, case.panel_future_X(hi))
        want = {k: batched[k][step] for k in sorted(batched)}
        _assert_same_panel(dict(got), want, case.rtol, case.atol,
                           f"update + predict vs predict_origins on a panel (origin {step})")


def check_panel_save_load(model: Any, y: Any = None, X: Any = None) -> None:
    """A model fitted on a panel, saved and reloaded, keeps its ids (ints stay ints) and
    forecasts the same, before and after ``update``."""
    from ..persistence import load_model

    case = as_case(model, y, X)
    m = case.fitted_panel()
    _, _, ys_new, Xs_new = case.panel()
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_model(m.save(Path(tmp) / "panel"), classes=[case.cls])
    ensure(loaded.is_panel_ and loaded.cutoff_ == m.cutoff_, "the loaded panel model has other series or cutoffs")
    tol = 0.0 if case.tags["exact"] else case.rtol
    atol = 0.0 if case.tags["exact"] else case.atol
    xf = case.panel_future_X()
    _assert_same_panel(dict(loaded.predict(case.horizon, xf)), dict(m.predict(case.horizon, xf)), tol, atol,
                       "forecast of the loaded panel model")
    step = 4
    loaded.update({k: s.iloc[:step] for k, s in ys_new.items()},
                  None if Xs_new is None else {k: x.iloc[:step] for k, x in Xs_new.items()})
    want = m.predict_origins(ys_new, {k: [s.index[step - 1]] for k, s in ys_new.items()}, case.horizon, Xs_new)
    _assert_same_panel(dict(loaded.predict(case.horizon, case.panel_future_X(step))),
                       {k: v[0] for k, v in want.items()}, case.rtol, case.atol,
                       "forecast of the loaded panel model after update")


#: Every check by name, in the order they run.
