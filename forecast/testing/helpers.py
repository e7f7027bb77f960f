"""Assertions the conformance checks share: each raises AssertionError saying what broke."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import Forecast, Forecaster


# ------------------------------------------------------------------------------ helpers
def ensure(condition: Any, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def same(a: Any, b: Any) -> bool:
    """Equality that copes with arrays, tuples of arrays and NaN."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Forecaster) and isinstance(b, Forecaster):  # a model as a parameter (a combination's members)
        return type(a) is type(b) and same(a.get_params(), b.get_params())
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return a is b


def raises(exc: type[BaseException], call: Callable[[], Any], what: str,
            mentions: list[str] | tuple[str, ...] = ()) -> str:
    """Run ``call``; it must raise ``exc`` whose message contains each of ``mentions``
    (a bare word such as ``y`` or ``X`` must appear as a whole word)."""
    try:
        call()
    except exc as err:
        msg = str(err)
        for word in mentions:
            pattern = rf"(?<![\w.]){re.escape(word)}(?!\w)" if re.fullmatch(r"\w+", word) else re.escape(word)
            ensure(re.search(pattern, msg),
                    f"{what}: the {exc.__name__} message should mention {word!r}; it says: {msg!r}")
        return msg
    except Exception as err:  # noqa: BLE001 - report what was raised instead
        raise AssertionError(f"{what}: expected {exc.__name__}, got {type(err).__name__}: {err}") from err
    raise AssertionError(f"{what}: expected {exc.__name__}, but nothing was raised")


def assert_close(actual: Any, expected: Any, rtol: float, atol: float, what: str) -> None:
    a = np.asarray(actual, dtype=float)
    b = np.asarray(expected, dtype=float)
    ensure(a.shape == b.shape, f"{what}: shapes differ ({a.shape} vs {b.shape})")
    if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
        worst = float(np.nanmax(np.abs(a - b)))
        raise AssertionError(f"{what}: values differ (largest difference {worst:.3g}, rtol {rtol:g}):\n"
                             f"  got      {a.ravel()[:8]}\n  expected {b.ravel()[:8]}")


def assert_same_forecast(a: Forecast, b: Forecast, rtol: float, atol: float, what: str,
                          intervals: bool = True) -> None:
    ensure(a.index.equals(b.index), f"{what}: indexes differ ({list(a.index[:3])}... vs {list(b.index[:3])}...)")
    assert_close(a.mean.to_numpy(), b.mean.to_numpy(), rtol, atol, f"{what} (mean)")
    if intervals and a.has_intervals and b.has_intervals:
        assert_close(a.interval(95).to_numpy(), b.interval(95).to_numpy(), rtol, atol, f"{what} (95% interval)")


