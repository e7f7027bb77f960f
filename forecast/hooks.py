"""Named presenters the lower layers call without importing them.

:meth:`BacktestResult.save_report <forecast.evaluation.BacktestResult.save_report>` is part
of the evaluation's public surface, but the results folder it writes is
:mod:`forecast.reporting`, a layer above the evaluation. Rather than import upwards (even
lazily, inside the method), the method calls ``hooks.call("save_report", ...)``, and the top
package ``forecast/__init__.py``, which knows every layer, wires the name to its target with
``provide("save_report", "forecast.reporting:save_report")``.

Why this design: a registry of ``"module:function"`` strings is the least that keeps the
arrow one way. The target is imported with :func:`importlib.import_module` on the first
call only, so ``import forecast`` stays as light as before (no reporting, no matplotlib);
and since every ``import forecast.<anything>`` runs ``forecast/__init__.py`` first, the
wiring is always in place before a result exists. The wiring lives in the top package, not
in this module, so that nothing below reporting names it, not even as a string. This module
imports nothing of the package.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["provide", "call", "provided"]

_TARGETS: dict[str, str] = {}  # name -> "module:function"
_RESOLVED: dict[str, Callable[..., Any]] = {}  # name -> the function, once imported


def provide(name: str, target: str) -> None:
    """Wire ``name`` to ``target``, a ``"package.module:function"`` string (imported on the
    first :func:`call`). Providing a name again replaces its target."""
    module, sep, attr = target.partition(":")
    if not (module and sep and attr):
        raise ValueError(f"hooks.provide({name!r}, {target!r}): the target must read 'module:function'")
    _TARGETS[name] = target
    _RESOLVED.pop(name, None)


def provided() -> dict[str, str]:
    """The names wired so far and their targets."""
    return dict(_TARGETS)


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call the function wired to ``name`` with these arguments (importing it the first time)."""
    fn = _RESOLVED.get(name)
    if fn is None:
        if name not in _TARGETS:
            raise LookupError(f"no presenter is provided for {name!r}; known: {', '.join(sorted(_TARGETS)) or 'none'}")
        module, _, attr = _TARGETS[name].partition(":")
        fn = _RESOLVED[name] = getattr(importlib.import_module(module), attr)
    return fn(*args, **kwargs)
