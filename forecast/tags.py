"""The capability tags of a Forecaster: what the backtest, the CLI, the conformance checks
and the verdict branch on, never class names (a model overrides them in its ``_tags``)."""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_TAGS", "FAMILIES"]

#: Capability tags. The backtest and the CLI branch on these, never on class names.
DEFAULT_TAGS: dict[str, Any] = {
    "supports_exog": False,   # accepts X in fit/predict
    "requires_exog": False,   # cannot fit without X (ARMAX)
    "intervals": False,       # predict gives prediction intervals
    "needs_keras": False,     # imports keras/tensorflow when fitted
    "deterministic": True,    # same data (and seed) -> same forecasts
    "exact": True,            # float64 arithmetic: two computations of a forecast agree exactly
                              # (False: float32 networks, compared with relative tolerances)
    "global_model": False,    # can be fitted on many series at once (a panel): the _*_panel hooks
    "family": "classical",    # what the verdict compares: classical, recurrent, combination, baseline
    "warm_start": False,      # a fit can start its search where a previous fit ended (warm_start_from):
                              # the backtest then runs consecutive refits of a series in one task
    "uses_season": False,     # reads the season handed to fit(season=) (else infers its own, or none)
    "uses_horizon": False,    # reads the horizon handed to fit(horizon=) (a network's direct head)
}

#: the values of the ``family`` tag (``BacktestResult.verdict`` compares the families)
FAMILIES = ("classical", "recurrent", "combination", "baseline")
