"""The ``forecast`` command line (also ``python -m forecast``).

Commands
--------
``forecast backtest [DATA]``
    Score models side by side on rolling origins; leaderboard in the terminal, tidy CSVs,
    plots and a self-contained ``report.html`` in ``--out``. Without DATA: the default
    comparison on the bundled airline series.
``forecast predict DATA --model SPEC --horizon H``
    Fit one model on all the data and write its forecasts with intervals as CSV.
``forecast models`` / ``forecast datasets``
    What can be used: registered models and their parameters; the bundled datasets.

Every bad input ends with one line on stderr and exit status 2 (``--debug`` shows the
traceback). ``forecast backtest`` exits with 0 when every model forecast every origin, 3
when some forecasts failed (the comparison ran over the models and origins that succeeded;
one line on stderr says which model failed and why, ``failures.csv`` has every failure)
and 4 when nothing could be scored. Start-up imports nothing heavy: ``forecast --help`` and a classical-only run
never import tensorflow.

>>> build_parser().parse_args(["backtest", "sales.csv", "--horizon", "6"]).horizon
6
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["main", "build_parser", "UsageError"]

PROG = "forecast"
EXIT_INPUT = 2
EXIT_SOME_FAILED = 3  # some forecasts failed; the comparison ran over the rest
EXIT_NOTHING_SCORED = 4  # no origin where the models forecast: nothing compared
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command-line usage mistake (unknown flag, missing value); exits with status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block
        raise UsageError(f"{message} (see '{self.prog} --help')")


# ================================================================== parser
def _add_data_args(p: argparse.ArgumentParser, *, optional_data: bool) -> None:
    p.add_argument("data", nargs="?" if optional_data else None, metavar="DATA",
                   help="CSV or Parquet file (or the name of a bundled dataset, see 'forecast datasets')"
                   + ("; omitted: the bundled airline series" if optional_data else ""))
    p.add_argument("--target", help="column to forecast (default: the only numeric column left)")
    p.add_argument("--time-col", dest="time_col", help="time column (default: detected)")
    p.add_argument("--id-col", dest="id_col", help="series id column of a long panel file")
    p.add_argument("--exog", nargs="+", metavar="COL", action="extend",
                   help="observed exogenous regressors: used only up to each forecast origin")
    p.add_argument("--known-exog", dest="known_exog", nargs="+", metavar="COL", action="extend",
                   help="exogenous regressors known in advance (their future values may be used)")
    p.add_argument("--sep", type=_separator,
                   help="field separator of a text file: ',' ';' 'tab' '|' (default: detected)")
    p.add_argument("--decimal", choices=[".", ","],
                   help="decimal mark of a text file (default: detected; ',' as Excel writes in much of Europe)")
    p.add_argument("--date-format", dest="date_format", metavar="FORMAT",
                   help="strptime format of the time column, e.g. '%%d/%%m/%%Y' (default: detected; "
                        "dates like 01/02/2020 need it)")
    p.add_argument("--seed", type=_int("--seed"), help="random seed (networks, sampling); default 0")
    p.add_argument("--backend", choices=["tensorflow", "jax", "torch"],
                   help="Keras backend for recurrent models (sets KERAS_BACKEND for this run only)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or messages")
    p.add_argument("--debug", action="store_true", help="show tracebacks and library logs")


def _separator(text: str) -> str:
    from .errors import InputError
    from .sniff import parse_sep

    try:
        return parse_sep(text)
    except InputError:
        raise argparse.ArgumentTypeError(f"--sep needs one character such as ';' or 'tab'; got {text!r}") from None


def _int(flag: str):
    def convert(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} needs a whole number; got {text!r}") from None

    convert.__name__ = "whole number"
    return convert


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``forecast`` command (argparse, no heavy imports)."""
    parser = _Parser(
        prog=PROG,
        description="Do recurrent networks beat the ARMA family on your series, by how much, "
                    "and is the difference real?",
        epilog="Exit status of backtest: 0 every model forecast every origin; 2 bad input; "
               "3 some forecasts failed (compared without them, see failures.csv); "
               "4 nothing could be scored.\n\n"
               "Examples:\n"
               "  forecast backtest                           # default comparison on the airline series\n"
               "  forecast backtest sales.csv --models \"naive,arma(auto),lstm\" --horizon 12\n"
               "  forecast backtest --config run.toml --print-config\n"
               "  forecast predict sales.csv --model \"arima(0,1,1)\" --horizon 6\n"
               "  forecast models\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    bt = sub.add_parser("backtest", help="score models side by side on rolling forecast origins",
                        description="Backtest models on rolling origins and write a leaderboard, "
                                    "tidy results and an HTML report.",
                        epilog="Exit status: 0 every model forecast every origin; 2 bad input; 3 some "
                               "forecasts failed (the others were compared; one line on stderr names the "
                               "failed model, failures.csv has every failure); 4 nothing could be scored.")
    _add_data_args(bt, optional_data=True)
    bt.add_argument("--models", help='comma-separated specs, e.g. "naive,ar(12),arma(auto),lstm(units=32),gru"')
    bt.add_argument("--horizon", type=_int("--horizon"), help="steps ahead to forecast from each origin")
    bt.add_argument("--initial", help="first origin: a count of observations or a fraction (e.g. 0.7)")
    bt.add_argument("--step", type=_int("--step"), help="steps between origins (default 1)")
    bt.add_argument("--window", help="'expanding' (default) or a sliding-window length")
    bt.add_argument("--refit", help="always | never | every:K (default never: fit once, then update)")
    bt.add_argument("--metrics", help="comma-separated metrics (default mae,rmse,smape,mase)")
    bt.add_argument("--season", type=_int("--season"),
                    help="season length m for MASE/RMSSE, seasonal naive and Naive2 (default: from the "
                         "frequency, e.g. 12 monthly, 24 hourly, 96 for 15 minutes; 1 when it has none)")
    bt.add_argument("--jobs", type=_int("--jobs"), help="parallel worker processes (default 1)")
    bt.add_argument("--dask", metavar="ADDRESS", help="run the tasks on a Dask scheduler at ADDRESS")
    bt.add_argument("--out", help="output folder (default ./forecast-results)")
    bt.add_argument("--config", help="TOML configuration file; flags override it")
    bt.add_argument("--print-config", dest="print_config", action="store_true",
                    help="print the effective configuration as TOML and exit")
    bt.add_argument("--resume", action="store_true",
                    help="reuse the finished tasks cached in OUT by an interrupted run")
    bt.add_argument("--no-report", dest="no_report", action="store_true",
                    help="skip the plots and report.html")

    pr = sub.add_parser("predict", help="fit one model on all the data and forecast ahead",
                        description="Fit one model on all the data and write its forecasts with "
                                    "prediction intervals as CSV (stdout or --out).")
    _add_data_args(pr, optional_data=False)
    pr.add_argument("--model", required=True, help='model spec, e.g. "arma(2,1)" or "lstm(units=16)"')
    pr.add_argument("--horizon", required=True, type=_int("--horizon"), help="steps ahead")
    pr.add_argument("--future", metavar="FILE",
                    help="CSV/Parquet with the exogenous values for the horizon (models with --exog)")
    pr.add_argument("--levels", default="80,95", help="interval levels in percent (default 80,95)")
    pr.add_argument("--out", help="write the CSV here instead of stdout")

    md = sub.add_parser("models", help="list the models, their parameters and defaults")
    md.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    ds = sub.add_parser("datasets", help="list the bundled datasets")
    ds.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


# ================================================================== helpers
def _err(message: str) -> None:
    text = " ".join(str(message).split("\n")).strip()
    sys.stderr.write(f"{PROG}: error: {text}\n")


def _say(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


def _configure_environment(args: argparse.Namespace) -> None:
    """Before anything imports keras: backend choice and library log levels."""
    if getattr(args, "backend", None):
        _use_backend(args.backend)
    if not getattr(args, "debug", False):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import logging
        import warnings

        logging.getLogger("absl").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module="tensorflow")
        warnings.filterwarnings("ignore", module="keras")


_BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
#: how error messages name the settings: the flags of this command
_FLAG_NAMES = {"target": "--target", "time_col": "--time-col", "id_col": "--id-col",
               "exog": "--exog", "known_exog": "--known-exog", "X": "--exog", "X_future": "--future",
               "sep": "--sep", "decimal": "--decimal", "date_format": "--date-format",
               "horizon": "--horizon", "backend": "--backend"}


def _use_backend(name: str) -> None:
    """Set the Keras backend for this run, refusing one whose package is not installed
    (before any data is read or model fitted; nothing is imported here)."""
    import importlib.util

    from .errors import InputError

    package = _BACKEND_PACKAGES.get(name)
    if package is None:
        raise InputError(f"unknown --backend {name!r}; use one of {', '.join(_BACKEND_PACKAGES)}")
    if importlib.util.find_spec(package) is None:
        hint = "pip install 'forecast[jax]'" if name == "jax" else f"pip install {package}"
        raise InputError(f"--backend {name}: the package '{package}' is not installed; run: {hint}, "
                         "or use --backend tensorflow")
    os.environ["KERAS_BACKEND"] = name  # this process only, on the user's request


# ================================================================== terminal tables
def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def render_table(headers: list[str], rows: list[list[Any]], *, title: str | None = None,
                 wrap_col: int | None = None, styles: list[str | None] | None = None,
                 file: Any = None, drop_order: list[str] = (),
                 abbreviations: dict[str, str] | None = None) -> list[str]:
    """Print a table: rich on a terminal, fitted to its width (the wrap column folds, then
    the ``abbreviations`` apply, then the ``drop_order`` columns are left out; numbers are
    never cut), plain aligned text otherwise (pipes, files). Returns the headers left out."""
    file = file or sys.stdout
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if file is sys.stdout and _stdout_is_tty():
        from .termtable import print_rich

        numeric = [bool(cells) and all(_looks_numeric(r[i]) for r in cells) for i in range(len(headers))]
        plan = print_rich(headers, cells, file=file, title=title, wrap_col=wrap_col, styles=styles,
                          numeric=numeric, drop_order=drop_order, abbreviations=abbreviations)
        return plan.dropped
    import textwrap

    def parts_of(row: list[str]) -> list[list[str]]:
        if wrap_col is None or len(row[wrap_col]) <= 60:
            return [row]
        pieces = textwrap.wrap(row[wrap_col], 60, break_on_hyphens=False) or [""]
        return [row[:wrap_col] + [pieces[0]] + row[wrap_col + 1:]] + [
            [""] * wrap_col + [p] + [""] * (len(row) - wrap_col - 1) for p in pieces[1:]]

    widths = [max([len(h)] + [len(p[i]) for r in cells for p in parts_of(r)]) for i, h in enumerate(headers)]
    numeric = [bool(cells) and all(_looks_numeric(r[i]) for r in cells) for i in range(len(headers))]

    def line(values: list[str]) -> str:
        out = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(out).rstrip()

    if title:
        file.write(title + "\n")
    file.write(line(headers) + "\n")
    file.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        for part in parts_of(row):
            file.write(line(part) + "\n")
    file.flush()
    return []


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%*"))
        return True
    except ValueError:
        return text in ("", "-", "–")


# ================================================================== models & datasets
def _signature_from_source(target: str) -> tuple[list[tuple[str, str]], str]:
    """Parameters (name, default text) and docstring summary of ``module:Class`` read from
    its source with ``ast`` (so listing a Keras model never imports tensorflow)."""
    import ast
    import importlib.util

    module, _, cls_name = target.partition(":")
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return [], ""
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    classes = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}

    override: dict[str, str] = {}

    def find(name: str, seen: set[str]):
        node = classes.get(name)
        if node is None or name in seen:
            return None, node
        seen.add(name)
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                return item, node
            # ``__init__ = _with_default_cell("gru")``: the base's signature, first default replaced
            if (isinstance(item, ast.Assign) and any(getattr(t, "id", None) == "__init__" for t in item.targets)
                    and isinstance(item.value, ast.Call) and len(item.value.args) == 1
                    and isinstance(item.value.args[0], ast.Constant)):
                override["first"] = repr(item.value.args[0].value)
        for base in node.bases:
            base_name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)
            if base_name:
                init, _ = find(base_name, seen)
                if init is not None:
                    return init, node
        return None, node

    init, node = find(cls_name, set())
    doc = (ast.get_docstring(node) or "").strip().split("\n")[0] if node is not None else ""
    params: list[tuple[str, str]] = []
    if init is not None:
        a = init.args
        pos = a.posonlyargs + a.args
        pos_defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
        for arg, default in list(zip(pos, pos_defaults, strict=True))[1:] + list(
                zip(a.kwonlyargs, a.kw_defaults, strict=True)):
            params.append((arg.arg, ast.unparse(default) if default is not None else ""))
    if params and "first" in override:
        params[0] = (params[0][0], override["first"])
    return params, doc


def model_catalog() -> list[dict[str, Any]]:
    """One row per registered model: name, example spec, parameters with defaults,
    whether it needs tensorflow, description. Never imports tensorflow."""
    import inspect

    from .models import registry

    rows = []
    for entry in registry.entries():
        if entry.needs_keras:
            params, doc = _signature_from_source(entry.target)
        else:
            try:
                cls = entry.load()
            except ImportError:
                params, doc = _signature_from_source(entry.target)
            else:
                sig = inspect.signature(cls.__init__)
                params = [(n, "" if p.default is inspect.Parameter.empty else repr(p.default))
                          for n, p in sig.parameters.items()
                          if n != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
                doc = (inspect.getdoc(cls) or "").split("\n")[0]
        params = [(entry.spec_names.get(n, n), d) for n, d in params]  # as written in --models
        text = ", ".join(f"{n}={d}" if d else n for n, d in params) or "-"
        example = entry.name
        if entry.positional:
            example = f"{entry.name}({', '.join(entry.positional)})"
        rows.append({"name": entry.name, "spec": example, "params": text,
                     "needs_tensorflow": bool(entry.needs_keras),
                     "description": entry.description or doc})
    return rows


def dataset_catalog() -> list[dict[str, Any]]:
    """One row per bundled dataset: name, length, frequency, number of series, description."""
    from . import datasets

    rows = []
    for name in datasets.names():
        data = datasets.load(name)
        if name.startswith("m3_"):
            lengths = [len(s) for s in data.values()]
            first = next(iter(data.values()))
            rows.append({"name": name, "length": f"{min(lengths)}-{max(lengths)}",
                         "frequency": _freq_name(first.index), "series": len(data),
                         "description": f"M3 competition, {name[3:]} series (long panel)"})
            continue
        meta = datasets.info(name)
        cols = "" if not hasattr(data, "columns") else f"; columns {', '.join(map(str, data.columns))}"
        rows.append({"name": name, "length": len(data), "frequency": meta.frequency, "series": 1,
                     "description": meta.description + cols})
    return rows


def _freq_name(index: Any) -> str:
    import pandas as pd

    if isinstance(index, pd.PeriodIndex | pd.DatetimeIndex) and index.freqstr:
        code = index.freqstr.split("-")[0].rstrip("SE").upper() or index.freqstr
        return {"M": "monthly", "Q": "quarterly", "Y": "yearly", "A": "yearly", "W": "weekly",
                "D": "daily", "B": "business daily", "H": "hourly"}.get(code, index.freqstr)
    return "integer steps"


# ================================================================== data
def load_data(data: str | None, *, target: str | None = None, time_col: str | None = None,
              id_col: str | None = None, exog: list[str] | None = None, sep: str | None = None,
              decimal: str | None = None, date_format: str | None = None,
              say: Callable[[str], None] | None = None) -> tuple[Any, Any, str]:
    """``(y, X, label)`` from a CSV/Parquet path or a bundled dataset name (None: airline).

    ``y`` is a validated Series, or a dict of them for a panel; ``X`` the exogenous columns.
    ``sep``, ``decimal`` and ``date_format`` describe a text file (detected when ``None``);
    notes about the reading (time stamps converted to UTC) go to ``say``.
    """
    import warnings

    from .errors import ForecastWarning

    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always", ForecastWarning)
        loaded = _load_data(data, target=target, time_col=time_col, id_col=id_col, exog=exog,
                            sep=sep, decimal=decimal, date_format=date_format)
    for note in notes:
        if issubclass(note.category, ForecastWarning) and say is not None:
            say(f"note: {note.message}")
        elif not issubclass(note.category, ForecastWarning):
            warnings.warn_explicit(note.message, note.category, note.filename, note.lineno)
    return loaded


def _load_data(data, *, target, time_col, id_col, exog, sep, decimal, date_format):
    import pandas as pd

    from . import datasets, io

    exog = list(exog or [])
    if data is None:
        data = "airline"
    path = Path(data)
    if not path.exists() and data in datasets.names():
        loaded = datasets.load(data)
        if isinstance(loaded, dict):  # an M3 panel
            frame = pd.concat(
                [pd.DataFrame({"series_id": k, "timestamp": s.index.astype(str) if not
                               pd.api.types.is_integer_dtype(s.index.dtype) else s.index,
                               "value": s.to_numpy()}) for k, s in loaded.items()],
                ignore_index=True)
            id_col = id_col or "series_id"
            time_col = time_col or "timestamp"
            target = target or "value"
        else:
            if isinstance(loaded, pd.Series):
                loaded = loaded.to_frame(loaded.name or data)
            tname = loaded.index.name or "time"
            frame = loaded.reset_index()
            if isinstance(loaded.index, pd.PeriodIndex):
                frame[tname] = loaded.index.astype(str)
            time_col = time_col or tname
            target = target or str(loaded.columns[0])
        y, X = io.read_series(frame, target=target, time_col=time_col, id_col=id_col, exog=exog)
        return y, X, f"bundled dataset {data!r}"
    y, X = io.read_series(path, target=target, time_col=time_col, id_col=id_col, exog=exog,
                          sep=sep, decimal=decimal, date_format=date_format)
    return y, X, str(path)


def _file_hash(data: str | None) -> str | None:
    import hashlib

    if data is None or not Path(data).is_file():
        return None
    digest = hashlib.sha256()
    with open(data, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _parse_levels(text: str) -> list[float]:
    from .errors import InputError

    try:
        levels = [float(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise InputError(f"--levels must be numbers in percent such as 80,95; got {text!r}") from None
    bad = [v for v in levels if not 0 < v < 100]
    if bad or not levels:
        raise InputError(f"--levels must be between 0 and 100 (e.g. 80,95); got {text!r}")
    return levels


def _with_seed(model: Any, seed: int | None) -> Any:
    if seed is None:
        return model
    names = model._param_names()
    for name in ("seed", "random_state"):
        if name in names and getattr(model, name) is None:
            model.set_params(**{name: seed})
    return model


# ================================================================== predict
def run_predict(args: argparse.Namespace) -> int:
    """``forecast predict``: fit on all data, forecast ``--horizon`` steps, write CSV."""
    import pandas as pd

    from . import io
    from .models import registry

    horizon = io.check_horizon(args.horizon, "--horizon")
    levels = _parse_levels(args.levels)
    exog = list(args.exog or []) + list(args.known_exog or [])
    model0 = registry.create(args.model)
    if args.out:
        from .paths import writable_file

        writable_file(args.out, "--out")
    y, X, _ = load_data(args.data, target=args.target, time_col=args.time_col,
                        id_col=args.id_col, exog=exog, sep=args.sep, decimal=args.decimal,
                        date_format=args.date_format, say=lambda m: _say(args, m))
    future = None
    if args.future:
        if not exog:
            from .errors import InputError

            raise InputError("--future gives exogenous values for the horizon; name their columns with --exog")
        future = _future_exog(args.future, args.time_col, args.id_col, exog, args)
    series = y if isinstance(y, dict) else {None: y}
    frames = []
    for sid, ys in series.items():
        model = _with_seed(model0.clone(), args.seed if args.seed is not None else 0)
        xs = X.get(sid) if isinstance(X, dict) else X
        fx = future.get(sid) if isinstance(future, dict) else future
        with _blas_single_thread():
            fcst = model.fit(ys, xs).predict(horizon, X=fx)
        frame = fcst.to_frame(levels=levels)
        frame.insert(0, "timestamp", frame.index.astype(str))
        if sid is not None:
            frame.insert(0, "series_id", sid)
        frames.append(frame.reset_index(drop=True))
    out = pd.concat(frames, ignore_index=True)
    text = out.to_csv(index=False, float_format="%.6g")
    if args.out:
        from .report import atomic_write

        atomic_write(args.out, text)
        _say(args, f"wrote {len(out)} forecasts to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _future_exog(path: str, time_col: str | None, id_col: str | None, exog: list[str],
                 args: argparse.Namespace) -> Any:
    from . import io

    frame = io.read_table(path, sep=args.sep, decimal=args.decimal)
    missing = [c for c in exog if c not in frame.columns]
    if missing:
        from .errors import InputError

        raise InputError(f"{path}: no column(s) {', '.join(map(repr, missing))} for the future exogenous "
                         f"values; available columns: {', '.join(map(str, frame.columns))}")
    _, X = io.read_series(frame.assign(__target__=0.0), target="__target__", time_col=time_col,
                          id_col=id_col, exog=exog, date_format=args.date_format)
    return X


# ================================================================== backtest
_FLAG_SETTINGS = ("data", "target", "time_col", "id_col", "exog", "known_exog", "sep", "decimal",
                  "date_format", "models", "horizon",
                  "initial", "step", "window", "refit", "metrics", "season", "jobs", "dask", "seed", "backend",
                  "out")
_DEFAULT_HORIZON = {12: 12, 4: 8, 52: 13, 7: 14, 5: 10, 24: 24}


def resolve_config(args: argparse.Namespace) -> Any:
    """Defaults < ``--config`` file < flags, as a :class:`forecast.config.RunConfig`."""
    from .config import RunConfig, load_config

    cfg = RunConfig()
    if getattr(args, "config", None):
        cfg = cfg.merge(load_config(args.config))
    flags = {k: getattr(args, k, None) for k in _FLAG_SETTINGS}
    return cfg.merge({k: v for k, v in flags.items() if v is not None})


def default_models(season: int, *, exog: bool = False, recurrent: bool = True) -> list[str]:
    """The default comparison: the strongest model of each family with its automatic settings:
    naive, seasonal naive, automatic ARIMA, ARMA(auto), and an LSTM and a GRU whose
    preprocessing, window, direct head (the backtest's horizon) and training budget are
    chosen on the training data (one global network per refit on a panel).

    >>> default_models(12, recurrent=False)
    ['naive', 'snaive(12)', 'arima(auto, m=12)', 'arma(auto)']
    >>> default_models(1)
    ['naive', 'arima(auto, m=1)', 'arma(auto)', 'lstm', 'gru']
    """
    specs = ["naive"]
    if season > 1:
        specs.append(f"snaive({season})")
    specs.append(f"arima(auto, m={season})")
    specs.append("arma(auto)")
    if exog:
        specs.append("armax(1,1)")
    if recurrent:
        specs += ["lstm", "gru"]
    return specs


def _complete(cfg: Any, y: Any) -> Any:
    """Fill the settings that depend on the data (models, horizon, a fractional initial)."""
    from . import io

    first = next(iter(y.values())) if isinstance(y, dict) else y
    cfg.season_inferred = cfg.season is None
    if cfg.season is None:
        cfg.season = io.season_length(first.index) or 1
    season = cfg.season
    cfg.default_models = cfg.models is None
    if cfg.models is None:
        cfg.models = default_models(season, exog=bool(cfg.known_exog))
    if cfg.horizon is None:
        cfg.horizon = _DEFAULT_HORIZON.get(season, 6)
    if cfg.initial is None:
        shortest = min(len(s) for s in y.values()) if isinstance(y, dict) else len(y)
        # three seasons of origins at most (or a third of the series), so a default run stays quick
        n_origins = min(max(cfg.horizon, 3 * season if 1 < season <= 52 else 12), shortest // 3)
        cfg.initial = max(shortest - cfg.horizon - n_origins + 1, 1)
    return cfg


def _initial_count(initial: Any, y: Any) -> int:
    if isinstance(initial, float):
        shortest = min(len(s) for s in y.values()) if isinstance(y, dict) else len(y)
        return max(int(round(initial * shortest)), 1)
    return int(initial)


def _make_models(specs: list[str]) -> dict[str, Any]:
    from .errors import InputError
    from .models import registry

    models: dict[str, Any] = {}
    for spec in specs:
        label = " ".join(spec.split())
        if label in models:
            raise InputError(f"model {label!r} is listed twice in --models; give each model once")
        model = registry.create(spec)
        check = getattr(model, "_check_params", None)
        if callable(check):
            check()  # a bad parameter value is an input error now, not a failure per task
        models[label] = model
    if not models:
        raise InputError("no models to backtest; name some with --models, e.g. --models \"naive,arma(auto)\"")
    return models


class _TaskProgress:
    """A rich progress bar over backtest tasks, naming the model and series being run."""

    def __init__(self, headline: str, console_file: Any):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("[bold]{task.description:<34}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                                 console=Console(file=console_file), transient=False)
        self.job = None
        self.headline = headline

    def start(self, total: int, done: int) -> None:
        # printed once the engine has validated everything and starts on the tasks
        self.progress.console.print(self.headline + (f"; {done} task(s) from the cache" if done else ""))
        self.progress.start()
        self.job = self.progress.add_task("starting", total=total, completed=done)

    def describe(self, model: str, series: str | None) -> None:
        text = model if series in (None, "y") else f"{model} · {series}"
        if self.job is not None:
            self.progress.update(self.job, description=text[:34])

    def advance(self) -> None:
        if self.job is not None:
            self.progress.advance(self.job)

    def stop(self) -> None:
        self.progress.stop()


def _bar_callback(bar: _TaskProgress) -> Callable[[int, int, Any], None]:
    """The engine's progress callback, drawn on the CLI's own bar (model and series shown)."""

    def report(done: int, total: int, task: Any) -> None:
        if task is None:
            bar.start(total, done)
            return
        bar.describe(task.model_name, getattr(task, "series_id", None))
        bar.advance()

    return report


class _silenced_fds:
    """Send everything written to file descriptors 1 and 2 (Keras epoch logs, TensorFlow's
    C++ messages, worker prints) to ``log_path`` while the backtest runs; the progress bar
    keeps a handle on the real terminal."""

    def __init__(self, log_path: Path, enabled: bool):
        self.log_path = log_path
        self.enabled = enabled
        self.terminal_out: Any = sys.stdout
        self.terminal_err: Any = sys.stderr

    def __enter__(self) -> _silenced_fds:
        if not self.enabled:
            return self
        sys.stdout.flush()
        sys.stderr.flush()
        self.saved = (os.dup(1), os.dup(2))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        os.dup2(self.log.fileno(), 1)
        os.dup2(self.log.fileno(), 2)
        self.terminal_out = os.fdopen(os.dup(self.saved[0]), "w", buffering=1)
        self.terminal_err = os.fdopen(os.dup(self.saved[1]), "w", buffering=1)
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.enabled:
            return
        for stream in (sys.stdout, sys.stderr, self.terminal_out, self.terminal_err):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        for fd in self.saved:
            os.close(fd)
        self.terminal_out.close()
        self.terminal_err.close()
        self.log.close()
        if self.log_path.stat().st_size == 0:
            self.log_path.unlink()


def _blas_single_thread() -> Any:
    """One BLAS thread while models fit: the series are small, and multi-threaded BLAS on
    small matrices is many times slower (statsmodels' state-space fits especially)."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    import numpy  # noqa: F401  - load both BLAS libraries now: the limit applies to loaded ones
    import scipy.linalg  # noqa: F401

    return threadpool_limits(limits=1, user_api="blas")


def _dask_client(address: str) -> Any:
    """A client of the Dask scheduler at ``address`` (the engine is given the client; an
    address string alone fails in the engine when no default client exists)."""
    from .errors import InputError, require

    distributed = require("distributed", "--dask", extra="dask")
    try:
        return distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError(f"cannot reach a Dask scheduler at {address!r} ({err}); check the address "
                         "(e.g. tcp://127.0.0.1:8786) and that the scheduler runs") from err


def run_backtest(args: argparse.Namespace, argv: list[str]) -> int:
    """``forecast backtest``: validate, run the engine, write outputs, print the leaderboard."""
    import shutil

    from . import io
    from .config import parse_refit, to_toml

    cfg = resolve_config(args)
    if cfg.backend and not args.backend:  # from --config
        _use_backend(cfg.backend)
    exog = list(dict.fromkeys(cfg.exog + cfg.known_exog))
    y, X, source = load_data(cfg.data, target=cfg.target, time_col=cfg.time_col,
                             id_col=cfg.id_col, exog=exog, sep=cfg.sep, decimal=cfg.decimal,
                             date_format=cfg.date_format, say=lambda m: _say(args, m))
    cfg = _complete(cfg, y)
    if getattr(cfg, "season_inferred", False) and io.season_length(
            (next(iter(y.values())) if isinstance(y, dict) else y).index) is None:
        _say(args, "note: cannot infer the season from the data's time index (no calendar frequency); "
                   "MASE/RMSSE use m=1 and the reference is naive. Give --season m for seasonal data")
    if args.print_config:
        sys.stdout.write(to_toml(cfg.to_sections()))
        return 0
    horizon = io.check_horizon(cfg.horizon, "--horizon")
    models = _make_models(cfg.models)
    initial = _initial_count(cfg.initial, y)
    if getattr(cfg, "default_models", False):  # drop defaults the data is too short for
        shortest = min(len(s) for s in y.values()) if isinstance(y, dict) else len(y)
        first = min(initial, shortest) if cfg.window == "expanding" else min(initial, int(cfg.window))
        dropped = [n for n, m in models.items() if m.min_length() > first]
        for name in dropped:
            del models[name]
        if dropped:
            _say(args, f"note: left out {', '.join(dropped)}: the first origin leaves {first} observations, too few for them")
    needs_keras = [name for name, m in models.items() if m.get_tags().get("needs_keras")]
    from .paths import writable_folder

    out = writable_folder(cfg.out, "--out")
    cache_dir = out / ".cache"
    if not args.resume and cache_dir.exists():
        shutil.rmtree(cache_dir)
    n_series = len(y) if isinstance(y, dict) else 1
    headline = (f"backtest of {len(models)} model(s) on {source}"
                + (f" ({n_series} series)" if n_series > 1 else f" ({len(y)} observations)")
                + f", horizon {horizon}, first origin after {initial} observations")
    show_bar = not args.quiet and _stdout_is_tty()
    silence = not args.debug
    from .backtest import backtest

    backend = _dask_client(cfg.dask) if cfg.dask else None
    started = time.perf_counter()
    try:
        with _blas_single_thread(), _silenced_fds(out / "backtest.log", silence) as fds:
            bar = _TaskProgress(headline, fds.terminal_out) if show_bar else None
            try:
                result = backtest(
                    models, y, X=X, horizon=horizon, initial=initial, step=cfg.step,
                    window=cfg.window, refit=parse_refit(cfg.refit), metrics=cfg.metrics,
                    season=int(cfg.season), known_exog=cfg.known_exog or None, n_jobs=cfg.jobs,
                    backend=backend, cache_dir=cache_dir,
                    progress=_bar_callback(bar) if bar is not None else False, seed=cfg.seed,
                )
            finally:
                if bar is not None:
                    bar.stop()
    except KeyboardInterrupt:
        if backend is not None:
            backend.close()
        done = len(list(cache_dir.glob("**/*.json"))) if cache_dir.exists() else 0
        _err(f"interrupted; {done} finished task(s) are kept in {cache_dir}. Resume with: "
             f"{_resume_command(argv)}")
        return EXIT_INTERRUPTED
    if backend is not None:
        backend.close()
    elapsed = time.perf_counter() - started
    settings = {
        "command": shlex.join([PROG, *argv]),
        "data": cfg.data or "airline (bundled)", "source": source,
        "data_sha256": _file_hash(cfg.data),
        "config": cfg.to_dict() | {"initial": initial},
        "needs_tensorflow": needs_keras,
        "elapsed_seconds": round(elapsed, 3),
    }
    import warnings

    from .errors import UndefinedScoreWarning

    with warnings.catch_warnings():  # said once, in plain words, by print_leaderboard
        warnings.simplefilter("ignore", UndefinedScoreWarning)
        write_outputs(result, out, settings, report=not args.no_report, source=source)
        print_leaderboard(result, source=source, quiet=args.quiet)
    written = ("leaderboard.csv, forecasts.csv, failures.csv, ..." if args.no_report
               else "report.html, leaderboard.csv, forecasts.csv, ...")
    _say(args, f"results in {out}/ ({written}) in {elapsed:.1f}s")
    return _failure_status(result, out)


def _failure_status(result: Any, out: Path) -> int:
    """Exit status of a finished backtest, with one line on stderr when something failed
    (shown even with --quiet: scripts and people must learn of it)."""
    from .failnotes import nothing_scored_reason, stderr_summary

    line = stderr_summary(result, str(out / "failures.csv"))
    if line is None:
        return 0
    nothing = nothing_scored_reason(result) is not None
    sys.stderr.write(f"{PROG}: {'error' if nothing else 'warning'}: {line}\n")
    return EXIT_NOTHING_SCORED if nothing else EXIT_SOME_FAILED


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer | np.floating | np.bool_):
        return obj.item()
    if isinstance(obj, set | tuple):
        return list(obj)
    return str(obj)


def write_outputs(result: Any, out: Path, settings: dict[str, Any], *, report: bool = True,
                  source: str = "") -> None:
    """forecasts.csv, scores.csv, leaderboard.csv, failures.csv, run.json, PNG plots and
    report.html in ``out``; every file written atomically."""
    import json

    from .report import atomic_write, atomic_write_csv

    out.mkdir(parents=True, exist_ok=True)
    board = result.leaderboard()
    atomic_write_csv(out / "forecasts.csv", result.forecasts)
    atomic_write_csv(out / "scores.csv", result.scores(), index=True, index_label="metric")
    atomic_write_csv(out / "leaderboard.csv", board)
    atomic_write_csv(out / "failures.csv", result.failures)
    run = {"forecast_cli": settings, "backtest": result.meta}
    atomic_write(out / "run.json", json.dumps(run, indent=2, default=_json_default) + "\n")
    if report:
        write_figures_and_report(result, board, out, settings, source)


def _fmt_num(value: Any, digits: int = 4) -> str:
    import math

    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "-"
    if v == int(v) and abs(v) < 1e9 and not isinstance(value, float):
        return str(int(v))
    if abs(v) >= 1000:
        return f"{v:,.1f}"
    return f"{v:.{digits}g}" if abs(v) < 1 else f"{v:.{digits}g}".rstrip(".")


def leaderboard_rows(board: Any, metrics: list[str]) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Headers, text rows and row styles of the terminal leaderboard. A model that failed at
    every origin is listed last, without a rank or scores, as ``failed``."""
    from .report import nemenyi_labels, pvalue_column, significance_label

    cols = ["rank", "model"] + [m for m in metrics if m in board.columns]
    extra = [c for c in board.columns if c.startswith("skill_") or c in ("owa", "mean_rank")]
    pcol = pvalue_column(board)
    failed = (board["status"] == "failed").tolist() if "status" in board.columns else [False] * len(board)
    headers = cols + extra
    if pcol:
        headers += ["DM p", "vs. best"]
    elif "dm_worse" in board.columns:
        headers += ["DM w/n/b"]
    elif "dm_worse_share" in board.columns:
        headers += ["DM worse share"]
    if "nemenyi_worse" in board.columns:
        headers += ["Nemenyi"]
        nemenyi = nemenyi_labels(board)
    if "n_failed" in board.columns:
        headers += ["failed"]
    rows, styles = [], []
    for i, rec in enumerate(board.to_dict("records")):
        row = [_fmt_num(rec[c]) if c != "model" else str(rec[c]) for c in cols + extra]
        style = None
        if pcol:
            label = "failed" if failed[i] else significance_label(float(rec[pcol]))
            row += [_fmt_num(rec[pcol], 3), label]
            style = "bold green" if label == "best" else ("red" if label.startswith("sig") else None)
        elif "dm_worse" in board.columns:
            counts = [rec[c] for c in ("dm_worse", "dm_not_different", "dm_better")]
            row += ["-" if any(_is_missing(c) for c in counts) else "/".join(str(int(c)) for c in counts)]
        elif "dm_worse_share" in board.columns:
            row += [_fmt_num(rec["dm_worse_share"], 3)]
        if "nemenyi_worse" in board.columns:
            row += [nemenyi[i]]
        if "n_failed" in board.columns:
            row += [str(int(rec["n_failed"]))]
        if failed[i]:
            style = "red"
        rows.append(row)
        styles.append(style)
    return headers, rows, styles


def _is_missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def print_leaderboard(result: Any, *, source: str = "", quiet: bool = False) -> None:
    """The leaderboard on stdout, fitted to the terminal width; failed models listed with
    their reason below it; when nothing could be scored, that and why instead."""
    from .failnotes import model_failure_lines, nothing_scored_reason

    board = result.leaderboard()
    settings = result.meta.get("settings", {})
    metrics = list(settings.get("metrics", []))
    nothing = nothing_scored_reason(result)
    if nothing is not None:
        sys.stdout.write(f"Nothing could be scored: {nothing}.\n")
        for line in model_failure_lines(result, limit=300):
            sys.stdout.write(f"  {line}\n")
        return
    headers, rows, styles = leaderboard_rows(board, metrics)
    n_series = len(result.series_ids)
    title = (f"Leaderboard: {source}" + (f", {n_series} series" if n_series > 1 else "")
             + f", horizon {settings.get('horizon')}, "
             f"{int(board['n_origins'].max()) if 'n_origins' in board else '?'} forecast origins")
    primary = primary_metric(board)
    # what gives way on a narrow terminal: the secondary metrics first, the primary never
    drop_order = [m for m in reversed(metrics) if m != primary and m in headers] + [
        h for h in ("owa", "mean_rank", "DM worse share") if h in headers] + [
        h for h in headers if h.startswith("skill_")]
    dropped = render_table(headers, rows, title=title, styles=styles, wrap_col=1, drop_order=drop_order,
                           abbreviations={"significantly worse": "worse", "not significantly different": "not diff.",
                                          "not different": "not diff."})
    if dropped:
        sys.stdout.write(f"Not shown for the terminal width: {', '.join(dropped)} (every column is in "
                         "leaderboard.csv).\n")
    lines = model_failure_lines(result, limit=300)
    if lines:
        sys.stdout.write("Failed:\n" + "".join(f"  {line}\n" for line in lines))
    for line in undefined_notes(result, board):
        sys.stdout.write(line + "\n")
    if not quiet:
        if "dm_worse" in board.columns:
            sys.stdout.write(f"Ranked by {primary}. DM w/n/b: number of series where a Diebold-Mariano test "
                             "finds the model significantly worse / not different / better than the best; "
                             "Nemenyi: over the panel, mean rank worse than the best's by more than the "
                             "critical difference (Friedman test).\n")
        elif "dm_worse_share" in board.columns:
            sys.stdout.write(f"Ranked by {primary}. DM worse share: fraction of series where a "
                             "Diebold-Mariano test finds the model significantly worse than the best; "
                             "Nemenyi: mean rank worse than the best's by more than the critical difference.\n")
        else:
            sys.stdout.write(f"Ranked by {primary}. DM p: Diebold-Mariano test against the best model "
                             "(p < 0.05: significantly worse).\n")


def undefined_notes(result: Any, board: Any) -> list[str]:
    """Plain-text notes naming the series whose scores are undefined (and an undefined OWA)."""
    table = result.undefined()
    notes = []
    for (metric, reason), part in table.groupby(["metric", "reason"], sort=False):
        names = ", ".join(f"{sid} ({n} of {t} origins)" for sid, n, t in
                          part[["series_id", "n_undefined", "n_origins"]].head(5).itertuples(index=False))
        more = f" and {len(part) - 5} more" if len(part) > 5 else ""
        notes.append(f"note: {metric.upper()} is undefined for series {names}{more}: {reason}; left out of "
                     f"its average (n_undefined_{metric} in leaderboard.csv)")
    if "owa" in board.columns and board["owa"].isna().all():
        notes.append("note: OWA is undefined: Naive2, its reference, scores zero (or undefined) sMAPE "
                     "or MASE on these origins")
    return notes


# ================================================================== plots and report
def primary_metric(board: Any) -> str:
    """The metric the leaderboard is ranked by."""
    from .runreport import primary_metric as primary

    return primary(board)


def write_figures_and_report(result: Any, board: Any, out: Path, settings: dict[str, Any],
                             source: str) -> None:
    from .runreport import write_figures_and_report as write

    write(result, board, out, settings, source)


# ================================================================== commands
def _cmd_models(args: argparse.Namespace) -> int:
    rows = model_catalog()
    table = [[r["name"], r["spec"], r["params"], "yes" if r["needs_tensorflow"] else "no", r["description"]]
             for r in rows]
    render_table(["name", "example", "parameters (defaults)", "tensorflow", "description"], table,
                 title="Models (use them in --models as name or name(args))", wrap_col=2)
    return 0


def _cmd_datasets(args: argparse.Namespace) -> int:
    rows = dataset_catalog()
    render_table(["name", "length", "frequency", "series", "description"],
                 [[r["name"], r["length"], r["frequency"], r["series"], r["description"]] for r in rows],
                 title="Bundled datasets (pass the name as DATA)", wrap_col=4)
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from .errors import option_spelling

    with option_spelling(_FLAG_NAMES):  # messages name --target, not target=
        return run_predict(args)


def _cmd_backtest(args: argparse.Namespace, argv: list[str]) -> int:
    from .errors import option_spelling

    with option_spelling(_FLAG_NAMES):
        return run_backtest(args, argv)


# ================================================================== entry point
def main(argv: list[str] | None = None) -> int:
    """Run the ``forecast`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.version:
            from . import __version__

            print(f"forecast {__version__}")
            return 0
        if args.command is None:
            parser.print_help()
            return 0
        _configure_environment(args)
        if args.command == "models":
            return _cmd_models(args)
        if args.command == "datasets":
            return _cmd_datasets(args)
        if args.command == "predict":
            return _cmd_predict(args)
        return _cmd_backtest(args, argv)
    except UsageError as err:
        _err(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        if debug:
            raise
        _err("interrupted")
        return EXIT_INTERRUPTED
    except Exception as err:
        if debug:
            raise
        from .errors import ForecastError

        if isinstance(err, ForecastError | ValueError | OSError) and _is_input_error(err):
            _err(str(err))
            return EXIT_INPUT
        _err(f"{type(err).__name__}: {err} (run again with --debug for the traceback)")
        return 1


def _is_input_error(err: BaseException) -> bool:
    from .errors import InputError, MissingDependencyError, PersistenceError

    return isinstance(err, InputError | MissingDependencyError | PersistenceError)


def _resume_command(argv: list[str]) -> str:
    args = [a for a in argv if a != "--resume"]
    return shlex.join([PROG, *args, "--resume"])


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

