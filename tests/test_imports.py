"""Classical-only use never imports the heavy optional stacks (checked in a fresh process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("tensorflow", "keras", "dask", "distributed", "matplotlib", "torch", "jax")

SCRIPT = textwrap.dedent(
    """
    import importlib.util, json, os, sys

    import forecast as fc
    from forecast import io, metrics, testing  # noqa: F401
    from forecast.models import registry

    y = fc.datasets.load("airline")
    y2, _ = io.read_series(fc.datasets.DATA_DIR / "sunspots.csv")
    train, test = y.iloc[:-12], y.iloc[-12:]
    models = [fc.Naive(), fc.SeasonalNaive(m=12), registry.create("drift")]
    if importlib.util.find_spec("forecast.models.arima") is not None:
        models.append(fc.ARMA(p=1, q=1))
        models.append(registry.create("ar(2)"))
    used = []
    for model in models:
        fcst = model.fit(train).predict(12)
        fcst.interval(95)
        metrics.smape(test.to_numpy(), fcst.mean.to_numpy())
        model.update(test.iloc[:3])
        model.predict_origins(test.iloc[3:], [test.index[3], test.index[6]], 3)
        used.append(type(model).__name__)
    fc.SeasonalNaive(m=11).fit(y2).predict(5)
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
    print(json.dumps({"heavy": heavy, "used": used, "backend": os.environ.get("KERAS_BACKEND")}))
    """
)


def test_classical_use_leaves_heavy_packages_unimported():
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + SCRIPT],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], f"classical use imported {result['heavy']}"
    assert result["backend"] is None, "importing forecast must not set KERAS_BACKEND"
    assert {"Naive", "SeasonalNaive", "Drift"} <= set(result["used"])
    if (ROOT / "forecast" / "models" / "arima.py").exists():
        assert "ARMA" in result["used"]


def test_backtest_is_a_plain_function_and_the_engine_a_plain_package():
    # no module that swaps its own class to be callable: fc.backtest is the engine's function
    import inspect
    import types

    import forecast as fc
    import forecast.evaluation as evaluation

    assert inspect.isfunction(fc.backtest) and fc.backtest is evaluation.backtest
    assert type(evaluation) is types.ModuleType
