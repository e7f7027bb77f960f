"""Split-conformal intervals of the recurrent forecasters (:class:`RecurrentConformal`, a
part of :class:`~forecast.models.recurrent.RecurrentForecaster`).

Per forecast step: from every rolling origin of the held-out validation windows the
network forecasts every step up to the end of the training data (at most
:data:`CAL_STEPS`), and the errors are taken step by step in the network's scale; a panel
pools them over its series. For level ``1 - alpha`` the half-width at a step with ``n``
residuals is the ``ceil((n + 1)(1 - alpha))``-th smallest absolute residual
(:func:`conformal_widths`), with a wider Student-t bound when that rank exceeds ``n``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..base import Prediction
from .recurrent_settings import SINGLE

__all__ = ["CAL_STEPS", "RecurrentConformal", "calibration_note", "conformal_widths"]

CAL_STEPS = 60  # calibrated forecast steps at most; later steps widen the last one by sqrt(step)
#: without validation windows, the newest this many training windows calibrate (in-sample)
IN_SAMPLE_WINDOWS = 200
#: the fewest residuals for a conformal 95% interval (ceil((n + 1) * 0.95) <= n from n = 19)
MIN_RESIDUALS_95 = 19
RANK_GUARD = 1e-9  # (n + 1) * frac is computed in floating point: an exact whole number stays one


def conformal_widths(residuals: np.ndarray, frac: float, steps: int) -> np.ndarray:
    """Per-step split-conformal half-widths at level ``frac`` from residuals ``(n, S)``
    (NaN where an origin has no actual value for a step).

    The half-width at step ``h`` is the ``k = ceil((n_h + 1) * frac)``-th smallest of the
    ``n_h`` absolute residuals of step ``h``: with exchangeable calibration residuals, a new
    error falls within it with probability at least ``frac``. When ``k > n_h`` (``frac >
    n_h / (n_h + 1)``: too few residuals for that level) no order statistic gives the
    guarantee; the bound is then the largest residual widened by the ratio of Student-t
    quantiles (``n_h`` degrees of freedom) between ``frac`` and ``n_h / (n_h + 1)``, and at
    least the Student-t prediction bound ``t * rms * sqrt(1 + 1/n_h)`` -- wider for every
    higher level, never clipped to the largest residual. No residuals: infinite. Steps
    beyond ``S`` widen step ``S``'s half-width by ``sqrt(step / S)``.
    """
    res = np.abs(np.asarray(residuals, dtype=float))
    S = res.shape[1]
    width = np.full(S, np.inf)
    for j in range(min(S, steps)):
        col = np.sort(res[:, j][~np.isnan(res[:, j])])
        n = len(col)
        if n == 0:
            continue
        k = math.ceil((n + 1) * frac - RANK_GUARD)
        if k <= n:
            width[j] = col[k - 1]
        else:
            from scipy.stats import t

            tq = t.ppf(0.5 + frac / 2, df=n)
            t_edge = t.ppf(0.5 + n / (n + 1) / 2, df=n)
            rms = np.sqrt(np.mean(col ** 2))
            width[j] = max(col[-1] * tq / t_edge, tq * rms * np.sqrt(1 + 1 / n))
    if steps <= S:
        return width[:steps]
    extra = width[-1] * np.sqrt(np.arange(S + 1, steps + 1) / S)
    return np.concatenate([width, extra])


def calibration_note(n: list[int], head: int, pooled: int, in_sample: bool, calibrated: int | None = None) -> str:
    """What intervals calibrated on ``n[h]`` residuals at step ``h + 1`` can promise
    (``calibrated``: how many of the ``pooled`` series have held-out windows)."""
    calibrated = pooled if calibrated is None else calibrated
    if pooled > 1:
        some = f"{calibrated} of {pooled}" if calibrated < pooled else f"{pooled}"
        where = f"pooled over {some} series after each series' scaling"
    else:
        where = "of one series"
    source = ("in-sample training windows (no validation windows: validation_fraction=0 or series too "
              "short; no guarantee, likely too narrow)" if in_sample else "held-out validation windows")
    m = n[head - 1] if n else 0
    if m == 0:
        return f"no calibration residuals ({source}): intervals are infinite"
    top = 100 * m / (m + 1)
    later = ""
    if len(n) > head:
        later = f"; steps {head + 1}-{len(n)} from fewer origins (down to {n[-1]} at step {len(n)})"
    return (f"split conformal on {m} residuals per step from {source}, {where}{later}; "
            f"levels up to {top:.1f}% are conformal, higher levels (or a step with fewer residuals) use a "
            f"Student-t bound beyond the largest residual; steps beyond {len(n)} widen by sqrt(step/{len(n)})")


class RecurrentConformal:
    """Calibration residuals at fit time and the interval bounds of each forecast."""

    def _calibrate(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None,
                   val_starts: list[range], train_starts: list[range], pads: list[int]) -> None:
        """Conformal calibration residuals: from each rolling origin of the held-out
        validation windows (the last training windows, head steps only, when no series has
        a validation part), the forecast of every step up to the end of the training data
        (recursive beyond the head's ``horizon``, as ``predict`` makes it; at most
        ``CAL_STEPS`` steps) against the actual values, so step ``h`` calibrates step
        ``h``. In a panel, a series without validation windows (too short, or padded)
        contributes no residuals and borrows the pooled ones of the others. ``residuals_``
        keeps the head's steps in the data's units; ``scaled_residuals_`` every step in the
        network's scale (deseasonalised and logged as chosen, divided by the series' scaler
        scale; None where an origin has no actual value), where a global model pools them
        over its series. Called with the early-stopped network, before any refit."""
        span, H, d = self._span(), int(self._rp("horizon")), int(bool(self.difference))
        in_sample = not any(len(v) for v in val_starts)
        parts = []
        for k, (sid, s) in enumerate(ys.items()):
            starts = np.asarray(train_starts[k][-IN_SAMPLE_WINDOWS:] if in_sample else val_starts[k], dtype=np.int64)
            ends = starts + span - 1 + d - pads[k]  # position in y of each window's last input (the origin)
            parts.append((sid, s.to_numpy(), None if Xs is None else Xs[sid].to_numpy(), ends))
        used = [p for p in parts if len(p[3])]
        # steps beyond the head only from held-out origins (in-sample residuals guarantee nothing)
        S = H if in_sample else max(H, min(CAL_STEPS, max(len(yv) - 1 - int(ends.min()) for _, yv, _, ends in used)))
        forecasts = dict(zip([p[0] for p in used], self._forecast([(sid, yv, Xv, ends, S) for sid, yv, Xv, ends in used], calibrating=True),
                             strict=True))
        self.residuals_, self.scaled_residuals_ = {}, {}
        counts = np.zeros(S, dtype=np.int64)
        for sid, yv, _, ends in parts:
            if sid not in forecasts:
                self.residuals_[sid], self.scaled_residuals_[sid] = [], []
                continue
            fc = forecasts[sid]
            idx = ends[:, None] + 1 + np.arange(S)[None, :]
            seen = idx < len(yv)
            actual = np.where(seen, yv[np.minimum(idx, len(yv) - 1)], np.nan)
            self.residuals_[sid] = (actual[:, :H] - fc[:, :H]).tolist()
            where = f"series {self._key(sid)!r}" if sid != SINGLE else "y"
            # both sides through the same transform as the network's inputs (seasonal factors
            # at each target's position, log); an unseen target takes the forecast's place
            level = self._levels(np.where(seen, actual, fc), where, sid, positions=idx)
            with np.errstate(divide="ignore", invalid="ignore"):
                centre = self._levels_quiet(sid, fc, idx)
            scaled = (level - centre) / self.scalers_[sid]["scale"][0]
            self.scaled_residuals_[sid] = [[float(v) if ok else None for v, ok in zip(row, okrow, strict=True)]
                                           for row, okrow in zip(scaled, seen, strict=True)]
            counts += seen.sum(axis=0)
        pooled = len(ys)
        n = [int(c) for c in counts]
        note = calibration_note(n, H, pooled, in_sample, len(used))
        m = n[H - 1]
        self.calibration_ = {"n": m, "n_per_step": n, "steps": S, "pooled": int(pooled),
                             "in_sample": bool(in_sample), "max_conformal_level": 100 * m / (m + 1), "note": note}
        if m < MIN_RESIDUALS_95 or in_sample:
            import warnings

            from ..errors import FitWarning, user_stacklevel

            warnings.warn(f"{type(self).__name__}: intervals: {note}; for more calibration data raise "
                          "validation_fraction, fit a longer series or a global model on a panel",
                          FitWarning, stacklevel=user_stacklevel())

    def _widths(self, sid: str, frac: float, steps: int) -> np.ndarray:
        """Conformal half-widths in the network's scale for series ``sid``, calibrated on
        all series' residuals for a model fitted on a panel, else on its own; computed once
        per fit/load, level and number of steps (a backtest asks for thousands)."""
        cache = self.__dict__.get("_width_cache")
        if cache is None or cache[0] is not self.scaled_residuals_:
            cache = self._width_cache = (self.scaled_residuals_, {}, {})
        key = "*" if self.calibration_["pooled"] > 1 else sid
        scores, widths = cache[1], cache[2]
        if key not in scores:
            parts = self.scaled_residuals_.values() if key == "*" else [self.scaled_residuals_[sid]]
            S = int(self.calibration_["steps"])
            scores[key] = np.concatenate([np.asarray(r, dtype=float).reshape(-1, S) for r in parts])
        if (key, frac, steps) not in widths:
            widths[(key, frac, steps)] = conformal_widths(scores[key], frac, steps)
        return widths[(key, frac, steps)]

    def _prediction(self, sid: str, mean: np.ndarray, end: int) -> Prediction:
        """A forecast ``mean`` from the origin at position ``end`` of series ``sid``, with
        bounds at the conformal half-widths around it in the network's scale (the scale the
        calibration residuals were taken in: deseasonalised by the factors of each step's
        position, logged as chosen, times the scaler's scale), mapped back to the data."""
        scale = float(self.scalers_[sid]["scale"][0])
        steps = len(mean)
        positions = int(end) + 1 + np.arange(steps)
        plain = not self._rp("log") and self._seasonal(sid, positions)[0] is None

        def bounds(frac: float, mean: np.ndarray = mean) -> tuple[np.ndarray, np.ndarray]:
            w = self._widths(sid, frac, steps) * scale
            if plain:
                return mean - w, mean + w
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                centre = self._levels_quiet(sid, mean, positions)
                return self._unlevels(sid, centre - w, positions), self._unlevels(sid, centre + w, positions)

        return Prediction(mean, bounds=bounds, interval_method=self.calibration_["note"])
