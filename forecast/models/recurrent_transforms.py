"""The recurrent forecasters' transforms between the data and the network's scale
(:class:`RecurrentTransforms`, a part of :class:`~forecast.models.recurrent.RecurrentForecaster`).

Fitted on the training part inside ``fit`` and undone on the forecasts: classical seasonal
factors (``seasonal_``), log, first differences, a scikit-learn scaler per series and per
column (``scalers_``); the per-window normalisation is applied by the window batches.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .recurrent_settings import SINGLE

__all__ = ["RecurrentTransforms"]

SCALER_CHUNK = 1_000_000  # rows the scaler sees at a time: bounded temporaries on long series


class RecurrentTransforms:
    """Deseasonalising, logging, differencing and scaling, and their inverses."""

    def _seasonal(self, sid: str, positions: np.ndarray) -> tuple[str | None, np.ndarray | None]:
        """The seasonal factors of series ``sid`` at ``positions`` (counted from its first
        fitted value), and how they apply; ``(None, None)`` when not deseasonalised."""
        adj = self.__dict__.get("seasonal_", {}).get(sid)
        if not adj or adj["kind"] is None:
            return None, None
        si = np.asarray(adj["indices"], dtype=float)
        return adj["kind"], si[np.asarray(positions) % len(si)]

    def _levels(self, yv: np.ndarray, where: str, sid: str = SINGLE, start: int = 0,
                positions: np.ndarray | None = None) -> np.ndarray:
        """Deseasonalised (when chosen) and logged (when chosen) values; ``yv[i]`` is at
        position ``start + i`` of the series, or at ``positions[i]``."""
        pos = np.arange(start, start + len(yv)) if positions is None else positions
        kind, s = self._seasonal(sid, pos)
        if kind == "multiplicative":
            yv = yv / s
        elif kind == "additive":
            yv = yv - s
        if not self._rp("log"):
            return yv
        if np.any(yv <= 0):
            pos = int(np.flatnonzero(yv <= 0)[0])
            raise InputError(f"{where} has a non-positive value {yv[pos]} (row {pos}) but log=True needs positive values; "
                             "set log=False (or log='auto') or shift the series")
        return np.log(yv)

    def _unlevels(self, sid: str, g: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`_levels` for values at ``positions`` (same shape)."""
        out = np.exp(g) if self._rp("log") else g
        kind, s = self._seasonal(sid, positions)
        if kind == "multiplicative":
            out = out * s
        elif kind == "additive":
            out = out + s
        return out

    def _levels_quiet(self, sid: str, g: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """:meth:`_levels` of forecasts or interval bounds (no input checks: a non-positive
        value under ``log`` gives -inf/NaN, not an error)."""
        kind, s = self._seasonal(sid, positions)
        if kind == "multiplicative":
            g = g / s
        elif kind == "additive":
            g = g - s
        return np.log(g) if self._rp("log") else g

    def _model_space(self, sid: str, yv: np.ndarray, Xv: np.ndarray | None, where: str = "y",
                     start: int = 0) -> np.ndarray:
        """Rows ``(target, exog...)`` in the network's scale; row ``i`` is time ``start + i + difference``."""
        g = self._levels(yv, where, sid, start)
        d = int(bool(self.difference))
        z = np.diff(g) if d else g
        cols = [z[:, None]]
        if Xv is not None:
            cols.append(Xv[d:len(g)] if Xv.shape[0] >= len(g) else Xv[d:])
        Z = np.concatenate(cols, axis=1) if len(cols) > 1 else cols[0]
        sc, k = self.scalers_[sid], Z.shape[1]
        return (Z - np.asarray(sc["loc"][:k])) / np.asarray(sc["scale"][:k])

    def _exog_space(self, sid: str, Xv: np.ndarray) -> np.ndarray:
        sc = self.scalers_[sid]
        return (Xv - np.asarray(sc["loc"][1:])) / np.asarray(sc["scale"][1:])

    def _fit_scaler(self, Z: np.ndarray) -> dict[str, list[float]]:
        cols = Z.shape[1]
        scaler = self._rp("scaler")
        if scaler is None:
            return {"loc": [0.0] * cols, "scale": [1.0] * cols}
        from sklearn.preprocessing import MinMaxScaler, StandardScaler

        sk = StandardScaler() if scaler == "standard" else MinMaxScaler()
        for lo in range(0, len(Z), SCALER_CHUNK):
            sk.partial_fit(Z[lo:lo + SCALER_CHUNK])
        if scaler == "standard":
            loc, scale = sk.mean_, sk.scale_
        else:
            scale = 1.0 / sk.scale_
            loc = -sk.min_ * scale
        scale = np.where(np.asarray(scale) > 0, scale, 1.0)
        return {"loc": [float(v) for v in loc], "scale": [float(v) for v in scale]}
