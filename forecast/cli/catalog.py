"""``forecast models`` and ``forecast datasets``: what can be used, as tables."""

from __future__ import annotations

import argparse
from typing import Any

from .tables import render_table

__all__ = ["model_catalog", "dataset_catalog", "run_models", "run_datasets"]


def model_catalog() -> list[dict[str, Any]]:
    """One row per registered model: name, example spec, parameters with defaults,
    whether it needs tensorflow, description. Never imports tensorflow."""
    import inspect

    from ..models import registry

    rows = []
    for entry in registry.entries():
        example = f"{entry.name}({', '.join(entry.positional)})" if entry.positional else entry.name
        try:
            cls = entry.load()  # model modules import keras only when a network is built
        except ImportError as err:  # a registered model whose module cannot be imported here
            rows.append({"name": entry.name, "spec": example, "params": "-", "needs_tensorflow": False,
                         "description": f"{entry.description} (cannot be loaded: {err})".strip()})
            continue
        defaults = cls._param_defaults()  # the constructor's, or the class's (a network's cell)
        params = [(n, "" if d is inspect.Parameter.empty else repr(d)) for n, d in defaults.items()]
        doc = (inspect.getdoc(cls) or "").split("\n")[0]
        params = [(entry.spec_names.get(n, n), d) for n, d in params]  # as written in --models
        text = ", ".join(f"{n}={d}" if d else n for n, d in params) or "-"
        rows.append({"name": entry.name, "spec": example, "params": text,
                     "needs_tensorflow": bool(cls.get_tags()["needs_keras"]),
                     "description": entry.description or doc})
    return rows


def dataset_catalog() -> list[dict[str, Any]]:
    """One row per bundled dataset: name, length, frequency, number of series, description."""
    from .. import datasets

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


def run_models(args: argparse.Namespace) -> int:
    rows = model_catalog()
    table = [[r["name"], r["spec"], r["params"], "yes" if r["needs_tensorflow"] else "no", r["description"]]
             for r in rows]
    render_table(["name", "example", "parameters (defaults)", "tensorflow", "description"], table,
                 title="Models (use them in --models as name or name(args))", wrap_col=2)
    return 0


def run_datasets(args: argparse.Namespace) -> int:
    rows = dataset_catalog()
    render_table(["name", "length", "frequency", "series", "description"],
                 [[r["name"], r["length"], r["frequency"], r["series"], r["description"]] for r in rows],
                 title="Bundled datasets (pass the name as DATA)", wrap_col=4)
    return 0
