"""The backtest's run settings, checked where they enter: horizon, window, refit policy,
metrics, worker count, and the season (given, inferred from the frequency, or replaced by
1 where the data are too short for it).

Each warning here names the caller of :func:`~forecast.evaluation.backtest` (its
``stacklevel`` counts the backtest's own frames).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import ForecastWarning
from ..io import check_horizon
from ..metrics import check_metric
from ..seasonality import frequency_seasons, resolve_seasons
from ..validation import whole_number
from .parallel import capped_jobs
from .splitter import check_refit, check_window, train_start

__all__ = ["DEFAULT_METRICS", "Checked", "check_settings", "resolve_season", "season_for_data"]

DEFAULT_METRICS = ("mae", "rmse", "smape", "mase", "rmsse")


@dataclass(frozen=True)
class Checked:
    """The run settings as the backtest uses them."""

    horizon: int
    window: str | int
    refit_k: int
    metrics: list[str]
    n_jobs: Any


def check_settings(horizon: Any, window: Any, refit: Any, metrics: Sequence[str] | None, n_jobs: Any,
                   backend: Any) -> Checked:
    """The checked settings (an ``InputError`` naming the first bad one); more local workers
    than CPU cores are cut to the cores with a :class:`ForecastWarning`."""
    horizon = check_horizon(horizon)
    window = check_window(window)
    refit_k = check_refit(refit)
    metric_names = [check_metric(m, extra=("coverage",)) for m in (metrics or DEFAULT_METRICS)]
    n_jobs, too_many = capped_jobs(n_jobs, backend)
    if too_many:
        warnings.warn(too_many, ForecastWarning, stacklevel=3)
    return Checked(horizon=horizon, window=window, refit_k=refit_k, metrics=metric_names, n_jobs=n_jobs)


def resolve_season(season: int | None, panel: dict[str, pd.Series], is_panel: bool
                   ) -> tuple[int, dict[str, int]]:
    """The season ``m`` of the scores (given, or inferred from the frequency) and each
    series' season handed to the models tagged ``uses_season``."""
    if season is None:
        return _infer_season(panel, is_panel), resolve_seasons(panel)
    season = whole_number(season, "season", low=1)
    return season, resolve_seasons(panel, season)


def _infer_season(panel: dict[str, pd.Series], is_panel: bool) -> int:
    """The season of the data's frequency (:func:`forecast.io.season_length`); 1 with a
    :class:`ForecastWarning` naming ``season=`` when it cannot be inferred."""
    seasons = frequency_seasons(panel)
    found = set(seasons.values())
    if len(found) == 1 and None not in found:
        return int(found.pop())
    if None in found:
        sid = next(k for k, v in seasons.items() if v is None)
        index = panel[sid].index
        what = (f"series {sid!r}" if is_panel else "y") + (
            " has an integer index" if not isinstance(index, pd.PeriodIndex | pd.DatetimeIndex)
            else f" has frequency {getattr(index, 'freqstr', None)!r}, which has no usual season")
    else:
        what = "the series have different seasons (" + ", ".join(
            f"{k!r}: {v}" for k, v in list(seasons.items())[:4]) + ")"
    warnings.warn(
        f"cannot infer the season: {what}; MASE/RMSSE use m=1 and the reference is the naive "
        "model. Pass season=m (command line: --season m; config: [backtest] season) for seasonal data",
        ForecastWarning, stacklevel=4)
    return 1


def season_for_data(season: int, panel: dict[str, pd.Series], origins_by_series: dict[str, list[int]],
                    window: Any) -> tuple[int, str | None]:
    """``season``, or 1 when it is longer than the training data before every origin of every
    series (MASE/RMSSE need more than ``m`` training values, so they would be undefined
    everywhere); then also the note a :class:`ForecastWarning` says, naming ``season=``."""
    if season <= 1:
        return season, None
    longest = max(o[-1] - train_start(o[-1], window) + 1 for o in origins_by_series.values())
    if season < longest:
        return season, None
    note = (f"season={season} is longer than the training data (at most {longest} values before an origin"
            f"{' in any series' if len(panel) > 1 else ''}): MASE/RMSSE, which need more than {season} "
            "training values, would be undefined at every origin, so m=1 is used (and the naive reference). "
            f"Pass a season shorter than {longest} (season=m; command line: --season m) for seasonal scaling")
    warnings.warn(note, ForecastWarning, stacklevel=3)
    return 1, note
