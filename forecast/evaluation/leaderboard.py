"""The leaderboard of a backtest (:meth:`BacktestResult.leaderboard`), built in named steps.

1. :func:`scores`: every metric per model, the skill of the ranking metric against the
   reference, OWA against Naive2, ``status``;
2. :func:`order`: best first by the ranking metric, failed models last; which models have no
   ranking score;
3. :func:`significance`: against the best model, the Diebold-Mariano statistic and p-value
   (one series) or, on a panel, the DM counts of series, the mean rank and the Nemenyi
   verdict (after the Friedman test);
4. :func:`bookkeeping`: timings, origins scored and dropped, failures, warnings, undefined
   scores;
5. :func:`ranks`: the ``rank`` column (none for failed and unscored models), ``model`` as a
   column;
6. :func:`mcs`: the ``mcs`` column, in or out of the 90% model confidence set (:mod:`.mcs`);
7. :func:`members`: for combinations, the ``members`` column and ``attrs["dm_vs_members"]``
   (:mod:`.members`).

The steps read the result's cached per-series arrays (this package's own, as :mod:`.mcs`
and :mod:`.evidence` do); nothing here is cached.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import metrics as M
from ..errors import InputError, UndefinedScoreWarning
from .mcs import mcs_column
from .members import combinations
from .scoring import NAIVE2, ratio

__all__ = ["leaderboard", "scores", "order", "significance", "bookkeeping", "ranks", "mcs", "members"]


def leaderboard(result: Any, metric: str | None = None, *, alpha: float = 0.05, loss: str = "mse") -> pd.DataFrame:
    """The leaderboard of ``result`` (see :meth:`BacktestResult.leaderboard` for its columns)."""
    primary, ranking_note = result.ranking_metric(metric)
    board, counts = scores(result, metric, primary)
    failed = set(result.failed_models)
    board, unscored = order(board, primary, failed)
    significance(result, board, primary, failed, unscored, alpha=alpha, loss=loss)
    bookkeeping(result, board, counts, failed)
    board = ranks(board, failed, unscored)
    mcs(result, board)
    board.attrs["ranking_metric"] = primary  # also named by the skill_<metric> column
    board.attrs["ranking_note"] = ranking_note
    members(result, board, loss=loss, alpha=alpha)
    return board


def scores(result: Any, metric: str | None, primary: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model-indexed table of every metric, ``skill_<primary>`` (``1 − metric/reference``),
    ``owa`` (when sMAPE and MASE are scored) and ``status``; and the ``n_undefined_<metric>``
    counts, kept apart for :func:`bookkeeping`."""
    names = result._metric_names()
    for name in dict.fromkeys([result._metric_names(metric or result._primary())[0], primary]):
        if name not in names:
            names = [name, *names]
    table = result.scores(names).T
    undefined = [c for c in table.columns if str(c).startswith("n_undefined_")]
    counts = table[undefined].astype(int)
    table = table.drop(columns=undefined)
    ref = result._reference_scores(names)
    board = table.copy()
    board[f"skill_{primary}"] = 1 - ratio(table[primary].to_numpy(float), ref[primary])
    if "smape" in names and "mase" in names:
        n2 = result._reference_scores(["smape", "mase"], NAIVE2)
        board["owa"] = M.owa(table["smape"].to_numpy(float), table["mase"].to_numpy(float),
                             n2["smape"], n2["mase"])
        if not np.isfinite([n2["smape"], n2["mase"]]).all() or 0 in (n2["smape"], n2["mase"]):
            warnings.warn(  # stacklevel: the caller of BacktestResult.leaderboard
                f"OWA is undefined (NaN): Naive2 scores sMAPE {n2['smape']:.4g} and MASE "
                f"{n2['mase']:.4g} on these origins, and OWA divides by them", UndefinedScoreWarning,
                stacklevel=4)
    failed = set(result.failed_models)
    board["status"] = ["failed" if mdl in failed else "ok" for mdl in board.index]
    return board, counts


def order(board: pd.DataFrame, primary: str, failed: set[str]) -> tuple[pd.DataFrame, set[str]]:
    """Best first by ``primary`` (stable: ties keep the models' order), failed models last;
    and the models (not failed) without a ranking score."""
    board = board.sort_values(primary, kind="stable", na_position="last")
    board = board.iloc[np.argsort([mdl in failed for mdl in board.index], kind="stable")]
    unscored = {mdl for mdl, v in board[primary].items() if not np.isfinite(v)} - failed
    return board, unscored


def significance(result: Any, board: pd.DataFrame, primary: str, failed: set[str], unscored: set[str], *,
                 alpha: float, loss: str) -> None:
    """The tests against the best model (the first row), as columns of ``board``: on one
    series ``dm_stat`` and ``dm_pvalue``; on a panel ``dm_worse_share``, the DM counts of
    series ``dm_worse`` / ``dm_not_different`` / ``dm_better``, ``mean_rank`` and
    ``nemenyi_worse``."""
    best = str(board.index[0])
    dm = result.dm_tests(against=best, loss=loss, by_step=False)
    if best in unscored:  # no model has a ranking score: no best to test against
        dm = dm.iloc[:0]
    if len(result.series_ids) == 1:
        dm_idx = dm.set_index("model")
        board["dm_stat"] = [dm_idx["statistic"].get(mdl, np.nan) for mdl in board.index]
        board["dm_pvalue"] = [dm_idx["pvalue"].get(mdl, np.nan) for mdl in board.index]
        return
    worse = (dm["pvalue"] < alpha) & (dm["statistic"] > 0)
    share = worse.groupby(dm["model"]).mean()
    board["dm_worse_share"] = [share.get(mdl, np.nan) for mdl in board.index]
    # per-series DM verdicts against the best, counted: worse / not different / better
    better = (dm["pvalue"] < alpha) & (dm["statistic"] < 0)
    tested = dm["pvalue"].notna()
    for col, hit in (("dm_worse", worse), ("dm_not_different", tested & ~worse & ~better),
                     ("dm_better", better)):
        dm_counts = hit.groupby(dm["model"]).sum()
        board[col] = pd.array([None if mdl == best or mdl in failed else int(dm_counts.get(mdl, 0))
                               for mdl in board.index], dtype="Int64")
    _nemenyi(result, board, primary, failed, alpha)


def _nemenyi(result: Any, board: pd.DataFrame, primary: str, failed: set[str], alpha: float) -> None:
    """``mean_rank`` over the series and ``nemenyi_worse``: a mean rank worse than the
    best's by more than the critical difference of the Friedman/Nemenyi test."""
    mean_ranks = result.series_scores(primary)[result.scored_models].dropna().rank(axis=1).mean()
    board["mean_rank"] = mean_ranks.reindex(board.index)
    try:
        cd = result.friedman(primary, alpha).critical_difference
        board["nemenyi_worse"] = board["mean_rank"] - board["mean_rank"].min() > cd
    except InputError:
        board["nemenyi_worse"] = False
    if failed:  # not tested: no verdict
        board["nemenyi_worse"] = pd.array([None if mdl in failed else bool(v) for mdl, v in
                                           board["nemenyi_worse"].items()], dtype="boolean")


def bookkeeping(result: Any, board: pd.DataFrame, counts: pd.DataFrame, failed: set[str]) -> None:
    """Timings, ``n_origins`` scored and ``n_dropped``, ``n_failed``, ``n_warnings``, the
    ``n_undefined_<metric>`` counts and the most frequent ``failure`` of each model."""
    timing = result.timing()
    board["fit_seconds"] = timing["fit_seconds"].reindex(board.index)
    board["predict_seconds"] = timing["predict_seconds"].reindex(board.index)
    n_ok = result.n_common_origins
    n_all = sum(inf["n_origins"] for inf in result._series_info.values())
    board["n_origins"] = [0 if mdl in failed else n_ok for mdl in board.index]
    board["n_dropped"] = [n_all if mdl in failed else n_all - n_ok for mdl in board.index]
    fails = result.failures.groupby("model").size() if len(result.failures) else pd.Series(dtype=int)
    board["n_failed"] = [int(fails.get(mdl, 0)) for mdl in board.index]
    noted = result.fit_warnings().groupby("model")["count"].sum()
    board["n_warnings"] = [int(noted.get(mdl, 0)) for mdl in board.index]
    for col in counts.columns:
        board[col] = counts[col].reindex(board.index).to_numpy()
    summary = result.failure_summary().set_index("model")
    board["failure"] = [f"{summary.at[mdl, 'error_type']} in {summary.at[mdl, 'stage']}: "
                        f"{summary.at[mdl, 'message']}" if mdl in summary.index else ""
                        for mdl in board.index]


def ranks(board: pd.DataFrame, failed: set[str], unscored: set[str]) -> pd.DataFrame:
    """``rank`` first (1 = best; none for failed models and models without a ranking
    score: they are listed, not ranked), then ``model`` as a column."""
    numbers = np.arange(1, len(board) + 1)
    if failed or unscored:
        numbers = pd.array([None if mdl in failed or mdl in unscored else r
                            for mdl, r in zip(board.index, numbers, strict=True)], dtype="Int64")
    board.insert(0, "rank", numbers)
    board.index.name = "model"
    board = board.reset_index()
    board.columns.name = None
    return board


def mcs(result: Any, board: pd.DataFrame) -> None:
    """``mcs``: in the 90% model confidence set (:mod:`.mcs`)."""
    board["mcs"] = mcs_column(result, board["model"])


def members(result: Any, board: pd.DataFrame, *, loss: str, alpha: float) -> None:
    """Combinations on the leaderboard: a ``members`` column (empty for other models) and
    ``attrs["dm_vs_members"]``, the DM test of each combination against each member."""
    combos = combinations(result)
    if not combos:
        return
    board["members"] = [" + ".join(combos[m]["members"]) if m in combos else "" for m in board["model"]]
    board.attrs["dm_vs_members"] = result.dm_vs_members(loss=loss, alpha=alpha).to_dict("records")
