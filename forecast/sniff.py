"""How a text table is written: its separator, decimal mark and date order.

Spreadsheets write CSV files in the user's locale: in most of Europe a ``;`` separates the
fields, a comma is the decimal mark and dates put the day first (``01.01.2015;1001,26``).
Reading such a file with the defaults silently gives wrong numbers, so the format is
detected from a sample of the file and anything that cannot be told apart is refused with
one line that names the option to set (``--sep``, ``--decimal``, ``--date-format``).

>>> fmt = sniff_format("date;sales\\n01.01.2015;1001,26\\n02.01.2015;998,10\\n")
>>> fmt.sep, fmt.decimal
(';', ',')
>>> fmt = sniff_format("month,passengers\\n1949-01,112\\n1949-02,118\\n")
>>> fmt.sep, fmt.decimal
(',', '.')
>>> day_first(["13/01/2020", "14/01/2020"], "date", "sales.csv")
True
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, option

__all__ = ["TableFormat", "sniff_format", "sniff_file", "day_first", "parse_sep", "SAMPLE_BYTES"]

#: bytes read from the start of a file to detect its format
SAMPLE_BYTES = 64 * 1024
_SEPARATORS = (",", ";", "\t", "|")
_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'", " ": "space"}
_COMMA_DECIMAL = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")
_COMMA_THOUSANDS_DECIMAL = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T].*)?\s*")


def parse_sep(text: str) -> str:
    """A separator given by the user: one character, or a word (``tab``, ``semicolon``...).

    >>> parse_sep("tab"), parse_sep(";")
    ('\\t', ';')
    """
    sep = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|", "space": " "}.get(
        str(text).strip().lower(), str(text))
    if len(sep) != 1:
        raise InputError(f"the separator must be one character such as ';' or the word 'tab'; got {text!r}")
    return sep


@dataclass(frozen=True)
class TableFormat:
    """The separator, decimal mark and thousands separator of a text table."""

    sep: str
    decimal: str
    thousands: str | None = None
    encoding: str = "utf-8-sig"


def _lines(sample: str) -> list[str]:
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end in the middle of a line
    return [line for line in lines if line.strip()][:200]


def _field_counts(lines: list[str], sep: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=sep)]


def _detect_sep(lines: list[str], source: str) -> str:
    """The separator that splits every sampled line into the same number (> 1) of fields."""
    consistent = []
    for sep in _SEPARATORS:
        counts = _field_counts(lines, sep)
        if counts and min(counts) > 1 and len(set(counts)) == 1:
            consistent.append(sep)
    if len(consistent) == 1:
        return consistent[0]
    if not consistent:
        if all(max(_field_counts(lines, s)) == 1 for s in _SEPARATORS):
            spaces = _field_counts(lines, " ")
            if min(spaces) > 1 and len(set(spaces)) == 1:
                return " "  # a plain-text table with single spaces between the fields
            return ","  # one column: the separator does not matter
        raise InputError(
            f"{source}: cannot tell the field separator (no separator among "
            f"{', '.join(_NAMES[s] for s in _SEPARATORS)} splits every row into the same number of "
            f"columns); give it with {option('sep')}"
        )
    try:
        guess = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(consistent)).delimiter
    except csv.Error:
        guess = None
    if guess in consistent and _field_counts(lines[:1], guess)[0] == max(
            _field_counts(lines[:1], s)[0] for s in consistent):
        return guess
    raise InputError(
        f"{source}: ambiguous field separator: {' and '.join(_NAMES[s] for s in consistent)} both "
        f"split every row evenly; give it with {option('sep')}"
    )


def _detect_decimal(lines: list[str], sep: str, source: str) -> tuple[str, str | None]:
    """The decimal mark (and thousands separator) shown by the numbers of the data rows."""
    if sep == ",":
        return ".", None  # an unquoted comma cannot be a decimal mark here
    fields = [f.strip() for row in csv.reader(lines[1:], delimiter=sep) for f in row]
    comma = [f for f in fields if _COMMA_DECIMAL.fullmatch(f) or _COMMA_THOUSANDS_DECIMAL.fullmatch(f)]
    dot = [f for f in fields if _DOT_DECIMAL.fullmatch(f) and not _DOT_THOUSANDS.fullmatch(f)]
    thousands = "." if any(_COMMA_THOUSANDS_DECIMAL.fullmatch(f) for f in comma) else None
    if comma and dot:
        raise InputError(
            f"{source}: ambiguous decimal mark: numbers such as {comma[0]!r} and {dot[0]!r} appear; "
            f"give it with {option('decimal')}"
        )
    if comma:
        # 1,250 alone may be a thousands separator; one value with other than three decimals decides
        if all(re.fullmatch(r"[+-]?\d{1,3},\d{3}", f) for f in comma):
            raise InputError(
                f"{source}: ambiguous decimal mark: is the comma in {comma[0]!r} a decimal mark or a "
                f"thousands separator? give it with {option('decimal')}"
            )
        return ",", thousands
    return ".", None


def _thousands_given(lines: list[str], sep: str, decimal: str) -> str | None:
    """The thousands separator the numbers show once the decimal mark is known."""
    mark = "." if decimal == "," else ","
    if mark == sep:
        return None
    pattern = re.compile(rf"[+-]?\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+(?:{re.escape(decimal)}\d+)?")
    fields = (f.strip() for row in csv.reader(lines[1:], delimiter=sep) for f in row)
    return mark if any(pattern.fullmatch(f) for f in fields) else None


def sniff_format(sample: str, *, sep: str | None = None, decimal: str | None = None,
                 source: str = "data") -> TableFormat:
    """Detect the separator and decimal mark of a text table from its first lines.

    A given ``sep``/``decimal`` is kept; only the missing ones are detected.
    """
    if sep is not None and len(sep) != 1:
        raise InputError(f"{source}: the separator must be one character (e.g. ';' or tab); got {sep!r}")
    if decimal is not None and decimal not in (".", ","):
        raise InputError(f"{source}: the decimal mark must be '.' or ','; got {decimal!r}")
    if sep is not None and sep == decimal:
        raise InputError(f"{source}: the separator and the decimal mark are both {sep!r}; they must differ")
    lines = _lines(sample)
    if not lines:
        return TableFormat(sep or ",", decimal or ".")
    sep = sep if sep is not None else _detect_sep(lines, source)
    if decimal is not None:
        return TableFormat(sep, decimal, _thousands_given(lines, sep, decimal))
    found, thousands = _detect_decimal(lines, sep, source)
    return TableFormat(sep, found, thousands)


def sniff_file(path: str | Path, *, sep: str | None = None, decimal: str | None = None) -> TableFormat:
    """:func:`sniff_format` on the first :data:`SAMPLE_BYTES` of a file."""
    with open(path, "rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
    whole = raw if len(raw) < SAMPLE_BYTES else raw[: raw.rfind(b"\n") + 1] or raw
    try:
        text, encoding = whole.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:  # Excel's "CSV" in Western Europe is Windows-1252
        text, encoding = whole.decode("cp1252", errors="replace"), "cp1252"
    fmt = sniff_format(text, sep=sep, decimal=decimal, source=str(path))
    return TableFormat(fmt.sep, fmt.decimal, fmt.thousands, encoding)


def day_first(values: Iterable[str], col: str, source: str) -> bool | None:
    """Whether numeric dates such as ``13/01/2020`` put the day first.

    ``None`` when the values are not all such dates (ISO dates, month names...). True when
    some first field is above 12 and no second one is, False for the opposite; when no
    value proves the order (``01/02/2020``), the order matters and an ``InputError`` asks
    for ``--date-format``.
    """
    firsts, seconds, example = [], [], None
    for value in values:
        match = _NUMERIC_DATE.fullmatch(str(value))
        if match is None:
            return None
        example = example or str(value).strip()
        firsts.append(int(match.group(1)))
        seconds.append(int(match.group(3)))
    if not firsts:
        return None
    first_day, second_day = max(firsts) > 12, max(seconds) > 12
    if first_day and not second_day:
        return True
    if second_day and not first_day:
        return False
    if first_day and second_day:
        raise InputError(
            f"{source}: time column {col!r} has dates with the day in the first place and in the "
            f"second (e.g. {example!r}); write them in one order or give {option('date_format')}"
        )
    if firsts == seconds:
        return True  # day equals month everywhere: the order does not matter
    parts = _NUMERIC_DATE.fullmatch(example)  # the example's own separator and year width
    sep, year = parts.group(2), "%Y" if len(parts.group(4)) == 4 else "%y"
    raise InputError(
        f"{source}: time column {col!r} has dates such as {example!r} that read both day-first "
        f"and month-first; give the order with {option('date_format')}, e.g. '%d{sep}%m{sep}{year}' or "
        f"'%m{sep}%d{sep}{year}'"
    )
