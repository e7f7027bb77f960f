"""The one check of a panel's regressors: a dict ``{series id: DataFrame}`` matched to the
series of a panel (ids compared as ``str``, as panels key their series) and each frame
checked against its series' time index (:func:`forecast.io.check_exog`). Models fitted on a
panel (:meth:`forecast.base.Forecaster.fit`) and the backtest both come through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .errors import InputError
from .io import check_exog

__all__ = ["panel_regressors"]


def panel_regressors(X: Mapping[Any, Any], ys: Mapping[str, pd.Series], name: str = "X", *,
                     same_columns: bool = True) -> dict[str, pd.DataFrame | None]:
    """Each series' regressors, ``{series id: DataFrame}`` in the order of ``ys``, from the
    dict ``X`` (named ``name`` in messages), validated against that series; with
    ``same_columns`` every series must have the same columns (one network reads them all)."""
    given = {str(k): v for k, v in X.items()}
    out = {}
    for sid, s in ys.items():
        if sid not in given:
            raise InputError(f"{name} has no exogenous values for series {sid!r}; give one DataFrame per series")
        out[sid] = check_exog(given[sid], s.index, f"{name}[{sid!r}]", y=s)
    cols = {tuple(f.columns) for f in out.values() if f is not None}
    if same_columns and len(cols) > 1:
        raise InputError(f"{name}: every series needs the same exogenous columns; got {sorted(cols)}")
    return out
