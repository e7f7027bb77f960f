"""The real datasets bundled in ``data/`` (provenance and licences in ``data/README.md``).

>>> import forecast as fc
>>> y = fc.datasets.load("airline")
>>> y.index.freqstr, len(y)
('M', 144)
>>> fc.datasets.load("macro").columns[:3].tolist()
['realgdp', 'realcons', 'realinv']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .io import check_series, read_series

__all__ = ["load", "load_m3", "names", "info", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    file: str
    target: str | None
    description: str
    frequency: str
    season: int


_CATALOG = {
    "airline": DatasetInfo("airline", "airline.csv", "passengers",
                           "international airline passengers, monthly totals in thousands, 1949-1960", "monthly", 12),
    "sunspots": DatasetInfo("sunspots", "sunspots.csv", "sunspots",
                            "yearly mean sunspot numbers, 1700-2008", "yearly", 11),
    "macro": DatasetInfo("macro", "macro.csv", None,
                         "US macroeconomic data, quarterly 1959Q1-2009Q3 (real GDP, consumption, income, ...)", "quarterly", 4),
    "co2": DatasetInfo("co2", "co2.csv", "co2",
                       "Mauna Loa atmospheric CO2 (ppm), weekly 1958-2001, 59 gaps interpolated", "weekly", 52),
}
_M3 = {
    "yearly": ("M3_yearly_TSTS.csv", 6, "Y"),
    "quarterly": ("M3_quarterly_TSTS.csv", 8, "Q"),
    "monthly": ("M3_monthly_TSTS.csv", 18, "M"),
    "other": ("M3_other_TSTS.csv", 8, None),
}


def names() -> list[str]:
    """Names accepted by :func:`load`."""
    return list(_CATALOG) + [f"m3_{k}" for k in _M3]


def info(name: str) -> DatasetInfo:
    try:
        return _CATALOG[name]
    except KeyError:
        raise InputError(f"unknown dataset {name!r}; available: {', '.join(names())}") from None


def load(name: str) -> pd.Series | pd.DataFrame | dict[str, pd.Series]:
    """Load a bundled dataset: a Series (one series), a DataFrame (``macro``) or a dict of
    Series (``m3_yearly``, ``m3_quarterly``, ``m3_monthly``, ``m3_other``: the full M3 series)."""
    if name.startswith("m3_"):
        series, _ = load_m3(name[3:])
        return series
    meta = info(name)
    frame = pd.read_csv(DATA_DIR / meta.file)
    if meta.target is None:
        time_col = frame.columns[0]
        y, X = read_series(frame, target=frame.columns[1], time_col=time_col, exog=list(frame.columns[2:]))
        out = pd.concat([y, X], axis=1)
        out.index.name = time_col
        return out
    y, _ = read_series(frame, target=meta.target)
    return y


def load_m3(subset: str, *, split: bool = False):
    """The M3 competition series of one subset (``yearly``, ``quarterly``, ``monthly`` or ``other``).

    Returns ``(series, horizon)``: a dict of full series (training part followed by the
    ``horizon`` test values) and the competition's horizon. With ``split=True`` returns
    ``(train, test, horizon)`` dicts.
    """
    if subset not in _M3:
        raise InputError(f"unknown M3 subset {subset!r}; choose one of {', '.join(_M3)}")
    file, horizon, freq = _M3[subset]
    frame = pd.read_csv(DATA_DIR / "m3" / file, dtype={"timestamp": str})
    # Parse every time stamp at once (per-series parsing is slow), then split by series.
    stamps = frame["timestamp"].astype(str)
    if freq == "Q":
        ordinals = (stamps.str[:4].astype(int) - 1970) * 4 + stamps.str[-1].astype(int) - 1
    elif freq == "M":  # "1990-01"; the file gives no dates for 35 series (M1383...)
        known = frame["timestamp"].notna().to_numpy()
        ordinals = np.zeros(len(frame), dtype=np.int64)
        ordinals[known] = ((stamps[known].str[:4].astype(int) - 1970) * 12
                           + stamps[known].str[5:7].astype(int) - 1).to_numpy()
        # those series, and a few whose dates are not consecutive months (two-digit years
        # past 2000), get consecutive months from January 1970: their values and frequency
        # are the competition's, only the calendar labels are placeholders
        for rows in frame.groupby("series_id", sort=False).indices.values():
            if not known[rows].all() or (np.diff(ordinals[rows]) != 1).any():
                ordinals[rows] = np.arange(len(rows))
    elif freq == "Y":
        ordinals = stamps.astype(int) - 1970
    else:
        ordinals = stamps.astype(int)
    ordinals = np.asarray(ordinals, dtype=np.int64)
    values = frame["value"].to_numpy(float)
    series: dict[str, pd.Series] = {}
    for sid, rows in frame.groupby("series_id", sort=False).indices.items():
        if freq is None:
            index = pd.Index(ordinals[rows])
        else:
            index = pd.PeriodIndex.from_ordinals(ordinals[rows], freq=freq)
        series[str(sid)] = check_series(pd.Series(values[rows], index=index, name=str(sid)), f"M3 series {sid}")
    if not split:
        return series, horizon
    train = {k: v.iloc[:-horizon] for k, v in series.items()}
    test = {k: v.iloc[-horizon:] for k, v in series.items()}
    return train, test, horizon


def load_m3_forecasts(subset: str) -> pd.DataFrame:
    """The forecasts submitted to the M3 competition (``yearly`` or ``other``), long format:
    series_id, method_id, forecast, horizon."""
    files = {"yearly": "M3_yearly_FTS.csv", "other": "M3_other_FTS.csv"}
    if subset not in files:
        raise InputError(f"M3 forecasts are bundled for {', '.join(files)} only; got {subset!r}")
    return pd.read_csv(DATA_DIR / "m3" / files[subset])
