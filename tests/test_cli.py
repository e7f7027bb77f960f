"""The ``forecast`` command line, driven in subprocesses on real bundled data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import forecast as fc

# fc.backtest is shadowed by the subpackage once forecast.evaluation is imported
from forecast.evaluation import backtest as run_backtest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 240, env: dict | None = None,
            probe: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m forecast ARGS`` (or, with ``probe``, through main() and then report
    whether tensorflow/keras were imported on the last stderr line)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    full_env.pop("KERAS_BACKEND", None)
    if probe:
        code = ("import sys\nfrom forecast.cli import main\ntry:\n    rc = main(sys.argv[1:])\nfinally:\n"
                "    print('IMPORTED', 'tensorflow' in sys.modules, 'keras' in sys.modules, file=sys.stderr)\n"
                "sys.exit(rc)")
        cmd = [sys.executable, "-c", code, *args]
    else:
        cmd = [sys.executable, "-m", "forecast", *args]
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------ data files
@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("data")
    air = fc.datasets.load("airline")
    pd.DataFrame({"month": air.index.astype(str), "passengers": air.to_numpy()}).to_csv(d / "airline.csv", index=False)
    macro = fc.datasets.load("macro")
    frame = macro.reset_index()
    frame[frame.columns[0]] = macro.index.astype(str)
    frame.to_csv(d / "macro.csv", index=False)
    m3 = fc.datasets.load("m3_yearly")
    ids = list(m3)[:3]
    pd.concat([pd.DataFrame({"series_id": k, "year": m3[k].index.astype(str), "value": m3[k].to_numpy()})
               for k in ids]).to_csv(d / "m3.csv", index=False)
    return {"airline": d / "airline.csv", "macro": d / "macro.csv", "m3": d / "m3.csv", "dir": d}


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def assert_one_line_error(res: subprocess.CompletedProcess, *needles: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    err = res.stderr.strip()
    assert "Traceback" not in res.stderr
    assert len(err.splitlines()) == 1, err
    assert err.startswith("forecast: error: ")
    for needle in needles:
        assert needle in err, (needle, err)
    return err


# ------------------------------------------------------------------ start-up and listings
def test_help_does_not_import_tensorflow():
    res = run_cli("--help", probe=True)
    assert res.returncode == 0
    assert "backtest" in res.stdout and "predict" in res.stdout
    assert res.stderr.strip().splitlines()[-1] == "IMPORTED False False"


def test_models_lists_parameters_and_tensorflow_need_without_importing_it():
    res = run_cli("models", probe=True)
    assert res.returncode == 0, res.stderr
    lines = {line.split()[0]: line for line in res.stdout.splitlines() if line.strip()}
    assert "p=1" in lines["ar"] and lines["ar"].split()[-1] != "yes"
    assert " yes " in lines["lstm"] and "time_steps='auto'" in lines["lstm"]
    assert " no " in lines["arma"]
    assert "cell='gru'" in lines["gru"]
    assert res.stderr.strip().splitlines()[-1] == "IMPORTED False False"


def test_datasets_lists_lengths_and_frequencies():
    res = run_cli("datasets")
    assert res.returncode == 0, res.stderr
    row = next(line for line in res.stdout.splitlines() if line.startswith("airline"))
    assert row.split()[1:3] == ["144", "monthly"]
    m3 = next(line for line in res.stdout.splitlines() if line.startswith("m3_yearly"))
    assert "645" in m3


# ------------------------------------------------------------------ backtest, classical
@pytest.fixture(scope="module")
def airline_run(files, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("air") / "res"
    res = run_cli("backtest", str(files["airline"]), "--models", "naive,snaive(12),ar(2),drift",
                  "--horizon", "6", "--initial", "0.8", "--step", "2", "--refit", "every:4",
                  "--seed", "3", "--out", str(out), probe=True)
    return res, out


def test_classical_backtest_writes_every_output_without_tensorflow(airline_run, files):
    res, out = airline_run
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().splitlines()[-1] == "IMPORTED False False"
    for name in ["forecasts.csv", "scores.csv", "leaderboard.csv", "failures.csv", "run.json",
                 "report.html", "leaderboard.png", "by_horizon.png"]:
        assert (out / name).stat().st_size > 0, name
    assert len(list(out.glob("forecast_*.png"))) == 4
    assert not list(out.glob(".*.tmp"))
    fcs = pd.read_csv(out / "forecasts.csv")
    assert {"series_id", "model", "origin", "step", "timestamp", "y_true", "y_pred", "lower", "upper"} <= set(fcs.columns)
    assert set(fcs["model"]) == {"naive", "snaive(12)", "ar(2)", "drift"}
    assert fcs["step"].max() == 6
    # initial 0.8 of 144 -> first origin after 115 observations; origins every 2 steps
    origins = sorted(fcs["origin"].unique())
    assert origins[0] == "1958-07" and origins[1] == "1958-09"
    board = pd.read_csv(out / "leaderboard.csv")
    assert board["model"].iloc[0] == "snaive(12)"
    assert board["dm_pvalue"].isna().sum() == 1 and (board["dm_pvalue"].dropna() < 0.05).any()
    run = json.loads((out / "run.json").read_text())
    import hashlib

    assert run["forecast_cli"]["data_sha256"] == hashlib.sha256(files["airline"].read_bytes()).hexdigest()
    assert run["backtest"]["seed"] == 3 and run["backtest"]["settings"]["refit"] == 4
    assert run["backtest"]["versions"]["statsmodels"]


def test_terminal_leaderboard_shows_dm_pvalues(airline_run):
    res, _ = airline_run
    lines = res.stdout.splitlines()
    header = next(line for line in lines if line.startswith("rank"))
    assert "DM p" in header and "vs. best" in header
    assert header.index("vs. best") < header.index("DM p")  # the verdict column first, DM p as detail
    best = next(line for line in lines if "snaive(12)" in line and line.lstrip()[:1].isdigit())
    assert best.rstrip().endswith("0") and " best " in best
    assert any("out of the set" in line for line in lines)
    # the verdict leads: above the leaderboard, and it names the missing family plainly
    verdict = next(i for i, line in enumerate(lines) if line.startswith("Verdict: "))
    assert verdict < lines.index(header) and "the recurrent family: not fielded" in lines[verdict]


def test_report_is_self_contained(airline_run):
    _, out = airline_run
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 6
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html
    assert "out of the set" in html and "ar(2)" in html and "No failures" in html
    assert html.index('class="verdict"') < html.index('id="leaderboard"')  # the report leads with the verdict


def test_panel_file_gives_mean_ranks(files, tmp_path):
    out = tmp_path / "panel"
    res = run_cli("backtest", str(files["m3"]), "--id-col", "series_id", "--models", "naive,drift,mean",
                  "--horizon", "4", "--initial", "14", "--step", "2", "--jobs", "2", "--out", str(out),
                  "--no-report")
    assert res.returncode == 0, res.stderr
    fcs = pd.read_csv(out / "forecasts.csv")
    assert fcs["series_id"].nunique() == 3
    board = pd.read_csv(out / "leaderboard.csv")
    assert "mean_rank" in board.columns and board["mean_rank"].between(1, 3).all()
    assert not (out / "report.html").exists()


def test_known_exog_reaches_armax(files, tmp_path):
    out = tmp_path / "macro"
    res = run_cli("backtest", str(files["macro"]), "--target", "realcons", "--known-exog", "realdpi",
                  "--models", "naive,armax(1,0)", "--horizon", "4", "--initial", "180", "--step", "4",
                  "--out", str(out), "--no-report")
    assert res.returncode == 0, res.stderr
    run = json.loads((out / "run.json").read_text())
    assert run["backtest"]["models"]["armax(1,0)"]["exog"] == ["realdpi"]
    assert len(pd.read_csv(out / "failures.csv")) == 0


def test_dask_scheduler_address(files, tmp_path):
    distributed = pytest.importorskip("distributed", reason="the optional dask extra: pip install 'forecast[dask]'")
    out = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        res = run_cli("backtest", str(files["airline"]), "--models", "naive,snaive(12)", "--horizon", "6",
                      "--initial", "120", "--step", "6", "--dask", cluster.scheduler_address,
                      "--out", str(out), "--no-report")
    assert res.returncode == 0, res.stderr
    assert len(pd.read_csv(out / "forecasts.csv")) == 2 * 4 * 6


# ------------------------------------------------------------------ config files
def test_config_file_with_flag_override_and_print_config(files, tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        '[data]\npath = "airline.csv"\n\n'
        '[backtest]\nmodels = ["naive", { model = "snaive", m = 12 }]\nhorizon = 3\nstep = 12\n'
        'refit = "never"\n\n[output]\nout = "cfg-out"\n'
    )
    (tmp_path / "airline.csv").write_bytes(files["airline"].read_bytes())
    res = run_cli("backtest", "--config", str(cfg), "--horizon", "5", "--print-config", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    effective = tomllib.loads(res.stdout)
    assert effective["backtest"]["horizon"] == 5  # the flag wins
    assert effective["backtest"]["models"] == ["naive", "snaive(m=12)"]
    assert effective["backtest"]["step"] == 12 and effective["backtest"]["refit"] == "never"
    assert effective["data"]["path"].endswith("airline.csv")

    res = run_cli("backtest", "--config", str(cfg), "--quiet", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    fcs = pd.read_csv(tmp_path / "cfg-out" / "forecasts.csv")
    assert fcs["step"].max() == 3 and set(fcs["model"]) == {"naive", "snaive(m=12)"}


def test_config_unknown_setting_is_one_line(tmp_path):
    cfg = _bad(tmp_path, "bad.toml", "[backtest]\nhorizon = 3\nhorizn = 4\n")
    assert_one_line_error(run_cli("backtest", "--config", str(cfg)), "horizn", "[backtest] takes")


# ------------------------------------------------------------------ bad input: one line, exit 2
def test_bad_inputs_give_one_line_and_status_2(files, tmp_path):
    air = str(files["airline"])
    cases = [
        (("backtest", str(tmp_path / "nope.csv")), ["file not found", "nope.csv"]),
        (("backtest", str(_bad(tmp_path, "empty.csv", ""))), ["empty"]),
        (("backtest", air, "--target", "sales"), ["'sales'", "available columns: month, passengers"]),
        (("backtest", str(_bad(tmp_path, "text.csv", "month,sales\n2020-01,1\n2020-02,2\n2020-03,abc\n2020-04,4\n"))),
         ["'abc'", "row 2"]),
        (("backtest", str(_bad(tmp_path, "nan.csv", "month,sales\n2020-01,1\n2020-02,\n2020-03,3\n2020-04,4\n"))),
         ["missing", "row 1"]),
        (("backtest", str(_bad(tmp_path, "dup.csv", "month,sales\n2020-01,1\n2020-02,2\n2020-02,3\n2020-03,4\n"))),
         ["duplicate", "2020-02"]),
        (("backtest", air, "--models", "naive,prophet"), ["unknown model 'prophet'", "arma", "lstm"]),
        (("backtest", air, "--models", "ar(lags=3)"), ["no parameter 'lags'", "p"]),
        (("backtest", air, "--models", "lstm(units=-3)"), ["units", "-3"]),
        (("backtest", air, "--horizon", "0"), ["horizon", ">= 1; got 0"]),
        (("backtest", air, "--models", "naive", "--horizon", "12", "--initial", "140"), ["144", "140", "12"]),
        (("backtest", air, "--refit", "sometimes"), ["refit", "every:K"]),
        (("backtest", air, "--horizon", "x"), ["--horizon", "'x'"]),
        (("backtest", air, "--bogus"), ["unrecognized arguments: --bogus"]),
        (("predict", air, "--model", "naive", "--horizon", "-1"), ["horizon"]),
    ]
    for args, needles in cases:
        assert_one_line_error(run_cli(*args, "--out", str(tmp_path / "o")), *needles)


def test_debug_shows_the_traceback(files):
    res = run_cli("backtest", str(files["airline"]), "--target", "sales", "--debug")
    assert res.returncode != 0 and "Traceback" in res.stderr and "InputError" in res.stderr


# ------------------------------------------------------------------ predict
def test_predict_writes_forecasts_with_intervals(files, tmp_path):
    res = run_cli("predict", str(files["airline"]), "--model", "snaive(12)", "--horizon", "12")
    assert res.returncode == 0, res.stderr
    frame = pd.read_csv(__import__("io").StringIO(res.stdout))
    assert list(frame.columns) == ["timestamp", "mean", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert frame["timestamp"].tolist()[:2] == ["1961-01", "1961-02"]
    air = fc.datasets.load("airline")
    assert frame["mean"].tolist() == air.iloc[-12:].tolist()
    assert (frame["lower_95"] < frame["lower_80"]).all() and (frame["upper_95"] > frame["upper_80"]).all()
    out = tmp_path / "p.csv"
    res = run_cli("predict", str(files["m3"]), "--id-col", "series_id", "--model", "drift",
                  "--horizon", "3", "--levels", "90", "--out", str(out))
    assert res.returncode == 0, res.stderr
    frame = pd.read_csv(out)
    assert len(frame) == 9 and {"series_id", "lower_90", "upper_90"} <= set(frame.columns)


# ------------------------------------------------------------------ interruption and resume
def _interactive_signals() -> None:
    # As in a terminal: a test run started in the background inherits SIGINT ignored, and
    # Python then never raises KeyboardInterrupt, whatever the CLI does.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "forecast", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_interactive_signals)


def _wait_for_cache(proc: subprocess.Popen, cache: Path, n: int, timeout: float = 180) -> int:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = len(list(cache.glob("**/*.json"))) if cache.exists() else 0
        if done >= n:
            return done
        if proc.poll() is not None:
            pytest.fail(f"the run ended before it could be interrupted: {proc.stderr.read()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no finished task appeared in the cache in time")


SLOW_RUN = ["--models", "naive,arma(1,0)", "--refit", "always", "--horizon", "3", "--initial", "120"]


def test_ctrl_c_stops_cleanly_and_prints_the_resume_command(files, tmp_path):
    import signal

    out = tmp_path / "int"
    args = ["backtest", str(files["airline"]), *SLOW_RUN, "--out", str(out)]
    proc = _start(args)
    _wait_for_cache(proc, out / ".cache", 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "interrupted" in err and "--resume" in err and str(out / ".cache") in err
    assert not (out / "forecasts.csv").exists()  # nothing half-written
    assert len(list((out / ".cache").glob("**/*.json"))) >= 3


def test_resume_after_kill_reuses_finished_tasks(files, tmp_path):
    import signal

    out = tmp_path / "kill"
    args = ["backtest", str(files["airline"]), *SLOW_RUN, "--out", str(out), "--no-report"]
    proc = _start(args)
    _wait_for_cache(proc, out / ".cache", 4)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    kept = len(list((out / ".cache").glob("**/*.json")))
    assert not list(out.glob("*.csv"))
    res = run_cli(*args, "--resume")
    assert res.returncode == 0, res.stderr
    meta = json.loads((out / "run.json").read_text())["backtest"]
    assert meta["tasks_cached"] >= kept >= 4
    assert meta["tasks_computed"] + meta["tasks_cached"] == meta["tasks_total"]
    assert meta["tasks_computed"] > 0
    fcs = pd.read_csv(out / "forecasts.csv")
    # every model forecast every origin: 144 - 120 - 3 + 1 = 22 origins x 3 steps
    assert fcs.groupby("model").size().to_dict() == {"arma(1,0)": 66, "naive": 66}
    # the finished tasks were reused, and the numbers are those of an uninterrupted run
    ref = run_backtest(["naive"], fc.io.read_series(files["airline"])[0], horizon=3,
                      initial=120, refit=True, seed=0)
    want = ref.forecasts[ref.forecasts["model"] == "naive"]["y_pred"].to_numpy()
    got = fcs[fcs["model"] == "naive"]["y_pred"].to_numpy()
    assert (want == got).all()


# ------------------------------------------------------------------ one tiny network
@pytest.mark.keras
def test_tiny_lstm_run_keeps_keras_logs_off_the_terminal(files, tmp_path):
    out = tmp_path / "lstm"
    res = run_cli("backtest", str(files["airline"]), "--models",
                  "snaive(12),lstm(units=4, epochs=2, time_steps=12, verbose=2)",
                  "--horizon", "6", "--initial", "120", "--step", "3", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "Epoch" not in res.stdout and "Epoch" not in res.stderr
    assert "tensorflow" not in res.stderr.lower() and "cpu_feature_guard" not in res.stderr
    board = pd.read_csv(out / "leaderboard.csv")
    assert set(board["model"]) == {"snaive(12)", "lstm(units=4, epochs=2, time_steps=12, verbose=2)"}
    assert board["n_failed"].sum() == 0
    run = json.loads((out / "run.json").read_text())
    assert run["forecast_cli"]["needs_tensorflow"] == ["lstm(units=4, epochs=2, time_steps=12, verbose=2)"]


def test_readme_config_example_is_valid(tmp_path):
    from forecast.cli.config import RunConfig, load_config, parse_refit

    text = (ROOT / "README.md").read_text()
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "run.toml"
    path.write_text(example)
    cfg = RunConfig().merge(load_config(path))
    assert cfg.models[-1] == "lstm(units=32, epochs=50)" and cfg.initial == 0.7
    assert parse_refit(cfg.refit) == 6 and cfg.known_exog == ["promo"]
    assert cfg.data == str(tmp_path / "sales.csv")
    fc.create(cfg.models[-1])  # every spec builds


def test_constant_series_finishes_and_names_undefined_scores(tmp_path):
    """A constant CSV: the run finishes with the leaderboard and says which scores are
    undefined (it used to die in OWA with ZeroDivisionError after all the fitting)."""
    air = fc.datasets.load("airline")
    path = tmp_path / "flat.csv"
    pd.DataFrame({"month": air.index.astype(str)[:48], "units": 250.0}).to_csv(path, index=False)
    out = tmp_path / "flat"
    res = run_cli("backtest", str(path), "--models", "naive,mean", "--horizon", "3", "--initial", "40",
                  "--out", str(out), "--no-report")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "ZeroDivisionError" not in res.stderr
    assert any(line.startswith("rank") for line in res.stdout.splitlines())
    assert "note: MASE is undefined for series units (6 of 6 origins)" in res.stdout
    assert "does not change at lag m=12" in res.stdout and "note: OWA is undefined" in res.stdout
    board = pd.read_csv(out / "leaderboard.csv")
    assert (board["n_undefined_mase"] == 6).all() and board["owa"].isna().all()
    assert (board["smape"] == 0).all()


def test_season_flag_reaches_the_backtest(files, tmp_path):
    out = tmp_path / "season"
    res = run_cli("backtest", str(files["airline"]), "--models", "naive", "--horizon", "3", "--initial", "130",
                  "--season", "4", "--out", str(out), "--no-report")
    assert res.returncode == 0, res.stderr
    assert json.loads((out / "run.json").read_text())["backtest"]["settings"]["season"] == 4
    bad = run_cli("backtest", str(files["airline"]), "--models", "naive", "--horizon", "3", "--season", "0",
                  "--out", str(tmp_path / "bad"), "--no-report")
    assert_one_line_error(bad, "season")


def test_config_season_setting_and_inferred_season_in_print_config(files, tmp_path):
    (tmp_path / "airline.csv").write_bytes(files["airline"].read_bytes())
    cfg = tmp_path / "run.toml"
    cfg.write_text('[data]\npath = "airline.csv"\n\n[backtest]\nseason = 6\n')
    res = run_cli("backtest", "--config", str(cfg), "--print-config", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert tomllib.loads(res.stdout)["backtest"]["season"] == 6
    res = run_cli("backtest", str(files["airline"]), "--print-config", cwd=tmp_path)
    assert tomllib.loads(res.stdout)["backtest"]["season"] == 12  # from the monthly index


def test_integer_time_column_says_the_season_is_not_inferred(tmp_path):
    air = fc.datasets.load("airline")
    path = tmp_path / "steps.csv"
    pd.DataFrame({"t": range(len(air)), "passengers": air.to_numpy()}).to_csv(path, index=False)
    res = run_cli("backtest", str(path), "--models", "naive", "--horizon", "3", "--initial", "130",
                  "--out", str(tmp_path / "o"), "--no-report")
    assert res.returncode == 0, res.stderr
    assert "cannot infer the season" in res.stderr and "--season m" in res.stderr
