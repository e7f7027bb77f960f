"""A value so large that its square overflows float64 is refused where data enters, with
the row and what to do, instead of numpy overflow warnings and undefined scores."""

import numpy as np
import pandas as pd
import pytest
from test_cli_inputs import one_line_error, run_cli

import forecast as fc
from forecast.errors import InputError


def _daily(value: float) -> pd.Series:
    y = fc.datasets.load("airline").to_numpy(dtype=float)[:60].copy()
    y[30] = value
    return pd.Series(y, index=pd.date_range("2020-01-01", periods=60, freq="D"), name="value")


def test_cli_refuses_a_value_whose_square_overflows(tmp_path):
    y = _daily(1e308)
    path = tmp_path / "big.csv"
    pd.DataFrame({"date": y.index.strftime("%Y-%m-%d"), "value": y.to_numpy()}).to_csv(path, index=False)
    res = run_cli("backtest", str(path), "--models", "naive,mean", "--horizon", "3", "--out", str(tmp_path / "out"))
    one_line_error(res, "'value'", "too large", "2020-01-31", "rescale")
    assert "RuntimeWarning" not in res.stderr
    assert not (tmp_path / "out").exists()


def test_api_refuses_huge_target_and_regressor_values():
    with pytest.raises(InputError, match=r"too large.*2020-01-31"):
        fc.Naive().fit(_daily(-1e200))
    y = _daily(float(np.arange(60).mean()))
    X = pd.DataFrame({"promo": np.r_[np.zeros(59), 1e300]}, index=y.index)
    with pytest.raises(InputError, match=r"column 'promo'.*too large"):
        fc.ARMAX(p=1, q=0).fit(y, X)


def test_large_but_safe_values_are_forecast():
    y = _daily(1.0) * 1e140  # every value large, squares still finite
    fcst = fc.Naive().fit(y).predict(3)
    assert np.isfinite(fcst.mean).all() and fcst.mean.iloc[0] == pytest.approx(y.iloc[-1])
