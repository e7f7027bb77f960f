"""``forecast predict``: fit one model on all the data and write its forecasts as CSV."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import FLAG_NAMES, blas_single_thread, say, thousands_mark
from .data import load_data

__all__ = ["run_predict", "command"]


def _parse_levels(text: str) -> list[float]:
    from ..errors import InputError

    try:
        levels = [float(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise InputError(f"--levels must be numbers in percent such as 80,95; got {text!r}") from None
    bad = [v for v in levels if not 0 < v < 100]
    if bad or not levels:
        raise InputError(f"--levels must be between 0 and 100 (e.g. 80,95); got {text!r}")
    return levels


def run_predict(args: argparse.Namespace) -> int:
    """``forecast predict``: fit on all data, forecast ``--horizon`` steps, write CSV."""
    import pandas as pd

    from .. import io
    from ..models import registry
    from ..seeding import seed_model

    horizon = io.check_horizon(args.horizon, "--horizon")
    levels = _parse_levels(args.levels)
    exog = io.regressor_columns(args.exog, args.known_exog, args.target)
    model0 = registry.create(args.model)
    if args.out:
        from ..paths import writable_file

        writable_file(args.out, "--out")
    y, X, _ = load_data(args.data, target=args.target, time_col=args.time_col,
                        id_col=args.id_col, exog=exog, sep=args.sep, decimal=args.decimal,
                        date_format=args.date_format, thousands=thousands_mark(args.thousands),
                        skip_rows=args.skip_rows, say=lambda m: say(args, m))
    future = None
    if args.future:
        if not exog:
            from ..errors import InputError

            raise InputError("--future gives exogenous values for the horizon; name their columns with --exog")
        future = _future_exog(args.future, args.time_col, args.id_col, exog, args)
    series = y if isinstance(y, dict) else {None: y}
    frames = []
    for sid, ys in series.items():
        model = model0.clone()
        seed_model(model, args.seed if args.seed is not None else 0, seed_globals=True)
        xs = X.get(sid) if isinstance(X, dict) else X
        fx = future.get(sid) if isinstance(future, dict) else future
        with blas_single_thread():
            fcst = model.fit(ys, xs).predict(horizon, X=fx)
        frame = fcst.to_frame(levels=levels)
        frame.insert(0, "timestamp", frame.index.astype(str))
        if sid is not None:
            frame.insert(0, "series_id", sid)
        frames.append(frame.reset_index(drop=True))
    out = pd.concat(frames, ignore_index=True)
    text = out.to_csv(index=False, float_format="%.6g")
    if args.out:
        from ..atomic import atomic_write

        atomic_write(args.out, text)
        say(args, f"wrote {len(out)} forecasts to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _future_exog(path: str, time_col: str | None, id_col: str | None, exog: list[str],
                 args: argparse.Namespace) -> Any:
    import numpy as np

    from .. import io

    frame = io.read_table(path, sep=args.sep, decimal=args.decimal, thousands=thousands_mark(args.thousands))
    missing = [c for c in exog if c not in frame.columns]
    if missing:
        from ..errors import InputError

        raise InputError(f"{path}: no column(s) {', '.join(map(repr, missing))} for the future exogenous "
                         f"values; available columns: {', '.join(map(str, frame.columns))}")
    # a placeholder target that no regressor column equals (read_series refuses a regressor
    # holding the target's values, the look-ahead check)
    placeholder = -1.0 - np.arange(len(frame)) / (len(frame) + np.e)
    _, X = io.read_series(frame.assign(__target__=placeholder), target="__target__", time_col=time_col,
                          id_col=id_col, exog=exog, date_format=args.date_format)
    return X


def command(args: argparse.Namespace) -> int:
    from ..errors import option_spelling

    with option_spelling(FLAG_NAMES):  # messages name --target, not target=
        return run_predict(args)
