"""A self-contained HTML report of a backtest: one file, images embedded, readable offline.

The report shows the leaderboard with Diebold-Mariano significance, the error by horizon
step, forecast plots per model, the failures and the settings of the run. It needs no
network and no files beside it: styles are inline and figures are base64 PNGs.

>>> import pandas as pd
>>> board = pd.DataFrame({"model": ["arma(2,1)", "naive"], "smape": [4.2, 9.9],
...                       "dm_pvalue": [float("nan"), 0.003]})
>>> html = render_html(board, title="Demo")
>>> "<table" in html and "significantly worse" in html and "http" not in html.split("<body>")[1]
True
"""

from __future__ import annotations

import base64
import datetime as _dt
import html as _html
import io
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["render_html", "write_report", "figure_to_png", "png_data_uri", "pvalue_column",
           "significance_label", "nemenyi_labels", "atomic_write", "atomic_write_csv"]

ALPHA = 0.05

_CSS = """
:root { --ink:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#ffffff; --band:#f5f7fa;
        --good:#1b7f3b; --bad:#b3261e; --neutral:#7a5b00; --accent:#2456a6; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:1180px; margin:0 auto; padding:28px 32px 64px; }
h1 { font-size:26px; margin:0 0 4px; }
h2 { font-size:19px; margin:36px 0 10px; padding-bottom:4px; border-bottom:2px solid var(--line); }
h3 { font-size:15px; margin:18px 0 6px; color:var(--muted); }
p.sub { color:var(--muted); margin:0 0 18px; }
nav { margin:8px 0 20px; font-size:14px; }
nav a { color:var(--accent); margin-right:16px; text-decoration:none; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:12px 0 8px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:150px; background:var(--band); }
.card .k { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.card .v { font-size:18px; font-weight:600; }
table { border-collapse:collapse; margin:8px 0 12px; font-size:13.5px; width:auto; max-width:100%; }
.scroll { overflow-x:auto; }
th, td { padding:5px 8px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
th { background:var(--band); font-weight:600; position:sticky; top:0; }
td.text, th.text { text-align:left; }
td.model { white-space:normal; text-align:left; max-width:260px; overflow-wrap:anywhere; }
tr.best td { background:#eaf6ee; font-weight:600; }
tr.worse td.sig { color:var(--bad); }
tr.tie td.sig { color:var(--neutral); }
tr.best td.sig { color:var(--good); }
.note { color:var(--muted); font-size:13px; }
figure { margin:10px 0 22px; }
figure img { max-width:100%; height:auto; border:1px solid var(--line); border-radius:6px; }
figcaption { color:var(--muted); font-size:13px; margin-top:4px; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(520px, 1fr)); gap:8px 20px; }
pre { background:var(--band); border:1px solid var(--line); border-radius:6px; padding:12px;
      font-size:12.5px; overflow-x:auto; }
.ok { color:var(--good); }
td.msg { white-space:normal; text-align:left; max-width:560px; }
footer { margin-top:40px; color:var(--muted); font-size:12px; }
"""


# ------------------------------------------------------------------ helpers
def figure_to_png(fig: Any, dpi: int = 100) -> bytes:
    """PNG bytes of a matplotlib Figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def png_data_uri(png: bytes | str | os.PathLike) -> str:
    """A ``data:image/png;base64,...`` URI from PNG bytes or a PNG file."""
    if not isinstance(png, bytes | bytearray):
        png = Path(png).read_bytes()
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode("ascii")


def pvalue_column(frame: pd.DataFrame) -> str | None:
    """The leaderboard column holding Diebold-Mariano p-values, if any."""
    for col in frame.columns:
        low = str(col).lower()
        if "dm" in low and ("p" in low.replace("dm", "")) or low in ("p_value", "pvalue", "p"):
            return str(col)
    return None


def significance_label(p: float, alpha: float = ALPHA) -> str:
    """How to read a DM p-value against the best model.

    >>> significance_label(float("nan")), significance_label(0.01), significance_label(0.4)
    ('best', 'significantly worse', 'not significantly different')
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "best"
    return "significantly worse" if p < alpha else "not significantly different"


def nemenyi_labels(board: pd.DataFrame) -> list[str]:
    """The panel verdict per leaderboard row: ``best``, ``worse`` (mean rank worse than the
    best's by more than the Nemenyi critical difference), ``not different`` or ``failed``."""
    out = []
    for i, rec in enumerate(board.to_dict("records")):
        value = rec.get("nemenyi_worse")
        if rec.get("status") == "failed":
            out.append("failed")
        elif i == 0:
            out.append("best")
        elif value is None or pd.isna(value):
            out.append("-")
        else:
            out.append("worse" if bool(value) else "not different")
    return out


def _esc(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            return f"{value:.3g}"
        return f"{value:,.4g}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, pd.Timestamp | pd.Period):
        return str(value)
    return str(value)


def _table(frame: pd.DataFrame, *, row_class: Sequence[str] | None = None,
           extra: Mapping[str, Sequence[Any]] | None = None, max_rows: int = 500,
           wrap: Iterable[str] = (), extra_at: int | None = None) -> str:
    frame = frame.reset_index(drop=True)
    cols = list(frame.columns)
    extra = dict(extra or {})
    wrap = set(wrap)
    at = len(cols) if extra_at is None else extra_at
    heads = [f'<th class="{"text" if not pd.api.types.is_numeric_dtype(frame[c].dtype) else ""}">{_esc(c)}</th>'
             for c in cols]
    heads[at:at] = [f'<th class="text">{_esc(k)}</th>' for k in extra]
    head = "".join(heads)
    rows = []
    for i, rec in enumerate(frame.head(max_rows).itertuples(index=False)):
        cells = []
        for col, value in zip(cols, rec, strict=True):
            numeric = pd.api.types.is_numeric_dtype(frame[col].dtype)
            cls = "msg" if col in wrap else ("model" if str(col).startswith("model") else ("" if numeric else "text"))
            cells.append(f'<td class="{cls}">{_esc(_fmt(value))}</td>')
        cells[at:at] = [f'<td class="text sig">{_esc(values[i])}</td>' for values in extra.values()]
        klass = f' class="{row_class[i]}"' if row_class is not None else ""
        rows.append(f"<tr{klass}>{''.join(cells)}</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="note">{len(frame) - max_rows} more rows in the CSV files beside this report.</p>'
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{more}'


def _figures(images: Mapping[str, bytes | str | os.PathLike], grid: bool = False) -> str:
    figs = [
        f'<figure><img alt="{_esc(caption)}" src="{png_data_uri(png)}"><figcaption>{_esc(caption)}</figcaption></figure>'
        for caption, png in images.items()
    ]
    if not figs:
        return ""
    return f'<div class="grid">{"".join(figs)}</div>' if grid else "".join(figs)


def _compact(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard as shown in the report: timings summed, empty counters left out
    (the CSV beside the report keeps every column)."""
    board = board.drop(columns=[c for c in ("dm_stat",) if c in board.columns])
    if "n_dropped" in board.columns and not board["n_dropped"].astype(bool).any():
        board = board.drop(columns="n_dropped")
    if {"fit_seconds", "predict_seconds"} <= set(board.columns):
        seconds = board["fit_seconds"].astype(float) + board["predict_seconds"].astype(float)
        board = board.drop(columns=["fit_seconds", "predict_seconds"]).assign(seconds=seconds)
    return board.rename(columns={"n_origins": "origins", "n_failed": "failed", "n_dropped": "dropped"})


def _leaderboard_section(board: pd.DataFrame, alpha: float) -> str:
    board = _compact(board)
    pcol = pvalue_column(board)
    if pcol is None:
        return _table(board)
    labels = [significance_label(p, alpha) for p in board[pcol].astype(float)]
    classes = ["best" if lab == "best" else ("worse" if lab.startswith("sig") else "tie") for lab in labels]
    front = [c for c in ("rank", "model") if c in board.columns]
    board = board[front + [pcol] + [c for c in board.columns if c not in front and c != pcol]]
    explain = (
        f'<p class="note">Ranked best first. <b>{_esc(pcol)}</b> is the p-value of a Diebold–Mariano test '
        f"(Harvey–Leybourne–Newbold correction) of each model against the best one on the same "
        f"forecast origins: below {alpha:g} the model is <span style=\"color:var(--bad)\">significantly "
        f"worse</span>; above, the data cannot tell it apart from the best.</p>"
    )
    return _table(board, row_class=classes, extra={"vs. best": labels}, extra_at=len(front) + 1) + explain


# ------------------------------------------------------------------ the report
def render_html(
    leaderboard: pd.DataFrame,
    *,
    title: str = "Backtest report",
    subtitle: str = "",
    summary: Mapping[str, Any] | None = None,
    by_horizon: pd.DataFrame | None = None,
    failures: pd.DataFrame | None = None,
    settings: Mapping[str, Any] | None = None,
    leaderboard_images: Mapping[str, bytes | str | os.PathLike] | None = None,
    horizon_images: Mapping[str, bytes | str | os.PathLike] | None = None,
    forecast_images: Mapping[str, bytes | str | os.PathLike] | None = None,
    alpha: float = ALPHA,
) -> str:
    """The report as one HTML string (nothing external: inline CSS, base64 images).

    Parameters
    ----------
    leaderboard : DataFrame
        Ranked models; a column of DM p-values (e.g. ``dm_pvalue``) is read as significance.
    summary : mapping, optional
        A few headline facts shown as cards (series, models, origins, horizon...).
    by_horizon : DataFrame, optional
        Error per horizon step (rows: step, columns: models) or a long table.
    failures : DataFrame, optional
        Failed tasks: model, series, origin, error type, message.
    settings : mapping, optional
        The run's settings and versions, shown as JSON.
    leaderboard_images, horizon_images, forecast_images : mapping caption -> PNG
        Figures (PNG bytes or paths), embedded as data URIs.
    """
    parts = [f"<h1>{_esc(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="sub">{_esc(subtitle)}</p>')
    nav = [("leaderboard", "Leaderboard"), ("horizon", "Error by horizon"),
           ("forecasts", "Forecasts"), ("failures", "Failures"), ("settings", "Settings")]
    parts.append("<nav>" + "".join(f'<a href="#{a}">{_esc(t)}</a>' for a, t in nav) + "</nav>")
    if summary:
        cards = "".join(
            f'<div class="card"><div class="k">{_esc(k)}</div><div class="v">{_esc(_fmt(v))}</div></div>'
            for k, v in summary.items()
        )
        parts.append(f'<div class="cards">{cards}</div>')

    parts.append('<h2 id="leaderboard">Leaderboard</h2>')
    parts.append(_leaderboard_section(leaderboard, alpha))
    parts.append(_figures(leaderboard_images or {}))

    parts.append('<h2 id="horizon">Error by horizon step</h2>')
    if horizon_images:
        parts.append(_figures(horizon_images))
    if by_horizon is not None and len(by_horizon):
        parts.append(_table(by_horizon))
    elif not horizon_images:
        parts.append('<p class="note">No per-step errors were computed.</p>')

    parts.append('<h2 id="forecasts">Forecasts</h2>')
    if forecast_images:
        parts.append('<p class="note">Forecasts from the backtest origins against the actual values, '
                     "with prediction intervals where the model gives them.</p>")
        parts.append(_figures(forecast_images, grid=True))
    else:
        parts.append('<p class="note">No forecast plots.</p>')

    parts.append('<h2 id="failures">Failures</h2>')
    if failures is not None and len(failures):
        parts.append(f'<p class="note">{len(failures)} task(s) failed; their models were scored on the '
                     "origins they completed, and the leaderboard compares common origins.</p>")
        wrap = [c for c in failures.columns if str(c).lower() in ("message", "error", "msg")]
        parts.append(_table(failures, wrap=wrap, max_rows=200))
    else:
        parts.append('<p class="ok">No failures: every model forecast every origin.</p>')

    parts.append('<h2 id="settings">Settings</h2>')
    parts.append(f"<pre>{_esc(json.dumps(dict(settings or {}), indent=2, default=str))}</pre>")
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(f"<footer>Written by forecast on {stamp}. This file is self-contained and works offline.</footer>")
    body = "\n".join(p for p in parts if p)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )


def write_report(path: str | os.PathLike, **kwargs: Any) -> Path:
    """Render with :func:`render_html` and write ``path`` atomically."""
    path = Path(path)
    atomic_write(path, render_html(**kwargs))
    return path


# ------------------------------------------------------------------ atomic output
def atomic_write(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    A reader (or an interrupted run) sees the old file or the new one, never half of it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = atomic_write(Path(d) / "a.txt", "hello")
    ...     p.read_text(), sorted(x.name for x in Path(d).iterdir())
    ('hello', ['a.txt'])
    """
    import tempfile

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


def atomic_write_csv(path: str | os.PathLike, frame: pd.DataFrame, **kwargs: Any) -> Path:
    """``frame.to_csv`` written atomically (no index unless asked)."""
    kwargs.setdefault("index", False)
    return atomic_write(path, frame.to_csv(**kwargs))


# ------------------------------------------------------------------ figures of a backtest
_COLORS = {"best": "#1b7f3b", "significantly worse": "#b3261e", "not significantly different": "#c8951a"}


def _positions(stamps: pd.Series, order: list[str]) -> list[int]:
    where = {s: i for i, s in enumerate(order)}
    return [where.get(str(s), -1) for s in stamps]


def _time_axis(ax: Any, order: list[str], lo: int, hi: int) -> None:
    span = max(hi - lo, 1)
    every = max(span // 8, 1)
    ticks = list(range(lo, hi + 1, every))
    ax.set_xticks(ticks)
    ax.set_xticklabels([order[t] for t in ticks], rotation=30, ha="right", fontsize=8)
    ax.set_xlim(lo - 0.5, hi + 0.5)


def leaderboard_figure(board: pd.DataFrame, metric: str, alpha: float = ALPHA) -> Any:
    """Horizontal bars of ``metric`` per model, coloured by DM significance against the best."""
    from matplotlib.figure import Figure

    pcol = pvalue_column(board)
    labels = ([significance_label(p, alpha) for p in board[pcol].astype(float)] if pcol
              else ["best"] + ["not significantly different"] * (len(board) - 1))
    fig = Figure(figsize=(8, 0.45 * len(board) + 1.4))
    ax = fig.add_subplot()
    values = board[metric].astype(float).to_numpy()
    ypos = list(range(len(board)))[::-1]
    ax.barh(ypos, values, color=[_COLORS[lab] for lab in labels])
    ax.set_yticks(ypos)
    ax.set_yticklabels(board["model"].astype(str))
    for y, v in zip(ypos, values, strict=True):
        if v == v:
            ax.text(v, y, f" {v:.3g}", va="center", fontsize=8)
    ax.set_xlabel(metric.upper() + " (lower is better)")
    handles = [__import__("matplotlib.patches", fromlist=["Patch"]).Patch(color=c, label=k)
               for k, c in _COLORS.items() if k in labels]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
              fontsize=8, frameon=False)
    ax.set_title(f"Leaderboard: {metric.upper()}, Diebold–Mariano vs. the best at {alpha:g}")
    ax.margins(x=0.15)
    fig.tight_layout()
    return fig


def horizon_figure(by_horizon: pd.DataFrame, metric: str) -> Any:
    """Error per horizon step, one line per model (``by_horizon``: steps × models)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.2 + 0.22 * (len(by_horizon.columns) + 1) // 2))
    ax = fig.add_subplot()
    for model in by_horizon.columns:
        ax.plot(by_horizon.index, by_horizon[model], marker="o", ms=3, label=str(model))
    ax.set_xlabel("horizon step")
    ax.set_ylabel(metric.upper())
    ax.set_title(f"{metric.upper()} by horizon step")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    fig.tight_layout()
    return fig


def forecast_figure(forecasts: pd.DataFrame, actuals: pd.DataFrame, model: str,
                    series_id: Any = None, n_paths: int = 4) -> Any:
    """Actual values and the forecast paths of ``model`` from a few evenly spaced origins,
    with the prediction interval of each path shaded."""
    from matplotlib.figure import Figure

    f = forecasts[forecasts["model"] == model]
    a = actuals
    if series_id is not None:
        f = f[f["series_id"] == series_id]
        a = a[a["series_id"] == series_id]
    order = [str(t) for t in a["timestamp"]]
    fig = Figure(figsize=(6.4, 3.4))
    ax = fig.add_subplot()
    origins = sorted(f["origin"].unique())
    if not origins:
        ax.text(0.5, 0.5, "no forecasts (every task failed)", ha="center", transform=ax.transAxes)
        return fig
    first = max(_positions(pd.Series([origins[0]]), order)[0] - 3 * max(int(f["step"].max()), 1), 0)
    ax.plot(range(first, len(order)), a["y"].to_numpy()[first:], color="#1d2330", lw=1.4, label="actual")
    picks = [origins[round(i * (len(origins) - 1) / max(n_paths - 1, 1))] for i in range(min(n_paths, len(origins)))]
    picks = list(dict.fromkeys(picks))
    cmap = __import__("matplotlib", fromlist=["colormaps"]).colormaps["viridis"]
    for k, origin in enumerate(picks):
        path = f[f["origin"] == origin].sort_values("step")
        x = _positions(path["timestamp"], order)
        color = cmap(0.15 + 0.7 * k / max(len(picks) - 1, 1))
        if path["lower"].notna().any():
            ax.fill_between(x, path["lower"], path["upper"], color=color, alpha=0.15, lw=0)
        ax.plot(x, path["y_pred"], color=color, lw=1.6, label=f"from {origin}")
    _time_axis(ax, order, first, len(order) - 1)
    ax.set_title(str(model) + (f" — {series_id}" if series_id is not None else ""), fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.tight_layout()
    return fig
