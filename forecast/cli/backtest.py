"""``forecast backtest``: resolve the configuration, run the engine, let the library write
the results folder, print the leaderboard and set the exit status."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from .common import (
    EXIT_INTERRUPTED,
    EXIT_NOTHING_SCORED,
    EXIT_SOME_FAILED,
    FLAG_NAMES,
    PROG,
    blas_single_thread,
    print_error,
    say,
    thousands_mark,
    use_backend,
)
from .data import file_hash, load_data
from .progress import TaskProgress, bar_callback, silenced_fds
from .tables import print_leaderboard, stdout_is_tty

__all__ = ["run_backtest", "resolve_config", "default_models", "command"]


_FLAG_SETTINGS = ("data", "target", "time_col", "id_col", "exog", "known_exog", "sep", "decimal",
                  "date_format", "thousands", "skip_rows", "models", "horizon",
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


def default_models(season: int | None, *, exog: bool = False, recurrent: bool = True) -> list[str]:
    """The default comparison: the strongest model of each family with its automatic settings:
    naive, seasonal naive, automatic ARIMA, ARMA(auto), and an LSTM and a GRU whose
    preprocessing, window, direct head (the backtest's horizon) and training budget are
    chosen on the training data (one global network per refit on a panel); and, with the
    networks, the mean of automatic ARIMA and the LSTM, ``combo(arima(auto, m=...), lstm)``
    (built from their forecasts: it costs nothing more). That combination was chosen once,
    on the developers' data, among three fixed candidates (it, the same with the (seasonal)
    naive as a third member, and the median of those three): on each of the four M3 sets
    (yearly, quarterly, monthly, other; last h held out) it was the only one to beat both
    its members, and it beat the published THETA (``benchmarks/bench_m3_combination.py``).

    >>> default_models(12, recurrent=False)
    ['naive', 'snaive(12)', 'arima(auto, m=12)', 'arma(auto)']
    >>> default_models(1)
    ['naive', 'arima(auto, m=1)', 'arma(auto)', 'lstm', 'gru', 'combo(arima(auto, m=1), lstm)']

    ``season=None`` (series of different seasons): automatic ARIMA takes each series'
    season from the backtest, ``arima(auto)``.
    """
    specs = ["naive"]
    if season is not None and season > 1:
        specs.append(f"snaive({season})")
    arima = "arima(auto)" if season is None else f"arima(auto, m={season})"
    specs.append(arima)
    specs.append("arma(auto)")
    if exog:
        specs.append("armax(1,1)")
    if recurrent:
        specs += ["lstm", "gru", f"combo({arima}, lstm)"]
    return specs


def _season_note(cfg: Any, note: Any) -> None:
    """What :func:`_complete`'s season resolution could not settle, in words naming --season."""
    if getattr(cfg, "season_unknown", False):
        note("note: cannot infer the season from the data's time index (no calendar frequency); "
             "MASE/RMSSE use m=1 and the reference is naive. Give --season m for seasonal data")
    elif getattr(cfg, "season_per_series", False):
        shown = ", ".join(f"{k!r}: {v}" for k, v in list(cfg.season_seen.items())[:4])
        note(f"note: the series have different seasons ({shown}): automatic ARIMA and the networks get each "
             "series' own; MASE/RMSSE use m=1 and the reference is naive. Give --season m for one season")


def _complete(cfg: Any, y: Any) -> Any:
    """Fill the settings that depend on the data (models, horizon, a fractional initial)."""
    from ..seasonality import common_season, frequency_seasons

    found = frequency_seasons(y if isinstance(y, dict) else {"y": y})  # the one resolution, per series
    cfg.season_inferred = cfg.season is None
    # series of different calendar seasons: each gets its own, from the backtest
    cfg.season_per_series = cfg.season is None and len({m or 1 for m in found.values()}) > 1
    cfg.season_unknown = cfg.season is None and None in found.values()
    cfg.season_seen = found
    if cfg.season is None:
        cfg.season = common_season(found)
    season = cfg.season
    cfg.default_models = cfg.models is None
    if cfg.models is None:
        cfg.models = default_models(None if cfg.season_per_series else season, exog=bool(cfg.known_exog))
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
    from ..errors import InputError
    from ..models import registry
    from .common import validate_params

    models: dict[str, Any] = {}
    for spec in specs:
        label = " ".join(spec.split())
        if label in models:
            raise InputError(f"model {label!r} is listed twice in --models; give each model once")
        model = registry.create(spec)
        validate_params(model)  # a bad parameter value is an input error now, not a failure per task
        models[label] = model
    if not models:
        raise InputError("no models to backtest; name some with --models, e.g. --models \"naive,arma(auto)\"")
    return models


def _dask_client(address: str) -> Any:
    """A client of the Dask scheduler at ``address`` (the engine is given the client; an
    address string alone fails in the engine when no default client exists)."""
    from ..errors import InputError, require

    distributed = require("distributed", "--dask", extra="dask")
    try:
        return distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError(f"cannot reach a Dask scheduler at {address!r} ({err}); check the address "
                         "(e.g. tcp://127.0.0.1:8786) and that the scheduler runs") from err


# long on purpose: the command read top to bottom (config, data, engine, outputs), each step a helper
def run_backtest(args: argparse.Namespace, argv: list[str]) -> int:
    """``forecast backtest``: validate, run the engine, write outputs, print the leaderboard."""
    import shutil

    from .. import io
    from .config import parse_refit, to_toml

    cfg = resolve_config(args)
    notes: list[str] = []  # what the terminal says while the run is set up; the report says it too

    def note(message: str) -> None:
        notes.append(message)
        say(args, message)

    if cfg.backend and not args.backend:  # from --config
        use_backend(cfg.backend)
    exog = io.regressor_columns(cfg.exog, cfg.known_exog, cfg.target)  # flags and config alike
    y, X, source = load_data(cfg.data, target=cfg.target, time_col=cfg.time_col,
                             id_col=cfg.id_col, exog=exog, sep=cfg.sep, decimal=cfg.decimal,
                             date_format=cfg.date_format, thousands=thousands_mark(cfg.thousands),
                             skip_rows=cfg.skip_rows, say=note)
    cfg = _complete(cfg, y)
    _season_note(cfg, note)
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
            note(f"note: left out {', '.join(dropped)}: the first origin leaves {first} observations, too few for them")
    needs_keras = [name for name, m in models.items() if m.get_tags().get("needs_keras")]
    from ..paths import writable_folder

    out = writable_folder(cfg.out, "--out")
    cache_dir = out / ".cache"
    if not args.resume and cache_dir.exists():
        shutil.rmtree(cache_dir)
    n_series = len(y) if isinstance(y, dict) else 1
    headline = (f"backtest of {len(models)} model(s) on {source}"
                + (f" ({n_series} series)" if n_series > 1 else f" ({len(y)} observations)")
                + f", horizon {horizon}, first origin after {initial} observations")
    show_bar = not args.quiet and stdout_is_tty()
    silence = not args.debug
    from ..evaluation import backtest
    from ..evaluation.parallel import capped_jobs

    cfg.jobs, too_many = capped_jobs(cfg.jobs, "dask" if cfg.dask else None)
    if too_many:
        note(f"note: {too_many}")
    backend = _dask_client(cfg.dask) if cfg.dask else None
    started = time.perf_counter()
    try:
        with blas_single_thread(), silenced_fds(out / "backtest.log", silence) as fds:
            bar = TaskProgress(headline, fds.terminal_out) if show_bar else None
            try:
                result = backtest(
                    models, y, X=X, horizon=horizon, initial=initial, step=cfg.step,
                    window=cfg.window, refit=parse_refit(cfg.refit), metrics=cfg.metrics,
                    season=None if getattr(cfg, "season_per_series", False) else int(cfg.season), known_exog=cfg.known_exog or None, n_jobs=cfg.jobs,
                    backend=backend, cache_dir=cache_dir,
                    progress=bar_callback(bar) if bar is not None else False, seed=cfg.seed,
                )
            finally:
                if bar is not None:
                    bar.stop()
    except KeyboardInterrupt:
        if backend is not None:
            backend.close()
        done = len(list(cache_dir.glob("**/*.json"))) if cache_dir.exists() else 0
        print_error(f"interrupted; {done} finished task(s) are kept in {cache_dir}. Resume with: "
             f"{_resume_command(argv)}")
        return EXIT_INTERRUPTED
    if backend is not None:
        backend.close()
    elapsed = time.perf_counter() - started
    if result.meta.get("season_note"):  # the engine replaced a season longer than the data
        say(args, "note: " + result.meta["season_note"].replace("season=m; command line: --season m",
                                                                  "--season m"))
    settings = {
        "command": shlex.join([PROG, *argv]),
        "data": cfg.data or "airline (bundled)", "source": source,
        "data_sha256": file_hash(cfg.data),
        "config": cfg.to_dict() | {"initial": initial},
        "needs_tensorflow": needs_keras,
        "elapsed_seconds": round(elapsed, 3),
    }
    import warnings

    from ..errors import UndefinedScoreWarning
    from ..reporting import save_report

    with warnings.catch_warnings():  # said once, in plain words, by print_leaderboard
        warnings.simplefilter("ignore", UndefinedScoreWarning)
        save_report(result, out, figures=not args.no_report, source=source, settings=settings,
                    notes=notes)
        print_leaderboard(result, source=source, quiet=args.quiet)
    written = ("leaderboard.csv, forecasts.csv, failures.csv, ..." if args.no_report
               else "report.html, leaderboard.csv, forecasts.csv, ...")
    say(args, f"results in {out}/ ({written}) in {elapsed:.1f}s")
    return _failure_status(result, out)


def _failure_status(result: Any, out: Path) -> int:
    """Exit status of a finished backtest, with one line on stderr when something failed
    (shown even with --quiet: scripts and people must learn of it)."""
    from ..reporting.failnotes import nothing_scored_reason, stderr_summary

    line = stderr_summary(result, str(out / "failures.csv"))
    if line is None:
        return 0
    nothing = nothing_scored_reason(result) is not None
    sys.stderr.write(f"{PROG}: {'error' if nothing else 'warning'}: {line}\n")
    return EXIT_NOTHING_SCORED if nothing else EXIT_SOME_FAILED


def command(args: argparse.Namespace, argv: list[str]) -> int:
    from ..errors import option_spelling

    with option_spelling(FLAG_NAMES):
        return run_backtest(args, argv)


def _resume_command(argv: list[str]) -> str:
    args = [a for a in argv if a != "--resume"]
    return shlex.join([PROG, *args, "--resume"])
