"""What every command shares: the program name and exit codes, messages on stderr, the
run's environment (Keras backend, library log levels, one BLAS thread) and how error
messages name the flags."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

PROG = "forecast"
EXIT_INPUT = 2
EXIT_SOME_FAILED = 3  # some forecasts failed; the comparison ran over the rest
EXIT_NOTHING_SCORED = 4  # no origin where the models forecast: nothing compared
EXIT_INTERRUPTED = 130


def print_error(message: str) -> None:
    text = " ".join(str(message).split("\n")).strip()
    sys.stderr.write(f"{PROG}: error: {text}\n")


def say(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        sys.stderr.write(fit_to_terminal(message, sys.stderr) + "\n")
        sys.stderr.flush()


def _terminal_columns(stream: Any) -> int | None:
    """The width of the terminal ``stream`` writes to (``COLUMNS`` when set), None when it
    writes to a pipe or a file."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        import shutil

        return shutil.get_terminal_size().columns


def fit_to_terminal(text: str, stream: Any = None) -> str:
    """``text`` wrapped between words to the width of the terminal ``stream`` (stdout by
    default) writes to, continuation lines indented; unchanged in a pipe or a file, where a
    note stays one line for grep. (Error lines are never wrapped: one line, exit 2.)"""
    import textwrap

    columns = _terminal_columns(sys.stdout if stream is None else stream)
    if columns is None:
        return text
    width = max(columns, 40)
    return "\n".join(
        textwrap.fill(line, width=width, subsequent_indent=" " * min(len(line) - len(line.lstrip()) + 2, 8),
                      break_long_words=False, break_on_hyphens=False) if len(line) > width else line
        for line in text.split("\n"))


def configure_environment(args: argparse.Namespace) -> None:
    """Before anything imports keras: backend choice and library log levels."""
    if getattr(args, "backend", None):
        use_backend(args.backend)
    if not getattr(args, "debug", False):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import logging
        import warnings

        logging.getLogger("absl").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module="tensorflow")
        warnings.filterwarnings("ignore", module="keras")


_BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
#: how error messages name the settings: the flags of this command
FLAG_NAMES = {"target": "--target", "time_col": "--time-col", "id_col": "--id-col",
               "exog": "--exog", "known_exog": "--known-exog", "X": "--exog",
               "regressors": "--exog/--known-exog", "X_future": "--future",
               "sep": "--sep", "decimal": "--decimal", "date_format": "--date-format",
               "thousands": "--thousands", "skip_rows": "--skip-rows",
               "horizon": "--horizon", "backend": "--backend", "n_jobs": "--jobs"}


def use_backend(name: str) -> None:
    """Set the Keras backend for this run, refusing one whose package is not installed
    (before any data is read or model fitted; nothing is imported here)."""
    import importlib.util

    from ..errors import InputError

    package = _BACKEND_PACKAGES.get(name)
    if package is None:
        raise InputError(f"unknown --backend {name!r}; use one of {', '.join(_BACKEND_PACKAGES)}")
    if importlib.util.find_spec(package) is None:
        hint = "pip install 'forecast[jax]'" if name == "jax" else f"pip install {package}"
        raise InputError(f"--backend {name}: the package '{package}' is not installed; run: {hint}, "
                         "or use --backend tensorflow")
    os.environ["KERAS_BACKEND"] = name  # this process only, on the user's request




def blas_single_thread() -> Any:
    """One BLAS/OpenMP thread while models fit (:func:`forecast.threads.single_thread`): the
    series are small, and multi-threaded BLAS on small matrices is many times slower."""
    from ..threads import single_thread

    return single_thread()


def validate_params(model: Any) -> None:
    """Check ``model``'s parameter values now (an :class:`~forecast.errors.InputError` for a
    bad one), before any data is read or task run: the model's ``_validate_params`` hook,
    which ``fit`` also calls."""
    model._validate_params()


def thousands_mark(thousands: str | None) -> str | None:
    """The thousands setting as the reader takes it: None detects, '' says there is none."""
    return "" if thousands == "none" else thousands
