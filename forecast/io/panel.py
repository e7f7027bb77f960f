"""Panels: a long frame or a mapping of series ids to series, detected once (:func:`is_panel`)
and read into validated series keyed by ``str`` id (:func:`read_panel`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .checks import check_series
from .files import read_series
from .timeindex import ID_COLUMNS, TIME_COLUMNS, VALUE_COLUMNS


def to_panel(data: Any, *, id_col: str = "series_id", time_col: str | None = "timestamp", target: str = "value") -> dict[str, pd.Series]:
    """``{str id: validated Series}`` from a long DataFrame with the columns named here, or
    from a dict/list of series (see :func:`read_panel`, which finds the columns itself and
    also gives back the caller's ids)."""
    if isinstance(data, pd.DataFrame):
        ys, _ = read_series(data, target=target, time_col=time_col, id_col=id_col)
        return ys
    return read_panel(data, "y")[0]


# --------------------------------------------------------------------------------------
# panels: the one place that decides whether data holds one series or many
# --------------------------------------------------------------------------------------
def is_panel(data: Any) -> bool:
    """Whether ``data`` holds many series: a mapping ``{id: series}``, a non-empty list or
    tuple of Series, or a long DataFrame with a series id column (one of ``ID_COLUMNS``).

    >>> import pandas as pd
    >>> is_panel({"a": pd.Series([1.0, 2.0])}), is_panel(pd.Series([1.0, 2.0]))
    (True, False)
    >>> is_panel(pd.DataFrame({"series_id": ["a", "a"], "value": [1.0, 2.0]}))
    True
    """
    if isinstance(data, Mapping):
        return True
    if isinstance(data, pd.DataFrame):
        return any(c in data.columns for c in ID_COLUMNS)
    return isinstance(data, list | tuple) and len(data) > 0 and all(isinstance(v, pd.Series) for v in data)


def read_panel(data: Any, name: str = "y") -> tuple[dict[str, pd.Series], dict[str, Any]]:
    """A panel (see :func:`is_panel`) as ``({str id: validated Series}, {str id: caller's id})``.

    Series are keyed by ``str(id)`` inside the toolkit; the second dict gives back the id as
    the caller wrote it (an int stays an int, NumPy scalars become Python ones). A long
    frame needs a value column (one of ``VALUE_COLUMNS``); its time column is the first of
    ``TIME_COLUMNS`` present (none: positions).
    """
    if isinstance(data, pd.DataFrame):
        id_col = next((c for c in ID_COLUMNS if c in data.columns), None)
        if id_col is None:
            raise InputError(f"{name} is a DataFrame without a series id column ({', '.join(ID_COLUMNS)}); "
                             "pass a long frame with series_id, timestamp and value columns, or a dict of series")
        value = next((c for c in VALUE_COLUMNS if c in data.columns), None)
        if value is None:
            raise InputError(f"the long frame {name} has no value column ({', '.join(VALUE_COLUMNS)}); "
                             f"it has {', '.join(map(str, data.columns))}")
        time_col = next((c for c in TIME_COLUMNS if c in data.columns), None)
        ys, _ = read_series(data, target=value, time_col=time_col, id_col=id_col)
        keys = list(pd.unique(data[id_col]))
    elif isinstance(data, Mapping):
        ys = {str(k): check_series(v, f"{name}[{k!r}]") for k, v in data.items()}
        keys = list(data.keys())
    elif isinstance(data, list | tuple):
        keys = [getattr(v, "name", None) or i for i, v in enumerate(data)]
        ys = {str(k): check_series(v, f"{name}[{i}]") for i, (k, v) in enumerate(zip(keys, data, strict=True))}
    else:
        raise InputError(f"cannot read a panel from {type(data).__name__}; pass a dict of Series or a long DataFrame")
    if not ys:
        raise InputError(f"{name} is an empty panel; give at least one series")
    if len(ys) != len(keys):
        raise InputError(f"{name} has series ids that are equal as text (e.g. 1 and '1'); give each series its own id")
    ids = {str(k): (k.item() if isinstance(k, np.generic) else k) for k in keys}
    return ys, {sid: ids.get(sid, sid) for sid in ys}
