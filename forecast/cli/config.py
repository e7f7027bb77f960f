"""Run configuration for the command line: TOML files, defaults and flag overrides.

A configuration file has three optional tables and a model list::

    [data]
    path = "sales.csv"          # relative to the config file (or a bundled dataset name)
    target = "sales"
    time_col = "month"          # detected when left out
    exog = ["price"]            # observed regressors (known only up to each origin)
    known_exog = ["holiday"]    # regressors known in advance for the horizon
    sep = ";"                   # field separator, decimal mark, date format: detected when
    decimal = ","               #   left out (dates like 01/02/2020 need date_format)
    date_format = "%d.%m.%Y"
    thousands = "."             # thousands mark (detected where 1.009,14 leaves no doubt)
    skip_rows = 1               # title lines above the header

    [backtest]
    models = ["naive", "snaive(12)", "arma(auto)", { model = "lstm", units = 16, epochs = 20 }]
    horizon = 12
    initial = 0.75              # a count of observations, or a fraction of the series
    step = 1
    window = "expanding"        # or a number: a sliding window of that length
    refit = "every:6"           # "always", "never" or "every:K"
    metrics = ["mae", "rmse", "smape", "mase"]
    season = 12                 # season length m (default: from the data's frequency)
    jobs = 2
    seed = 0

    [output]
    out = "results"

Precedence: built-in defaults < the file < command-line flags.

>>> cfg = RunConfig().merge({"horizon": 6, "refit": "every:3"})
>>> cfg.horizon, parse_refit(cfg.refit)
(6, 3)
>>> print(to_toml({"backtest": {"horizon": 6, "models": ["naive", "ar(2)"]}}).strip())
[backtest]
horizon = 6
models = ["naive", "ar(2)"]
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..validation import whole_number

__all__ = ["RunConfig", "load_config", "parse_refit", "parse_window", "parse_initial",
           "model_spec", "to_toml", "SECTIONS"]

#: which table of the file each setting lives in
SECTIONS: dict[str, str] = {
    "data": "data", "target": "data", "time_col": "data", "id_col": "data", "exog": "data",
    "known_exog": "data", "sep": "data", "decimal": "data", "date_format": "data",
    "thousands": "data", "skip_rows": "data",
    "models": "backtest", "horizon": "backtest", "initial": "backtest", "step": "backtest",
    "window": "backtest", "refit": "backtest", "metrics": "backtest", "season": "backtest",
    "jobs": "backtest",
    "dask": "backtest", "seed": "backtest", "backend": "backtest", "levels": "backtest",
    "out": "output",
}
_FILE_NAMES = {"path": "data"}  # [data] path = ... is the data file


@dataclasses.dataclass
class RunConfig:
    """Every setting of ``forecast backtest``; ``None`` means "decide from the data"."""

    data: str | None = None
    target: str | None = None
    time_col: str | None = None
    id_col: str | None = None
    exog: list[str] = dataclasses.field(default_factory=list)
    known_exog: list[str] = dataclasses.field(default_factory=list)
    sep: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    thousands: str | None = None
    skip_rows: int = 0
    models: list[str] | None = None
    horizon: int | None = None
    initial: int | float | None = None
    step: int = 1
    window: str | int = "expanding"
    refit: str | int | bool = "never"
    metrics: list[str] | None = None
    season: int | None = None
    jobs: int = 1
    dask: str | None = None
    seed: int | None = 0
    backend: str | None = None
    levels: list[float] = dataclasses.field(default_factory=lambda: [80.0, 95.0])
    out: str = "forecast-results"

    def merge(self, values: Mapping[str, Any]) -> RunConfig:
        """A copy with ``values`` (not ``None``) laid over this configuration."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = [k for k in values if k not in known]
        if unknown:
            raise InputError(
                f"unknown setting(s) {', '.join(map(repr, unknown))}; known settings: {', '.join(sorted(known))}"
            )
        out = dataclasses.replace(self)
        for key, value in values.items():
            if value is not None:
                setattr(out, key, _coerce(key, value))
        return out

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_sections(self) -> dict[str, dict[str, Any]]:
        """The configuration as the tables of a file (``None`` values left out)."""
        tables: dict[str, dict[str, Any]] = {"data": {}, "backtest": {}, "output": {}}
        for key, value in self.to_dict().items():
            if value is None or value == []:
                continue
            name = "path" if key == "data" else key
            tables[SECTIONS[key]][name] = value
        return {k: v for k, v in tables.items() if v}


def _as_list(key: str, value: Any) -> list:
    if isinstance(value, str):
        from ..models.registry import split_specs

        return split_specs(value)
    if isinstance(value, list | tuple):
        return list(value)
    raise InputError(f"setting {key!r} must be a list or a comma-separated text; got {value!r}")


def _coerce(key: str, value: Any) -> Any:
    if key in ("exog", "known_exog", "metrics"):
        return [str(v).strip() for v in _as_list(key, value)]
    if key == "models":
        return [model_spec(v) for v in _as_list(key, value)]
    if key == "levels":
        return [float(v) for v in _as_list(key, value)]
    if key in ("horizon", "step", "jobs", "seed", "season", "skip_rows"):
        if isinstance(value, str):  # "12" in a TOML string: a whole number all the same
            try:
                value = int(value.strip())
            except ValueError:
                pass
        # ranges (horizon >= 1, jobs -1 for all cores...) are checked where the setting is used
        return whole_number(value, f"setting {key!r}", low=-1 if key == "jobs" else 0)
    if key == "initial":
        return parse_initial(value)
    if key == "window":
        return parse_window(value)
    if key == "refit":
        parse_refit(value)  # validate now, keep the readable form
        return value
    if key == "sep":
        from ..io.sniff import parse_sep

        return parse_sep(value)
    if key == "thousands":
        from ..io.sniff import parse_thousands

        return parse_thousands(value) or "none"
    if key == "decimal" and value not in (".", ","):
        raise InputError(f"setting 'decimal' must be '.' or ','; got {value!r}")
    if key in ("data", "out") and isinstance(value, os.PathLike):
        return str(value)
    return value


def model_spec(item: Any) -> str:
    """A model entry of a config file as a spec string.

    >>> model_spec({"model": "lstm", "units": 16, "bidirectional": True})
    'lstm(units=16, bidirectional=True)'
    """
    if isinstance(item, str):
        return item.strip()
    if isinstance(item, Mapping):
        params = dict(item)
        name = params.pop("model", None) or params.pop("name", None)
        if not isinstance(name, str):
            raise InputError(
                f"a model table needs a 'model' key naming the model, e.g. {{ model = \"lstm\", units = 16 }}; got {dict(item)!r}"
            )
        args = ", ".join(f"{k}={_spec_literal(v)}" for k, v in params.items())
        return f"{name}({args})" if args else name
    raise InputError(f"a model must be a spec text such as 'arma(2,1)' or a table; got {item!r}")


def _spec_literal(value: Any) -> str:
    if isinstance(value, list | tuple):
        inner = ", ".join(_spec_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def parse_refit(value: Any) -> bool | int:
    """``"always"`` -> True, ``"never"`` -> False, ``"every:K"`` -> K.

    >>> parse_refit("always"), parse_refit("never"), parse_refit("every:4")
    (True, False, 4)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value >= 1:
        return True if value == 1 else value
    text = str(value).strip().lower()
    if text in ("always", "true", "yes"):
        return True
    if text in ("never", "false", "no", "once"):
        return False
    if text.startswith("every:"):
        try:
            k = int(text.split(":", 1)[1])
        except ValueError:
            k = 0
        if k >= 1:
            return True if k == 1 else k
    raise InputError(f"refit must be 'always', 'never' or 'every:K' with K >= 1; got {value!r}")


def parse_window(value: Any) -> str | int:
    """``"expanding"`` or a sliding-window length >= 2."""
    if isinstance(value, str) and value.strip().lower() == "expanding":
        return "expanding"
    try:
        n = int(str(value))
    except ValueError:
        n = 0
    if n < 2:
        raise InputError(f"window must be 'expanding' or a sliding-window length >= 2; got {value!r}")
    return n


def parse_initial(value: Any) -> int | float:
    """A count of observations (>= 1) or a fraction of the series in (0, 1)."""
    if isinstance(value, bool):
        raise InputError(f"initial must be a count or a fraction; got {value!r}")
    try:
        number = float(str(value))
    except ValueError:
        number = math.nan
    if 0 < number < 1:
        return number
    if number >= 1 and number == int(number):
        return int(number)
    raise InputError(
        f"initial must be a number of observations (e.g. 96) or a fraction of the series (e.g. 0.7); got {value!r}"
    )


def load_config(path: str | os.PathLike) -> dict[str, Any]:
    """Read a TOML configuration file into flat settings for :meth:`RunConfig.merge`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"config file not found: {path}; check the path")
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"config file {path} is not valid TOML: {err}") from err
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and key in ("data", "backtest", "output"):
            for sub, subvalue in value.items():
                name = "data" if (key, sub) == ("data", "path") else sub
                if SECTIONS.get(name) != key:
                    where = f"[{SECTIONS[name]}]" if name in SECTIONS else "nowhere"
                    raise InputError(
                        f"config file {path}: unknown setting {sub!r} in [{key}] (it belongs {where}); "
                        f"[{key}] takes: {', '.join(sorted('path' if k == 'data' else k for k, s in SECTIONS.items() if s == key))}"
                    )
                flat[name] = subvalue
        elif key == "models":
            flat["models"] = value
        else:
            raise InputError(
                f"config file {path}: unknown entry {key!r}; use the tables [data], [backtest] and [output]"
            )
    data = flat.get("data")
    if isinstance(data, str) and not Path(data).is_absolute():
        candidate = path.parent / data
        if candidate.exists() or any(ch in data for ch in "/\\."):
            flat["data"] = str(candidate)  # data files are found beside the config file
    return flat


# ------------------------------------------------------------------ a small TOML writer
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise InputError(f"cannot write {value!r} to TOML")


def to_toml(tables: Mapping[str, Mapping[str, Any]]) -> str:
    """Write ``{table: {key: value}}`` as TOML text (readable back with tomllib)."""
    lines: list[str] = []
    for table, values in tables.items():
        if lines:
            lines.append("")
        lines.append(f"[{table}]")
        for key, value in values.items():
            if value is not None:
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
