"""The backtest: every model scored on the same rolling origins.

:func:`backtest` runs named steps: check the settings (:mod:`.settings`), parse the
models and the data, resolve the seasons, plan the tasks (:mod:`.plan`: series × model ×
refit segment; for a global model on a panel, model × refit segment over all series),
group warm-starting refits into chains (:mod:`.chains`), run them (in-process, joblib or
Dask, optionally cached; :mod:`.parallel`), build the combinations from their members'
records, and assemble a :class:`~forecast.evaluation.result.BacktestResult` with its meta.
"""

from __future__ import annotations

import os
import platform
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..base import Forecaster
from ..errors import ForecastWarning, InputError, option
from ..io import ID_COLUMNS, check_exog, check_series, read_panel
from ..io import is_panel as detect_panel
from ..panel_exog import panel_regressors
from .cache import TaskCache, hash_json
from .chains import chain_tasks
from .parallel import execute
from .plan import model_id, plan_tasks, series_origins
from .result import BacktestResult
from .settings import check_settings, resolve_season, season_for_data

__all__ = ["backtest"]


# ------------------------------------------------------------------------------ models
def _model_from(spec: Any, where: str) -> Forecaster:
    if isinstance(spec, Forecaster):
        if spec.is_fitted:
            spec = spec.clone()  # the backtest fits its own copies; never reuse fitted state
        return spec
    if isinstance(spec, str):
        from ..models.registry import create

        return create(spec)
    raise InputError(f"{where}: expected a Forecaster or a model spec such as 'arma(2,1)'; got {type(spec).__name__}")


def _parse_models(models: Any) -> dict[str, Forecaster]:
    out: dict[str, Forecaster] = {}
    if isinstance(models, Mapping):
        items = [(str(k), _model_from(v, f"model {k!r}")) for k, v in models.items()]
    elif isinstance(models, str | Forecaster):
        items = [(models if isinstance(models, str) else type(models).__name__.lower(), _model_from(models, "models"))]
    elif isinstance(models, Sequence):
        items = []
        for i, spec in enumerate(models):
            model = _model_from(spec, f"models[{i}]")
            items.append((spec.strip() if isinstance(spec, str) else type(model).__name__.lower(), model))
    else:
        raise InputError(f"models must be a dict name -> model, a list of specs/models or one spec; got {type(models).__name__}")
    for name, model in items:
        unique, k = name, 2
        while unique in out:
            unique, k = f"{name}#{k}", k + 1
        out[unique] = model
    if not out:
        raise InputError("models is empty; give at least one model, e.g. ['naive', 'arma(2,1)']")
    return out


def _expand_combinations(model_map: dict[str, Forecaster]
                         ) -> tuple[dict[str, Forecaster], dict[str, tuple[str, list[str], bool, str]]]:
    """The models whose tasks run, and each combination's ``(how, member names, intervals,
    calibration)``.

    A combination is not fitted: its members run as contenders of their own and its
    forecasts are built from theirs. A member equal to a listed model (same class and
    parameters) is that model, fitted once; any other member runs hidden, under
    ``"<combination>/member<i>"``, and is not scored on its own.
    """
    from ..models.combination import Combination

    run = {name: m for name, m in model_map.items() if not isinstance(m, Combination)}
    combos: dict[str, tuple[str, list[str], bool, str]] = {}
    for name, combo in model_map.items():
        if not isinstance(combo, Combination):
            continue
        combo._validate_params()
        members = []
        for i, member in enumerate(combo.models):
            ident = model_id(member)
            same = next((n for n, m in run.items() if _same_id(model_id(m), ident)), None)
            if same is None:
                same = f"{name}/member{i}"
                run[same] = member
            members.append(same)
        combos[name] = (combo.how, members, bool(combo.get_tags()["intervals"]), combo.calibration)
    return run, combos


def _same_id(a: dict[str, Any], b: dict[str, Any]) -> bool:
    try:
        return a["class"] == b["class"] and hash_json(a["params"]) == hash_json(b["params"])
    except Exception:  # noqa: BLE001 - parameters that cannot be hashed: not recognised as the same
        return False


def _combination_records(records: list[dict[str, Any]], combos: dict[str, tuple[str, list[str], bool, str]],
                         hidden: set[str], panel: dict[str, pd.Series], level: float) -> list[dict[str, Any]]:
    """Each combination's records, from its members' records at the same (series, segment);
    the hidden members' records are dropped. Inverse-error weights at an origin come from
    the members' forecasts at the series' earlier origins only (all segments), and so does
    the conformal recalibration of its bounds (the combination's own errors there)."""
    from ..models.calibration import recalibrate_records
    from ..models.combination import combine_records, inverse_error_weights

    by_member: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        by_member.setdefault((r["series_id"], r["model"]), []).append(r)
    out = [r for r in records if r["model"] not in hidden]
    for name, (how, members, intervals, calibration) in combos.items():
        for sid in panel:
            per_member = [sorted(by_member.get((sid, m), []), key=lambda r: r["segment"]) for m in members]
            if not per_member[0]:
                continue
            weights = None
            if how == "inverse_error":
                origins = [o for r in per_member[0] for o in r["origins"]]
                means = np.stack([np.concatenate([np.asarray(r["mean"], dtype=float) for r in recs])
                                  for recs in per_member])
                ok = np.all([np.concatenate([np.asarray(r["ok"], dtype=bool) for r in recs])
                             for recs in per_member], axis=0)
                weights = inverse_error_weights(means, ok, origins, panel[sid].to_numpy(dtype=float))
            done, series_recs = 0, []
            for seg_recs in zip(*per_member, strict=True):
                n = len(seg_recs[0]["origins"])
                w = None if weights is None else weights[done:done + n]
                series_recs.append(combine_records(name, how, list(seg_recs), members, intervals, w))
                done += n
            if intervals and calibration == "conformal":
                recalibrate_records(series_recs, panel[sid].to_numpy(dtype=float), level / 100.0)
            out.extend(series_recs)
    return out


# ------------------------------------------------------------------------------ data
def _parse_data(y: Any, X: Any) -> tuple[dict[str, pd.Series], dict[str, pd.DataFrame | None], bool]:
    is_panel = detect_panel(y)
    if isinstance(y, pd.DataFrame) and y.shape[1] > 1 and not is_panel:
        raise InputError(
            f"y is a DataFrame with {y.shape[1]} columns but no series id column ({', '.join(ID_COLUMNS)}); "
            "pass one column as the target (and the others as X), a dict of series, or a long frame "
            "with series_id, timestamp and value columns"
        )
    if is_panel:
        panel, _ = read_panel(y, "y")
    else:
        series = check_series(y, "y")
        panel = {str(series.name) if series.name is not None else "y": series}
    if isinstance(X, Mapping):
        return panel, panel_regressors(X, panel, "X", same_columns=False), is_panel
    if X is not None and is_panel and len(panel) > 1:
        raise InputError("y is a panel: pass X as a dict series id -> DataFrame")
    exog = {sid: check_exog(X, series.index, "X", y=series) for sid, series in panel.items()}
    return panel, exog, is_panel


def _exog_plan(models: dict[str, Forecaster], exog: dict[str, pd.DataFrame | None],
               known_exog: Sequence[str] | None) -> dict[str, list[str]]:
    """Columns handed to each model: the known-in-advance ones, for models that take X."""
    columns: list[str] = []
    for frame in exog.values():
        if frame is not None:
            columns = [str(c) for c in frame.columns]
            break
    known = [str(c) for c in (known_exog or [])]
    unknown = [c for c in known if c not in columns]
    if unknown:
        raise InputError(
            f"known_exog names {', '.join(map(repr, unknown))}, which X does not have; X has: "
            f"{', '.join(columns) or 'no columns (X is None)'}"
        )
    observed = [c for c in columns if c not in known]
    plan: dict[str, list[str]] = {}
    for name, model in models.items():
        tags = model.get_tags()
        if tags["requires_exog"] and not known:
            if not columns:
                raise InputError(f"model {name!r} needs exogenous regressors; give them with "
                                 f"{option('known_exog', 'X (and declare known_exog=[...])')}")
            raise InputError(
                f"model {name!r} needs the regressors' values over the forecast horizon, but all X columns "
                f"({', '.join(observed)}) are treated as observed (known only up to each origin). If their "
                "future values are known in advance (calendar, planned values), declare them with "
                f"{option('known_exog', 'known_exog=[...]')}; otherwise lag them by at least the horizon and declare the lagged "
                "columns known"
            )
        plan[name] = known if tags["supports_exog"] else []
    if observed and any(m.get_tags()["supports_exog"] for m in models.values()):
        warnings.warn(
            f"X columns {', '.join(observed)} are treated as observed (values known only up to each "
            "origin); no model receives them because forecasting with them would need their future "
            f"values. Declare {option('known_exog', 'known_exog=[...]')} for columns whose future values are known in advance",
            ForecastWarning, stacklevel=3)
    return plan


def _versions() -> dict[str, str]:
    import sys

    import scipy
    import statsmodels

    from .. import __version__

    out = {"forecast": __version__, "python": platform.python_version(), "numpy": np.__version__,
           "pandas": pd.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__}
    for mod in ("keras", "tensorflow"):
        if mod in sys.modules:
            out[mod] = getattr(sys.modules[mod], "__version__", "?")
    return out


# long on purpose: the public docstring documents every parameter
def backtest(
    models: Any,
    y: Any,
    *,
    X: Any = None,
    horizon: int,
    initial: int | None = None,
    step: int = 1,
    window: str | int = "expanding",
    refit: bool | int = True,
    metrics: Sequence[str] | None = None,
    season: int | None = None,
    known_exog: Sequence[str] | None = None,
    level: float = 95,
    n_jobs: int = 1,
    backend: Any = None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool | Callable[[int, int, Any], None] = False,
    seed: int | None = None,
    global_models: bool = True,
) -> BacktestResult:
    """Score every model on the same rolling forecast origins.

    Parameters
    ----------
    models : dict, list or str
        ``{name: Forecaster or spec}``, a list of specs (``"arma(2,1)"``, ``"lstm"``) and/or
        Forecaster objects, or one spec.
    y : Series, dict of Series, or long DataFrame
        One series, or a panel: a dict ``{series_id: Series}`` or a long frame with
        ``series_id``, ``timestamp`` and ``value`` columns.
    X : DataFrame or dict of DataFrame, optional
        Exogenous regressors aligned with ``y`` (a dict per series id for a panel).
    horizon : int
        Steps forecast from each origin.
    initial : int, optional
        Observations before the first origin (default: half of the series, or the window).
    step : int
        Observations between consecutive origins.
    window : "expanding" or int
        Training data for each fit: everything up to the origin, or the last ``window``
        observations (a sliding window; with ``refit=False`` or ``k`` the model then only
        ``update``\\ s until the next refit).
    refit : bool or int
        ``True``: fit at every origin; ``k``: fit every ``k`` origins; ``False``: fit once at
        the first origin. Between fits each model forecasts all the origins of the segment
        in one ``predict_origins`` call with its parameters fixed (its batched fast path
        when it has one). The policy is the same for every model.
    metrics : list of str, optional
        Names from :data:`forecast.metrics.METRICS` (default mae, rmse, smape, mase, rmsse).
    season : int, optional
        Season length ``m`` for MASE/RMSSE, the seasonal-naive reference and Naive2 (OWA);
        inferred from the frequency when not given (:func:`forecast.io.season_length`: 12
        monthly, 4 quarterly, 52 weekly, 7 daily, 24 hourly, 96 for 15 minutes, 1 yearly).
        When it cannot be inferred (integer index, a frequency without a usual season, or
        series with different seasons) ``m=1`` is used with a ``ForecastWarning``. A season
        longer than the training data before every origin of every series (MASE/RMSSE would
        be undefined everywhere) is replaced by 1 with a ``ForecastWarning`` naming
        ``season=``; ``meta["season_note"]`` keeps what it said.
    known_exog : list of str, optional
        X columns whose future values are known in advance (calendar, planned values):
        models that take regressors get them for fitting and for the horizon. All other
        columns are *observed*: known only up to each origin. No model receives observed
        columns, since every model that uses regressors needs their values over the
        horizon, which are unknown at the origin; a model that requires regressors
        without any known column is rejected with an ``InputError`` (lag the observed
        columns by at least the horizon and declare the lagged ones known instead).
    level : float
        Prediction interval level (percent) recorded as ``lower``/``upper``.
    n_jobs : int
        Worker processes for joblib (``-1``: all cores).
    backend : None, "dask", dask.distributed.Client or str
        ``None`` uses joblib when ``n_jobs != 1``; ``"dask"`` the current Dask client; a
        Client or a scheduler address (``"tcp://host:8786"``) that cluster.
    cache_dir : path, optional
        Folder for finished tasks; a re-run with the same data and settings skips them.
    progress : bool or callable
        ``True`` shows a progress bar over tasks, naming the model and series of each
        finished one (when stderr is a terminal; in a Jupyter notebook an HTML bar updated in
        place). A callable ``progress(done, total,
        task)`` is called instead: once with ``task=None`` before the first task, then after
        each finished task (``task.model_name``, ``task.series_id``). In a serial run the
        bar also shows the epochs of a network being trained (e.g. ``lstm: epoch 12/100``),
        and a callable with an ``epoch`` attribute gets ``progress.epoch(task, stage,
        epoch, epochs)`` after each training epoch (``stage`` "train" or "refit").
    seed : int, optional
        Seed from which every task's seed is derived (repeatable stochastic models).
    global_models : bool, default True
        When ``y`` is a panel, models tagged ``global_model`` (the recurrent family) are
        trained *globally*: one network per refit segment on all series at once, instead
        of one per series. Refit segment ``j`` is the ``j``-th segment of every series'
        own origins (the origins and segments are exactly those of the per-series run, so
        all models are scored on the same origins); each series contributes only its data
        up to its own first origin of the segment (with a sliding ``window``, its last
        ``window`` values), and the fitted network then forecasts every origin of every
        series in one batched ``predict_origins`` call. A task is then (model x segment)
        over all series. Origins are matched by position, not by calendar time: for
        panels whose series end at different dates, a series' training data may extend
        past another series' origin date. ``False`` trains one model per series.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> import forecast as fc
    >>> y = fc.datasets.load("airline")
    >>> res = fc.backtest(["naive", "snaive(12)"], y, horizon=12, initial=120, step=6)
    >>> res.leaderboard()["model"].tolist()
    ['snaive(12)', 'naive']
    """
    started = time.perf_counter()
    checked = check_settings(horizon, window, refit, metrics, n_jobs, backend)
    model_map, run_map, combos = _models(models)
    panel, exog, is_panel = _parse_data(y, X)
    columns = _exog_plan({**run_map, **model_map}, exog, known_exog)
    season, model_seasons = resolve_season(season, panel, is_panel)
    level = float(level)
    global_names = _global_names(run_map, global_models, is_panel)
    settings = {"horizon": checked.horizon, "initial": initial, "step": step, "window": checked.window,
                "refit": checked.refit_k, "level": level, "known_exog": list(known_exog or []), "seed": seed}
    origins_by_series, initial_used = series_origins(panel, run_map, initial=initial, horizon=checked.horizon,
                                                     step=step, window=checked.window, is_panel=is_panel)
    plan = plan_tasks(run_map, global_names, panel, exog, columns, origins_by_series, model_seasons,
                      refit_k=checked.refit_k, window=checked.window, horizon=checked.horizon, level=level,
                      settings=settings, seed=seed)
    tasks = chain_tasks(plan.tasks)  # consecutive refits of warm-starting models: one task each chain
    season, season_note = season_for_data(int(season), panel, origins_by_series, checked.window)
    records, computed = _run(tasks, checked.n_jobs, backend, cache_dir, progress)
    if combos:
        records = _combination_records(records, combos, set(run_map) - set(model_map), panel, level)
    meta = {
        "settings": {**settings, "initial": initial, "season": int(season), "metrics": checked.metrics,
                     "global_models": bool(global_models),
                     "window": checked.window, "refit": refit if isinstance(refit, bool) else int(refit)},
        "models": _models_meta(model_map, run_map, combos, columns, global_names),
        "series": list(panel),
        "initial_used": initial_used,
        "panel": is_panel,
        "data_hash": plan.data_hash,
        "versions": _versions(),
        "seed": seed,
        "tasks_total": len(tasks),
        "tasks_computed": computed,
        "tasks_cached": len(tasks) - computed,
        "reference": "snaive" if season > 1 else "naive",
        "season_note": season_note,
        "elapsed_seconds": time.perf_counter() - started,
    }
    return BacktestResult.from_records(records, panel, origins_by_series, list(model_map), meta)


def _models(models: Any) -> tuple[dict[str, Forecaster], dict[str, Forecaster],
                                  dict[str, tuple[str, list[str], bool, str]]]:
    """The models as given (name -> model), the models whose tasks run (a combination's
    hidden members included, the combinations left out) and each combination's plan
    (:func:`_expand_combinations`)."""
    model_map = _parse_models(models)
    run_map, combos = _expand_combinations(model_map)
    return model_map, run_map, combos


def _global_names(run_map: dict[str, Forecaster], global_models: Any, is_panel: bool) -> list[str]:
    """The models trained across the panel: those tagged ``global_model``, on a panel, unless
    ``global_models=False``."""
    if not isinstance(global_models, bool):
        raise InputError(f"global_models must be True or False; got {global_models!r}")
    return [name for name, m in run_map.items() if global_models and is_panel and m.get_tags()["global_model"]]


def _run(tasks: list[Any], n_jobs: Any, backend: Any, cache_dir: str | os.PathLike | None,
         progress: Any) -> tuple[list[dict[str, Any]], int]:
    """Every task's records (a chain's or a global task's opened into one record per series
    and segment) and the number of tasks computed (not found in the cache)."""
    cache = TaskCache(cache_dir) if cache_dir is not None else None
    records, computed = execute(tasks, n_jobs=n_jobs, backend=backend, cache=cache, progress=progress)
    return [r for rec in records for r in (rec["records"] if "records" in rec else [rec])], computed


def _models_meta(model_map: dict[str, Forecaster], run_map: dict[str, Forecaster],
                 combos: dict[str, tuple[str, list[str], bool, str]], columns: dict[str, list[str]],
                 global_names: list[str]) -> dict[str, dict[str, Any]]:
    """``meta["models"]``: per model its id, X columns, whether it is global, its tags and,
    for a combination, its members (a hidden one by its repr), how and calibration."""
    out = {}
    for name, m in model_map.items():
        entry = {**model_id(m), "exog": columns[name], "global": name in global_names,
                 "tags": {k: v for k, v in m.get_tags().items()}}
        if name in combos:
            how, members, _, calibration = combos[name]
            entry.update({"members": [k if k in model_map else repr(run_map[k]) for k in members],
                          "how": how, "calibration": calibration})
        out[name] = entry
    return out
