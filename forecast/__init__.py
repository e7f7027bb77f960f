"""forecast: do recurrent networks beat the ARMA family on your series, by how much, and is
the difference real?

>>> import forecast as fc
>>> model = fc.Naive().fit(fc.datasets.load("airline"))
>>> len(model.predict(12).mean)
12

Heavy families load lazily: ``import forecast`` never imports tensorflow, keras, dask or
matplotlib; they are imported when a recurrent model, a Dask run or a plot is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import errors as errors
from . import hooks as _hooks
from .base import Forecast as Forecast
from .base import Forecaster as Forecaster
from .base import PanelForecast as PanelForecast
from .base import clone as clone
from .errors import ForecastError as ForecastError
from .errors import InputError as InputError
from .errors import NotFittedError as NotFittedError

__version__ = "0.1.0"

# public name -> module that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "Naive": "forecast.models.baseline",
    "SeasonalNaive": "forecast.models.baseline",
    "Naive2": "forecast.models.baseline",
    "Drift": "forecast.models.baseline",
    "Mean": "forecast.models.baseline",
    "MA": "forecast.models.arima",
    "AR": "forecast.models.arima",
    "ARMA": "forecast.models.arima",
    "ARMAX": "forecast.models.arima",
    "ARIMA": "forecast.models.arima",
    "AutoARIMA": "forecast.models.auto_arima",
    "RNN": "forecast.models.recurrent",
    "LSTM": "forecast.models.recurrent",
    "GRU": "forecast.models.recurrent",
    "Combination": "forecast.models.combination",
    "Hybrid": "forecast.models.hybrid",
    "create": "forecast.models.registry",
    "backtest": "forecast.evaluation",
    "BacktestResult": "forecast.evaluation",
    "load_result": "forecast.evaluation",
}
_LAZY_MODULES = {
    "metrics": "forecast.metrics",
    "datasets": "forecast.datasets",
    "io": "forecast.io",
    "windows": "forecast.windows",
    "registry": "forecast.models.registry",
    "plotting": "forecast.reporting.figures",
    "report": "forecast.reporting.html",
    "testing": "forecast.testing",
}

# the evaluation's BacktestResult.save_report writes the results folder of the layer above it
# (forecast.reporting) without importing it: see forecast/hooks.py
_hooks.provide("save_report", "forecast.reporting:save_report")

__all__ = sorted(
    ["Forecast", "PanelForecast", "Forecaster", "clone", "errors", "ForecastError", "InputError",
     "NotFittedError", "load", *_LAZY, *_LAZY_MODULES]
)


def load(path: Any) -> Forecaster:
    """Load a model saved with ``model.save(path)``."""
    from .persistence import load_model

    return load_model(path)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(_LAZY_MODULES[name])
    else:
        raise AttributeError(f"module 'forecast' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
