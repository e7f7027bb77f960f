# %% [markdown]
# # 02 · Exogenous information: ARMAX vs ARMA vs LSTM on US macro data
#
# Consumption follows income. If a model is told how disposable income moves, does it
# forecast consumption better — and does a recurrent network make better use of that
# information than a linear ARMAX? This notebook answers it on the quarterly US macro data
# (1959–2009) shipped with the toolkit, taking care about *when* the exogenous information
# would be available.
#
# **Known versus observed regressors.** A regressor is *known* when its values over the
# forecast horizon are available at the forecast origin: calendar effects, planned prices,
# policy scenarios ("what if income grows 1% next quarter?"). It is *observed* when we only
# learn its value at the same time as the target's: next quarter's income is not known when
# we forecast next quarter's consumption. `fc.backtest` makes the difference explicit:
# columns listed in `known_exog` are handed to the models over the horizon; every other
# column is treated as observed and is not passed to any model (its future is unknown).
# An observed series can still be used honestly by **lagging it by at least the horizon** —
# the lagged column is then known — which is what we do below.
#
# We compare, on the same rolling origins:
#
# | information set | what the models get | models |
# | --- | --- | --- |
# | none | consumption's own past | naive, mean, ARMA (auto order), LSTM |
# | observed | + income growth lagged one quarter (known at the origin) | ARMAX, LSTM |
# | known | + income growth of the quarter being forecast (a conditional / oracle forecast) | ARMAX, LSTM |

# %%
%matplotlib inline
import logging
import os

FAST = os.environ.get("FORECAST_FAST", "0") not in ("", "0")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import forecast as fc

backtest = fc.backtest      # the function; bind it before importing from the package of the same name
from forecast.evaluation import dm_test  # noqa: E402

logging.getLogger("tensorflow").setLevel(logging.ERROR)
macro = fc.datasets.load("macro")
print(macro.index[0], "..", macro.index[-1], f"({len(macro)} quarters); fast mode: {FAST}")
macro[["realcons", "realdpi"]].tail()

# %% [markdown]
# ## 1. The series: quarterly growth rates
#
# Levels of consumption and income trend upwards together; ARMA models and their
# comparisons are cleaner on stationary series, so we forecast the quarterly growth of real
# consumption (in %, log differences) and use the growth of real disposable income as the
# exogenous series.

# %%
growth = 100 * np.log(macro[["realcons", "realdpi"]]).diff().dropna()
cons = growth["realcons"].rename("consumption growth")
income = growth["realdpi"].rename("income growth")

fig, axes = plt.subplots(1, 2, figsize=(13, 3.4), gridspec_kw={"width_ratios": [2.2, 1]})
axes[0].plot(cons.index.to_timestamp(), cons, label="consumption")
axes[0].plot(income.index.to_timestamp(), income, label="disposable income", alpha=0.6)
axes[0].set_ylabel("% per quarter"); axes[0].legend(); axes[0].set_title("Quarterly growth")
axes[1].scatter(income, cons, s=8, label="same quarter")
axes[1].scatter(income.shift(1), cons, s=8, label="income one quarter earlier", alpha=0.6)
axes[1].set_xlabel("income growth"); axes[1].set_ylabel("consumption growth"); axes[1].legend(fontsize=8)
plt.tight_layout(); plt.show()

corr_same = cons.corr(income)
corr_lag = cons.corr(income.shift(1))
print(f"correlation of consumption growth with income growth: same quarter {corr_same:.2f}, "
      f"income one quarter earlier {corr_lag:.2f}")

# %% [markdown]
# The scatter plots already tell us what to expect: the *same-quarter* relation is what a
# known regressor can exploit; the lagged relation is all an observed regressor offers for
# a one-quarter-ahead forecast.
#
# ## 2. The backtests
#
# One-quarter-ahead forecasts (`horizon=1`) from every origin after the first `initial`
# quarters; models are re-estimated every `refit` origins and updated with new data in
# between. Three runs with identical origins, one per information set.

# %%
HORIZON = 1
if FAST:
    settings = dict(horizon=HORIZON, initial=170, step=4, refit=False)
else:
    settings = dict(horizon=HORIZON, initial=120, step=1, refit=10)
EPOCHS = 5 if FAST else 300
net = dict(time_steps=8, horizon=HORIZON, units=8 if FAST else 16, epochs=EPOCHS, patience=30,
           learning_rate=0.005, dropout=0.0, seed=0)

X_observed = pd.DataFrame({"income growth (lag 1)": income.shift(1)}).iloc[1:]
X_known = income.to_frame().iloc[1:]
y = cons.iloc[1:]                       # drop the first quarter, whose lagged income is unknown

runs = {
    "none": backtest({"naive": fc.Naive(), "mean": fc.Mean(),
                         "ARMA": fc.ARMA(p="auto", q="auto", max_p=3, max_q=2),
                         "LSTM": fc.LSTM(**net)}, y, seed=0, **settings),
    "observed": backtest({"ARMAX": fc.ARMAX(p=1, q=1), "LSTM": fc.LSTM(**net)}, y, X=X_observed,
                            known_exog=list(X_observed.columns), seed=0, **settings),
    "known": backtest({"ARMAX": fc.ARMAX(p=1, q=1), "LSTM": fc.LSTM(**net)}, y, X=X_known,
                         known_exog=list(X_known.columns), seed=0, **settings),
}
n_origins = runs["none"].forecasts["origin"].nunique()
assert all(r.forecasts["origin"].nunique() == n_origins for r in runs.values())
print(f"{n_origins} one-step forecasts per model; settings {settings}")

# %% [markdown]
# **The verdict of each run**, before the details: the best classical against the best
# recurrent model given the same information (`res.verdict()`).

# %%
for info, run in runs.items():
    print(f"regressor {info}: {run.verdict().text}")

# %%
# pooled over all forecasts, as in the comparison below (res.scores() would average the
# per-origin RMSE, which for one-step forecasts is the MAE again)
rows = []
for info, res in runs.items():
    for model, part in res.forecasts.groupby("model", sort=False):
        e = (part["y_true"] - part["y_pred"]).to_numpy()
        rows.append({"information": info, "model": model, "MAE": np.mean(np.abs(e)),
                     "RMSE": np.sqrt(np.mean(e ** 2))})
table = pd.DataFrame(rows).set_index(["information", "model"])
table["RMSE vs ARMA (no X)"] = table["RMSE"] / table.loc[("none", "ARMA"), "RMSE"]
table.round(3)

# %% [markdown]
# ## 3. What the exogenous series buys each model
#
# For each family we compare the model given the regressor with the same family without
# it, on squared errors, with a Diebold–Mariano test on the paired one-step errors (the
# same origins in every run).

# %%
def errors(info, model):
    f = runs[info].forecasts
    part = f[f["model"] == model].sort_values("origin")
    return (part["y_true"] - part["y_pred"]).to_numpy()


pairs = {
    ("ARMA family", "observed"): (("observed", "ARMAX"), ("none", "ARMA")),
    ("ARMA family", "known"): (("known", "ARMAX"), ("none", "ARMA")),
    ("LSTM", "observed"): (("observed", "LSTM"), ("none", "LSTM")),
    ("LSTM", "known"): (("known", "LSTM"), ("none", "LSTM")),
}
gain_rows = {}
for key, (with_x, without_x) in pairs.items():
    e1, e0 = errors(*with_x), errors(*without_x)
    test = dm_test(e1 ** 2, e0 ** 2, h=HORIZON)
    gain_rows[key] = {"RMSE without X": np.sqrt(np.mean(e0 ** 2)), "RMSE with X": np.sqrt(np.mean(e1 ** 2)),
                      "RMSE change %": 100 * (np.sqrt(np.mean(e1 ** 2)) / np.sqrt(np.mean(e0 ** 2)) - 1),
                      "DM statistic": test.statistic, "DM p-value": test.pvalue}
gains = pd.DataFrame(gain_rows).T.rename_axis(["family", "regressor"])
gains.round(3)

# %%
fig, ax = plt.subplots(figsize=(7, 3.2))
gains["RMSE change %"].unstack("regressor")[["observed", "known"]].plot.bar(ax=ax, rot=0)
ax.axhline(0, color="k", lw=0.8); ax.set_ylabel("RMSE change with X (%)")
ax.set_title("What the income series buys each model (negative = better)"); plt.show()

# %% [markdown]
# ## 4. Conclusion
#
# Generated from the tables above.

# %%
def describe(family, regressor):
    row = gains.loc[(family, regressor)]
    change, p = row["RMSE change %"], row["DM p-value"]
    direction = "lowers" if change < 0 else "raises"
    sig = "significant at 5%" if p < 0.05 else "not significant"
    return f"{regressor} income growth {direction} the {family}'s RMSE by {abs(change):.1f}% (DM p = {p:.3f}, {sig})"


print(f"Over {n_origins} one-quarter-ahead forecasts:")
for fam in ("ARMA family", "LSTM"):
    for reg in ("observed", "known"):
        print(" -", describe(fam, reg))
best_overall = table["RMSE"].idxmin()
print(f"Lowest RMSE overall: {best_overall[1]} with information set '{best_overall[0]}' "
      f"({table['RMSE'].min():.3f} percentage points).")
armax_k, lstm_k = table.loc[("known", "ARMAX"), "RMSE"], table.loc[("known", "LSTM"), "RMSE"]
better = "ARMAX" if armax_k < lstm_k else "LSTM"
e_a, e_l = errors("known", "ARMAX"), errors("known", "LSTM")
p_al = dm_test(e_a ** 2, e_l ** 2, h=HORIZON).pvalue
if p_al < 0.05:
    print(f"Given the same known regressor, {better} makes significantly better use of it "
          f"(RMSE {min(armax_k, lstm_k):.3f} vs {max(armax_k, lstm_k):.3f}; DM p = {p_al:.3f}).")
else:
    print(f"Given the same known regressor, {better} has the lower RMSE ({min(armax_k, lstm_k):.3f} vs "
          f"{max(armax_k, lstm_k):.3f}), but the DM test cannot separate the two (p = {p_al:.2f}).")

# %% [markdown]
# **How to read this.** The *known* run is a conditional forecast: it answers "how well
# can consumption be predicted if we know income growth for the quarter?" — useful for
# scenarios, but not a real-time forecast, because nobody knows next quarter's income in
# advance. The *observed* run is what a forecaster can actually do in real time. A large
# gap between the two says the value lies in the contemporaneous relation, which only a
# forecast of income itself (or a scenario) can unlock. With `horizon > 1` the same rule
# applies: lag an observed regressor by at least the horizon before declaring it known.
