"""Reporting above the evaluation: the presenters the evaluation reaches through
``forecast.hooks``, and the user names that stay (``fc.plotting``, ``fc.report``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import forecast as fc
from forecast import hooks

ROOT = Path(__file__).resolve().parents[1]


def test_the_top_package_wires_save_report_to_the_reporting_layer():
    from forecast import reporting

    assert hooks.provided()["save_report"] == "forecast.reporting:save_report"
    assert reporting.save_report.__module__ == "forecast.reporting.folder"


def test_a_hook_is_imported_on_its_first_call_only():
    code = ("import sys, forecast, forecast.evaluation\n"
            "assert 'forecast.reporting' not in sys.modules, 'imported before any report'\n"
            "res = forecast.evaluation.backtest(['naive'], forecast.datasets.load('airline'), horizon=3, initial=130)\n"
            "import tempfile\n"
            "out = res.save_report(tempfile.mkdtemp(), figures=False)\n"
            "assert 'forecast.reporting' in sys.modules and (out / 'leaderboard.csv').exists()\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def test_provide_and_call(monkeypatch):
    monkeypatch.setattr(hooks, "_TARGETS", dict(hooks._TARGETS))
    monkeypatch.setattr(hooks, "_RESOLVED", {})
    hooks.provide("join", "os.path:join")
    assert hooks.call("join", "a", "b") == str(Path("a", "b"))
    hooks.provide("join", "posixpath:basename")  # providing again replaces the target
    assert hooks.call("join", "/x/y") == "y"
    with pytest.raises(ValueError, match="module:function"):
        hooks.provide("bad", "os.path.join")
    with pytest.raises(LookupError, match="no presenter is provided for 'missing'"):
        hooks.call("missing")


def test_the_public_module_names_stay():
    from forecast.reporting import figures, html

    assert fc.plotting is figures and fc.report is html
    assert callable(fc.plotting.plot_leaderboard) and callable(fc.report.render_html)
