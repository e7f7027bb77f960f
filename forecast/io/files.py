"""Reading tables from disk (CSV and other text tables, Parquet, Excel) into a series or a
long panel frame: the sniffer (:mod:`.sniff`) decides separators, marks and date order, the
memory check (:mod:`.memcheck`) refuses what would not fit before reading, and the time
column is found and parsed here."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ForecastWarning, InputError, option
from ..validation import whole_number
from .checks import check_exog, check_series
from .memcheck import check_fits_in_memory
from .sniff import day_first, sniff_file
from .timeindex import TIME_NAMES, infer_freq


def read_table(path: str | os.PathLike, *, sep: str | None = None, decimal: str | None = None,
               thousands: str | None = None, skip_rows: int = 0) -> pd.DataFrame:
    """Read a CSV (plain or gzip), Parquet or Excel file into a DataFrame with a clear error
    for a bad file.

    A text file's field separator (``,``, ``;``, tab or ``|``), decimal mark (``.`` or
    ``,``, as spreadsheets write CSV in much of Europe) and thousands mark are detected from
    its first lines unless given; a file that does not show them unambiguously is refused
    with a message naming ``sep``/``decimal``/``thousands``. A thousands mark is taken only
    between groups of three digits (``1.009,14``, ``14,692.95``), so dates such as
    ``01.01.2024`` or ``01.2018`` stay dates. Text that is not UTF-8 is read as UTF-16 (by
    its byte-order mark) or Windows-1252 (Excel's encoding in Western Europe). ``skip_rows``
    lines above the header (a title) are skipped. A file that is not a table (an image, a
    PDF) is refused saying what it is; a file too large for the available memory is refused
    before it is read.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass a CSV or Parquet file")
    if path.stat().st_size == 0:
        raise InputError(f"file {path} is empty; it needs a header row and at least one data row")
    whole_number(skip_rows, option("skip_rows"), low=0)
    if thousands:  # "none": the file has no thousands mark ("" too); None: detected
        from .sniff import parse_thousands

        thousands = parse_thousands(thousands) or ""
    check_fits_in_memory(path)
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if suffix.endswith((".parquet", ".pq")):
            frame = pd.read_parquet(path)
        elif suffix.endswith((".xlsx", ".xlsm", ".xls")):
            frame = _read_excel(path, skip_rows)
        else:
            fmt = sniff_file(path, sep=sep, decimal=decimal, thousands=thousands, skip_rows=skip_rows)
            frame = pd.read_csv(path, sep=fmt.sep, decimal=fmt.decimal, encoding=fmt.encoding,
                                compression=fmt.compression, skiprows=skip_rows or None,
                                dtype={c: str for c in fmt.dates} or None)
            if fmt.thousands:
                frame = _strip_thousands(frame, fmt.decimal, fmt.thousands, set(fmt.dates))
    except (ValueError, OSError, pd.errors.ParserError, UnicodeError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(f"could not read {path}: {err}") from err
    if frame.empty:
        raise InputError(f"file {path} has no data rows")
    return frame


def _read_excel(path: Path, skip_rows: int) -> pd.DataFrame:
    import importlib.util

    if importlib.util.find_spec("openpyxl") is None:
        raise InputError(f"{path} is an Excel workbook, and reading one needs the openpyxl package, "
                         "which is not installed; save the sheet as CSV and pass that file "
                         "(or pip install openpyxl)")
    return pd.read_excel(path, skiprows=skip_rows or None)


def _strip_thousands(frame: pd.DataFrame, decimal: str, thousands: str, dates: set[str]) -> pd.DataFrame:
    """Text columns whose every value is a number with thousands marks between groups of
    three digits (``1.009,14``), as numbers; any other text is left as it is."""
    from .sniff import number_pattern

    pattern = number_pattern(decimal, thousands)
    for col in frame.columns:
        if col in dates or not (frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype)):
            continue
        text = frame[col].dropna().astype(str)
        if text.empty or not text.map(lambda v: bool(pattern.fullmatch(v))).all():
            continue
        clean = frame[col].astype("string").str.strip().str.replace(thousands, "", regex=False)
        if decimal != ".":
            clean = clean.str.replace(decimal, ".", regex=False)
        frame[col] = pd.to_numeric(pd.Series(clean.to_numpy(dtype=object, na_value=None),
                                             index=frame.index)).astype(float)
    return frame


def _detect_time_col(frame: pd.DataFrame, exclude: Sequence[str] = ()) -> str | None:
    candidates = [c for c in frame.columns if c not in exclude]
    for col in candidates:
        if str(col).strip().lower() in TIME_NAMES:
            return col
    for col in candidates:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            return col
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            sample = s.dropna().astype(str).head(20)
            if len(sample) and sample.str.fullmatch(r"\s*(0?[1-9]|1[0-2])[./-]\d{4}\s*").all():
                return col  # 01.2018: month dates
            try:
                pd.to_datetime(sample, format="mixed", utc=True)
                return col
            except (ValueError, TypeError):
                continue
    return None


def _parse_time(values: pd.Series, col: str, source: str, date_format: str | None = None) -> pd.Index:
    if date_format is not None:
        return _parse_with_format(values, col, source, date_format)
    if pd.api.types.is_integer_dtype(values.dtype):
        if str(col).strip().lower() == "year":
            return pd.PeriodIndex(values.astype(np.int64).astype(str), freq="Y")
        return pd.Index(values.to_numpy(dtype=np.int64))
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        example = values.dropna().iloc[0] if values.notna().any() else values.iloc[0]
        raise InputError(
            f"{source}: time column {col!r} holds numbers such as {example!r}, neither dates nor "
            f"whole-number steps; name the column of dates with {option('time_col')}"
        )
    _check_one_date_format(values, col, source)
    text = values.astype(str)
    if text.str.fullmatch(r"\d{4}-?Q[1-4]").all():
        return pd.PeriodIndex(text.str.replace("-", ""), freq="Q")
    if text.str.fullmatch(r"\d{4}-\d{2}").all():
        return pd.PeriodIndex(text, freq="M")
    if text.str.fullmatch(r"\d{4}").all():
        return pd.PeriodIndex(text.astype(int).astype(str), freq="Y")
    month = text.str.extract(r"^\s*(0?[1-9]|1[0-2])[./-](\d{4})\s*$")
    if month.notna().all().all():  # 01.2018: month and year
        return pd.PeriodIndex(month[1] + "-" + month[0].str.zfill(2), freq="M")
    dayfirst = day_first(values.dropna().astype(str), col, source)
    try:
        return pd.DatetimeIndex(pd.to_datetime(values, format="mixed", dayfirst=bool(dayfirst)))
    except (ValueError, TypeError) as err:
        if "Mixed timezones" in str(err) or "mix tz-aware" in str(err):
            return _to_utc(values, col, source, dayfirst)
        bad = pd.to_datetime(values, errors="coerce", format="mixed").isna() & values.notna()
        pos = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
        raise InputError(
            f"{source}: time column {col!r} has a value that is not a date: {values.iloc[pos]!r} "
            f"(row {pos}); fix it or name the right column with {option('time_col')}"
        ) from err


def _date_kind(value: str) -> str:
    """The written form of a date: ISO (2024-01-02), day/month with its separator, or other."""
    import re

    value = value.strip()
    if re.match(r"\d{4}[-/.]\d{1,2}", value):
        return "ISO year-first (e.g. 2024-01-31)"
    m = re.match(r"\d{1,2}([./-])\d{1,2}\1\d{2,4}", value)
    if m:
        return f"day/month with {m.group(1)!r}"
    return "other"


def _check_one_date_format(values: pd.Series, col: str, source: str) -> None:
    """Refuse a time column that writes its dates in more than one form (2024-01-31 and
    01.02.2024): read together, one of them would be misread."""
    text = values.dropna().astype(str)
    if len(text) < 2:
        return
    kinds = text.map(_date_kind)
    known = kinds[kinds != "other"]
    if known.nunique() > 1:
        first = known.iloc[0]
        other = known[known != first]
        i, j = text.index.get_loc(known.index[0]), text.index.get_loc(other.index[0])
        raise InputError(
            f"{source}: time column {col!r} has mixed date formats: {text.iloc[i]!r} (row {i}) and "
            f"{text.iloc[j]!r} (row {j}); write every date in one format, or give it with "
            f"{option('date_format')}"
        )


def _parse_with_format(values: pd.Series, col: str, source: str, date_format: str) -> pd.Index:
    parsed = pd.to_datetime(values.astype(str), format=date_format, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: time column {col!r} has a value {values.iloc[pos]!r} (row {pos}) that does not "
            f"match the date format {date_format!r}; fix the value or give the right format with "
            f"{option('date_format')}"
        )
    return pd.DatetimeIndex(parsed)


def _to_utc(values: pd.Series, col: str, source: str, dayfirst: bool | None) -> pd.Index:
    """Time stamps with different UTC offsets (a daylight-saving change, merged sources):
    converted to UTC with a note when that leaves them evenly spaced, refused otherwise."""
    offsets = values.astype(str).str.extract(r"([+-]\d{2}:?\d{2}|Z)\s*$")[0]
    if offsets.isna().any():
        pos = int(np.flatnonzero(offsets.isna().to_numpy())[0])
        raise InputError(
            f"{source}: time column {col!r} mixes time stamps with and without a UTC offset (row "
            f"{pos}: {values.iloc[pos]!r}); write every time stamp in the same form"
        )
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(values, format="mixed", dayfirst=bool(dayfirst), utc=True))
    except (ValueError, TypeError) as err:
        raise InputError(
            f"{source}: time column {col!r} has time stamps that are not dates with UTC offsets; "
            "write every time stamp in the same form"
        ) from err
    change = int(np.flatnonzero((offsets != offsets.iloc[0]).to_numpy())[0]) if (offsets != offsets.iloc[0]).any() else 0
    example = f"{values.iloc[0]!r} in row 0, {values.iloc[change]!r} in row {change}"
    if len(stamps) > 2 and stamps.is_monotonic_increasing and infer_freq(stamps) is None:
        raise InputError(
            f"{source}: time column {col!r} mixes UTC offsets ({example}); converted to UTC the "
            "time stamps are not evenly spaced; write "
            "them all in one offset (e.g. UTC) or without offsets (local time)"
        )
    warnings.warn(
        f"{source}: time column {col!r} mixes UTC offsets ({example}); the time stamps were "
        "converted to UTC", ForecastWarning, stacklevel=4)
    return stamps


def _unknown_column(col: str, frame: pd.DataFrame, source: str, what: str) -> InputError:
    return InputError(
        f"{source}: no column named {col!r} for the {what}; available columns: "
        f"{', '.join(map(str, frame.columns))}"
    )


def read_series(
    data: str | os.PathLike | pd.DataFrame,
    *,
    target: str | None = None,
    time_col: str | None = None,
    id_col: str | None = None,
    exog: Sequence[str] | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    thousands: str | None = None,
    skip_rows: int = 0,
) -> tuple[pd.Series | dict[str, pd.Series], pd.DataFrame | dict[str, pd.DataFrame] | None]:
    """Read a table (a CSV/Parquet path or a DataFrame) into a validated target and exog.

    The time column is detected when not given (a column named like date/time/period, or
    the first column that parses as dates). The target defaults to the only numeric column
    left. With ``id_col``, returns dicts keyed by series id (a panel).

    A file's separator, decimal and thousands marks are detected unless given (``sep``,
    ``decimal``, ``thousands``; see :func:`read_table`); ``skip_rows`` skips title lines
    above the header. A named or detected time column is parsed as time or refused, never
    dropped for integer steps. Dates such as ``13/01/2020`` are read day-first when the
    values prove it (a first field above 12), month-first when they prove that; a dotted
    date (``01.02.2020``) is day-first; otherwise the reading that gives evenly spaced time
    stamps wins, and when both do, ``date_format`` (a ``strptime`` format such as
    ``"%d/%m/%Y"``) must say it. A column that writes its dates in two forms (``2024-01-31``
    and ``01.02.2024``) is refused as mixed date formats. Time stamps with different UTC offsets are converted to UTC (with a
    :class:`~forecast.errors.ForecastWarning`) when that leaves them evenly spaced.

    Returns ``(y, X)`` where ``X`` is ``None`` unless ``exog`` names columns.
    """
    source = str(data) if not isinstance(data, pd.DataFrame) else "data"
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        frame = read_table(data, sep=sep, decimal=decimal, thousands=thousands, skip_rows=skip_rows)
    exog = list(exog or [])
    for col, what in [(time_col, "time"), (target, "target"), (id_col, "series id")] + [(c, "exogenous regressor") for c in exog]:
        if col is not None and col not in frame.columns:
            raise _unknown_column(col, frame, source, what)
    if time_col is None:
        time_col = _detect_time_col(frame, exclude=[c for c in (target, id_col) if c] + exog)
    used = {c for c in (time_col, id_col) if c} | set(exog)
    if target is None:
        numeric = [c for c in frame.columns if c not in used and pd.api.types.is_numeric_dtype(frame[c].dtype)]
        others = [c for c in frame.columns if c not in used]
        if len(others) == 1:
            target = others[0]
        elif len(numeric) == 1:
            target = numeric[0]
        else:
            raise InputError(
                f"{source}: cannot tell which column to forecast among {', '.join(map(str, others))}; "
                f"name it with {option('target')}"
            )
    if id_col is None:
        try:
            return _one_series(frame, target, time_col, exog, source, date_format)
        except InputError as err:
            if "duplicate time stamps" not in str(err):
                raise
            hint = _id_column_hint(frame, time_col, target, exog, source)
            if hint is None:
                raise
            raise hint from None
    ys: dict[str, pd.Series] = {}
    xs: dict[str, pd.DataFrame] = {}
    for sid, part in frame.groupby(id_col, sort=False):
        y, X = _one_series(part.reset_index(drop=True), target, time_col, exog,
                           f"{source} (series {sid!r})", date_format)
        ys[str(sid)] = y
        if X is not None:
            xs[str(sid)] = X
    return ys, (xs or None)


def _id_column_hint(frame: pd.DataFrame, time_col: str | None, target: str, exog: Sequence[str],
                    source: str) -> InputError | None:
    """When the time stamps repeat, the column (other than time, target and regressors)
    within whose values each time stamp appears once: the file is a panel without id_col."""
    if time_col is None:
        return None
    for col in frame.columns:
        if col in (time_col, target) or col in exog or pd.api.types.is_float_dtype(frame[col].dtype):
            continue
        groups = frame[col].nunique(dropna=True)
        if 1 < groups < len(frame) and not frame.duplicated([col, time_col]).any():
            flag = option("id_col")
            give = f"{flag} {col}" if flag.startswith("--") else f"{flag}{col!r}"
            return InputError(
                f"{source}: the time stamps repeat once for each value of column {col!r} "
                f"({groups} values such as {frame[col].iloc[0]!r}): it looks like a panel of "
                f"{groups} series; give {give}"
            )
    return None


def _one_series(frame, target, time_col, exog, source, date_format=None):
    if time_col is not None:
        index = _parse_time(frame[time_col], time_col, source, date_format)
    else:
        index = pd.RangeIndex(len(frame))
    y = check_series(pd.Series(frame[target].to_numpy(), index=index, name=target), f"{source}: column {target!r}")
    X = None
    if exog:
        X = check_exog(pd.DataFrame({c: frame[c].to_numpy() for c in exog}, index=index).set_axis(y.index),
                       y.index, f"{source}: regressor", y=y)
    return y, X


