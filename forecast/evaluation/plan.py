"""The backtest's plan: the origins of every series and the tasks that forecast from them.

One builder serves both kinds of task. A per-series model gets, for each series, one
:class:`~forecast.evaluation.tasks.Task` per refit segment of that series' origins; a
global model (the recurrent family on a panel) one
:class:`~forecast.evaluation.tasks.GlobalTask` per refit segment, holding the ``j``-th
segment of every series that has one. The *scope* of a task is its series id, or
:data:`GLOBAL` for a global model's. Each task's cache key comes from :func:`task_key` and
its seed from :func:`task_seed`, the same derivation for both kinds, so a re-run finds the
tasks it stored and a seeded run draws the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..base import Forecaster
from ..errors import InputError
from .cache import hash_frame, hash_json, hash_series
from .splitter import default_initial, origin_positions, segments, train_start
from .tasks import GlobalTask, Task

__all__ = ["GLOBAL", "Part", "Plan", "model_id", "plan_tasks", "series_origins", "task_key", "task_seed"]

#: the scope of a global model's tasks (a per-series task's scope is its series id)
GLOBAL = "global"


def model_id(model: Forecaster) -> dict[str, Any]:
    """The model's class and parameters (a model given as a parameter, such as a
    combination's member, by its own id): what identifies it in keys and in the meta."""
    cls = type(model)

    def plain(value: Any) -> Any:
        if isinstance(value, Forecaster):
            return model_id(value)
        if isinstance(value, list | tuple):
            return type(value)(plain(v) for v in value)
        return value

    return {"class": f"{cls.__module__}:{cls.__qualname__}",
            "params": {k: plain(v) for k, v in model.get_params().items()}}


def task_seed(seed: int | None, scope: str, name: str, segment: int) -> int | None:
    """The seed of the task of model ``name`` for refit segment ``segment`` of ``scope``
    (a series id, or :data:`GLOBAL`); None without a run seed."""
    return None if seed is None else int(hash_json([seed, scope, name, segment])[:8], 16)


@dataclass
class Part:
    """One series' share of a task: its data from the training start to the segment's last
    origin (X to that origin plus the horizon), the segment's origins, and the hashes and
    season that identify it."""

    y: pd.Series
    X: pd.DataFrame | None
    start: int
    n_train: int
    origins: list[int]
    y_hash: str
    x_hash: str
    season: int


def task_key(scope: str, name: str, model: dict[str, Any], settings: dict[str, Any],
             parts: dict[str, Part]) -> str:
    """The cache key of a task: the package version, the model's id (:func:`model_id`) and
    name, the run's settings and, per series, its data hashes, training start, origins and
    season (a per-series task's values plain, a global task's per series id)."""
    from .. import __version__

    if scope == GLOBAL:
        fields = {"global": True, "y": {sid: p.y_hash for sid, p in parts.items()},
                  "X": {sid: p.x_hash for sid, p in parts.items()},
                  "origins": {sid: p.origins for sid, p in parts.items()},
                  "start": {sid: p.start for sid, p in parts.items()},
                  "seasons": {sid: p.season for sid, p in parts.items()}}
    else:
        (part,) = parts.values()
        fields = {"y": part.y_hash, "X": part.x_hash, "origins": part.origins, "start": part.start,
                  "season": part.season}
    return hash_json({"version": __version__, "model": model, "settings": settings, "name": name, **fields})


@dataclass
class Plan:
    """The tasks to run (before :func:`~forecast.evaluation.chains.chain_tasks` groups
    refits into chains) and the hash of all the data (series and X)."""

    tasks: list[Task | GlobalTask]
    data_hash: str


def series_origins(panel: dict[str, pd.Series], models: dict[str, Forecaster], *, initial: int | None,
                   horizon: int, step: int, window: str | int, is_panel: bool
                   ) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Each series' origin positions and the ``initial`` used for it; an ``InputError`` when
    the first origin leaves a model fewer observations than it needs to fit."""
    origins_by_series: dict[str, list[int]] = {}
    initial_used: dict[str, int] = {}
    for sid, series in panel.items():
        init = initial if initial is not None else default_initial(len(series), horizon, window)
        where = f"series {sid!r}" if is_panel else "y"
        origins = origin_positions(len(series), horizon=horizon, initial=init, step=step, name=where)
        origins_by_series[sid] = origins
        initial_used[sid] = int(init)
        first_train = origins[0] - train_start(origins[0], window) + 1
        for name, model in models.items():
            need = model.min_length()
            if need > first_train:
                raise InputError(
                    f"model {name!r} needs at least {need} observations to fit but the first origin of "
                    f"{where} leaves {first_train} (length {len(series)}, initial={init}, horizon={horizon}"
                    f"{'' if window == 'expanding' else f', window={window}'}); increase initial"
                )
    return origins_by_series, initial_used


def plan_tasks(models: dict[str, Forecaster], global_names: Sequence[str], panel: dict[str, pd.Series],
               exog: dict[str, pd.DataFrame | None], columns: dict[str, list[str]],
               origins_by_series: dict[str, list[int]], seasons: dict[str, int], *, refit_k: int,
               window: str | int, horizon: int, level: float, settings: dict[str, Any],
               seed: int | None) -> Plan:
    """Every task, in the order they run: per series (in panel order), each per-series
    model's segments; then each global model's segments over the panel. ``columns`` are the
    X columns each model is handed, ``seasons`` each series' season."""
    y_hashes = {sid: hash_series(series) for sid, series in panel.items()}
    data_hash = hash_json({sid: hash_json([y_hashes[sid], hash_frame(exog[sid])]) for sid in panel})
    context = dict(panel=panel, exog=exog, origins_by_series=origins_by_series, seasons=seasons,
                   y_hashes=y_hashes, refit_k=refit_k, window=window, horizon=horizon, level=level,
                   settings=settings, seed=seed)
    tasks: list[Task | GlobalTask] = []
    trained_globally = set(global_names)
    for sid in panel:
        for name, model in models.items():
            if name not in trained_globally:
                tasks.extend(_model_tasks(sid, [sid], name, model, columns[name], **context))
    for name in global_names:
        tasks.extend(_model_tasks(GLOBAL, list(panel), name, models[name], columns[name], **context))
    return Plan(tasks=tasks, data_hash=data_hash)


def _model_tasks(scope: str, members: list[str], name: str, model: Forecaster, cols: list[str], *,
                 panel: dict[str, pd.Series], exog: dict[str, pd.DataFrame | None],
                 origins_by_series: dict[str, list[int]], seasons: dict[str, int], y_hashes: dict[str, str],
                 refit_k: int, window: str | int, horizon: int, level: float, settings: dict[str, Any],
                 seed: int | None) -> list[Task | GlobalTask]:
    """The tasks of one model in one scope: a series (``members`` is that series) or
    :data:`GLOBAL` (``members`` is the panel), one per refit segment."""
    segs = {sid: segments(origins_by_series[sid], refit_k) for sid in members}
    x_models = {sid: exog[sid][cols] if cols and exog[sid] is not None else None for sid in members}
    x_hashes = {sid: hash_frame(x) for sid, x in x_models.items()}
    ident = model_id(model)
    tasks: list[Task | GlobalTask] = []
    for seg_no in range(max(len(v) for v in segs.values())):
        parts = {}
        for sid in members:
            if seg_no >= len(segs[sid]):
                continue  # this series has no origins left in the segment
            seg = segs[sid][seg_no]
            start = train_start(seg[0], window)
            x = x_models[sid]
            parts[sid] = Part(y=panel[sid].iloc[start:seg[-1] + 1],
                              X=None if x is None else x.iloc[start:seg[-1] + 1 + horizon],
                              start=start, n_train=seg[0] - start + 1, origins=seg,
                              y_hash=y_hashes[sid], x_hash=x_hashes[sid], season=seasons[sid])
        key = task_key(scope, name, ident, settings, parts)
        common = dict(key=key, model_name=name, segment=seg_no, model=model, horizon=horizon, level=level,
                      seed=task_seed(seed, scope, name, seg_no))
        if scope == GLOBAL:
            tasks.append(GlobalTask(
                **common, ys={sid: p.y for sid, p in parts.items()},
                Xs={sid: p.X for sid, p in parts.items() if p.X is not None} if cols else None,
                n_train={sid: p.n_train for sid, p in parts.items()},
                origins={sid: p.origins for sid, p in parts.items()},
                seasons={sid: p.season for sid, p in parts.items()}))
        else:
            (part,) = parts.values()
            tasks.append(Task(**common, series_id=scope, y=part.y, X=part.X, n_train=part.n_train,
                              origins=part.origins, season=part.season))
    return tasks
