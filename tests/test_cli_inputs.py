"""Input files as people write them, bad destinations and packaging, through the command
line in subprocesses (and the Python reader) on the bundled real datasets."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import io as _io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast import io
from forecast.errors import ForecastWarning, InputError

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("KERAS_BACKEND", None)
    return subprocess.run([sys.executable, "-m", "forecast", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(res: subprocess.CompletedProcess, *needles: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    err = res.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("forecast: error: ")
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def forecasts(res: subprocess.CompletedProcess) -> pd.DataFrame:
    assert res.returncode == 0, res.stderr
    return pd.read_csv(_io.StringIO(res.stdout))


@pytest.fixture(scope="module")
def co2() -> pd.Series:
    return fc.datasets.load("co2")  # weekly, one decimal, dates with days up to 31


@pytest.fixture(scope="module")
def co2_csv(tmp_path_factory, co2) -> Path:
    path = tmp_path_factory.mktemp("co2") / "co2.csv"
    pd.DataFrame({"week": co2.index.strftime("%Y-%m-%d"), "co2": co2.to_numpy()}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def co2_reference(co2_csv) -> pd.DataFrame:
    return forecasts(run_cli("predict", str(co2_csv), "--model", "snaive(52)", "--horizon", "5"))


def _write(path: Path, header: str, rows) -> Path:
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------ 1. separators and decimal marks
def test_semicolon_file_with_decimal_commas_and_dotted_day_first_dates(tmp_path, co2, co2_reference):
    # how Excel writes CSV in most of Europe: 29.03.1958;316,1
    path = _write(tmp_path / "co2_eu.csv", "Datum;CO2",
                  [f"{t:%d.%m.%Y};{str(v).replace('.', ',')}" for t, v in co2.items()])
    got = forecasts(run_cli("predict", str(path), "--model", "snaive(52)", "--horizon", "5"))
    pd.testing.assert_frame_equal(got, co2_reference)
    y, _ = io.read_series(path)  # the Python reader detects the same
    np.testing.assert_array_equal(y.to_numpy(), co2.to_numpy())
    assert y.index.freqstr == co2.index.freqstr


def test_tab_separated_file(tmp_path, co2, co2_reference):
    path = tmp_path / "co2.tsv"
    pd.DataFrame({"week": co2.index.strftime("%Y-%m-%d"), "co2": co2.to_numpy()}).to_csv(
        path, sep="\t", index=False)
    got = forecasts(run_cli("predict", str(path), "--model", "snaive(52)", "--horizon", "5"))
    pd.testing.assert_frame_equal(got, co2_reference)


def test_ambiguous_decimal_mark_is_refused_and_decimal_flag_or_config_resolves_it(tmp_path):
    # airline passengers written in persons with a thousands comma under ';': 112,000 reads
    # as 112 with three decimals or as 112000
    air = fc.datasets.load("airline")
    path = _write(tmp_path / "air.csv", "month;passengers",
                  [f"{p};{int(v) * 1000:,}" for p, v in zip(air.index.astype(str), air, strict=True)])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "2"), "--decimal")
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "2", "--decimal", "."))
    assert got["mean"].tolist() == [air.iloc[-1] * 1000] * 2
    with pytest.raises(InputError, match="decimal="):
        io.read_series(path)
    y, _ = io.read_series(path, decimal=".")
    np.testing.assert_array_equal(y.to_numpy(), air.to_numpy() * 1000)
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[data]\npath = "{path.name}"\nsep = ";"\ndecimal = "."\n'
                   '[backtest]\nmodels = ["naive"]\nhorizon = 2\ninitial = 130\n'
                   f'[output]\nout = "{(tmp_path / "out").as_posix()}"\n')
    res = run_cli("backtest", "--config", str(cfg), "--no-report", "--quiet")
    assert res.returncode == 0, res.stderr
    fcst = pd.read_csv(tmp_path / "out" / "forecasts.csv")
    assert fcst["y_true"].min() >= 104_000  # read as thousands, not as 104.0


def test_rows_that_no_separator_splits_evenly_name_sep(tmp_path):
    air = fc.datasets.load("airline")
    path = _write(tmp_path / "edited.csv", "month,passengers",  # header kept, rows re-saved with ';'
                  [f"{p};{int(v)}" for p, v in zip(air.index.astype(str), air, strict=True)])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "2"), "--sep")
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "2", "--sep", ";"))
    assert got.shape[0] == 2


def test_plain_comma_and_space_separated_files_read_as_before(tmp_path, co2_csv, co2):
    y, _ = io.read_series(co2_csv)
    np.testing.assert_array_equal(y.to_numpy(), co2.to_numpy())
    air = fc.datasets.load("airline")
    txt = _write(tmp_path / "air.txt", "month passengers", [f"{p} {int(v)}" for p, v in air.items()])
    y, _ = io.read_series(txt)
    pd.testing.assert_series_equal(y, air, check_names=False, check_freq=False)


# ------------------------------------------------------------------ 2. day-first dates
def test_day_first_dates_are_inferred_when_a_day_above_12_proves_it(tmp_path, co2, co2_reference):
    path = _write(tmp_path / "co2_dmy.csv", "week,co2", [f"{t:%d/%m/%Y},{v}" for t, v in co2.items()])
    got = forecasts(run_cli("predict", str(path), "--model", "snaive(52)", "--horizon", "5"))
    pd.testing.assert_frame_equal(got, co2_reference)
    mdy = _write(tmp_path / "co2_mdy.csv", "week,co2", [f"{t:%m/%d/%Y},{v}" for t, v in co2.items()])
    pd.testing.assert_frame_equal(
        forecasts(run_cli("predict", str(mdy), "--model", "snaive(52)", "--horizon", "5")), co2_reference)


def test_dates_that_read_both_ways_need_date_format(tmp_path):
    # 01/01/2020 .. 01/12/2020: monthly read day-first, daily read month-first; both evenly spaced
    air = fc.datasets.load("airline")
    path = _write(tmp_path / "air_dmy.csv", "date,passengers",
                  [f"01/{m:02d}/2020,{int(v)}" for m, v in zip(range(1, 13), air, strict=False)])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "2"), "--date-format")
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "2",
                            "--date-format", "%d/%m/%Y"))
    assert got["timestamp"].tolist() == ["2021-01-01", "2021-02-01"]
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "2",
                           "--date-format", "%Y-%m-%d"), "'%Y-%m-%d'", "row 0")
    with pytest.raises(InputError, match="date_format="):
        io.read_series(path)


# ------------------------------------------------------------------ 4. Keras backend
def test_missing_keras_backend_is_refused_before_any_work(tmp_path):
    missing = [b for b in ("jax", "torch") if importlib.util.find_spec(b) is None]
    if not missing:
        pytest.skip("jax and torch are both installed here: no missing backend to ask for")
    out = tmp_path / "out"
    res = run_cli("backtest", "--models", "naive,lstm(units=4, epochs=1)", "--backend", missing[0],
                  "--out", str(out))
    one_line_error(res, f"--backend {missing[0]}", "not installed")
    assert not out.exists()  # nothing was fitted or written


# ------------------------------------------------------------------ 5. mixed UTC offsets
def test_mixed_utc_offsets_are_converted_to_utc_with_a_note(tmp_path, co2, co2_reference):
    # noon UTC written in Berlin local time: +01:00 in winter, +02:00 in summer
    local = (co2.index + pd.Timedelta(hours=12)).tz_localize("UTC").tz_convert("Europe/Berlin")
    path = _write(tmp_path / "co2_tz.csv", "time,co2", [f"{t.isoformat()},{v}" for t, v in zip(local, co2, strict=True)])
    res = run_cli("predict", str(path), "--model", "snaive(52)", "--horizon", "5")
    got = forecasts(res)
    assert "converted to UTC" in res.stderr
    np.testing.assert_array_equal(got["mean"], co2_reference["mean"])
    assert got["timestamp"].iloc[0].endswith("12:00:00+00:00")
    with pytest.warns(ForecastWarning, match="UTC"):
        y, _ = io.read_series(path)
    assert str(y.index.tz) == "UTC"


def test_mixed_utc_offsets_that_are_irregular_in_utc_are_refused(tmp_path, co2):
    # local midnights across daylight-saving changes are 23 or 25 hours apart in UTC... weekly here
    local = co2.index.tz_localize("Europe/Berlin")
    path = _write(tmp_path / "co2_local.csv", "time,co2", [f"{t.isoformat()},{v}" for t, v in zip(local, co2, strict=True)])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "2"),
                   "mixes UTC offsets", "row 0", "one offset")
    half = len(co2) // 2  # time stamps from two sources: without and with offsets
    stamps = [f"{t:%Y-%m-%d}" for t in co2.index[:half]] + [t.isoformat() for t in local[half:]]
    mixed = _write(tmp_path / "co2_half.csv", "time,co2", [f"{t},{v}" for t, v in zip(stamps, co2, strict=True)])
    one_line_error(run_cli("predict", str(mixed), "--model", "naive", "--horizon", "2"),
                   "with and without a UTC offset", "row 0")


# ------------------------------------------------------------------ 6. output destinations
def test_out_under_a_file_or_read_only_is_one_line(tmp_path, co2_csv):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    one_line_error(run_cli("backtest", str(co2_csv), "--models", "naive", "--out", str(blocker / "res")),
                   "--out", "a_file", "is a file")
    err = one_line_error(run_cli("predict", str(co2_csv), "--model", "naive", "--horizon", "2",
                                 "--out", str(blocker / "f.csv")), "--out", "is a file")
    assert ".tmp" not in err
    for target in ("/sys/forecast-results", "/proc/forecast-results"):  # not writable, even as root
        one_line_error(run_cli("backtest", str(co2_csv), "--models", "naive", "--out", target),
                       f"--out {target}")
    err = one_line_error(run_cli("predict", str(co2_csv), "--model", "naive", "--horizon", "2",
                                 "--out", "/sys/forecasts.csv"), "--out /sys/forecasts.csv")
    assert ".tmp" not in err and "forecast-write-test" not in err


# ------------------------------------------------------------------ 9. files too large for memory
def test_file_larger_than_memory_is_refused_at_once(tmp_path):
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:  # a sparse file: its size on disk is a few bytes
        fh.write(b"month,passengers\n1949-01,112\n")
        fh.truncate(physical)  # as large as the machine's memory: reading needs several times that
    res = run_cli("predict", str(path), "--model", "naive", "--horizon", "2", timeout=60)
    one_line_error(res, "too large", "GB", "smaller file")
    with pytest.raises(InputError, match="too large"):
        io.read_table(path)


# ------------------------------------------------------------------ 13. wording of errors
def test_cli_errors_name_flags_and_columns(tmp_path):
    macro = fc.datasets.load("macro")
    frame = macro.reset_index()
    frame[frame.columns[0]] = macro.index.astype(str)
    path = tmp_path / "macro.csv"
    frame.to_csv(path, index=False)
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "2"),
                   "name it with --target")
    with pytest.raises(InputError, match="name it with target="):
        io.read_series(path)
    frame.loc[20, "infl"] = np.nan  # a gap in one regressor
    gap = tmp_path / "macro_gap.csv"
    frame.to_csv(gap, index=False)
    one_line_error(run_cli("predict", str(gap), "--model", "armax(1,0)", "--horizon", "2",
                           "--target", "realgdp", "--exog", "infl", "realint"), "'infl'", "row 20")
    one_line_error(run_cli("predict", str(path), "--model", "armax(1,0)", "--horizon", "2",
                           "--target", "realgdp", "--exog", "infl"), "--future")
    one_line_error(run_cli("backtest", str(path), "--models", "armax(1,0)", "--target", "realgdp",
                           "--out", str(tmp_path / "o")), "--known-exog")


# ------------------------------------------------------------------ 14, 15. packaging
def _declared_requirements() -> list[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    lines = [ln.strip() for ln in cfg["options"]["install_requires"].splitlines() if ln.strip()]
    return [re.split(r"[<>=!~;\[ ]", ln, maxsplit=1)[0] for ln in lines]


def test_every_declared_dependency_is_imported():
    modules = {"scikit-learn": "sklearn", "tensorflow-cpu": "tensorflow"}
    imported: set[str] = set()
    for path in (ROOT / "forecast").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    unused = [r for r in _declared_requirements() if modules.get(r, r) not in imported]
    assert unused == [], f"declared in setup.cfg but never imported: {unused}"


@pytest.mark.slow
def test_wheel_contains_and_loads_every_bundled_dataset(tmp_path):
    import shutil

    src = tmp_path / "src"
    src.mkdir()
    for name in ("forecast", "data", "setup.cfg", "pyproject.toml", "README.md"):
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(item, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w",
                    str(tmp_path / "dist"), str(src)], check=True, capture_output=True, timeout=120)
    (wheel,) = (tmp_path / "dist").glob("forecast-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {f"forecast/data/{p.relative_to(ROOT / 'data').as_posix()}"
               for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert bundled - names == set()
    target = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--no-compile", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=120)
    code = ("import json, forecast\nfrom forecast import datasets\n"
            "print(json.dumps({'file': forecast.__file__, 'sizes': {n: len(datasets.load(n)) "
            "for n in datasets.names()}}))")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**env, "PYTHONPATH": str(target)}, timeout=120)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert Path(out["file"]).resolve().is_relative_to(target.resolve())
    assert set(out["sizes"]) == set(fc.datasets.names())
    assert all(size > 0 for size in out["sizes"].values())
    assert out["sizes"]["m3_yearly"] == len(fc.datasets.load("m3_yearly"))


# ------------------------------------------------------------------ 8. damaged cache entries
def test_resume_recomputes_cache_entries_of_the_wrong_shape(tmp_path, co2_csv):
    out = tmp_path / "out"
    args = ("backtest", str(co2_csv), "--models", "naive,snaive(52)", "--horizon", "4",
            "--initial", "2270", "--out", str(out), "--no-report", "--quiet")
    res = run_cli(*args)
    assert res.returncode == 0, res.stderr
    board = pd.read_csv(out / "leaderboard.csv")
    entries = sorted((out / ".cache").glob("**/*.json"))
    assert len(entries) >= 2
    entries[0].write_text("[]")
    entries[1].write_text(json.dumps({"key": entries[1].stem, "mean": "garbage"}))
    res = run_cli(*args, "--resume")
    assert res.returncode == 0, res.stderr
    again = pd.read_csv(out / "leaderboard.csv")
    timing = [c for c in board.columns if c.endswith("_seconds")]
    pd.testing.assert_frame_equal(again.drop(columns=timing), board.drop(columns=timing))


def test_excel_export_in_windows_1252(tmp_path, co2, co2_reference):
    # Excel's "CSV (semicolon-separated)" in Western Europe: cp1252 text, µ in the header
    path = tmp_path / "co2_excel.csv"
    text = "Woche;CO2 (µmol/mol)\r\n" + "".join(
        f"{t:%d.%m.%Y};{str(v).replace('.', ',')}\r\n" for t, v in co2.items())
    path.write_bytes(text.encode("cp1252"))
    got = forecasts(run_cli("predict", str(path), "--model", "snaive(52)", "--horizon", "5"))
    pd.testing.assert_frame_equal(got, co2_reference)
    y, _ = io.read_series(path)
    assert y.name == "CO2 (µmol/mol)"


# ------------------------------------------------------------------ files as people export them
def _german(value: float) -> str:
    """1009.14 as a German spreadsheet writes it: 1.009,14"""
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@pytest.fixture(scope="module")
def air() -> pd.Series:
    return fc.datasets.load("airline")


def test_german_export_with_thousands_marks_keeps_its_dates_and_season(tmp_path, air):
    # 01.01.1949;13.826,40 : the dates were read as the integer 1011949 and dropped (m = 1)
    path = _write(tmp_path / "umsatz.csv", "Datum;Umsatz",
                  [f"{p.to_timestamp():%d.%m.%Y};{_german(v * 123.45)}" for p, v in air.items()])
    y, _ = io.read_series(path)
    assert y.index.freqstr == "MS" and io.season_length(y.index) == 12
    np.testing.assert_allclose(y.to_numpy(), np.round(air.to_numpy() * 123.45, 2))
    got = forecasts(run_cli("predict", str(path), "--model", "snaive(12)", "--horizon", "2"))
    assert got["timestamp"].tolist() == ["1961-01-01", "1961-02-01"]
    np.testing.assert_allclose(got["mean"], np.round(air.to_numpy()[-12:-10] * 123.45, 2), rtol=1e-5)
    res = run_cli("backtest", str(path), "--models", "naive", "--horizon", "2", "--initial", "140",
                  "--no-report", "--quiet", "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert '"season": 12' in (tmp_path / "out" / "run.json").read_text()  # not m = 1 on integer steps


def test_a_named_time_column_is_parsed_as_time_or_refused(tmp_path, air):
    path = _write(tmp_path / "umsatz.csv", "Datum;Umsatz",
                  [f"{p.to_timestamp():%d.%m.%Y};{_german(v * 123.45)}" for p, v in air.items()])
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "1",
                            "--time-col", "Datum", "--date-format", "%d.%m.%Y"))
    assert got["timestamp"].tolist() == ["1961-01-01"]
    # a column of numbers named as the time column is refused, not taken as steps
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1",
                           "--time-col", "Umsatz", "--target", "Umsatz"), "'Umsatz'", "numbers", "--time-col")
    with pytest.raises(InputError, match="holds numbers"):
        io.read_series(path, time_col="Umsatz", target="Umsatz")


@pytest.mark.parametrize("kind", ["us", "de"])
def test_thousands_marks_with_month_dates(tmp_path, air, kind):
    if kind == "us":  # "14,692.95" quoted, month dates 01.1949
        rows = [f'{p.to_timestamp():%m.%Y},"{v * 123.45:,.2f}"' for p, v in air.items()]
        path = _write(tmp_path / "us.csv", "month,sales", rows)
    else:  # 14.692,95 with 01.1949
        rows = [f"{p.to_timestamp():%m.%Y};{_german(v * 123.45)}" for p, v in air.items()]
        path = _write(tmp_path / "de.csv", "Monat;Umsatz", rows)
    y, _ = io.read_series(path)
    assert isinstance(y.index, pd.PeriodIndex) and y.index.freqstr == "M"
    assert str(y.index[0]) == "1949-01"
    np.testing.assert_allclose(y.to_numpy(), np.round(air.to_numpy() * 123.45, 2))
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "1"))
    assert got["timestamp"].tolist() == ["1961-01"]
    assert got["mean"].iloc[0] == pytest.approx(round(air.iloc[-1] * 123.45, 2))


def test_thousands_flag_and_config_settle_what_the_digits_do_not(tmp_path, air):
    # 112.000 alone reads as 112 with a decimal point or as 112000
    path = _write(tmp_path / "air.csv", "month;passengers",
                  [f"{p};{int(v)}.000" for p, v in air.items()])
    y, _ = io.read_series(path, thousands=".")
    np.testing.assert_array_equal(y.to_numpy(), air.to_numpy() * 1000)
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "1", "--thousands", "."))
    assert got["mean"].iloc[0] == air.iloc[-1] * 1000
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[data]\npath = "{path.name}"\nthousands = "."\n'
                   '[backtest]\nmodels = ["naive"]\nhorizon = 2\ninitial = 130\n'
                   f'[output]\nout = "{(tmp_path / "out").as_posix()}"\n')
    res = run_cli("backtest", "--config", str(cfg), "--no-report", "--quiet")
    assert res.returncode == 0, res.stderr
    assert pd.read_csv(tmp_path / "out" / "forecasts.csv")["y_true"].min() >= 104_000
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1", "--thousands", "x"),
                   "--thousands")


def test_dotted_and_regular_dates_are_read_day_first(tmp_path, air):
    # 01.01.2010 .. 01.12.2010: only the day-first reading is evenly spaced, and dots are day-first
    path = _write(tmp_path / "dot.csv", "Datum;Wert",
                  [f"{p.to_timestamp():%d.%m.%Y};{int(v)}" for p, v in air.items()])
    y, _ = io.read_series(path)
    assert y.index.freqstr == "MS" and y.index[1] == pd.Timestamp("1949-02-01")
    slash = _write(tmp_path / "slash.csv", "date,value",
                   [f"{p.to_timestamp():%m/%d/%Y},{int(v)}" for p, v in air.items()])  # 02/01/1949
    got = forecasts(run_cli("predict", str(slash), "--model", "naive", "--horizon", "1"))
    assert got["timestamp"].tolist() == ["1961-01-01"]


def test_mixed_iso_and_day_first_dates_are_named_as_such(tmp_path, air):
    stamps = [f"{p.to_timestamp():%Y-%m-%d}" for p in air.index[:70]] + \
             [f"{p.to_timestamp():%d.%m.%Y}" for p in air.index[70:]]
    path = _write(tmp_path / "merged.csv", "date;value", [f"{t};{int(v)}" for t, v in zip(stamps, air, strict=True)])
    err = one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1"),
                         "mixed date formats", "row 70")
    assert "duplicate" not in err
    with pytest.raises(InputError, match="mixed date formats"):
        io.read_series(path)


def test_a_given_separator_that_leaves_one_column_or_splits_numbers_is_refused(tmp_path, air):
    path = _write(tmp_path / "eu.csv", "Datum;Umsatz",
                  [f"{p.to_timestamp():%d.%m.%Y};" + f"{v * 1.5:.1f}".replace(".", ",") for p, v in air.items()])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1", "--sep", ","),
                   "--sep ','", "decimal comma", "';'")
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1", "--sep", "tab"),
                   "leaves one column", "';'")
    with pytest.raises(InputError, match="leaves one column"):
        io.read_series(path, sep="|")


def test_gzip_and_utf16_files_are_read(tmp_path, air):
    import gzip

    text = "month,passengers\n" + "".join(f"{p},{int(v)}\n" for p, v in air.items())
    gz = tmp_path / "air.csv.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    u16 = tmp_path / "air_utf16.csv"
    u16.write_bytes(text.replace(",", "\t").encode("utf-16"))  # Excel's "Unicode text"
    for path in (gz, u16):
        y, _ = io.read_series(path)
        pd.testing.assert_series_equal(y, air, check_names=False, check_freq=False)
        got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "1"))
        assert got["mean"].iloc[0] == air.iloc[-1]


def test_files_that_are_not_tables_say_what_they_are(tmp_path, air):
    png = tmp_path / "chart.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    one_line_error(run_cli("predict", str(png), "--model", "naive", "--horizon", "1"), "PNG image")
    xlsx = tmp_path / "sales.xlsx"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    if importlib.util.find_spec("openpyxl") is None:
        one_line_error(run_cli("predict", str(xlsx), "--model", "naive", "--horizon", "1"),
                       "Excel workbook", "CSV")
    renamed = tmp_path / "sales.csv"
    renamed.write_bytes(xlsx.read_bytes())
    one_line_error(run_cli("predict", str(renamed), "--model", "naive", "--horizon", "1"),
                   "Excel workbook", "CSV")


def test_a_panel_without_id_col_names_the_id_column(tmp_path, air):
    rows = [f"{store},{p},{int(v) + k}" for k, store in enumerate(["north", "south", "east"])
            for p, v in air.items()]
    path = _write(tmp_path / "stores.csv", "store,month,sales", rows)
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1"),
                   "'store'", "--id-col store")
    with pytest.raises(InputError, match="id_col='store'"):
        io.read_series(path, target="sales")


def test_a_title_line_above_the_header_is_named_and_skip_rows_reads_it(tmp_path, air):
    path = _write(tmp_path / "report.csv", "Passagiere 1949-1960\nmonth;passengers",
                  [f"{p};{int(v)}" for p, v in air.items()])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1"), "title",
                   "--skip-rows 1")
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "1", "--skip-rows", "1"))
    assert got["mean"].iloc[0] == air.iloc[-1]
    y, _ = io.read_series(path, skip_rows=1)
    pd.testing.assert_series_equal(y, air, check_names=False, check_freq=False)
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[data]\npath = "{path.name}"\nskip_rows = 1\n'
                   '[backtest]\nmodels = ["naive"]\nhorizon = 2\ninitial = 130\n'
                   f'[output]\nout = "{(tmp_path / "out").as_posix()}"\n')
    res = run_cli("backtest", "--config", str(cfg), "--no-report", "--quiet")
    assert res.returncode == 0, res.stderr


def test_an_unproven_thousands_mark_names_the_flag_and_the_flag_reads_it(tmp_path, air):
    # "1,120" quoted in a comma file: a thousands comma or a decimal one; nothing in the digits says
    path = _write(tmp_path / "us.csv", "month,sales", [f'{p},"{int(v) * 10:,}"' for p, v in air.items()])
    one_line_error(run_cli("predict", str(path), "--model", "naive", "--horizon", "1"),
                   "'1,120'", "--thousands ','")
    got = forecasts(run_cli("predict", str(path), "--model", "naive", "--horizon", "1", "--thousands", ","))
    assert got["mean"].iloc[0] == air.iloc[-1] * 10
    y, _ = io.read_series(path, thousands=",")
    np.testing.assert_array_equal(y.to_numpy(), air.to_numpy() * 10)


# ------------------------------------------------------------------ issue 17 §2: no look-ahead through the inputs
@pytest.fixture(scope="module")
def promo_csv(tmp_path_factory) -> Path:
    """The macro data as a sales file: realcons is the target, 'copy' the target's values
    under another name, realdpi a fair regressor, 'promo' a zero/one dummy."""
    macro = fc.datasets.load("macro")
    frame = pd.DataFrame({"quarter": macro.index.astype(str), "sales": macro["realcons"].to_numpy(),
                          "copy": macro["realcons"].to_numpy(), "realdpi": macro["realdpi"].to_numpy(),
                          "promo": (np.arange(len(macro)) % 4 == 0).astype(float)})
    path = tmp_path_factory.mktemp("promo") / "promo.csv"
    frame.to_csv(path, index=False)
    return path


def test_the_target_or_its_copy_as_a_regressor_is_refused_in_the_cli(promo_csv, tmp_path):
    out = str(tmp_path / "o")
    one_line_error(run_cli("backtest", str(promo_csv), "--target", "sales", "--known-exog", "sales",
                           "--models", "naive,armax(1,0)", "--out", out), "'sales'", "look-ahead")
    one_line_error(run_cli("backtest", str(promo_csv), "--target", "sales", "--known-exog", "copy",
                           "--models", "naive,armax(1,0)", "--out", out), "'copy'", "values of the target",
                   "--exog/--known-exog")
    one_line_error(run_cli("predict", str(promo_csv), "--target", "sales", "--exog", "sales",
                           "--model", "armax(1,0)", "--horizon", "2"), "'sales'", "look-ahead")
    assert not (tmp_path / "o").exists()


def test_a_column_both_observed_and_known_is_refused(promo_csv, tmp_path):
    one_line_error(run_cli("backtest", str(promo_csv), "--target", "sales", "--exog", "promo",
                           "--known-exog", "promo", "--models", "naive,armax(1,0)", "--out", str(tmp_path / "o")),
                   "'promo'", "--exog", "--known-exog")
    with pytest.raises(InputError, match="both"):
        io.regressor_columns(["promo"], ["promo"])


def test_the_target_as_a_regressor_is_refused_in_the_config(promo_csv, tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'[data]\npath = "{promo_csv.as_posix()}"\ntarget = "sales"\nknown_exog = ["realdpi", "copy"]\n'
                   f'[backtest]\nmodels = ["naive", "armax(1,0)"]\n[output]\nout = "{(tmp_path / "o").as_posix()}"\n')
    one_line_error(run_cli("backtest", "--config", str(cfg), "--no-report", "--quiet"), "'copy'", "look-ahead")
    cfg.write_text(f'[data]\npath = "{promo_csv.as_posix()}"\ntarget = "sales"\nexog = ["sales"]\n'
                   f'[backtest]\nmodels = ["naive", "armax(1,0)"]\n[output]\nout = "{(tmp_path / "o").as_posix()}"\n')
    one_line_error(run_cli("backtest", "--config", str(cfg), "--no-report", "--quiet"), "'sales'", "--exog")


def test_the_target_among_the_regressors_is_refused_by_the_api(promo_csv):
    frame = pd.read_csv(promo_csv)
    y = frame["sales"]
    with pytest.raises(InputError, match="'copy' holds exactly the values of the target 'sales'.*look-ahead"):
        fc.backtest(["naive", "armax(1,0)"], y, X=frame[["realdpi", "copy"]], known_exog=["realdpi", "copy"],
                    horizon=4, initial=150)
    with pytest.raises(InputError, match="'sales' is the target 'sales' itself"):
        fc.ARMAX(p=1, q=0).fit(y, frame[["sales", "realdpi"]])
    panel = {"a": y, "b": y * 2.0}
    X = {"a": frame[["realdpi"]], "b": pd.DataFrame({"realdpi": y * 2.0})}
    with pytest.raises(InputError, match=r"X\['b'\] column 'realdpi' holds exactly the values"):
        fc.backtest(["naive", "armax(1,0)"], panel, X=X, known_exog=["realdpi"], horizon=4, initial=150)
    # a fair regressor still works, and a future file with a zero/one dummy is not mistaken for the target
    ok = fc.ARMAX(p=1, q=0).fit(y, frame[["realdpi", "promo"]])
    assert len(ok.predict(2, frame[["realdpi", "promo"]].iloc[:2])) == 2


def test_a_future_file_with_a_constant_dummy_is_not_taken_for_the_target(promo_csv, tmp_path):
    future = tmp_path / "future.csv"
    pd.DataFrame({"quarter": ["2009Q4", "2010Q1"], "promo": [0.0, 0.0]}).to_csv(future, index=False)
    got = forecasts(run_cli("predict", str(promo_csv), "--target", "sales", "--exog", "promo",
                            "--model", "armax(1,0)", "--horizon", "2", "--future", str(future)))
    assert len(got) == 2 and np.isfinite(got["mean"]).all()


# ------------------------------------------------------------------ issue 17 §4: huge sizes
def test_a_huge_horizon_is_one_line_before_anything_is_allocated(tmp_path):
    air = fc.datasets.load("airline")
    dated, steps = tmp_path / "good.csv", tmp_path / "steps.csv"
    pd.DataFrame({"month": air.index.astype(str), "passengers": air.to_numpy()}).to_csv(dated, index=False)
    pd.DataFrame({"passengers": air.to_numpy()}).to_csv(steps, index=False)
    # before: OutOfBoundsDatetime (exit 1); on an integer index a MemoryError
    one_line_error(run_cli("predict", str(dated), "--model", "naive", "--horizon", "1000000000"),
                   "1000000000 steps", "give --horizon at most")
    one_line_error(run_cli("predict", str(steps), "--model", "naive", "--horizon", str(10**12)),
                   "of memory", "give --horizon at most")


def test_more_jobs_than_cores_is_capped_with_a_note(tmp_path):
    cores = os.cpu_count() or 1
    air = tmp_path / "air.csv"
    series = fc.datasets.load("airline")
    pd.DataFrame({"month": series.index.astype(str), "passengers": series.to_numpy()}).to_csv(air, index=False)
    res = run_cli("backtest", str(air), "--models", "naive,drift", "--horizon", "3", "--initial", "130",
                  "--step", "3", "--jobs", "1000", "--no-report", "--out", str(tmp_path / "o"))
    assert res.returncode == 0, res.stderr
    assert f"--jobs=1000 asks for more workers than the {cores} CPU core(s) of this machine; running {cores}" in " ".join(res.stderr.split())
