"""Warnings raised while a backtest task fits and forecasts, recorded instead of silenced.

A model that does not converge, a calibration note, a numerical problem: each is kept with
the stage it came from (``fit`` or ``predict``), counted once per distinct message, and
reaches :meth:`BacktestResult.fit_warnings` and the leaderboard's ``n_warnings``. A model's
own ``fit_warnings_`` list (the ARMA family keeps statsmodels' reports there, as
``"Category: message"``) is recorded the same way. Warnings about the software rather than
the fit (deprecations, imports, resources) are not recorded: they are passed on to
Python's warning machinery as usual.

Like :func:`warnings.catch_warnings`, which it uses, this is not thread-safe: tasks that run
side by side in threads of one process may see each other's warnings.

>>> import warnings
>>> with recording_warnings() as caught:
...     caught.stage = "fit"
...     for _ in range(3):
...         warnings.warn("the likelihood search did not converge", RuntimeWarning)
...     caught.add_notes("fit", ["ConvergenceWarning: flat likelihood"])
>>> [(w["category"], w["count"]) for w in caught.entries()]
[('RuntimeWarning', 3), ('ConvergenceWarning', 1)]
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["recording_warnings", "Caught"]

_MAX_MESSAGE = 500
#: about the software, not the fit: passed on, not recorded
_PASSED_ON = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)


def _first_line(text: str) -> str:
    text = str(text).strip()
    return text.splitlines()[0][:_MAX_MESSAGE] if text else ""


class Caught:
    """Distinct warnings of one task, in order of first appearance, with their counts.

    Set :attr:`stage` as the task moves on (``"fit"``, then ``"predict"``); warnings caught
    from then on are filed under it."""

    def __init__(self, log: list[warnings.WarningMessage]) -> None:
        self._log = log
        self._stages: list[tuple[int, str]] = [(0, "fit")]
        self._counts: dict[tuple[str, str, str], int] = {}
        self._sorted = 0  # warnings of the log already recorded or passed on
        self._passed: list[warnings.WarningMessage] = []

    @property
    def stage(self) -> str:
        return self._stages[-1][1]

    @stage.setter
    def stage(self, value: str) -> None:
        self._stages.append((len(self._log), str(value)))

    def add(self, stage: str, category: str, message: str) -> None:
        key = (stage, category, _first_line(message))
        self._counts[key] = self._counts.get(key, 0) + 1

    def add_notes(self, stage: str, notes: Iterable[str] | None) -> None:
        """Record a model's own reports, ``"Category: message"`` strings (``fit_warnings_``)."""
        self._passed.extend(self._sort())  # keep the order of appearance
        for note in notes or ():
            category, sep, message = str(note).partition(": ")
            if not sep or not category.isidentifier():
                category, message = "Warning", str(note)
            self.add(stage, category, message)

    def _sort(self) -> list[warnings.WarningMessage]:
        """Record the warnings caught since the last call; return those to pass on."""
        passed = []
        for i in range(self._sorted, len(self._log)):
            w = self._log[i]
            if issubclass(w.category, _PASSED_ON):
                passed.append(w)
            else:
                stage = [s for start, s in self._stages if start <= i][-1]
                self.add(stage, w.category.__name__, str(w.message))
        self._sorted = len(self._log)
        return passed

    def entries(self) -> list[dict[str, Any]]:
        """``[{"stage", "category", "message", "count"}]``, JSON-able."""
        self._sort()
        return [{"stage": s, "category": c, "message": m, "count": n} for (s, c, m), n in self._counts.items()]


@contextlib.contextmanager
def recording_warnings() -> Iterator[Caught]:
    """Record every warning raised inside the block (each occurrence, not once per place);
    read them with :meth:`Caught.entries` after the block."""
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        caught = Caught(log)
        try:
            yield caught
        finally:
            passed = caught._passed + caught._sort()
    for w in passed:  # outside the block: the caller's filters decide
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
