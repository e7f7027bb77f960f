"""Failed models, all-failed runs, the terminal leaderboard's width and the panel report,
through the ``forecast`` command in subprocesses on real data (bundled airline and M3)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pandas as pd
import pytest
from test_cli import run_cli

import forecast as fc

ROOT = Path(__file__).resolve().parents[1]
BAD = 'ar(1,method="bogus")'  # parses, fails in every fit: statsmodels rejects the estimator


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("data")
    air = fc.datasets.load("airline")
    pd.DataFrame({"month": air.index.astype(str), "passengers": air.to_numpy()}).to_csv(d / "airline.csv", index=False)
    other = fc.datasets.load("m3_other")
    ids = list(other)[:12]
    pd.concat([pd.DataFrame({"series_id": k, "t": other[k].index, "value": other[k].to_numpy()})
               for k in ids]).to_csv(d / "m3_other.csv", index=False)
    return {"airline": d / "airline.csv", "panel": d / "m3_other.csv", "panel_ids": ids}


# ------------------------------------------------------------------ item 3: one model fails everywhere
@pytest.fixture(scope="module")
def one_failed(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("fail") / "res"
    res = run_cli("backtest", str(data["airline"]), "--models", f"naive,snaive(12),{BAD}", "--horizon", "6",
                  "--initial", "120", "--step", "3", "--quiet", "--out", str(out))
    return res, out


def test_failed_model_is_listed_and_the_others_are_compared(one_failed):
    res, out = one_failed
    assert res.returncode == 3, (res.returncode, res.stderr)
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("forecast: warning: ") and "Traceback" not in res.stderr
    assert BAD in err[0] and "every origin" in err[0] and "failures.csv" in err[0]
    board = pd.read_csv(out / "leaderboard.csv").set_index("model")
    n_origins = len(range(119, 144 - 6, 3))
    assert list(board.index) == ["snaive(12)", "naive", BAD]
    assert (board.loc[["snaive(12)", "naive"], "n_origins"] == n_origins).all()
    assert board.loc["naive", "dm_pvalue"] < 0.05  # the test ran between the two that forecast
    assert board.loc[BAD, "status"] == "failed" and pd.isna(board.loc[BAD, "rank"])
    assert board.loc[BAD, "n_failed"] == n_origins and "ModelError in fit" in board.loc[BAD, "failure"]
    failures = pd.read_csv(out / "failures.csv")
    assert (failures["model"] == BAD).sum() == n_origins
    # the terminal: scores for the two, the failed one named with its count and reason
    assert re.search(r"snaive\(12\)\s.*\bbest\b", res.stdout)
    failed_line = next(line for line in res.stdout.splitlines() if line.strip().startswith(BAD + ":"))
    assert f"failed at every origin ({n_origins} of {n_origins})" in failed_line and "estimator" in failed_line
    html = (out / "report.html").read_text()
    assert "Models with failed forecasts" in html and "failed at every origin" in html
    assert "drift" not in html and "snaive(12) (mase" in html


def test_help_documents_the_exit_statuses():
    res = run_cli("backtest", "--help")
    assert res.returncode == 0
    text = " ".join(res.stdout.split())
    assert "3 some forecasts failed" in text and "4 nothing could be scored" in text


# ------------------------------------------------------------------ item 12: every model fails
def test_all_failed_run_says_nothing_could_be_scored(data, tmp_path):
    out = tmp_path / "res"
    res = run_cli("backtest", str(data["airline"]), "--models", f'{BAD},ma(1,method="bogus")', "--horizon", "6",
                  "--initial", "120", "--step", "6", "--out", str(out))
    assert res.returncode == 4, (res.returncode, res.stderr)
    err = [line for line in res.stderr.splitlines() if line.startswith("forecast:")]
    assert len(err) == 1 and err[0].startswith("forecast: error: nothing could be scored: every model failed")
    assert res.stdout.startswith("Nothing could be scored: every model failed at every origin")
    assert "best" not in res.stdout
    html = (out / "report.html").read_text()
    assert "Nothing could be scored: every model failed at every origin" in html
    assert '<div class="k">best</div><div class="v">nothing scored</div>' in html
    assert "<img" not in html  # no empty charts
    assert not (out / "leaderboard.png").exists() and not list(out.glob("forecast_*.png"))


# ------------------------------------------------------------------ item 10: the terminal leaderboard
def _run_on_terminal(args: list[str], columns: int, *, stderr_too: bool = False) -> tuple[int, str]:
    """Run the command with stdout (and with ``stderr_too`` stderr) on a pseudo-terminal
    ``columns`` wide; returns its text."""
    import pty

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, columns, 0, 0))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns), "TERM": "xterm"}
    env.pop("KERAS_BACKEND", None)
    proc = subprocess.Popen([sys.executable, "-m", "forecast", *args], stdout=slave,
                            stderr=slave if stderr_too else subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=240)
    text = b"".join(chunks).decode("utf-8", "replace")
    return proc.returncode, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


@pytest.mark.parametrize("columns", [80, 100])
def test_terminal_leaderboard_fits_without_hiding_numbers(data, tmp_path, columns):
    from forecast.cli.tables import _fmt_num

    out = tmp_path / "res"
    rc, text = _run_on_terminal(["backtest", str(data["airline"]), "--models", "naive,snaive(12),ar(2),drift",
                                 "--horizon", "6", "--initial", "120", "--step", "3", "--quiet", "--no-report",
                                 "--out", str(out)], columns)
    assert rc == 0, text
    table = text.split("Leaderboard:")[1]
    assert "…" not in table
    assert max(len(line.rstrip()) for line in table.splitlines() if line[:1] in "┏┃┡│└") <= columns
    board = pd.read_csv(out / "leaderboard.csv")
    for rec in board.to_dict("records"):  # every model's primary score and DM p-value, whole
        row = next(line for line in table.splitlines() if f" {rec['model']} " in line)
        assert f" {_fmt_num(rec['mase'])} " in row, (rec["model"], row)
        if pd.notna(rec["dm_pvalue"]):
            assert f" {_fmt_num(rec['dm_pvalue'], 3)} " in row
    if columns == 80:  # what gave way is said, and it is all in the CSV
        assert "Not shown for the terminal width:" in text


# ------------------------------------------------------------------ item 11: the panel report
@pytest.fixture(scope="module")
def panel_run(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("panel") / "res"
    res = run_cli("backtest", str(data["panel"]), "--id-col", "series_id", "--models",
                  "naive,drift,mean,ar(1),arma(auto,max_p=2,max_q=1)", "--horizon", "18", "--initial", "60",
                  "--step", "3", "--quiet", "--out", str(out))
    return res, out


def test_panel_report_shows_verdicts_every_series_every_step_and_resolved_settings(panel_run, data):
    res, out = panel_run
    assert res.returncode == 0, res.stderr
    html = (out / "report.html").read_text()
    board = pd.read_csv(out / "leaderboard.csv")
    # per model: the Nemenyi verdict and the DM counts as in leaderboard.csv
    section = html.split('id="leaderboard"')[1].split('id="horizon"')[0]
    rows = {m: row for row in re.findall(r"<tr[^>]*>(<td.*?)</tr>", section) for m in board["model"]
            if f'<td class="model">{m}</td>' in row}
    for rec in board.to_dict("records")[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[rec["model"]])
        verdict = "worse" if rec["nemenyi_worse"] else "not different"
        counts = f"{rec['dm_worse']:.0f} / {rec['dm_not_different']:.0f} / {rec['dm_better']:.0f}"
        assert verdict in cells and counts in cells, (rec["model"], cells)
        assert rec["dm_worse"] + rec["dm_not_different"] + rec["dm_better"] == len(data["panel_ids"])
    assert "Friedman test over 12 series: p = " in html
    # every series can be seen, every horizon step is a row of the by-horizon table
    for sid in data["panel_ids"]:
        assert f"<summary>Series {sid}</summary>" in html
    horizon = html.split('id="horizon"')[1].split('id="forecasts"')[0]
    steps = re.findall(r"<tr><td[^>]*>(\d+)</td>", horizon)
    assert steps == [str(s) for s in range(1, 19)]
    # the orders arma(auto) chose, as a table; the raw JSON folded away
    run = json.loads((out / "run.json").read_text())
    chosen = {r["settings"]["order"] for r in run["backtest"]["resolved"] if r["model"].startswith("arma")}
    assert len(chosen) >= 1
    settings = html.split('id="settings"')[1]
    assert "Model settings resolved in fitting" in settings and all(order in settings for order in chosen)
    assert "<details><summary>All settings of the run (JSON)</summary><pre>" in settings


def test_panel_bar_colours_follow_the_nemenyi_verdict(panel_run):
    from forecast.reporting import figures as plotting

    _, out = panel_run
    board = pd.read_csv(out / "leaderboard.csv")
    assert board["nemenyi_worse"].any()  # the case of the issue: Nemenyi finds a model worse
    fig = plotting.leaderboard_figure(board, "mase")
    bars = fig.axes[0].patches[: len(board)]
    red = tuple(int(plotting._COLORS["significantly worse"][i:i + 2], 16) / 255 for i in (1, 3, 5))
    for bar, worse in zip(bars, board["nemenyi_worse"], strict=True):
        assert (tuple(bar.get_facecolor()[:3]) == pytest.approx(red)) == bool(worse)


# ------------------------------------------------------------------ item 13: wording
def test_models_listing_uses_the_spec_names():
    res = run_cli("models")
    arima = " ".join(line for line in res.stdout.splitlines() if line.startswith("arima") or line.startswith(" "))
    assert "seasonal=(0, 0, 0, 0)" in arima and "seasonal_order" not in res.stdout
    from forecast.models import registry

    assert registry.create("arima((0,1,1), seasonal=(0,1,1,12))").seasonal_order == (0, 1, 1, 12)


def test_results_line_lists_only_what_was_written(data, tmp_path):
    res = run_cli("backtest", str(data["airline"]), "--models", "naive", "--horizon", "3", "--initial", "130",
                  "--no-report", "--out", str(tmp_path / "res"))
    assert res.returncode == 0, res.stderr
    line = next(line for line in res.stderr.splitlines() if line.startswith("results in"))
    assert "report.html" not in line and "leaderboard.csv" in line
    assert not (tmp_path / "res" / "report.html").exists()


def test_large_panel_report_caps_the_forecast_plots_with_a_note(tmp_path):
    from forecast.reporting.figures import MAX_SERIES_PLOTS

    yearly = fc.datasets.load("m3_yearly")
    ids = list(yearly)[: MAX_SERIES_PLOTS + 2]
    path = tmp_path / "yearly.csv"
    pd.concat([pd.DataFrame({"series_id": k, "year": yearly[k].index.astype(str), "value": yearly[k].to_numpy()})
               for k in ids]).to_csv(path, index=False)
    out = tmp_path / "res"
    res = run_cli("backtest", str(path), "--id-col", "series_id", "--models", "naive,drift", "--horizon", "4",
                  "--initial", "14", "--step", "2", "--quiet", "--out", str(out))
    assert res.returncode == 0, res.stderr
    html = (out / "report.html").read_text()
    shown = re.findall(r"<summary>Series (\w+)</summary>", html)
    assert shown == ids[:MAX_SERIES_PLOTS]
    assert f"{MAX_SERIES_PLOTS} of {len(ids)}" in html and "every series is in forecasts.csv" in html
    assert len(list(out.glob("forecast_*.png"))) == MAX_SERIES_PLOTS


# ------------------------------------------------------------------ issue 17 §5: notes fit the terminal
def test_notes_wrap_between_words_on_an_80_column_terminal(data, tmp_path):
    air = fc.datasets.load("airline")
    steps = tmp_path / "steps.csv"  # no time column: the long "cannot infer the season" note
    pd.DataFrame({"passengers": air.to_numpy()}).to_csv(steps, index=False)
    rc, text = _run_on_terminal(["backtest", str(steps), "--models", "naive,drift", "--horizon", "3",
                                 "--initial", "130", "--step", "3", "--no-report",
                                 "--out", str(tmp_path / "res")], 80, stderr_too=True)
    assert rc == 0, text
    lines = [line for line in text.splitlines() if "\u2501" not in line]  # not the progress bar's redraws
    assert max(len(line) for line in lines) <= 80, [line for line in lines if len(line) > 80]
    flat = " ".join(" ".join(lines).split())
    for note in ("note: cannot infer the season from the data's time index (no calendar frequency); "
                 "MASE/RMSSE use m=1 and the reference is naive. Give --season m for seasonal data",
                 "DM p: Diebold-Mariano test against the best model, as detail.",
                 "The 90% model confidence set (Hansen, Lunde and Nason):"):
        assert note in flat, note  # whole words kept: wrapped only at spaces
    # in a pipe a note stays one line (grep finds it)
    piped = run_cli("backtest", str(steps), "--models", "naive,drift", "--horizon", "3", "--initial", "130",
                    "--step", "3", "--no-report", "--out", str(tmp_path / "res2"))
    assert any(line.startswith("note: cannot infer the season") and line.endswith("for seasonal data")
               for line in piped.stderr.splitlines()), piped.stderr


# ------------------------------------------------------------------ issue 17 §5: no stale report
def test_a_rerun_with_no_report_leaves_no_old_report_beside_the_new_tables(data, tmp_path):
    out = tmp_path / "res"
    args = ["backtest", str(data["airline"]), "--models", "naive,snaive(12)", "--horizon", "3",
            "--initial", "130", "--step", "3", "--quiet", "--out", str(out)]
    assert run_cli(*args).returncode == 0
    assert (out / "report.html").exists() and list(out.glob("*.png"))
    (out / "my_notes.txt").write_text("mine")  # not the results folder's: stays
    res = run_cli("backtest", str(data["airline"]), "--models", "drift", "--horizon", "3", "--initial", "130",
                  "--step", "3", "--quiet", "--no-report", "--out", str(out))
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith(".") and p.name != "backtest.log")
    assert names == ["failures.csv", "forecasts.csv", "leaderboard.csv", "my_notes.txt",
                     "run.json", "scores.csv", "verdict.json"], names
    assert pd.read_csv(out / "leaderboard.csv")["model"].tolist() == ["drift"]
