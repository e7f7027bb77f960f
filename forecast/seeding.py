"""Seeding a model: the one rule for giving a run's seed to a model.

A model that draws random numbers takes them from its own ``seed`` (or ``random_state``)
parameter, never from global state. A run's seed (``forecast backtest --seed``,
``forecast predict --seed``, ``backtest(..., seed=)``) goes to that parameter where the
user left it unset (``None``); a value the user gave is kept.

>>> from forecast.models.registry import create
>>> m = create("lstm(units=8)")
>>> seed_params(m, 7), m.seed
(True, 7)
>>> m = create("lstm(seed=3)")
>>> seed_params(m, 7), m.seed
(True, 3)
>>> seed_params(create("naive"), 7)
False
"""

from __future__ import annotations

from typing import Any

__all__ = ["SEED_PARAMS", "seed_params"]

#: the parameter names through which a model takes its seed
SEED_PARAMS = ("seed", "random_state")


def seed_params(model: Any, seed: int | None) -> bool:
    """Set ``model``'s seed parameter to ``seed`` where it is ``None`` (in place).

    Returns whether the model has a seed parameter, i.e. seeds itself (a model without one
    needs its library's global seed set by the caller). ``seed=None`` changes nothing.
    """
    params = model.get_params()
    owned = [name for name in SEED_PARAMS if name in params]
    if seed is not None:
        for name in owned:
            if params[name] is None:
                model.set_params(**{name: seed})
    return bool(owned)
