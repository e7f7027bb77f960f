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

from ..errors import InputError, option

__all__ = ["TableFormat", "sniff_format", "sniff_file", "day_first", "parse_sep", "parse_thousands",
           "number_pattern", "SAMPLE_BYTES"]

#: bytes read from the start of a file to detect its format
SAMPLE_BYTES = 64 * 1024
_SEPARATORS = (",", ";", "\t", "|")
_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'", " ": "space"}
_COMMA_DECIMAL = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")
_COMMA_THOUSANDS_DECIMAL = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T].*)?\s*")
#: month dates such as 01.2018 or 1/2018 (a number to a reader that does not know better)
_MONTH_DATE = re.compile(r"\s*(0?[1-9]|1[0-2])[./-](\d{4})\s*")
_ISO_DATE = re.compile(r"\s*\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?:[ T].*)?\s*")
#: thousands marks a user may name (apostrophe: Switzerland; space: France)
_THOUSANDS = {".": ".", ",": ",", "'": "'", " ": " ", "space": " ", "apostrophe": "'", "none": None}
#: what a file's first bytes say it is, when it is not text
_MAGIC = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"%PDF", "a PDF document"), (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Office file"),
          (b"PAR1", "a Parquet file"), (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ", "an xz archive"),
          (b"7z\xbc\xaf", "a 7-Zip archive"))


def parse_thousands(text: str | None) -> str | None:
    """A thousands mark given by the user: ``.``, ``,``, ``'``, a space, or ``none``.

    >>> parse_thousands("."), parse_thousands("space"), parse_thousands("none")
    ('.', ' ', None)
    """
    if text is None:
        return None
    key = str(text) if str(text) == " " else str(text).strip().lower()
    if key not in _THOUSANDS:
        raise InputError(f"the thousands mark must be '.', ',', \"'\", 'space' or 'none'; got {text!r}")
    return _THOUSANDS[key]


def number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    """A number written with this decimal mark, and (if given) thousands marks between
    groups of three digits.

    >>> bool(number_pattern(",", ".").fullmatch("1.009,14")), bool(number_pattern(",", ".").fullmatch("1.09,14"))
    (True, False)
    """
    dec = re.escape(decimal)
    plain = rf"\d+(?:{dec}\d*)?|{dec}\d+"
    if thousands:
        grouped = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+(?:{dec}\d*)?"
        return re.compile(rf"\s*[+-]?(?:{grouped}|{plain})(?:[eE][+-]?\d+)?\s*")
    return re.compile(rf"\s*[+-]?(?:{plain})(?:[eE][+-]?\d+)?\s*")


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
    #: columns whose sampled values are all dates (read as text, never as numbers)
    dates: tuple[str, ...] = ()
    #: "gzip" for a gzip-compressed file
    compression: str | None = None


def _lines(sample: str) -> list[str]:
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end in the middle of a line
    return [line for line in lines if line.strip()][:200]


def _field_counts(lines: list[str], sep: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=sep)]


def _title_rows(lines: list[str]) -> tuple[int, str] | None:
    """``(k, sep)`` when the first ``k`` (1-5) lines split into fewer fields than all the
    lines below them, which one separator splits evenly: a title above the header."""
    for k in range(1, min(6, len(lines) - 1)):
        for sep in _SEPARATORS:
            counts = _field_counts(lines[k:], sep)
            if min(counts) > 1 and len(set(counts)) == 1 and all(
                    max(_field_counts(lines[:k], s)) < counts[0] for s in _SEPARATORS):
                return k, sep
    return None


def _title_error(lines: list[str], source: str) -> InputError | None:
    found = _title_rows(lines)
    if found is None:
        return None
    k, _ = found
    return InputError(
        f"{source}: the first {'line' if k == 1 else f'{k} lines'} ({lines[0].strip()[:40]!r}) "
        f"{'looks' if k == 1 else 'look'} like a title above the header; skip "
        f"{'it' if k == 1 else 'them'} with {option('skip_rows')} {k}"
    )


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
        title = _title_error(lines, source)
        if title is not None:
            raise title
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


def _check_given_sep(lines: list[str], sep: str, source: str) -> None:
    """Refuse a given separator that leaves one column where another splits the file, or
    that splits the header and the rows into different numbers of fields (numbers cut at
    their decimal comma)."""
    counts = _field_counts(lines, sep)
    others = [s for s in _SEPARATORS if s != sep and min(_field_counts(lines, s)) > 1
              and len(set(_field_counts(lines, s))) == 1]
    hint = f"; the file looks separated by {_NAMES[others[0]]}" if others else ""
    name = _NAMES.get(sep, repr(sep))
    if max(counts) == 1 and others:
        raise InputError(
            f"{source}: {option('sep')} {name} leaves one column{hint}; give that separator or "
            f"leave {option('sep')} out to detect it"
        )
    cuts = sep == "," and any(re.search(r"\d,\d", line) for line in lines[1:])
    if len(set(counts)) > 1 and (others or cuts):
        if not others and counts[0] < min(counts[1:]) and _title_rows(lines) is not None:
            raise _title_error(lines, source)
        row = next(i for i, c in enumerate(counts) if c != counts[0])
        cut = ""
        if cuts:
            cut = " (it cuts numbers with a decimal comma in two)"
        raise InputError(
            f"{source}: {option('sep')} {name} splits the header into {counts[0]} field(s) but line "
            f"{row + 1} into {counts[row]}{cut}{hint}; give the right separator or leave "
            f"{option('sep')} out to detect it"
        )


def _is_date(value: str) -> bool:
    return bool(_NUMERIC_DATE.fullmatch(value) or _MONTH_DATE.fullmatch(value) or _ISO_DATE.fullmatch(value))


def _date_columns(lines: list[str], sep: str) -> tuple[str, ...]:
    """Header names of the columns whose sampled values are all dates such as 01.01.2024,
    01.2018 or 2024-01-01 (which a number parser would misread as 1012024 or 1.2018)."""
    rows = list(csv.reader(lines, delimiter=sep))
    if len(rows) < 2:
        return ()
    header, body = rows[0], rows[1:]
    out = []
    for j, name in enumerate(header):
        values = [r[j].strip() for r in body if len(r) > j and r[j].strip()]
        if values and all(_is_date(v) for v in values) and not all(re.fullmatch(r"\d{4}", v) for v in values):
            out.append(name.strip())
    return tuple(out)


def _data_fields(lines: list[str], sep: str, dates: tuple[str, ...]) -> list[str]:
    rows = list(csv.reader(lines, delimiter=sep))
    if not rows:
        return []
    skip = {j for j, name in enumerate(rows[0]) if name.strip() in dates}
    return [f.strip() for row in rows[1:] for j, f in enumerate(row) if j not in skip]


def _detect_decimal(fields: list[str], sep: str, source: str) -> tuple[str, str | None]:
    """The decimal mark (and thousands separator) shown by the numbers of the data rows."""
    if sep == ",":
        # an unquoted comma cannot be a decimal mark here; "14,692.95" (quoted) shows a thousands comma
        return ".", _thousands_shown(fields, ".", sep)
    comma = [f for f in fields if _COMMA_DECIMAL.fullmatch(f) or _COMMA_THOUSANDS_DECIMAL.fullmatch(f)]
    dot = [f for f in fields if _DOT_DECIMAL.fullmatch(f) and not _DOT_THOUSANDS.fullmatch(f)]
    thousands = "." if any(_COMMA_THOUSANDS_DECIMAL.fullmatch(f) for f in comma) else None
    if comma and dot:
        shown = _thousands_shown(fields, ".", sep)
        if shown == "," and not any(_COMMA_DECIMAL.fullmatch(f) and not re.fullmatch(r"[+-]?\d{1,3},\d{3}", f)
                                    for f in comma):
            return ".", ","  # 14,692.95 with 1,250: a thousands comma, a decimal point
        raise InputError(
            f"{source}: ambiguous decimal mark: numbers such as {comma[0]!r} and {dot[0]!r} appear; "
            f"give it with {option('decimal')}"
        )
    if comma:
        # 1,250 alone may be a thousands separator; one value with other than three decimals decides
        if all(re.fullmatch(r"[+-]?\d{1,3},\d{3}", f) for f in comma):
            raise InputError(
                f"{source}: ambiguous decimal mark: is the comma in {comma[0]!r} a decimal mark or a "
                f"thousands separator? give it with {option('decimal')} or {option('thousands')}"
            )
        return ",", thousands
    return ".", _thousands_shown(fields, ".", sep)


def _thousands_shown(fields: list[str], decimal: str, sep: str) -> str | None:
    """The thousands mark the numbers leave no doubt about once the decimal mark is known:
    groups of three after it, and either the decimal mark too (1.009,14) or more than one
    group (1.234.567)."""
    mark = "." if decimal == "," else ","
    if mark == sep and sep != ",":
        return None
    m, d = re.escape(mark), re.escape(decimal)
    proof = re.compile(rf"[+-]?\d{{1,3}}(?:{m}\d{{3}})+{d}\d+|[+-]?\d{{1,3}}(?:{m}\d{{3}}){{2,}}")
    return mark if any(proof.fullmatch(f) for f in fields) else None


def _thousands_given(fields: list[str], sep: str, decimal: str) -> str | None:
    """The thousands separator the numbers show once the decimal mark is known."""
    mark = "." if decimal == "," else ","
    if mark == sep and sep != ",":
        return None
    pattern = re.compile(rf"[+-]?\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+(?:{re.escape(decimal)}\d+)?")
    return mark if any(pattern.fullmatch(f) for f in fields) else None


def sniff_format(sample: str, *, sep: str | None = None, decimal: str | None = None,
                 thousands: str | None = None, source: str = "data") -> TableFormat:
    """Detect the separator, decimal mark and thousands mark of a text table from its first
    lines.

    A given ``sep``/``decimal``/``thousands`` is kept; only the missing ones are detected. A
    given ``sep`` that leaves one column, or splits the rows unevenly, is refused. Columns
    whose values are all dates (``01.01.2024``, ``01.2018``) are named in ``dates``.
    """
    if sep is not None and len(sep) != 1:
        raise InputError(f"{source}: the separator must be one character (e.g. ';' or tab); got {sep!r}")
    if decimal is not None and decimal not in (".", ","):
        raise InputError(f"{source}: the decimal mark must be '.' or ','; got {decimal!r}")
    if sep is not None and sep == decimal:
        raise InputError(f"{source}: the separator and the decimal mark are both {sep!r}; they must differ")
    if thousands:
        if thousands == decimal:
            raise InputError(f"{source}: the thousands mark and the decimal mark are both {thousands!r}; "
                             "they must differ")
        if thousands == sep and sep != ",":
            raise InputError(f"{source}: the thousands mark and the separator are both {thousands!r}; "
                             "they must differ")
        if decimal is None and thousands in (".", ","):
            decimal = "," if thousands == "." else "."
    lines = _lines(sample)
    if not lines:
        return TableFormat(sep or ",", decimal or ".", thousands)
    if sep is not None:
        _check_given_sep(lines, sep, source)
    else:
        sep = _detect_sep(lines, source)
    dates = _date_columns(lines, sep)
    fields = _data_fields(lines, sep, dates)
    if decimal is not None:
        found, shown = decimal, _thousands_given(fields, sep, decimal)
    else:
        found, shown = _detect_decimal(fields, sep, source)
    # thousands "" : the user said there is none; None: detected
    return TableFormat(sep, found, thousands if thousands is not None else shown, dates=dates)


def _what_file(raw: bytes, path: Path) -> str | None:
    """What a file that is not a text table is, from its first bytes (None: looks like text)."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            return what
    if raw.startswith(b"PK\x03\x04"):
        if b"xl/" in raw[:4096] or b"[Content_Types].xml" in raw[:4096] or path.suffix.lower() in (".xlsx", ".xlsm"):
            return "an Excel workbook (.xlsx)"
        return "a zip archive"
    return None


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Excel's "Unicode text")
        return raw.decode("utf-16", errors="replace"), "utf-16"
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:  # Excel's "CSV" in Western Europe is Windows-1252
        return raw.decode("cp1252", errors="replace"), "cp1252"


def sniff_file(path: str | Path, *, sep: str | None = None, decimal: str | None = None,
               thousands: str | None = None, skip_rows: int = 0) -> TableFormat:
    """:func:`sniff_format` on the first :data:`SAMPLE_BYTES` of a file (after ``skip_rows``
    lines). A gzip-compressed file is read through; a file that is not text (an image, a
    PDF, an Excel workbook) is refused saying what it is."""
    import gzip

    path = Path(path)
    with open(path, "rb") as fh:
        raw = fh.read(SAMPLE_BYTES)
    compression = None
    if raw.startswith(b"\x1f\x8b"):
        compression = "gzip"
        try:
            with gzip.open(path, "rb") as fh:
                raw = fh.read(SAMPLE_BYTES)
        except (OSError, EOFError) as err:
            raise InputError(f"{path}: a damaged gzip file ({err}); unpack it or write it again") from None
    what = _what_file(raw, path)
    if what is not None:
        todo = ("save it as CSV (File > Save As > CSV) and pass that file" if "Excel" in what
                else "pass the CSV or Parquet file that holds the series")
        raise InputError(f"{path} is {what}, not a CSV text table; {todo}")
    whole = raw if len(raw) < SAMPLE_BYTES else raw[: raw.rfind(b"\n") + 1] or raw
    text, encoding = _decode(whole)
    if skip_rows:
        text = "".join(text.splitlines(keepends=True)[skip_rows:])
    fmt = sniff_format(text, sep=sep, decimal=decimal, thousands=thousands, source=str(path))
    return TableFormat(fmt.sep, fmt.decimal, fmt.thousands, encoding, fmt.dates, compression)


def _regular(texts: list[str], fmt: str) -> bool:
    """Whether the dates read with ``fmt`` (date part only) are valid and evenly spaced."""
    import pandas as pd

    dates = [t.split()[0].split("T")[0] for t in texts]
    parsed = pd.to_datetime(pd.Series(dates), format=fmt, errors="coerce")
    if parsed.isna().any() or len(parsed) < 3:
        return False
    try:
        return pd.DatetimeIndex(parsed, freq="infer").freq is not None
    except (TypeError, ValueError):
        return False


def day_first(values: Iterable[str], col: str, source: str) -> bool | None:
    """Whether numeric dates such as ``13/01/2020`` put the day first.

    ``None`` when the values are not all such dates (ISO dates, month names...). True when
    some first field is above 12 and no second one is, False for the opposite; when no
    value proves the order (``01/02/2020``), a dotted date is day-first (the convention where
    dots are written), and otherwise the reading that gives an evenly spaced series wins;
    when both do, an ``InputError`` asks for ``--date-format``.
    """
    firsts, seconds, example, texts = [], [], None, []
    for value in values:
        match = _NUMERIC_DATE.fullmatch(str(value))
        if match is None:
            return None
        example = example or str(value).strip()
        texts.append(str(value).strip())
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
    if sep == ".":
        return True  # 01.02.2020: dotted dates put the day first (German, Russian, Nordic...)
    regular = [_regular(texts, f"%d{sep}%m{sep}{year}"), _regular(texts, f"%m{sep}%d{sep}{year}")]
    if regular == [True, False]:
        return True
    if regular == [False, True]:
        return False
    raise InputError(
        f"{source}: time column {col!r} has dates such as {example!r} that read both day-first "
        f"and month-first; give the order with {option('date_format')}, e.g. '%d{sep}%m{sep}{year}' or "
        f"'%m{sep}%d{sep}{year}'"
    )
