"""Checking output locations before any work is done.

A run that fits models for minutes and then cannot write its results wastes the time;
these checks create or probe the destination first and turn the operating system's error
into one line that names the path, what is wrong and what to do.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import InputError

__all__ = ["writable_folder", "writable_file"]


def _blocking_file(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` (or ``path`` itself) that is not a folder."""
    for part in [path, *path.parents]:
        if part.exists():
            return None if part.is_dir() else part
    return None


def _reason(err: OSError) -> str:
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (read-only location?)"
    if err.errno == errno.ENOSPC:
        return "no space left on the device"
    return err.strerror or str(err)


def _probe(folder: Path, flag: str, path: Path) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".forecast-write-test.", dir=folder)
    except OSError as err:
        raise InputError(f"{flag} {path}: cannot write in {folder}: {_reason(err)}; choose a "
                         "writable location") from None
    os.close(fd)
    os.unlink(tmp)


def writable_folder(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Create the folder ``path`` (with its parents) and check a file can be written in it."""
    path = Path(path)
    blocker = _blocking_file(path)
    if blocker is not None:
        what = "is a file, not a folder" if blocker == path else f"is under {blocker}, which is a file"
        raise InputError(f"{flag} {path}: {what}; choose a folder path")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{flag} {path}: cannot create the folder: {_reason(err)}; choose a "
                         "writable location") from None
    _probe(path, flag, path)
    return path


def writable_file(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Check that the file ``path`` can be written: its folder exists (or can be made) and
    accepts files, and ``path`` is not a folder."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{flag} {path}: is a folder; give a file name such as {path / 'forecasts.csv'}")
    blocker = _blocking_file(path.parent)
    if blocker is not None:
        raise InputError(f"{flag} {path}: {blocker} is a file, not a folder; choose another path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{flag} {path}: cannot create the folder {path.parent}: {_reason(err)}; "
                         "choose a writable location") from None
    _probe(path.parent, flag, path)
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"{flag} {path}: the file exists and is read-only; choose another path")
    return path
