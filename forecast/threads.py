"""One BLAS/OpenMP thread where the classical models do their small-matrix work.

statsmodels' state-space fits multiply matrices of a few rows; with many OpenBLAS
threads on a busy machine those threads contend and a fit runs many times slower (issue
18: a refitting ARMA backtest 19.5 s against 2.1 s under load). The library therefore
limits the threads itself, without relying on ``OPENBLAS_NUM_THREADS`` in the user's
environment: :class:`~forecast.base.Forecaster` wraps ``fit``, ``predict``, ``update``
and ``predict_origins`` of every model not tagged ``needs_keras``, and the backtest wraps
each task, in :func:`single_thread`.

The limit is re-entrant and cheap inside itself: only the outermost call asks
threadpoolctl, nested calls (a backtest's many fits, a fit that predicts) pass straight
through. The previous limits are restored when the outermost call returns. threadpoolctl's
inventory of the loaded libraries (a scan of the process's shared objects, about 5 ms,
which a refitting backtest would otherwise pay at every task) is kept and taken again
only when modules have been imported since, which is when new libraries can load.
"""
from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["single_thread"]

_state = threading.local()
_inventory: dict[str, Any] = {"controller": None, "modules": -1}
_inventory_lock = threading.Lock()


def _controller() -> Any:
    """threadpoolctl's controller of the loaded BLAS/OpenMP libraries, scanned again only
    when the set of imported modules has grown since the last scan."""
    from threadpoolctl import ThreadpoolController

    with _inventory_lock:
        if _inventory["controller"] is None or _inventory["modules"] != len(sys.modules):
            _inventory["controller"] = ThreadpoolController()
            _inventory["modules"] = len(sys.modules)
        return _inventory["controller"]


@contextlib.contextmanager
def single_thread(active: bool = True) -> Iterator[None]:
    """One BLAS and OpenMP thread in this block (no-op when ``active`` is false, when an
    enclosing block of this thread already holds the limit, or without threadpoolctl)."""
    depth = getattr(_state, "depth", 0)
    if not active or depth:
        _state.depth = depth + (1 if active else 0)
        try:
            yield
        finally:
            _state.depth = depth
        return
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn, a dependency
        yield
        return
    import numpy  # noqa: F401  - load both BLAS libraries now: the limit applies to loaded ones
    import scipy.linalg  # noqa: F401

    _state.depth = 1
    try:
        with _controller().limit(limits=1):
            yield
    finally:
        _state.depth = 0
