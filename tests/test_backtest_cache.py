"""Cached, resumable runs: finished tasks are reused, changes invalidate, kill -9 resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_backtest_support import LSAR

import forecast as fc

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.fixture(scope="module")
def panel():
    macro = fc.datasets.load("macro")
    return {c: macro[c] for c in ("realgdp", "realcons", "realinv")}


def test_rerun_reuses_every_task_and_gives_identical_results(tmp_path, panel):
    kwargs = dict(horizon=4, initial=180, step=3, refit=2, cache_dir=tmp_path)
    first = fc.backtest(["naive", LSAR(p=2)], panel, **kwargs)
    assert first.meta["tasks_computed"] == first.meta["tasks_total"] > 0
    again = fc.backtest(["naive", LSAR(p=2)], panel, **kwargs)
    assert again.meta["tasks_computed"] == 0 and again.meta["tasks_cached"] == first.meta["tasks_total"]
    pd.testing.assert_frame_equal(first.forecasts, again.forecasts)
    pd.testing.assert_frame_equal(first.timings, again.timings)


def test_changed_settings_or_data_invalidate(tmp_path, panel):
    kwargs = dict(horizon=4, initial=180, step=3, cache_dir=tmp_path)
    base = fc.backtest(["naive", LSAR(p=2)], panel, **kwargs)
    total = base.meta["tasks_total"]
    other_level = fc.backtest(["naive", LSAR(p=2)], panel, level=80, **kwargs)
    assert other_level.meta["tasks_computed"] == total
    other_params = fc.backtest(["naive", LSAR(p=3)], panel, **kwargs)
    assert other_params.meta["tasks_computed"] == total // 2  # only the changed model
    changed = dict(panel)
    sid = sorted(panel)[0]
    changed[sid] = panel[sid].copy()
    changed[sid].iloc[-1] += 1.0
    res = fc.backtest(["naive", LSAR(p=2)], changed, **kwargs)
    per_series = base.timings.groupby("series_id").size()
    assert res.meta["tasks_computed"] == per_series[sid]
    assert res.meta["data_hash"] != base.meta["data_hash"]
    np.testing.assert_array_equal(  # the changed value is an actual: the forecasts are recomputed, equal
        res.forecasts["y_pred"], base.forecasts["y_pred"])
    assert res.forecasts["y_true"].sum() == base.forecasts["y_true"].sum() + (
        (base.forecasts["series_id"] == sid) & (base.forecasts["timestamp"] == panel[sid].index[-1])).sum()


SCRIPT = """
import sys
import forecast as fc
from test_backtest_support import LSAR

y = fc.datasets.load("airline")
cache = sys.argv[1] if sys.argv[1] != "-" else None
res = fc.backtest({"ar": LSAR(p=2, sleep=0.1), "naive": "naive"}, y, horizon=6, initial=100, step=2,
                  refit=True, cache_dir=cache)
res.save(sys.argv[2])
"""


def _run(script, *args, wait=True):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
    proc = subprocess.Popen([sys.executable, str(script), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if wait:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    return proc


def test_kill_9_mid_run_then_resume_matches_an_uninterrupted_run(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(SCRIPT))
    cache = tmp_path / "cache"
    proc = _run(script, cache, tmp_path / "killed", wait=False)
    deadline = time.time() + 90
    while time.time() < deadline and len(list((cache / "tasks").glob("*.json"))) < 6:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_before = len(list((cache / "tasks").glob("*.json")))
    assert done_before >= 6
    # the same call in this process (same model class, same keys): resume, and a clean run
    y = fc.datasets.load("airline")
    kwargs = dict(horizon=6, initial=100, step=2, refit=True)
    models = {"ar": LSAR(p=2, sleep=0.1), "naive": "naive"}
    resumed = fc.backtest(models, y, cache_dir=cache, **kwargs)
    clean = fc.backtest(models, y, **kwargs)
    total = clean.meta["tasks_total"]
    assert resumed.meta["tasks_cached"] == done_before
    assert resumed.meta["tasks_computed"] == total - done_before < total
    pd.testing.assert_frame_equal(resumed.forecasts, clean.forecasts)
    pd.testing.assert_frame_equal(resumed.leaderboard().drop(columns=["fit_seconds", "predict_seconds"]),
                                  clean.leaderboard().drop(columns=["fit_seconds", "predict_seconds"]))


def test_cache_entries_of_the_wrong_shape_are_recomputed(tmp_path, panel):
    kwargs = dict(horizon=4, initial=180, step=3, refit=2, cache_dir=tmp_path)
    first = fc.backtest(["naive", LSAR(p=2)], panel, **kwargs)
    entries = sorted((tmp_path / "tasks").glob("*.json"))
    damaged = {0: [], 1: {"key": entries[1].stem}, 2: "text"}  # valid JSON, not a task record
    import json

    for i, value in damaged.items():
        entries[i].write_text(json.dumps(value))
    record = json.loads(entries[3].read_text())
    record["mean"] = record["mean"][:-1]  # a record cut short
    entries[3].write_text(json.dumps(record))
    again = fc.backtest(["naive", LSAR(p=2)], panel, **kwargs)
    assert again.meta["tasks_computed"] == 4
    pd.testing.assert_frame_equal(first.forecasts, again.forecasts)
