"""Saving and loading fitted models without pickle.

A saved model is a folder holding ``forecaster.json`` (class, parameters, the data seen,
and the model's own fitted state) plus any files a model adds (a ``.keras`` file for
networks). Only classes inside the ``forecast`` package can be loaded.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .atomic import atomic_folder
from .errors import PersistenceError
from .io import data_from_json, data_to_json
from .jsonable import dumps

FORMAT = "forecast-model"
VERSION = 1
MANIFEST = "forecaster.json"


def _is_forecaster(cls: Any) -> bool:
    """Whether ``cls`` is a Forecaster class. Persistence sits above the model contract
    without importing it (:mod:`forecast.base` imports this module to save): a Forecaster
    is recognised by the contract's methods, on top of the module check done by callers."""
    return isinstance(cls, type) and all(callable(getattr(cls, name, None)) for name in (
        "fit", "predict", "get_params", "_get_state", "_set_state", "_set_data", "_check_fitted"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return {"__tuple__": [_jsonable(v) for v in value]}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if _is_forecaster(type(value)):  # a model as a parameter (a combination's members), unfitted
        cls = type(value)
        return {"__forecaster__": f"{cls.__module__}:{cls.__qualname__}", "params": _jsonable(value.get_params())}
    raise PersistenceError(f"parameter value {value!r} of type {type(value).__name__} cannot be saved as JSON")


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__tuple__"}:
            return tuple(_restore(v) for v in value["__tuple__"])
        if set(value) == {"__forecaster__", "params"}:
            return _forecaster_class(str(value["__forecaster__"]))(**_restore(value["params"]))
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value


def _forecaster_class(name: str) -> type:
    """A Forecaster class inside the forecast package named ``module:Class`` (nothing else is loaded)."""
    module, _, cls_name = name.partition(":")
    if not (module == "forecast" or module.startswith("forecast.")):
        raise PersistenceError(f"a saved parameter names the class {name!r}, outside forecast; refusing to load it")
    try:
        cls = getattr(importlib.import_module(module), cls_name)
    except (ImportError, AttributeError) as err:
        raise PersistenceError(f"a saved parameter names an unknown class {name!r}") from err
    if not _is_forecaster(cls):
        raise PersistenceError(f"{name!r} is not a Forecaster")
    return cls


def save_model(model: Any, path: str | os.PathLike) -> Path:
    """Write the fitted Forecaster ``model`` to folder ``path`` atomically (a half-written
    folder never remains; an earlier one is replaced only once the new one is complete)."""
    path = Path(path)
    model._check_fitted("save")
    with atomic_folder(path) as tmp:
        state = model._get_state(tmp)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "class": f"{type(model).__module__}:{type(model).__qualname__}",
            "params": _jsonable(model.get_params()),
            "y": data_to_json(model.y_),
            "X": None if model.X_ is None else data_to_json(model.X_),
            "ids": [[k, v] for k, v in getattr(model, "ids_", {}).items()],
            "state": state,
        }
        (tmp / MANIFEST).write_text(dumps(manifest, indent=1))
    return path


def load_model(path: str | os.PathLike, *, classes: Iterable[type] = ()) -> Any:
    """Load a model saved with ``model.save(path)``.

    Only classes inside the ``forecast`` package are loaded, plus the Forecaster
    subclasses named in ``classes`` (your own models, which you trust).
    """
    path = Path(path)
    file = path / MANIFEST
    if not file.is_file():
        raise PersistenceError(f"{path} is not a saved forecast model: {MANIFEST} is missing")
    try:
        manifest = json.loads(file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise PersistenceError(f"{file} is corrupt (not valid JSON: {err}); save the model again") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PersistenceError(f"{file} is not a forecast model file (format {manifest.get('format') if isinstance(manifest, dict) else None!r})")
    if manifest.get("version", 0) > VERSION:
        raise PersistenceError(f"{file} was written by a newer version of forecast (format {manifest['version']}); upgrade forecast")
    module, _, name = str(manifest.get("class", "")).partition(":")
    trusted = {f"{c.__module__}:{c.__qualname__}": c for c in classes}
    if manifest.get("class") in trusted:
        cls = trusted[manifest["class"]]
    elif not (module == "forecast" or module.startswith("forecast.")):
        raise PersistenceError(f"{file} names the class {manifest.get('class')!r}, outside forecast; refusing to load it")
    else:
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as err:
            raise PersistenceError(f"{file} names an unknown class {manifest.get('class')!r}") from err
    if not _is_forecaster(cls):
        raise PersistenceError(f"{manifest.get('class')!r} is not a Forecaster")
    try:
        model = cls(**_restore(manifest["params"]))
        state = manifest["state"]
        ids = manifest.get("ids") or (state.get("ids") if isinstance(state, dict) else None) or []  # older: in state
        model._set_data(data_from_json(manifest["y"]),
                        None if manifest["X"] is None else data_from_json(manifest["X"]),
                        {str(k): v for k, v in ids})
        model._set_state(manifest["state"], path)
    except PersistenceError:
        raise
    except (KeyError, TypeError, ValueError) as err:
        raise PersistenceError(f"{file} is corrupt or incomplete ({type(err).__name__}: {err}); save the model again") from err
    return model
