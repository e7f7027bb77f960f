"""The one JSON encoder of the package: NumPy scalars and arrays, tuples and sets, paths.

Every ``json.dumps`` in the package passes :func:`json_default` (through :func:`dumps` or as
``default=``): saved models and results, ``run.json``, the cache's hash keys. What the
encoder does not know raises ``TypeError`` unless the caller names a fallback (``str`` for
text meant for people, ``repr`` for hash keys).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

__all__ = ["json_default", "dumps"]


def json_default(obj: Any, unknown: Callable[[Any], Any] | None = None) -> Any:
    """A JSON form of ``obj`` for ``json.dumps(default=...)``.

    >>> import numpy as np
    >>> [json_default(np.int64(3)), json_default(np.array([1.5])), json_default((1, 2))]
    [3, [1.5], [1, 2]]
    """
    if hasattr(obj, "tolist") and hasattr(obj, "dtype"):  # NumPy scalar or array
        return obj.tolist()
    if isinstance(obj, tuple | list):
        return list(obj)
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=repr)
    if isinstance(obj, PurePath):
        return str(obj)
    if unknown is not None:
        return unknown(obj)
    raise TypeError(f"{type(obj).__name__} {obj!r} cannot be written as JSON")


def dumps(obj: Any, *, unknown: Callable[[Any], Any] | None = None, **kwargs: Any) -> str:
    """``json.dumps`` with :func:`json_default` (``unknown`` for what it does not know)."""
    return json.dumps(obj, default=lambda o: json_default(o, unknown), **kwargs)
