"""Forecast origins and refit segments.

An *origin* is the position (and time stamp) of the last observation a model may see; the
forecast from it covers the ``horizon`` steps after it. Origins start after ``initial``
observations and advance by ``step`` while a full horizon of actual values remains.

A *refit segment* is a run of consecutive origins served by one fitted model: the model is
fitted at the segment's first origin and forecasts from the later origins of the segment
with its parameters held fixed (``Forecaster.predict_origins``).

>>> import pandas as pd
>>> y = pd.Series(range(10), dtype=float)
>>> origin_positions(len(y), horizon=2, initial=5, step=1)
[4, 5, 6, 7]
>>> segments([4, 5, 6, 7], refit=2)
[[4, 5], [6, 7]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from ..validation import whole_number

__all__ = ["origin_positions", "segments", "check_refit", "check_window", "train_start"]


def check_window(window: Any) -> str | int:
    """``"expanding"`` or a sliding window length (a whole number >= 2)."""
    if isinstance(window, str):
        if window.lower() != "expanding":
            raise InputError(f"window must be 'expanding' or a sliding window length; got {window!r}")
        return "expanding"
    return whole_number(window, "window", low=2)


def check_refit(refit: Any) -> int:
    """Refit policy as a number of origins per fitted model; 0 means fit once."""
    if refit is True:
        return 1
    if refit is False:
        return 0
    if isinstance(refit, int | np.integer) and refit >= 1:
        return int(refit)
    raise InputError(
        f"refit must be True (refit at every origin), False (fit once, then only update) or a "
        f"whole number k >= 1 (refit every k origins); got {refit!r}"
    )


def default_initial(n: int, horizon: int, window: str | int) -> int:
    """Half the series (or the sliding window length), but leaving room for one horizon."""
    if isinstance(window, int):
        return window
    return max(1, min(n // 2, n - horizon))


def origin_positions(n: int, *, horizon: int, initial: int, step: int, name: str = "y") -> list[int]:
    """Positions of the origins of a series of length ``n``."""
    initial = whole_number(initial, "initial", low=1)
    step = whole_number(step, "step", low=1)
    if n < initial + horizon:
        raise InputError(
            f"{name} is too short for this backtest: it has {n} observations but initial={initial} "
            f"training observations plus horizon={horizon} need at least {initial + horizon}; "
            "use a smaller initial or horizon, or a longer series"
        )
    return list(range(initial - 1, n - horizon, step))


def segments(origins: list[int], refit: int) -> list[list[int]]:
    """Split the origins into refit segments (``refit`` from :func:`check_refit`)."""
    if refit == 0:
        return [list(origins)]
    return [list(origins[i:i + refit]) for i in range(0, len(origins), refit)]


def train_start(origin: int, window: str | int) -> int:
    """First position of the training data for a fit at ``origin``."""
    if window == "expanding":
        return 0
    return max(0, origin - int(window) + 1)
