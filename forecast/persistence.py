"""Saving and loading fitted models without pickle.

A saved model is a folder holding ``forecaster.json`` (class, parameters, the data seen,
and the model's own fitted state) plus any files a model adds (a ``.keras`` file for
networks). Only classes inside the ``forecast`` package can be loaded.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .base import Forecaster
from .errors import PersistenceError
from .io import data_from_json, data_to_json

FORMAT = "forecast-model"
VERSION = 1
MANIFEST = "forecaster.json"


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
    if isinstance(value, Forecaster):  # a model as a parameter (a combination's members), unfitted
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
    if not (isinstance(cls, type) and issubclass(cls, Forecaster)):
        raise PersistenceError(f"{name!r} is not a Forecaster")
    return cls


def save_model(model: Forecaster, path: str | os.PathLike) -> Path:
    """Write ``model`` to folder ``path`` atomically (a half-written folder never remains)."""
    path = Path(path)
    model._check_fitted("save")
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=parent))
    try:
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
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, default=_default))
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def _default(obj: Any) -> Any:
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"cannot save {type(obj).__name__} as JSON")


def load_model(path: str | os.PathLike, *, classes: Iterable[type] = ()) -> Forecaster:
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
    if not (isinstance(cls, type) and issubclass(cls, Forecaster)):
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
