"""Checks of plain parameter values, shared by the models, the backtest and the windows.

>>> whole_number(3, "p", "ARMA")
3
>>> whole_number(True, "m", "SeasonalNaive", low=1)
Traceback (most recent call last):
...
forecast.errors.InputError: SeasonalNaive: m must be a whole number >= 1; got True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["whole_number"]


def whole_number(value: Any, name: str, owner: str | None = None, *, low: int = 0) -> int:
    """``value`` as an ``int`` when it is a whole number (Python or NumPy integer, not a
    bool) of at least ``low``; otherwise an :class:`~forecast.errors.InputError`
    ``"<owner>: <name> must be a whole number >= <low>; got <value>"`` (without the owner
    when none is given)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        where = f"{owner}: " if owner else ""
        raise InputError(f"{where}{name} must be a whole number >= {low}; got {value!r}")
    return int(value)
