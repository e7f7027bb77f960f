"""Each combination of a backtest against each of its members: Diebold-Mariano tests.

The leaderboard tests every model against the best one; a combination also has to show
that it beats each of its members, not only the best model. :func:`dm_vs_members` runs the
Diebold-Mariano test (the leaderboard's: over the mean loss of the horizon per origin, lags
for the overlap of consecutive origins) of every combination against every member that is
a contender of the run, per series; :func:`members_summary` gives one row per
(combination, member): the test on one series, the counts of series where the combination
is significantly better / not different / worse on a panel. A member that was not listed
on its own (it ran hidden) has no scores of its own and is not tested.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["combinations", "dm_vs_members", "members_summary"]

COLUMNS = ["combination", "member", "series_id", "statistic", "pvalue", "n", "verdict"]


def combinations(result: Any) -> dict[str, dict[str, Any]]:
    """``{combination: {"members": [...], "how": ..., "calibration": ...}}`` of a result's run."""
    return {name: {"members": list(m["members"]), "how": m.get("how"), "calibration": m.get("calibration")}
            for name, m in result.meta.get("models", {}).items() if "members" in m}


def _verdict(stat: float, p: float, alpha: float) -> str:
    if not np.isfinite(p):
        return "not tested"
    if p < alpha:
        return "better" if stat < 0 else "worse"
    return "not different"


def dm_vs_members(result: Any, *, loss: str = "mse", alpha: float = 0.05) -> pd.DataFrame:
    """Per series, the DM test of each combination against each member (negative statistic:
    the combination has the smaller loss; ``verdict`` at ``alpha``: better / not different /
    worse, ``not tested`` for a member with no scores of its own)."""
    rows = []
    scored = set(result.scored_models)
    for name, info in combinations(result).items():
        for member in info["members"]:
            if name not in scored or member not in scored:
                rows.append({"combination": name, "member": member, "series_id": None, "statistic": np.nan,
                             "pvalue": np.nan, "n": 0,
                             "verdict": "not tested" + ("" if member in result.models else
                                                       " (not a contender of its own)")})
                continue
            dm = result.dm_tests(against=member, loss=loss, by_step=False)
            dm = dm[dm["model"] == name]
            for r in dm.itertuples():
                rows.append({"combination": name, "member": member, "series_id": r.series_id,
                             "statistic": float(r.statistic), "pvalue": float(r.pvalue), "n": int(r.n),
                             "verdict": _verdict(float(r.statistic), float(r.pvalue), alpha)})
    return pd.DataFrame(rows, columns=COLUMNS)


def members_summary(result: Any, *, loss: str = "mse", alpha: float = 0.05) -> pd.DataFrame:
    """One row per (combination, member): on one series the DM statistic, p-value and
    verdict; on a panel the number of series where the combination is significantly better,
    not different, worse."""
    tests = dm_vs_members(result, loss=loss, alpha=alpha)
    panel = len(result.series_ids) > 1
    rows = []
    for (name, member), part in tests.groupby(["combination", "member"], sort=False):
        row: dict[str, Any] = {"combination": name, "member": member}
        tested = part[part["series_id"].notna()]
        if not panel:
            first = tested.iloc[0] if len(tested) else None
            row.update({"dm_stat": np.nan if first is None else first["statistic"],
                        "dm_pvalue": np.nan if first is None else first["pvalue"],
                        "verdict": part["verdict"].iloc[0]})
        else:
            row.update({"better": int((tested["verdict"] == "better").sum()),
                        "not_different": int((tested["verdict"] == "not different").sum()),
                        "worse": int((tested["verdict"] == "worse").sum()),
                        "verdict": "tested" if len(tested) else part["verdict"].iloc[0]})
        rows.append(row)
    cols = (["combination", "member", "dm_stat", "dm_pvalue", "verdict"] if not panel else
            ["combination", "member", "better", "not_different", "worse", "verdict"])
    return pd.DataFrame(rows, columns=cols)
