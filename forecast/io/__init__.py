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

from .checks import (  # noqa: F401
    MAX_ABS_VALUE,
    check_exog,
    check_future_exog,
    check_horizon,
    check_series,
    regressor_columns,
    validated_input,
)
from .files import (  # noqa: F401
    read_series,
    read_table,
)
from .jsonforms import (  # noqa: F401
    data_from_json,
    data_to_json,
    index_from_json,
    index_to_json,
)
from .panel import (  # noqa: F401
    is_panel,
    read_panel,
    to_panel,
)
from .timeindex import (  # noqa: F401
    ID_COLUMNS,
    TIME_COLUMNS,
    VALUE_COLUMNS,
    check_future_end,
    future_index,
    infer_frequency,
    season_length,
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
