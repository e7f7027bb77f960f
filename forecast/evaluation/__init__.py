"""The evaluation engine: every model scored on the same rolling origins (``fc.backtest``).

``splitter`` makes origins and refit segments, ``tasks`` runs one
(series × model × segment) unit, ``parallel`` runs many (joblib or Dask), ``cache`` keeps
finished ones on disk, ``result`` holds and summarises the outcome, ``significance`` holds
the Diebold–Mariano, Friedman and Nemenyi tests.

>>> import forecast as fc
>>> res = fc.backtest({"naive": fc.Naive()}, fc.datasets.load("airline"), horizon=6, initial=132, step=3)
>>> res.forecasts.shape[0], res.forecasts["origin"].nunique()
(18, 3)
"""

from ..io import season_length
from .engine import backtest
from .result import BacktestResult, load_result
from .significance import dm_test, friedman_test, nemenyi_cd

__all__ = ["backtest", "BacktestResult", "load_result", "dm_test", "friedman_test", "nemenyi_cd",
           "season_length"]
