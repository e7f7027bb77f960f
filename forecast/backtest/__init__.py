"""The backtest engine: every model scored on the same rolling origins.

``splitter`` makes origins and refit segments, ``tasks`` runs one
(series × model × segment) unit, ``parallel`` runs many (joblib or Dask), ``cache`` keeps
finished ones on disk, ``result`` holds and summarises the outcome, ``significance`` holds
the Diebold–Mariano, Friedman and Nemenyi tests.

>>> import forecast as fc
>>> res = fc.backtest({"naive": fc.Naive()}, fc.datasets.load("airline"), horizon=6, initial=132, step=3)
>>> res.forecasts.shape[0], res.forecasts["origin"].nunique()
(18, 3)
"""

import sys as _sys
import types as _types

from ..io import season_length
from .engine import backtest
from .result import BacktestResult, load_result
from .significance import dm_test, friedman_test, nemenyi_cd

__all__ = ["backtest", "BacktestResult", "load_result", "dm_test", "friedman_test", "nemenyi_cd",
           "season_length"]


class _CallablePackage(_types.ModuleType):
    """Once ``forecast.backtest`` (this package) is imported, Python binds the name
    ``forecast.backtest`` to the package itself; calling it runs :func:`backtest`, so
    ``fc.backtest(...)`` works whichever was imported first."""

    def __call__(self, *args, **kwargs):
        return backtest(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage
