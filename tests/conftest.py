"""Shared test fixtures: the bundled real datasets, and the ``keras`` marker."""

from __future__ import annotations

import importlib.util
import os

import pytest

# Quieter TensorFlow logs in the Keras tests; the Keras backend itself is left to the user.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_KERAS_MISSING = importlib.util.find_spec("keras") is None


def pytest_collection_modifyitems(config, items):
    if not _KERAS_MISSING:
        return
    skip = pytest.mark.skip(reason="keras is not installed (pip install 'forecast[test]')")
    for item in items:
        if "keras" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _bundled():
    from forecast import datasets

    return {name: datasets.load(name) for name in ("airline", "sunspots", "macro", "co2")}


@pytest.fixture
def airline(_bundled):
    """Monthly airline passengers 1949-1960 (PeriodIndex, 144 values); a fresh copy."""
    return _bundled["airline"].copy()


@pytest.fixture
def sunspots(_bundled):
    """Yearly sunspot numbers 1700-2008 (PeriodIndex, 309 values); a fresh copy."""
    return _bundled["sunspots"].copy()


@pytest.fixture
def macro(_bundled):
    """US quarterly macro data 1959Q1-2009Q3 (DataFrame, PeriodIndex); a fresh copy."""
    return _bundled["macro"].copy()


@pytest.fixture
def co2(_bundled):
    """Weekly Mauna Loa CO2 1958-2001 (DatetimeIndex, freq W-SAT); a fresh copy."""
    return _bundled["co2"].copy()


@pytest.fixture(scope="module")
def one_blas_thread():
    """One BLAS thread for a module that opts in (``pytest.mark.usefixtures``): statsmodels'
    tiny state-space matrices run far slower with many BLAS threads on a busy machine."""
    from threadpoolctl import threadpool_limits  # installed with scikit-learn, a dependency

    with threadpool_limits(1):
        yield
