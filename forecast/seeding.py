"""One way to seed a model: :func:`seed_model`, used by the backtest's tasks and the CLI.

A model that draws random numbers takes its seed as a parameter (``seed`` or
``random_state``); :func:`seed_model` gives it ``seed`` when the user left it ``None`` and
never overrides a seed the user chose. With ``seed_globals`` it also seeds Python's
``random`` and NumPy's legacy generator (for code that still draws from them), and Keras'
global seed for a Keras network without a seed parameter, the only way to reach it; Keras
is imported only then.

>>> import forecast as fc
>>> seed_model(fc.create("naive"), 0).get_params()
{}
>>> seed_model(fc.create("lstm(seed=3)"), 0).seed, seed_model(fc.create("lstm"), 0).seed
(3, 0)
"""

from __future__ import annotations

import random
from typing import Any, TypeVar

import numpy as np

__all__ = ["seed_model"]

#: the parameter names a model takes its seed by
SEED_PARAMS = ("seed", "random_state")

M = TypeVar("M")


def seed_model(model: M, seed: int | None, *, seed_globals: bool = False) -> M:
    """Seed ``model`` (in place; returned for chaining) with ``seed``; ``None`` does nothing.

    Sets each seed parameter of the model that is ``None``. With ``seed_globals``, also
    seeds Python's ``random`` and NumPy's global generator and, for a model tagged
    ``needs_keras`` that has no seed parameter, Keras' global seed (resetting it makes
    TensorFlow retrace compiled functions, so it is never done for a network that seeds
    itself)."""
    if seed is None:
        return model
    params = model.get_params()  # type: ignore[attr-defined]
    own = [name for name in SEED_PARAMS if name in params]
    for name in own:
        if params[name] is None:
            model.set_params(**{name: int(seed)})  # type: ignore[attr-defined]
    if not seed_globals:
        return model
    random.seed(seed)
    np.random.seed(int(seed) % (2**32))
    if not own and _needs_keras(model):
        import keras

        keras.utils.set_random_seed(int(seed))
    return model


def _needs_keras(model: Any) -> bool:
    get_tags = getattr(model, "get_tags", None)
    return bool(get_tags()["needs_keras"]) if callable(get_tags) else False
