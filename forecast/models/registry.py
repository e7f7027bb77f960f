"""Model names and specs such as ``"arma(2,1)"`` turned into objects, parsed without eval.

>>> create("arma(2,1)")
ARMA(p=2, q=1)
>>> create("lstm(units=64, layers=2, bidirectional=true)").units
64
>>> sorted(available())[:3]
['ar', 'arima', 'arma']
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError

__all__ = ["Entry", "register", "create", "available", "get", "parse_spec", "entries"]


@dataclass(frozen=True)
class Entry:
    """One registered model: ``name(args...)`` builds ``target`` with ``positional`` names."""

    name: str
    target: str  # "module:Class"
    positional: tuple[str, ...] = ()
    description: str = ""
    fixed: dict[str, Any] = field(default_factory=dict)
    build: Callable[[tuple, dict], dict] | None = None  # (args, kwargs) -> params
    spec_names: dict[str, str] = field(default_factory=dict)  # parameter -> its name in specs

    def load(self) -> type:
        """The model class (importing its module does not import tensorflow)."""
        module, _, cls = self.target.partition(":")
        return getattr(importlib.import_module(module), cls)

    @property
    def needs_keras(self) -> bool:
        """Whether the model needs Keras: its class's ``needs_keras`` tag (the one record)."""
        return bool(self.load().get_tags()["needs_keras"])

    def params(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        if self.build is not None:
            return self.build(args, kwargs)
        if len(args) > len(self.positional):
            raise InputError(
                f"{self.name} takes at most {len(self.positional)} positional argument(s) "
                f"({', '.join(self.positional) or 'none'}); got {len(args)}"
            )
        params = dict(self.fixed)
        params.update(zip(self.positional, args, strict=False))
        for key in kwargs:
            if key in params and key in self.positional[: len(args)]:
                raise InputError(f"{self.name}: {key} given twice")
        params.update(kwargs)
        return params


_REGISTRY: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    """Add a model to the registry (then the CLI, specs and conformance suite know it)."""
    _REGISTRY[entry.name.lower()] = entry
    return entry


def entries() -> list[Entry]:
    return list(_REGISTRY.values())


def available() -> list[str]:
    return list(_REGISTRY)


def get(name: str) -> Entry:
    try:
        return _REGISTRY[name.lower()]
    except KeyError:
        raise InputError(
            f"unknown model {name!r}; known models: {', '.join(sorted(_REGISTRY))}"
        ) from None


_LITERAL_NAMES = {"true": True, "false": False, "none": None, "null": None}


def _literal(node: ast.AST, spec: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        low = node.id.lower()
        return _LITERAL_NAMES[low] if low in _LITERAL_NAMES else node.id
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    if isinstance(node, ast.Tuple | ast.List):
        return tuple(_literal(e, spec) for e in node.elts)
    raise InputError(f"cannot read model spec {spec!r}: arguments must be numbers, words or tuples")


def parse_spec(spec: str) -> tuple[str, tuple, dict]:
    """``"arma(2, q=1)"`` -> ``("arma", (2,), {"q": 1})``. Never evaluates code."""
    text = spec.strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise InputError(
            f"cannot read model spec {spec!r}; write it like arma(2,1) or lstm(units=32)"
        ) from None
    if isinstance(tree, ast.Name):
        return tree.id.lower(), (), {}
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
        if any(k.arg is None for k in tree.keywords):
            raise InputError(f"cannot read model spec {spec!r}: write keyword arguments as name=value, not **")
        def value(node: ast.AST) -> Any:
            if isinstance(node, ast.Call):  # a nested spec (a combination's member): its text, read by create
                return ast.get_source_segment(text, node)
            return _literal(node, spec)

        args = tuple(value(a) for a in tree.args)
        kwargs = {k.arg: value(k.value) for k in tree.keywords}
        return tree.func.id.lower(), args, kwargs
    raise InputError(f"cannot read model spec {spec!r}; write it like arma(2,1) or lstm(units=32)")


def split_specs(text: str) -> list[str]:
    """Split ``"naive,arma(2,1),lstm(units=8)"`` on commas outside parentheses."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return [s for s in out if s]


def create(spec: str):
    """Build a model from a spec string such as ``"ar(12)"`` or ``"gru(time_steps=48)"``."""
    name, args, kwargs = parse_spec(spec)
    if name == "arima" and args[:1] == ("auto",):  # arima(auto, ...): the automatic seasonal ARIMA
        name, args = "autoarima", args[1:]
    entry = get(name)
    params = entry.params(args, kwargs)
    cls = entry.load()
    valid = cls._param_names()
    unknown = [k for k in params if k not in valid]
    if unknown:
        raise InputError(
            f"{spec!r}: {name} has no parameter {', '.join(map(repr, unknown))}; its parameters are: {', '.join(valid)}"
        )
    return cls(**params)


# ------------------------------------------------------------------ the built-in models
def _arma_build(args: tuple, kwargs: dict) -> dict:
    if args in (("auto",), ("auto", "auto")):
        return {"p": "auto", "q": "auto", **kwargs}
    if len(args) > 2:
        raise InputError("arma takes at most two positional arguments (p, q) or 'auto'")
    return {**dict(zip(("p", "q"), args, strict=False)), **kwargs}


def _arima_build(args: tuple, kwargs: dict) -> dict:
    params = dict(kwargs)
    if len(args) == 3:
        params["order"] = tuple(args)
    elif len(args) == 1 and isinstance(args[0], tuple):
        params["order"] = args[0]
    elif args:
        raise InputError("arima takes the order as three numbers, e.g. arima(1,1,1)")
    if "seasonal" in params:
        params["seasonal_order"] = tuple(params.pop("seasonal"))
    if "order" in params:
        params["order"] = tuple(params["order"])
    return params


def _combo_build(args: tuple, kwargs: dict) -> dict:
    """``combo(naive, snaive(12), arma(1,0), how=median)``: each argument is a member spec."""
    unknown = [k for k in kwargs if k not in ("how", "calibration")]
    if unknown:
        raise InputError("combo takes member specs, how=mean|median|inverse_error and calibration=conformal|none; "
                         f"got {', '.join(map(repr, unknown))}")
    if len(args) < 2:
        raise InputError("combo needs at least two member specs, e.g. combo(naive, snaive(12))")
    members = []
    for arg in args:
        if not isinstance(arg, str):
            raise InputError(f"combo: {arg!r} is not a model spec; write members like naive or arma(1,0)")
        if parse_spec(arg)[0] == "combo":
            raise InputError(f"combo: member {arg!r} is itself a combination; list its members instead")
        members.append(create(arg))
    if "calibration" in kwargs and kwargs["calibration"] is None:  # calibration=none reads as None
        kwargs = {**kwargs, "calibration": "none"}
    return {"models": members, **kwargs}


def _hybrid_build(args: tuple, kwargs: dict) -> dict:
    """``hybrid(arima(auto), lstm)``: a classical member spec, then a recurrent one."""
    unknown = [k for k in kwargs if k not in ("horizon", "n_jobs")]
    if unknown:
        raise InputError(f"hybrid takes a classical and a recurrent model spec, horizon= and n_jobs=; got "
                         f"{', '.join(map(repr, unknown))}")
    if len(args) != 2:
        raise InputError("hybrid needs two model specs, the classical model then the network, "
                         f"e.g. hybrid(arima(auto), lstm); got {len(args)}")
    members = []
    for arg in args:
        if not isinstance(arg, str):
            raise InputError(f"hybrid: {arg!r} is not a model spec; write members like arima(auto) or lstm")
        if parse_spec(arg)[0] in ("hybrid", "combo"):
            raise InputError(f"hybrid: member {arg!r} must be a single model, not a hybrid or a combination")
        members.append(create(arg))
    return {"classical": members[0], "recurrent": members[1], **kwargs}


_BUILTIN = [
    Entry("naive", "forecast.models.baseline:Naive", (), "last value carried forward"),
    Entry("snaive", "forecast.models.baseline:SeasonalNaive", ("m",), "value one season ago"),
    Entry("naive2", "forecast.models.baseline:Naive2", ("m",), "naive on the seasonally adjusted series (M4 Naive2, the OWA reference)"),
    Entry("drift", "forecast.models.baseline:Drift", (), "straight line through the first and last values"),
    Entry("mean", "forecast.models.baseline:Mean", (), "mean of the training data"),
    Entry("ma", "forecast.models.arima:MA", ("q",), "moving-average model MA(q) with constant"),
    Entry("ar", "forecast.models.arima:AR", ("p",), "autoregressive model AR(p) with constant"),
    Entry("arma", "forecast.models.arima:ARMA", ("p", "q"), "ARMA(p,q) with constant; arma(auto) picks the order by AIC", build=_arma_build),
    Entry("armax", "forecast.models.arima:ARMAX", ("p", "q"), "ARMA(p,q) with exogenous regressors"),
    Entry("arima", "forecast.models.arima:ARIMA", ("order",), "ARIMA(p,d,q), optionally seasonal; arima(auto) chooses the orders",
          build=_arima_build, spec_names={"seasonal_order": "seasonal"}),
    Entry("autoarima", "forecast.models.auto_arima:AutoARIMA", ("m",),
          "automatic seasonal ARIMA (Hyndman-Khandakar stepwise, AICc); also written arima(auto)"),
    Entry("combo", "forecast.models.combination:Combination", (),
          "mean or median of member models' forecasts, e.g. combo(naive, snaive(12), how=median)",
          build=_combo_build),
    Entry("hybrid", "forecast.models.hybrid:Hybrid", (),
          "classical model plus a network on its residuals (Zhang 2003), e.g. hybrid(arima(auto), lstm)",
          build=_hybrid_build),
    Entry("rnn", "forecast.models.recurrent:RNN", (), "simple (Elman) recurrent network"),
    Entry("lstm", "forecast.models.recurrent:LSTM", (), "long short-term memory network"),
    Entry("gru", "forecast.models.recurrent:GRU", (), "gated recurrent unit network"),
]
for _entry in _BUILTIN:
    register(_entry)
