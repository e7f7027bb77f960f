"""Content hashes and the on-disk cache of finished backtest tasks.

Each finished task is one JSON file named by the hash of everything that determines its
result: the data it sees, the model's class and parameters, the backtest settings and the
package version. A changed setting or changed data gives a different name, so a cache is
never mixed with results of another configuration. Files are written to a temporary name
and moved into place with :func:`os.replace`, so a run killed at any moment leaves either a
complete file or none.

>>> key = hash_json({"a": 1})
>>> len(key)
64
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import atomic_write
from ..io import index_to_json
from ..jsonable import dumps

__all__ = ["hash_json", "hash_series", "hash_frame", "TaskCache"]


def canonical_json(obj: Any) -> str:
    """Deterministic JSON text (sorted keys) used for hashing."""
    return dumps(obj, unknown=repr, sort_keys=True, separators=(",", ":"))


def hash_json(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()


def hash_series(y: pd.Series) -> str:
    """SHA-256 of a series' values and time index."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(y.to_numpy(dtype=np.float64)).tobytes())
    h.update(canonical_json(index_to_json(y.index)).encode())
    return h.hexdigest()


def hash_frame(X: pd.DataFrame | None) -> str:
    """SHA-256 of a frame's values, columns and index (``"none"`` for ``None``)."""
    if X is None:
        return "none"
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(X.to_numpy(dtype=np.float64)).tobytes())
    h.update(canonical_json([str(c) for c in X.columns]).encode())
    h.update(canonical_json(index_to_json(X.index)).encode())
    return h.hexdigest()



_RECORD_LISTS = ("origins", "ok", "mean", "lower", "upper", "failures", "warnings")


def _well_formed(data: dict[str, Any]) -> bool:
    """Whether a cached entry has the shape of a finished task's record: one series'
    record, or a global task's (or a chain of refits') ``records`` list of them."""
    if data.get("global") or data.get("chain"):
        records = data.get("records")
        return (isinstance(records, list) and bool(records)
                and all(isinstance(r, dict) and _well_formed(r) for r in records))
    if not isinstance(data.get("model"), str) or not all(
            isinstance(data.get(name), list) for name in _RECORD_LISTS):
        return False
    n = len(data["origins"])
    if not (len(data["ok"]) == len(data["mean"]) == len(data["lower"]) == len(data["upper"]) == n):
        return False
    width = {len(row) if isinstance(row, list) else -1 for name in ("mean", "lower", "upper")
             for row in data[name]}
    return len(width) <= 1 and -1 not in width and all(
        isinstance(data.get(name), int | float) for name in ("fit_seconds", "predict_seconds"))


class TaskCache:
    """Finished tasks stored as ``<cache_dir>/tasks/<key>.json``."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder) / "tasks"
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self.path(key)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # unreadable: recompute (an atomic write never leaves one, but be safe)
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data if _well_formed(data) else None  # damaged or foreign: recompute

    def put(self, key: str, record: dict[str, Any]) -> None:
        atomic_write(self.path(key), json.dumps(record, allow_nan=True))
