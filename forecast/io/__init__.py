"""Reading and validating time series.

One package, one concern per module: :mod:`.timeindex` (time indexes, frequency, season),
:mod:`.checks` (series, horizon, regressors), :mod:`.panel` (panel detection and reading),
:mod:`.jsonforms` (the JSON form of data) and :mod:`.files` (reading tables from disk, with
the sniffer :mod:`.sniff` and the memory check :mod:`.memcheck` under it).

Everything that enters the toolkit passes through here: a pandas object, a NumPy array or a
file on disk becomes a float64 :class:`pandas.Series` with a sorted, duplicate-free,
regularly spaced time index (DatetimeIndex with a frequency, PeriodIndex, or an integer
index), or an :class:`~forecast.errors.InputError` that says what is wrong, where, and what
to do about it.

>>> import pandas as pd
>>> y = check_series(pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2020-01", periods=3, freq="MS")))
>>> y.index.freqstr
'MS'
>>> list(future_index(y.index, 2).strftime("%Y-%m"))
['2020-04', '2020-05']
"""

from __future__ import annotations

from .timeindex import (  # noqa: F401
    ID_COLUMNS,
    TIME_COLUMNS,
    VALUE_COLUMNS,
    _CYCLE_STEPS,
    _TIME_NAMES,
    _check_index,
    _end_fits,
    _first_break,
    _infer_freq,
    _label,
    check_future_end,
    future_index,
    infer_frequency,
    season_length,
)
from .checks import (  # noqa: F401
    MAX_ABS_VALUE,
    _align,
    _as_frame,
    _check_finite,
    _no_target_among,
    _numeric,
    check_exog,
    check_future_exog,
    check_horizon,
    check_series,
    validated_input,
    regressor_columns,
)
from .jsonforms import (  # noqa: F401
    _series_from_json,
    _series_to_json,
    data_from_json,
    data_to_json,
    index_from_json,
    index_to_json,
)
from .files import (  # noqa: F401
    _check_one_date_format,
    _date_kind,
    _detect_time_col,
    _id_column_hint,
    _one_series,
    _parse_time,
    _parse_with_format,
    _read_excel,
    _strip_thousands,
    _to_utc,
    _unknown_column,
    read_series,
    read_table,
)
from .panel import (  # noqa: F401
    is_panel,
    read_panel,
    to_panel,
)

__all__ = [
    "check_series",
    "validated_input",
    "check_exog",
    "check_future_exog",
    "regressor_columns",
    "check_horizon",
    "future_index",
    "infer_frequency",
    "season_length",
    "read_table",
    "read_series",
    "to_panel",
    "is_panel",
    "read_panel",
    "ID_COLUMNS",
    "index_to_json",
    "index_from_json",
    "data_to_json",
    "data_from_json",
]
