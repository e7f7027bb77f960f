"""A self-contained HTML report of a backtest: one file, images embedded, readable offline.

The report shows the leaderboard with Diebold-Mariano significance, the error by horizon
step, forecast plots per model, the failures and the settings of the run. It needs no
network and no files beside it: styles are inline and figures are base64 PNGs.
:func:`render_html` puts it together from one function per part: the heading and links, the
verdict, the summary cards, a notice, then the sections (leaderboard, error by horizon,
forecasts, failures, settings), the footer, and the page around them (head and style).
:func:`fmt_value` is how every number is shown, here and in the results folder.

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
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..atomic import atomic_write
from ..jsonable import dumps

__all__ = ["render_html", "write_report", "dm_count_labels", "png_data_uri", "pvalue_column",
           "significance_label", "nemenyi_labels", "fmt_value", "failed_flags", "verdict_section", "ALPHA"]

ALPHA = 0.05

#: figures by caption: PNG bytes or a PNG file
Images = Mapping[str, bytes | str | os.PathLike]

_CSS = """
:root { --ink:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#ffffff; --band:#f5f7fa;
        --good:#1b7f3b; --bad:#b3261e; --neutral:#7a5b00; --accent:#2456a6; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:1320px; margin:0 auto; padding:28px 32px 64px; }
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
td.model { white-space:normal; text-align:left; min-width:120px; max-width:260px; overflow-wrap:anywhere; }
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
tr.failed td { color:var(--muted); }
tr.failed td.sig { color:var(--bad); font-weight:600; }
.alert { border:2px solid var(--bad); border-radius:8px; padding:12px 16px; margin:14px 0;
         background:#fdf1f0; }
.alert b { color:var(--bad); }
.alert ul { margin:6px 0 0; padding-left:20px; }
.notes { border:1px solid var(--line); border-radius:8px; padding:8px 14px; margin:10px 0;
         background:var(--band); font-size:13.5px; }
.notes ul { margin:4px 0 0; padding-left:20px; }
details { margin:6px 0; }
.verdict { border:1px solid var(--line); border-left:5px solid var(--accent); border-radius:8px;
           padding:10px 16px; margin:14px 0 18px; background:#f3f6fc; }
.verdict .k { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; }
.verdict p { font-size:17px; font-weight:600; margin:4px 0 6px; }
.verdict ul { margin:4px 0 0; padding-left:20px; font-size:13.5px; color:var(--ink); }
details > summary { cursor:pointer; font-weight:600; padding:4px 0; }
"""


# ------------------------------------------------------------------ helpers

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
        elif "rank" in rec and pd.isna(rec["rank"]):  # no ranking score
            out.append("unranked")
        elif i == 0:
            out.append("best")
        elif value is None or pd.isna(value):
            out.append("-")
        else:
            out.append("worse" if bool(value) else "not different")
    return out


def _esc(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def fmt_value(value: Any) -> str:
    """A value as the report and the results folder show it: four significant digits,
    ``–`` for NaN and NA, thousands separated."""
    if value is None or value is pd.NA:
        return "–" if value is pd.NA else ""
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
            cells.append(f'<td class="{cls}">{_esc(fmt_value(value))}</td>')
        cells[at:at] = [f'<td class="text sig">{_esc(values[i])}</td>' for values in extra.values()]
        klass = f' class="{row_class[i]}"' if row_class is not None else ""
        rows.append(f"<tr{klass}>{''.join(cells)}</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="note">{len(frame) - max_rows} more rows in the CSV files beside this report.</p>'
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{more}'


def _figures(images: Images, grid: bool = False) -> str:
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
    for col in [c for c in board.columns if c == "n_dropped" or str(c).startswith("n_undefined_")]:
        if not board[col].astype(bool).any():
            board = board.drop(columns=col)
    if {"fit_seconds", "predict_seconds"} <= set(board.columns):
        seconds = board["fit_seconds"].astype(float) + board["predict_seconds"].astype(float)
        board = board.drop(columns=["fit_seconds", "predict_seconds"]).assign(seconds=seconds)
    return board.rename(columns={"n_origins": "origins", "n_failed": "failed", "n_dropped": "dropped"})


def failed_flags(board: pd.DataFrame) -> list[bool]:
    """Per leaderboard row: True for a model that failed at every origin (``status``)."""
    return (board["status"] == "failed").tolist() if "status" in board.columns else [False] * len(board)


def dm_count_labels(board: pd.DataFrame) -> list[str]:
    """Per leaderboard row of a panel: on how many series DM finds the model significantly
    worse / not different / better than the best (``"2 / 1 / 0"``; ``"-"`` for the best)."""
    cols = ("dm_worse", "dm_not_different", "dm_better")
    out = []
    for rec in board.to_dict("records"):
        values = [rec.get(c) for c in cols]
        if any(v is None or pd.isna(v) for v in values):
            out.append("failed" if rec.get("status") == "failed" else "-")
        else:
            out.append(" / ".join(str(int(v)) for v in values))
    return out


def _leaderboard_section(board: pd.DataFrame, alpha: float, panel_note: str = "") -> str:
    failed = failed_flags(board)
    board = _compact(board).drop(columns=["status", "failure"], errors="ignore")
    pcol = pvalue_column(board)
    front = [c for c in ("rank", "model") if c in board.columns]
    if pcol is None and "nemenyi_worse" in board.columns:  # a panel: Nemenyi verdict and DM counts
        verdicts = nemenyi_labels(board.assign(status=["failed" if f else "ok" for f in failed]))
        classes = ["failed" if f else ("best" if v == "best" else ("worse" if v == "worse" else "tie"))
                   for v, f in zip(verdicts, failed, strict=True)]
        extra = {"Nemenyi vs. best": verdicts}
        drop = ["nemenyi_worse", "dm_worse_share"]
        if "dm_worse" in board.columns:
            extra["DM series: worse / not diff. / better"] = dm_count_labels(
                board.assign(status=["failed" if f else "ok" for f in failed]))
            drop += ["dm_worse", "dm_not_different", "dm_better"]
        if "mcs" in board.columns:  # the colours read the model confidence set, as on one series
            classes, extra["90% set"] = _mcs_classes(board["mcs"], failed, verdicts)
            drop.append("mcs")
        board = board.drop(columns=[c for c in drop if c in board.columns])
        board = board[front + [c for c in board.columns if c not in front]]
        explain = (
            '<p class="note">Ranked best first. <b>Nemenyi vs. best</b> is the panel-level verdict: after a '
            "Friedman test over the series, a model is <span style=\"color:var(--bad)\">worse</span> when its "
            "mean rank exceeds the best's by more than the Nemenyi critical difference, else not different. "
            "<b>DM series</b> counts the series on which a Diebold–Mariano test (Harvey–Leybourne–Newbold "
            f"correction, {alpha:g} level) finds the model significantly worse, not different, or better "
            "than the best on the same origins (a series with too few origins for the test counts in none "
            "of the three). The two can disagree: DM looks at each series' errors, "
            "Nemenyi only at the ranks over the panel. <b>90% set</b>: in or out of the model confidence set "
            "(Hansen, Lunde and Nason) over every series' per-origin losses; the row colours follow it."
            f"{(' ' + _esc(panel_note)) if panel_note else ''}</p>"
        )
        return _table(board, row_class=classes, extra=extra, extra_at=len(front)) + explain
    if pcol is None:
        return _table(board)
    unranked = board["rank"].isna().tolist() if "rank" in board.columns else [False] * len(board)
    if "mcs" in board.columns:  # the verdict column and the colours: the model confidence set
        return _mcs_leaderboard(board, pcol, failed, unranked, front)
    labels = ["failed" if f else "unranked" if u else significance_label(p, alpha)
              for p, f, u in zip(board[pcol].astype(float), failed, unranked, strict=True)]
    classes = ["failed" if lab == "failed" else "best" if lab == "best" else
               ("worse" if lab.startswith("sig") else "tie") for lab in labels]
    board = board[front + [pcol] + [c for c in board.columns if c not in front and c != pcol]]
    explain = (
        f'<p class="note">Ranked best first. <b>{_esc(pcol)}</b> is the p-value of a Diebold–Mariano test '
        f"(Harvey–Leybourne–Newbold correction) of each model against the best one on the same "
        f"forecast origins: below {alpha:g} the model is <span style=\"color:var(--bad)\">significantly "
        f"worse</span>; above, the data cannot tell it apart from the best.</p>"
    )
    return _table(board, row_class=classes, extra={"vs. best": labels}, extra_at=len(front) + 1) + explain


def _mcs_leaderboard(board: pd.DataFrame, pcol: str, failed: list[bool], unranked: list[bool],
                     front: list[str]) -> str:
    """The one-series leaderboard coloured by the 90% model confidence set (``mcs``): the best,
    the models the data cannot tell from it, the models outside; DM p-values as detail."""
    labels = ["failed" if f else "unranked" if u else "best" if i == 0 else
              "in the 90% set" if bool(m) else "out of the set"
              for i, (m, f, u) in enumerate(zip(board["mcs"], failed, unranked, strict=True))]
    classes = ["failed" if lab == "failed" else "best" if lab == "best" else
               ("worse" if lab.startswith("out") else "tie") for lab in labels]
    board = board.drop(columns=["mcs"])
    board = board[front + [c for c in board.columns if c not in front and c != pcol] + [pcol]]
    explain = (
        '<p class="note">Ranked best first. <b>vs. best</b> reads the model confidence set (Hansen, Lunde '
        "and Nason, 90%, over the per-origin losses in the ranking metric): a model <i>in the set</i> cannot "
        "be told from the best by these data; <span style=\"color:var(--bad)\">out of the set</span> it can. "
        "The set controls the error of comparing many models at once. "
        f"<b>{_esc(pcol)}</b>, as detail, is the p-value of a Diebold–Mariano test (Harvey–Leybourne–Newbold "
        "correction) of each model against the best one alone.</p>"
    )
    return _table(board, row_class=classes, extra={"vs. best": labels}, extra_at=len(front)) + explain


def _mcs_classes(mcs: Any, failed: list[bool], verdicts: list[str]) -> tuple[list[str], list[str]]:
    """Row classes and labels of a panel leaderboard from the 90% model confidence set."""
    labels = ["failed" if f else "best" if v == "best" else "in" if bool(m) else "out"
              for m, f, v in zip(mcs, failed, verdicts, strict=True)]
    classes = ["failed" if lab == "failed" else "best" if lab == "best" else "tie" if lab == "in" else "worse"
               for lab in labels]
    return classes, labels


def verdict_section(verdict: Any) -> str:
    """The family verdict, first in the report: the sentence in a box, then its lines."""
    if verdict is None:
        return ""
    items = "".join(f"<li>{_esc(line)}</li>" for line in getattr(verdict, "lines", []))
    return (f'<div class="verdict" id="verdict"><div class="k">Verdict</div><p>{_esc(verdict.text)}</p>'
            + (f"<ul>{items}</ul>" if items else "") + "</div>")


def _failed_models_section(failed_models: pd.DataFrame | None) -> str:
    if failed_models is None or not len(failed_models):
        return ""
    rows = []
    for rec in failed_models.to_dict("records"):
        what = ("failed at every origin: left out of the comparison" if rec["all_failed"]
                else "failed at some origins: those origins are left out for every model")
        rows.append({"model": rec["model"], "failed origins": f"{rec['n_failed']} of {rec['n_origins']}",
                     "outcome": what, "reason": f"{rec['error_type']} in {rec['stage']}: {rec['message']}"})
    return ("<h3>Models with failed forecasts</h3>"
            + _table(pd.DataFrame(rows), wrap=["reason", "outcome"]))


def _resolved_section(resolved: Mapping[str, Mapping[str, str]] | None,
                      per_series: Sequence[Mapping[str, str]] = ()) -> str:
    if not resolved:
        return ""
    keys = list(dict.fromkeys(k for values in resolved.values() for k in values))
    frame = pd.DataFrame([{"model": m, **{k: v.get(k, "") for k in keys}} for m, v in resolved.items()])
    by_series = ""
    if per_series:  # which series each order belongs to, as run.json's meta["resolved"] says
        rows = pd.DataFrame(list(per_series)).fillna("")
        by_series = ("<details open><summary>Per series</summary>"
                     + _table(rows, wrap=[c for c in rows.columns if c not in ("series", "model")], max_rows=500)
                     + "</details>")
    return ('<h3>Model settings resolved in fitting</h3><p class="note">What each model chose on its '
            "training data (per series and refit segment; xN: used in N fits).</p>"
            + _table(frame, wrap=keys) + by_series)


def _combinations_section(rows: Sequence[Mapping[str, Any]] | None) -> str:
    """Each combination against each of its members (Diebold-Mariano), under the leaderboard."""
    if not rows:
        return ""
    frame = pd.DataFrame(list(rows))
    text = ('<p class="note">Each combination against each of its members: Diebold-Mariano test '
            "(negative statistic: the combination has the smaller loss; on a panel, the number of "
            "series where it is significantly better / not different / worse).</p>")
    return '<h3 id="combinations">Combinations against their members</h3>' + text + _table(frame)


def _notes_section(notes: Sequence[str]) -> str:
    """The notes the terminal printed (undefined scores, settings decided for the user)."""
    if not notes:
        return ""
    items = "".join(f"<li>{_esc(n[len('note: '):] if n.startswith('note: ') else n)}</li>" for n in notes)
    return f'<div class="notes"><b>Notes</b><ul>{items}</ul></div>'


def _forecast_groups(groups: Mapping[str, Images], note: str) -> str:
    parts = [f'<p class="note">{_esc(note)}</p>'] if note else []
    for i, (label, images) in enumerate(groups.items()):
        parts.append(f'<details{" open" if i == 0 else ""}><summary>{_esc(label)}</summary>'
                     f"{_figures(images)}</details>")
    return "".join(parts)


# ------------------------------------------------------------------ the report, part by part
def _heading(title: str, subtitle: str) -> str:
    """The title, the subtitle and the links to the sections."""
    nav = [("leaderboard", "Leaderboard"), ("horizon", "Error by horizon"),
           ("forecasts", "Forecasts"), ("failures", "Failures"), ("settings", "Settings")]
    return _lines(f"<h1>{_esc(title)}</h1>", f'<p class="sub">{_esc(subtitle)}</p>' if subtitle else "",
                  "<nav>" + "".join(f'<a href="#{a}">{_esc(t)}</a>' for a, t in nav) + "</nav>")


def _cards(summary: Mapping[str, Any] | None) -> str:
    """A few headline facts as cards (series, models, origins, horizon...)."""
    if not summary:
        return ""
    cards = "".join(
        f'<div class="card"><div class="k">{_esc(k)}</div><div class="v">{_esc(fmt_value(v))}</div></div>'
        for k, v in summary.items()
    )
    return f'<div class="cards">{cards}</div>'


def _notice(notice: str | None, items: Sequence[str]) -> str:
    """A message in a box above everything else (e.g. that nothing could be scored, and why)."""
    if not notice:
        return ""
    lis = "".join(f"<li>{_esc(item)}</li>" for item in items)
    return f'<div class="alert"><b>{_esc(notice)}</b>{f"<ul>{lis}</ul>" if lis else ""}</div>'


def _leaderboard_part(board: pd.DataFrame, alpha: float, panel_note: str, notes: Sequence[str],
                      combinations: Sequence[Mapping[str, Any]] | None, images: Images | None) -> str:
    """The leaderboard section: the table and its explanation, the notes, the combinations
    against their members, the leaderboard figure."""
    return _lines('<h2 id="leaderboard">Leaderboard</h2>', _leaderboard_section(board, alpha, panel_note),
                  _notes_section(notes), _combinations_section(combinations), _figures(images or {}))


def _horizon_part(by_horizon: pd.DataFrame | None, images: Images | None) -> str:
    """The error by horizon step: the figure and the table."""
    parts = ['<h2 id="horizon">Error by horizon step</h2>']
    if images:
        parts.append(_figures(images))
    if by_horizon is not None and len(by_horizon):
        parts.append(_table(by_horizon))
    elif not images:
        parts.append('<p class="note">No per-step errors were computed.</p>')
    return _lines(*parts)


def _forecasts_part(groups: Mapping[str, Images] | None, note: str, images: Images | None) -> str:
    """The forecast plots: foldable groups per series of a panel, else a grid per model."""
    parts = ['<h2 id="forecasts">Forecasts</h2>']
    if groups:
        parts.append(_forecast_groups(groups, note))
    elif images:
        parts.append('<p class="note">Forecasts from the backtest origins against the actual values, '
                     "with prediction intervals where the model gives them.</p>")
        parts.append(_figures(images, grid=True))
    else:
        parts.append('<p class="note">No forecast plots.</p>')
    return _lines(*parts)


def _failures_part(failed_models: pd.DataFrame | None, failures: pd.DataFrame | None) -> str:
    """The models with failed forecasts, then every failed forecast."""
    parts = ['<h2 id="failures">Failures</h2>', _failed_models_section(failed_models)]
    if failures is not None and len(failures):
        parts.append(f'<p class="note">{len(failures)} failed forecast(s), one row per series, model and '
                     "origin. A model that failed at every origin is left out of the comparison; any other "
                     "failed origin is left out for every model, so the leaderboard compares common "
                     "origins.</p>")
        wrap = [c for c in failures.columns if str(c).lower() in ("message", "error", "msg")]
        parts.append(_table(failures, wrap=wrap, max_rows=200))
    else:
        parts.append('<p class="ok">No failures: every model forecast every origin.</p>')
    return _lines(*parts)


def _settings_part(resolved: Mapping[str, Mapping[str, str]] | None,
                   resolved_by_series: Sequence[Mapping[str, str]], settings: Mapping[str, Any] | None) -> str:
    """What each model resolved in fitting, then every setting of the run as JSON (folded)."""
    return _lines('<h2 id="settings">Settings</h2>', _resolved_section(resolved, resolved_by_series),
                  "<details><summary>All settings of the run (JSON)</summary>"
                  f"<pre>{_esc(dumps(dict(settings or {}), indent=2, unknown=str))}</pre></details>")


def _footer() -> str:
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<footer>Written by forecast on {stamp}. This file is self-contained and works offline.</footer>"


def _page(title: str, body: str) -> str:
    """The whole document: head (charset, viewport, title, the inline style) and body."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )


def _lines(*parts: str) -> str:
    """The non-empty parts, one per line."""
    return "\n".join(p for p in parts if p)


# ------------------------------------------------------------------ the report
def render_html(
    leaderboard: pd.DataFrame, *, title: str = "Backtest report", subtitle: str = "",
    summary: Mapping[str, Any] | None = None, by_horizon: pd.DataFrame | None = None,
    failures: pd.DataFrame | None = None, settings: Mapping[str, Any] | None = None,
    leaderboard_images: Images | None = None, horizon_images: Images | None = None,
    forecast_images: Images | None = None, alpha: float = ALPHA,
    notice: str | None = None, notice_items: Sequence[str] = (), failed_models: pd.DataFrame | None = None,
    resolved: Mapping[str, Mapping[str, str]] | None = None, resolved_by_series: Sequence[Mapping[str, str]] = (),
    notes: Sequence[str] = (), forecast_groups: Mapping[str, Images] | None = None, forecast_note: str = "",
    panel_note: str = "", combinations: Sequence[Mapping[str, Any]] | None = None, verdict: Any = None,
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
        The run's settings and versions, shown as JSON (folded).
    leaderboard_images, horizon_images, forecast_images : mapping caption -> PNG
        Figures (PNG bytes or paths), embedded as data URIs.
    notice, notice_items : str, list of str, optional
        A message shown first, in a box (e.g. that nothing could be scored, and why).
    failed_models : DataFrame, optional
        One row per model with failed forecasts (``BacktestResult.failure_summary()``).
    resolved : mapping model -> {setting: text}, optional
        What each model resolved in fitting (orders chosen, epochs run), as a table.
    resolved_by_series : rows {series, model, setting: text}, optional
        The same per series (which series each chosen order belongs to).
    notes : list of str, optional
        The notes the terminal printed (undefined scores, settings decided for the user).
    forecast_groups : mapping label -> (mapping caption -> PNG), optional
        Forecast figures in foldable groups, one per series of a panel (the first open).
    forecast_note, panel_note : str
        A note above the forecast plots; a sentence added to the panel leaderboard notes.
    combinations : rows {combination, member, ...}, optional
        Each combination against each member (``BacktestResult.dm_vs_members()``).
    verdict : Verdict, optional
        The family verdict (``BacktestResult.verdict()``), shown first, above the cards.
    """
    parts = [
        _heading(title, subtitle), verdict_section(verdict), _cards(summary), _notice(notice, notice_items),
        _leaderboard_part(leaderboard, alpha, panel_note, notes, combinations, leaderboard_images),
        _horizon_part(by_horizon, horizon_images),
        _forecasts_part(forecast_groups, forecast_note, forecast_images),
        _failures_part(failed_models, failures),
        _settings_part(resolved, resolved_by_series, settings),
        _footer(),
    ]
    return _page(title, _lines(*parts))


def write_report(path: str | os.PathLike, **kwargs: Any) -> Path:
    """Render with :func:`render_html` and write ``path`` atomically."""
    path = Path(path)
    atomic_write(path, render_html(**kwargs))
    return path
