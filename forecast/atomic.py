"""Writing files atomically: the one helper every output of the package goes through.

A reader, or a run interrupted at any moment, sees the old file or the new one, never half
of it: the data goes to a temporary file in the same folder, is flushed to disk and moved
into place with :func:`os.replace`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_csv", "atomic_folder"]

def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    A reader (or an interrupted run) sees the old file or the new one, never half of it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = atomic_write(Path(d) / "a.txt", "hello")
    ...     p.read_text(), sorted(x.name for x in Path(d).iterdir())
    ('hello', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def atomic_write_csv(path: str | os.PathLike, frame: Any, **kwargs: Any) -> Path:
    """``frame.to_csv`` written atomically (no index unless asked)."""
    kwargs.setdefault("index", False)
    return atomic_write(path, frame.to_csv(**kwargs))


@contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """A new folder written whole or not at all: yields an empty temporary folder beside
    ``path``; when the block ends without an error the temporary folder takes ``path``'s
    place, an earlier folder there being moved aside first and removed only once the new one
    is in place (there is no moment without one). On an error the temporary folder is removed
    and ``path`` is as it was.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with atomic_folder(Path(d) / "m") as tmp:
    ...         _ = (tmp / "a.txt").write_text("one")
    ...     with atomic_folder(Path(d) / "m") as tmp:
    ...         _ = (tmp / "b.txt").write_text("two")
    ...     sorted(p.name for p in (Path(d) / "m").iterdir()), sorted(p.name for p in Path(d).iterdir())
    (['b.txt'], ['m'])
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=parent))
    try:
        yield tmp
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=parent))
            os.replace(path, old / path.name)
            try:
                os.replace(tmp, path)
            except BaseException:
                os.replace(old / path.name, path)  # put the earlier folder back
                shutil.rmtree(old, ignore_errors=True)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
