"""What forecasters return: :class:`Prediction` (a model's arrays), :class:`Forecast` (one
series' forecasts with time stamps and intervals) and :class:`PanelForecast` (one Forecast
per series of a panel). :mod:`forecast.base` re-exports them.

>>> import numpy as np, pandas as pd
>>> f = Forecast(pd.Series([1.0, 2.0], index=pd.RangeIndex(10, 12)), se=np.array([1.0, 1.0]))
>>> f.interval_bounds(95)[1].round(2).tolist()
[2.96, 3.96]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["Forecast", "PanelForecast", "Prediction", "DEFAULT_LEVELS"]

DEFAULT_LEVELS = (80, 95)


def _level_fraction(level: float) -> float:
    level = float(level)
    frac = level / 100.0 if level > 1 else level
    if not 0 < frac < 1:
        raise InputError(f"interval level must be between 0 and 100 (e.g. 80 or 95); got {level}")
    return frac


class Prediction(NamedTuple):
    """What a model's private ``_predict`` hook returns: arrays, no index.

    ``se`` gives Gaussian intervals ``mean ± z·se``; ``bounds(level_fraction)`` any other
    kind (conformal, quantiles) as ``(lower, upper)`` arrays. ``interval_method`` says
    how the intervals were made when that matters for trusting them (e.g. too few
    calibration residuals for a conformal guarantee at some levels).
    """

    mean: np.ndarray
    se: np.ndarray | None = None
    bounds: Callable[[float], tuple[np.ndarray, np.ndarray]] | None = None
    interval_method: str | None = None


class Forecast:
    """Point forecasts indexed by future time stamps, with prediction intervals where the
    model can give them.

    Attributes
    ----------
    mean : pandas.Series
        Point forecasts, indexed by the time stamps that continue the fitted series.
    interval_method : str or None
        How the model made the intervals, when it says (e.g. the recurrent models' conformal
        calibration and the levels beyond its reach).
    """

    def __init__(self, mean: pd.Series, *, se: np.ndarray | None = None,
                 bounds: Callable[[float], tuple[np.ndarray, np.ndarray]] | None = None,
                 model: str | None = None, interval_method: str | None = None):
        self._mean: pd.Series | None = mean
        self._values = mean.to_numpy(dtype=float)
        self._index = mean.index
        self.se = None if se is None else np.asarray(se, dtype=float)
        self._bounds = bounds
        self.model = model
        self.interval_method = interval_method

    @classmethod
    def from_prediction(cls, pred: Prediction, index: pd.Index, name: str | None = None) -> Forecast:
        values = np.asarray(pred.mean, dtype=float).reshape(-1)
        if values.shape[0] != len(index):
            raise ValueError(f"model returned {values.shape[0]} forecasts for {len(index)} steps")
        # the Series is built on first use: a backtest reads thousands of these as arrays
        out = cls.__new__(cls)
        out._mean, out._values, out._index = None, values, index
        out.se = None if pred.se is None else np.asarray(pred.se, dtype=float)
        out._bounds, out.model, out.interval_method = pred.bounds, name, pred.interval_method
        return out

    @property
    def mean(self) -> pd.Series:
        if self._mean is None:
            self._mean = pd.Series(self._values, index=self._index, name="mean")
        return self._mean

    @property
    def values(self) -> np.ndarray:
        """The point forecasts as a NumPy array."""
        return self._values

    @property
    def index(self) -> pd.Index:
        return self._index

    @property
    def has_intervals(self) -> bool:
        return self.se is not None or self._bounds is not None

    @property
    def gaussian_intervals(self) -> bool:
        """Whether the intervals are Gaussian, ``mean ± z·se`` (False: conformal or other
        bounds, or none)."""
        return self._bounds is None and self.se is not None

    def __len__(self) -> int:
        return len(self._values)

    def interval_bounds(self, level: float = 95) -> tuple[np.ndarray, np.ndarray]:
        """``(lower, upper)`` float arrays of the central prediction interval at ``level``
        percent (what :meth:`interval` returns, without the index)."""
        frac = _level_fraction(level)
        if self._bounds is not None:
            lower, upper = self._bounds(frac)
        elif self.se is not None:
            from scipy.stats import norm

            z = norm.ppf(0.5 + frac / 2)
            lower, upper = self._values - z * self.se, self._values + z * self.se
        else:
            raise InputError(f"{self.model or 'this model'} gives no prediction intervals; use .mean")
        return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)

    def interval(self, level: float = 95) -> pd.DataFrame:
        """Lower and upper bounds of the central prediction interval at ``level`` percent."""
        lower, upper = self.interval_bounds(level)
        return pd.DataFrame({"lower": lower, "upper": upper}, index=self.index)

    def to_frame(self, levels: Sequence[float] = DEFAULT_LEVELS) -> pd.DataFrame:
        """``mean`` plus ``lower_<level>``/``upper_<level>`` columns (when available)."""
        out = pd.DataFrame({"mean": self.mean})
        if self.has_intervals:
            for level in levels:
                band = self.interval(level)
                tag = f"{float(level):g}"
                out[f"lower_{tag}"] = band["lower"]
                out[f"upper_{tag}"] = band["upper"]
        return out

    def __repr__(self) -> str:
        return f"Forecast({self.model or ''}, {len(self)} steps from {self.index[0]})"

    def _repr_html_(self) -> str:
        from .htmlrepr import forecast_html

        return forecast_html(self)


class PanelForecast(dict):
    """What ``predict`` returns for a model fitted on a panel: a dict ``{series id:
    Forecast}`` in the fitted order, ids as the caller gave them (an int id stays an int).

    ``predict_origins`` on a panel returns a plain ``{series id: [Forecast per origin]}``.
    """

    def to_frame(self, levels: Sequence[float] = DEFAULT_LEVELS) -> pd.DataFrame:
        """Every series' :meth:`Forecast.to_frame` stacked, with a ``series_id`` column first."""
        parts = [f.to_frame(levels).rename_axis("timestamp").reset_index().assign(series_id=sid)
                 for sid, f in self.items()]
        out = pd.concat(parts, ignore_index=True)
        return out[["series_id"] + [c for c in out.columns if c != "series_id"]]
