"""The HTML report and atomic output writing."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

import forecast as fc
from forecast import atomic
from forecast.errors import InputError

# fc.backtest is shadowed by the subpackage once forecast.evaluation is imported
from forecast.evaluation import backtest as run_backtest
from forecast.reporting import figures as plotting
from forecast.reporting import html as report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def result():
    y = fc.datasets.load("airline")
    return run_backtest(["naive", "snaive(12)", "drift"], y, horizon=6, initial=120, step=3)


def test_report_of_a_real_backtest_is_self_contained(result, tmp_path):
    board = result.leaderboard()
    png = plotting.figure_to_png(plotting.leaderboard_figure(board, "mase"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    fig = plotting.forecast_figure(result.forecasts, result.actuals, "snaive(12)")
    path = report.write_report(
        tmp_path / "report.html", leaderboard=board, title="Airline <test>",
        summary={"series": 1, "horizon": 6}, by_horizon=result.by_horizon("mase").reset_index(),
        failures=result.failures, settings={"horizon": 6, "models": result.models},
        leaderboard_images={"Leaderboard": png},
        forecast_images={"snaive(12)": plotting.figure_to_png(fig)},
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


def test_the_settings_json_writes_numpy_values_as_numbers():
    import numpy as np

    board = pd.DataFrame({"rank": [1], "model": ["a"], "mase": [0.8]})
    html = report.render_html(board, settings={"horizon": np.int64(6), "levels": np.array([80, 95]),
                                               "models": ("a",)})
    # the package's one JSON encoder: numbers stay numbers (not the strings str() would give)
    assert '&quot;horizon&quot;: 6,' in html and '&quot;6&quot;' not in html
    assert re.search(r"&quot;levels&quot;: \[\s*80,\s*95\s*\]", html)


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "scores.csv"
    atomic.atomic_write_csv(target, pd.DataFrame({"a": [1, 2]}))
    before = target.read_text()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write_csv(target, pd.DataFrame({"a": list(range(10_000))}))
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
                               leaderboard_images={"Leaderboard": plotting.figure_to_png(
                                   plotting.leaderboard_figure(board, "mase"))})
    png = render.screenshot(path, tmp_path / "shot.png", size="1000,900")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_save_report_writes_the_results_folder_from_the_python_api(tmp_path):
    # the folder `forecast backtest --out` writes, written by the library for a script
    y = fc.datasets.load("m3_quarterly")
    panel = {k: y[k] for k in list(y)[:2]}
    res = run_backtest(["naive", "snaive(4)"], panel, horizon=4, initial=24, step=4)
    out = res.save_report(tmp_path / "res", source="two M3 quarterly series")
    assert out == tmp_path / "res"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["forecasts.csv", "scores.csv", "leaderboard.csv", "failures.csv", "run.json", "verdict.json",
                            "leaderboard.png", "by_horizon.png", "report.html"]
                           + [f"forecast_{i:02d}_{_slug(sid)}.png" for i, sid in enumerate(panel, 1)])
    board = pd.read_csv(out / "leaderboard.csv")
    assert board["model"].tolist() == res.leaderboard()["model"].tolist()
    assert board["mase"].to_numpy() == pytest.approx(res.leaderboard()["mase"].to_numpy(), rel=1e-9)
    assert len(pd.read_csv(out / "forecasts.csv")) == len(res.forecasts)
    run = json.loads((out / "run.json").read_text())
    assert "forecast_cli" not in run and run["backtest"]["settings"]["horizon"] == 4
    html = (out / "report.html").read_text()
    assert "two M3 quarterly series" in html and "data:image/png;base64," in html
    # tables only: no figures, no report
    tables = res.save_report(tmp_path / "tables", figures=False)
    assert sorted(p.name for p in tables.iterdir()) == ["failures.csv", "forecasts.csv", "leaderboard.csv",
                                                         "run.json", "scores.csv", "verdict.json"]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def test_every_file_writer_goes_through_the_one_atomic_helper():
    # one temporary-file + os.replace writer (forecast/atomic.py); paths.py only probes
    # that a folder is writable
    package = ROOT / "forecast"
    writers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                     if "mkstemp(" in p.read_text(encoding="utf-8"))
    assert writers == ["atomic.py", "paths.py"]


def test_save_report_to_an_unwritable_place_is_an_input_error(tmp_path):
    # issue 17 §4: from Python it raised a raw FileNotFoundError; the CLI's --out check now
    res = run_backtest(["naive", "drift"], fc.datasets.load("airline"), horizon=3, initial=130, step=3)
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(InputError, match=r"path .*a_file.*is a file.*choose a folder path"):
        res.save_report(tmp_path / "a_file" / "res")
    with pytest.raises(InputError, match=r"path /proc/x: cannot create the folder"):
        res.save_report("/proc/x")


def test_the_report_says_what_the_terminal_says(tmp_path):
    # issue 17 §5: the undefined-score notes and the CLI's notes, and which series each
    # arma(auto) order belongs to, are in report.html as on the terminal
    import subprocess
    import sys

    air = fc.datasets.load("airline").to_numpy()
    flat = air.copy()
    flat[:131] = 100.0  # a constant training part: MASE undefined for series b
    path = tmp_path / "panel.csv"
    pd.concat([pd.DataFrame({"series_id": "a", "value": air}),
               pd.DataFrame({"series_id": "b", "value": flat})]).to_csv(path, index=False)
    out = tmp_path / "res"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    res = subprocess.run([sys.executable, "-m", "forecast", "backtest", str(path), "--id-col", "series_id",
                          "--models", "naive,arma(auto)", "--horizon", "3", "--initial", "130", "--step", "3",
                          "--out", str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    terminal = res.stdout + res.stderr
    html = (out / "report.html").read_text()
    undefined = next(line for line in terminal.splitlines() if "MASE is undefined" in line)
    assert "series b" in undefined
    assert report._esc(undefined[len("note: "):]) in html
    season = next(line for line in terminal.splitlines() if "cannot infer the season" in line)
    assert report._esc(season[len("note: "):]) in html
    resolved = json.loads((out / "run.json").read_text())["backtest"]["resolved"]
    section = html.split("Per series", 1)[1]
    for row in (r for r in resolved if r["model"] == "arma(auto)"):
        cells = (f'<td class="text">{row["series_id"]}</td><td class="model">arma(auto)</td>'
                 f'<td class="msg">{row["settings"]["order"]}</td>')
        assert cells in section, section[:600]


def test_a_wide_leaderboard_scrolls_inside_its_box(tmp_path):
    # a guard (this already held): the leaderboard table sits in an overflow-x:auto box, so a
    # board wider than the page scrolls inside it instead of widening the page
    res = run_backtest(["naive", "drift", "mean", "snaive(12)"], fc.datasets.load("airline"), horizon=3,
                       initial=130, step=3, metrics=["mae", "rmse", "mape", "smape", "mase", "rmsse"])
    html = report.render_html(res.leaderboard())
    assert ".scroll { overflow-x:auto; }" in html
    board = html.split('id="leaderboard"', 1)[1]
    assert board.index('<div class="scroll"><table>') < board.index("<table>") + 1
