"""Nothing raw from the recurrent family reaches the user: no DeprecationWarning from the
way the networks are built, and a warning naming ``horizon=`` when a forecast goes beyond
the trained head."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import forecast as fc
from forecast.errors import ForecastWarning

pytestmark = pytest.mark.keras

ROOT = Path(__file__).resolve().parents[1]


def test_fitting_a_network_raises_no_deprecation_warning(tmp_path):
    """A plain script under ``-W error::DeprecationWarning`` fits and forecasts an LSTM: any
    DeprecationWarning on the package's code path (numpy 2's copy keyword through
    ``np.array(variable)``) would end it with a traceback."""
    script = tmp_path / "fit_lstm.py"
    script.write_text(
        "import forecast as fc\n"
        "y = fc.datasets.load('airline')\n"
        "m = fc.LSTM(seed=0, epochs=2, units=4, horizon=12).fit(y[:-12])\n"
        "print('ok', len(m.predict(12).mean))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", str(script)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ok 12" in out.stdout
    assert "DeprecationWarning" not in out.stderr


def test_forecast_beyond_the_head_warns_naming_horizon(airline):
    model = fc.LSTM(seed=0, epochs=2, units=4).fit(airline[:-24])  # head: one season, 12
    assert model.resolved_params_["horizon"] == 12
    with warnings.catch_warnings():
        warnings.simplefilter("error", ForecastWarning)
        model.predict(12)  # within the head: silent
    with pytest.warns(ForecastWarning, match=r"horizon=24") as record:
        fcst = model.predict(24)
    assert len(fcst.mean) == 24
    assert Path(record[0].filename).resolve() == Path(__file__).resolve()  # points at the caller
