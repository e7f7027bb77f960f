"""Exceptions and warnings raised by forecast.

Every message says what was wrong, where, and what to do about it.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar


class ForecastError(Exception):
    """Base class of every error raised by forecast."""


class InputError(ForecastError, ValueError):
    """Bad input data or a bad argument: the message says what, where and what to do."""


class NotFittedError(ForecastError, ValueError, AttributeError):
    """A model was asked to predict or update before ``fit``."""


class MissingDependencyError(ForecastError, ImportError):
    """An optional package needed for this feature is not installed."""


class ModelError(ForecastError, RuntimeError):
    """A model failed while fitting or forecasting (wraps the library's own error)."""


class PersistenceError(ForecastError, ValueError):
    """A saved model or result could not be read: corrupt, foreign or from a newer version."""


class ForecastWarning(UserWarning):
    """Base class of forecast's warnings."""


class UndefinedScoreWarning(ForecastWarning):
    """A score is undefined for some series or origins (MASE/RMSSE of a series constant
    over its training data, MAPE with zero actuals, OWA with a perfect reference)."""


class FitWarning(ForecastWarning):
    """A model's estimation reported a problem (non-convergence, a singular matrix...)."""


def user_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` that points at the first frame outside
    the ``forecast`` package (the user's call), however deep inside it the warning is raised."""
    import sys
    from pathlib import Path

    package = str(Path(__file__).resolve().parent)
    frame, level = sys._getframe(1), 1  # the caller of user_stacklevel: warn's level 1
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def require(module: str, feature: str, extra: str | None = None):
    """Import ``module`` or raise :class:`MissingDependencyError` saying how to get it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:  # pragma: no cover - depends on the environment
        hint = f"pip install 'forecast[{extra}]'" if extra else f"pip install {module}"
        raise MissingDependencyError(
            f"{feature} needs the package '{module}', which is not installed; run: {hint}"
        ) from err


# ------------------------------------------------------------------ naming options in messages
_SPELLING: ContextVar[dict[str, str] | None] = ContextVar("forecast_option_spelling", default=None)


def option(name: str, python: str | None = None) -> str:
    """How a message names the setting ``name``: the Python parameter (``python``, default
    ``name=``), or the command-line flag while :func:`option_spelling` is in effect."""
    return (_SPELLING.get() or {}).get(name, python if python is not None else f"{name}=")


@contextmanager
def option_spelling(names: dict[str, str]):
    """Within this block, messages name settings as ``names`` says (the CLI: its flags)."""
    token = _SPELLING.set(dict(names))
    try:
        yield
    finally:
        _SPELLING.reset(token)
