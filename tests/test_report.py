"""The HTML report and atomic output writing."""

from __future__ import annotations

import base64
import importlib.util
import os
import re
from pathlib import Path

import pandas as pd
import pytest

import forecast as fc
from forecast import report

# fc.backtest is shadowed by the subpackage once forecast.backtest is imported
from forecast.backtest import backtest as run_backtest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result():
    y = fc.datasets.load("airline")
    return run_backtest(["naive", "snaive(12)", "drift"], y, horizon=6, initial=120, step=3)


def test_report_of_a_real_backtest_is_self_contained(result, tmp_path):
    board = result.leaderboard()
    png = report.figure_to_png(report.leaderboard_figure(board, "mase"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    fig = report.forecast_figure(result.forecasts, result.actuals, "snaive(12)")
    path = report.write_report(
        tmp_path / "report.html", leaderboard=board, title="Airline <test>",
        summary={"series": 1, "horizon": 6}, by_horizon=result.by_horizon("mase").reset_index(),
        failures=result.failures, settings={"horizon": 6, "models": result.models},
        leaderboard_images={"Leaderboard": png},
        forecast_images={"snaive(12)": report.figure_to_png(fig)},
    )
    html = path.read_text()
    assert "Airline &lt;test&gt;" in html  # escaped
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 2 and base64.b64decode(images[0]) == png
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from the network
    # the best model first, marked; the others with their DM verdict
    rows = re.findall(r"<tr class=\"(\w+)\">(.*?)</tr>", html)
    assert rows[0][0] == "best" and "snaive(12)" in rows[0][1]
    assert all(cls in ("worse", "tie") for cls, _ in rows[1:3])
    assert "No failures" in html and '&quot;horizon&quot;: 6' in html


def test_failures_and_pvalue_verdicts():
    board = pd.DataFrame({"rank": [1, 2, 3], "model": ["a", "b", "c"], "mase": [0.8, 0.9, 1.4],
                          "dm_pvalue": [float("nan"), 0.31, 0.001]})
    failures = pd.DataFrame({"series_id": ["y"], "model": ["c"], "origin": ["1958-01"],
                             "stage": ["fit"], "error_type": ["LinAlgError"], "message": ["Schur decomposition failed"]})
    html = report.render_html(board, failures=failures)
    assert html.count("not significantly different") == 1 and html.count("sig\">significantly worse<") == 1
    assert "LinAlgError" in html and "1 failed forecast(s)" in html
    assert report.pvalue_column(board) == "dm_pvalue"


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "scores.csv"
    report.atomic_write_csv(target, pd.DataFrame({"a": [1, 2]}))
    before = target.read_text()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        report.atomic_write_csv(target, pd.DataFrame({"a": list(range(10_000))}))
    assert target.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.csv"]  # no temp file left


def test_report_renders_in_headless_chromium(result, tmp_path):
    spec = importlib.util.spec_from_file_location("render_report", ROOT / "benchmarks" / "render_report.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    if render.find_chromium() is None:
        pytest.skip("chromium is not installed")
    board = result.leaderboard()
    path = report.write_report(tmp_path / "report.html", leaderboard=board,
                               leaderboard_images={"Leaderboard": report.figure_to_png(
                                   report.leaderboard_figure(board, "mase"))})
    png = render.screenshot(path, tmp_path / "shot.png", size="1000,900")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
