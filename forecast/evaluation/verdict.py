"""The answer in one sentence: does the recurrent family beat the classical one, by how much,
and is the difference real? (:meth:`BacktestResult.verdict`).

How the answer is made:

* **Families** come from each model's ``family`` tag (``classical``, ``recurrent``,
  ``combination``, ``baseline``), recorded in the result's ``meta["models"]``; results saved
  before the tag fall back on ``members`` (a combination), ``needs_keras`` (recurrent) and
  the baseline module. The best model of a family is the one with the lowest ranking metric
  (:meth:`BacktestResult.ranking_metric`) over the panel.
* **How much**: the relative difference of the two family bests in that metric, ``1 -
  better / worse`` ("12% lower MASE").
* **Is it real**, on one series: the Diebold–Mariano test with the HLN correction
  (:func:`~forecast.evaluation.significance.dm_test`) between the two family bests, on the
  per-origin values of the ranking metric (the loss the sentence states; origins where it is
  undefined left out), with ``ceil(horizon / step) - 1`` lags for the overlap of forecasts.
  On a panel: on how many series each family best has the lower score and on how many a DM
  test on that series finds it significantly better, and the Nemenyi verdict between the
  two (Friedman test over all compared models: their mean ranks differ by more than the
  critical difference).
* The best combination, where one is fielded, is set against the better of the two, and a
  baseline that beats both is named. The 90% model confidence set (:mod:`.mcs`) is listed.
* A family that was not fielded, or whose models all failed, is named as such; there is
  then no comparison to make.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..base import FAMILIES
from .evidence import panel_evidence, series_evidence
from .mcs import MCS_SIZE, mcs_of_result, origin_losses
from .significance import dm_test

__all__ = ["Verdict", "verdict", "model_family", "families"]

def model_family(entry: dict[str, Any]) -> str:
    """The family of one model from its ``meta["models"]`` entry (its ``family`` tag)."""
    tags = entry.get("tags", {}) or {}
    if tags.get("family") in FAMILIES:
        return str(tags["family"])
    if "members" in entry:
        return "combination"
    if tags.get("needs_keras"):
        return "recurrent"
    if str(entry.get("class", "")).startswith("forecast.models.baseline:"):
        return "baseline"
    return "classical"


def families(result: Any) -> dict[str, str]:
    """Model name -> family, for every model of the result."""
    models = result.meta.get("models", {})
    return {m: model_family(models.get(m, {})) for m in result.models}


@dataclass
class Verdict:
    """The family verdict of a backtest: :attr:`text` is the sentence, :meth:`to_dict` the data.

    ``best``: family -> best model (None: not fielded or failed), ``scores``: family -> its
    best's ranking metric, ``relative_difference``: ``1 - better / worse`` between the best
    classical and best recurrent model, ``winner``: the family with the lower score.
    ``dm``: the Diebold–Mariano test between them (one series). ``panel``: per-family series
    counts (``wins``, ``significant``) and the Nemenyi verdict. ``mcs``: the models in the 90%
    model confidence set. ``evidence``: see :mod:`forecast.evaluation.evidence`.
    """

    metric: str
    alpha: float
    n_series: int
    n_origins: int
    best: dict[str, str | None]
    scores: dict[str, float]
    missing: dict[str, str] = field(default_factory=dict)
    winner: str | None = None
    relative_difference: float = float("nan")
    dm: dict[str, Any] | None = None
    panel: dict[str, Any] | None = None
    combination: dict[str, Any] | None = None
    overall_best: str | None = None
    overall_family: str | None = None
    mcs: list[str] = field(default_factory=list)
    mcs_size: float = MCS_SIZE
    evidence: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (JSON-friendly): the panel evidence table as a list of rows."""
        out = asdict(self)
        table = out.get("evidence", {}).get("table")
        if table is not None and hasattr(table, "to_dict"):
            out["evidence"]["table"] = table.to_dict("records")
        return _plain(out)

    @property
    def significant(self) -> bool | None:
        """Whether the two family bests differ significantly at ``alpha`` (DM on one series,
        Nemenyi on a panel); None when there is no comparison."""
        if self.dm is not None:
            return bool(self.dm["pvalue"] < self.alpha) if np.isfinite(self.dm["pvalue"]) else None
        if self.panel is not None and self.panel.get("nemenyi"):
            return bool(self.panel["nemenyi"]["significant"])
        return None

    def __str__(self) -> str:
        return "\n".join([self.text, *self.lines])

    def __repr__(self) -> str:
        return f"Verdict({self.text!r})"

    def _repr_html_(self) -> str:
        from ..htmlrepr import verdict_html

        return verdict_html(self)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python values, NaN and infinities as None (valid JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%" if abs(x) >= 0.01 else f"{100 * x:.1f}%"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _best_of(scores: dict[str, float], fam: dict[str, str], family: str) -> str | None:
    cands = [(s, m) for m, s in scores.items() if fam[m] == family and np.isfinite(s)]
    return min(cands)[1] if cands else None


def _dm(result: Any, losses: Any, a: str, b: str) -> dict[str, Any]:
    """DM (HLN) of ``a`` against ``b`` on the per-origin losses (rows where both are defined)."""
    pair = losses[[a, b]].dropna()
    stride = int(result.meta["settings"].get("step", 1))
    res = dm_test(pair[a].to_numpy(), pair[b].to_numpy(), h=math.ceil(result.horizon / stride))
    return {"model": a, "against": b, "statistic": res.statistic, "pvalue": res.pvalue,
            "lags": res.lags, "n": res.n}


def _combination_line(result: Any, v: Verdict, losses: Any, combo: str | None, top: str | None,
                      scores: dict[str, float], what: str, alpha: float) -> str:
    """The best combination against the better family best (``v.combination``) and its line."""
    if combo is not None and top is not None:
        v.combination = {"model": combo, "against": top,
                         "relative_difference": 1 - scores[combo] / scores[top] if scores[top] > 0 else float("nan")}
        if len(result.series_ids) == 1:
            v.combination["dm"] = _dm(result, losses, combo, top)
        rd = v.combination["relative_difference"]
        word = "lower" if rd > 0 else "higher"
        extra = ""
        if "dm" in v.combination and np.isfinite(v.combination["dm"]["pvalue"]):
            pc = v.combination["dm"]["pvalue"]
            extra = f" ({'significant' if pc < alpha else 'not significant'} at {alpha:.0%}, {_p(pc)})"
        return f"The best combination, {combo}, has {_pct(abs(rd))} {word} {what} than {top}{extra}."
    return ""


def verdict(result: Any, alpha: float = 0.05) -> Verdict:
    """The verdict of ``result`` (see the module docstring)."""
    fam = families(result)
    failed = set(result.failed_models)
    n_series = len(result.series_ids)
    metric = result.ranking_metric()[0]
    if not result.scored_models or not result.n_common_origins:
        text = "Nothing could be scored, so there is no verdict."
        return Verdict(metric, alpha, n_series, 0, {f: None for f in FAMILIES}, {}, text=text)
    table = result.scores(metric).iloc[0]
    scores = {m: float(table[m]) for m in result.scored_models}
    best = {f: _best_of(scores, fam, f) for f in FAMILIES}
    best_scores = {f: scores[m] for f, m in best.items() if m is not None}
    missing = {}
    for f in ("classical", "recurrent"):
        if best[f] is None:
            fielded = [m for m in result.models if fam[m] == f]
            missing[f] = ("failed at every origin: " + ", ".join(fielded)) if fielded and set(fielded) <= failed \
                else ("fielded but without a ranking score: " + ", ".join(fielded)) if fielded else "not fielded"
    overall = min(scores, key=lambda m: (not np.isfinite(scores[m]), scores[m]))
    mcs = mcs_of_result(result).included
    losses = origin_losses(result)
    v = Verdict(metric, alpha, n_series, int(result.n_common_origins), best, best_scores, missing,
                overall_best=overall, overall_family=fam[overall], mcs=list(mcs))
    cla, rec = best["classical"], best["recurrent"]
    lines: list[str] = []
    where = "on this series" if n_series == 1 else f"over {n_series} series"
    mean = "" if n_series == 1 else "mean "
    if cla is not None and rec is not None:
        win, lose = (rec, cla) if scores[rec] < scores[cla] else (cla, rec)
        v.winner = fam[win] if scores[win] != scores[lose] else None
        v.relative_difference = (1 - scores[win] / scores[lose]) if scores[lose] > 0 else float("nan")
        head = (f"{where.capitalize()} the best {fam[win]} model, {win}, has {_pct(v.relative_difference)} lower "
                f"{mean}{metric.upper()} than the best {fam[lose]}, {lose}")
        if v.winner is None:
            head = (f"{where.capitalize()} the best recurrent model, {rec}, and the best classical, {cla}, have the "
                    f"same {mean}{metric.upper()}")
        if n_series == 1:
            v.dm = _dm(result, losses, win, lose)
            p = v.dm["pvalue"]
            if not np.isfinite(p):
                tail = f"too few origins ({v.dm['n']}) to test the difference"
            elif p < alpha:
                tail = (f"the difference is significant at {alpha:.0%} ({_p(p)}, Diebold–Mariano with the HLN "
                        f"correction) over {v.dm['n']} origins")
            else:
                tail = (f"the difference is not significant at {alpha:.0%} ({_p(p)}, Diebold–Mariano with the HLN "
                        f"correction) over {v.dm['n']} origins")
            v.text = f"{head}; {tail}."
        else:
            v.panel = _panel(result, losses, cla, rec, alpha)
            v.text = f"{head}; {_panel_tail(v.panel, cla, rec, alpha)}."
    else:
        present = cla or rec
        gone = [f"the {f} family: {why}" for f, why in missing.items()]
        if present is not None:
            v.text = (f"No comparison of the families: {'; '.join(gone)}. The best {fam[present]} model is "
                      f"{present} ({mean}{metric.upper()} {scores[present]:.3g}).")
        else:
            v.text = (f"No comparison of the families: {'; '.join(gone)}. The best model is {overall} "
                      f"({fam[overall]}, {mean}{metric.upper()} {scores[overall]:.3g}).")
    top = min([m for m in (cla, rec) if m is not None], key=lambda m: scores[m], default=None)
    line = _combination_line(result, v, losses, best["combination"], top, scores, f"{mean}{metric.upper()}", alpha)
    if line:
        lines.append(line)
    if top is not None and fam[overall] == "baseline":
        who = "Neither family beats" if cla is not None and rec is not None else f"{top} does not beat"
        lines.append(f"{who} the baseline {overall} ({mean}{metric.upper()} {scores[overall]:.3g}).")
    level = f"{1 - MCS_SIZE:.0%}"
    lines.append(f"The {level} model confidence set (Hansen, Lunde and Nason): {', '.join(mcs) or 'empty'}.")
    if n_series == 1:
        v.evidence = series_evidence(result, metric, cla, rec, alpha)
    else:
        winners = v.panel["winners"] if v.panel else {}
        v.evidence = panel_evidence(result, winners, cla, alpha)
    lines += [f"Evidence (not cause): {line}" if i == 0 else line
              for i, line in enumerate(v.evidence.get("lines", []))]
    v.lines = lines
    return v


def _panel(result: Any, losses: Any, cla: str, rec: str, alpha: float) -> dict[str, Any]:
    metric = result.ranking_metric()[0]
    per_series = result.series_scores(metric)
    fam = families(result)
    wins = {"classical": 0, "recurrent": 0}
    significant = {"classical": 0, "recurrent": 0}
    winners: dict[str, str | None] = {}
    for sid in result.series_ids:
        a, b = per_series.at[sid, cla], per_series.at[sid, rec]
        if not (np.isfinite(a) and np.isfinite(b)) or a == b:
            winners[sid] = None
            continue
        win, lose = (cla, rec) if a < b else (rec, cla)
        winners[sid] = fam[win]
        wins[fam[win]] += 1
        part = losses.xs(sid, level="series_id")
        test = _dm(result, part, win, lose)
        if np.isfinite(test["pvalue"]) and test["pvalue"] < alpha:
            significant[fam[win]] += 1
    out: dict[str, Any] = {"wins": wins, "significant": significant, "winners": winners, "nemenyi": None}
    try:
        fr = result.friedman(metric, alpha)
    except ValueError:  # InputError: too few series or models with scores
        return out
    ranks = fr.mean_ranks
    if cla in ranks.index and rec in ranks.index:
        diff = abs(float(ranks[cla]) - float(ranks[rec]))
        out["nemenyi"] = {"rank_classical": float(ranks[cla]), "rank_recurrent": float(ranks[rec]),
                          "critical_difference": float(fr.critical_difference), "friedman_pvalue": float(fr.pvalue),
                          "significant": bool(diff > fr.critical_difference), "n_series": int(fr.n_series)}
    return out


def _panel_tail(panel: dict[str, Any], cla: str, rec: str, alpha: float) -> str:
    w, s = panel["wins"], panel["significant"]
    parts = [f"{rec} is better on {w['recurrent']} series (significantly, by Diebold–Mariano at {alpha:.0%}, on "
             f"{s['recurrent']}), {cla} on {w['classical']} (significantly on {s['classical']})"]
    nem = panel.get("nemenyi")
    if nem:
        verdict_word = "differ significantly" if nem["significant"] else "do not differ significantly"
        parts.append(f"their mean ranks ({nem['rank_recurrent']:.2f} and {nem['rank_classical']:.2f}; Nemenyi "
                     f"critical difference {nem['critical_difference']:.2f}) {verdict_word} at {alpha:.0%}")
    return "; ".join(parts)
