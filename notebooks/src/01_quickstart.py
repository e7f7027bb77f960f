# %% [markdown]
# # 01 · Quickstart: do recurrent networks beat the ARMA family on the airline series?
#
# The question this toolkit answers, on one classic series: the monthly totals of
# international airline passengers, 1949–1960 (Box & Jenkins' series G). We
#
# 1. look at the data;
# 2. fit an AR, an ARMA with automatically chosen orders, an LSTM and a GRU, and look at
#    their forecasts;
# 3. score all of them, with the naive and seasonal naive baselines, on the same rolling
#    forecast origins with `fc.backtest`;
# 4. read the leaderboard, including Diebold–Mariano tests of whether the differences are
#    real, and draw a conclusion from the numbers shown.
#
# `FORECAST_FAST=1` uses few origins and short training so that the notebook runs in
# seconds in the test suite; the conclusions printed are then about that small run only.

# %%
%matplotlib inline
import logging
import os

FAST = os.environ.get("FORECAST_FAST", "0") not in ("", "0")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import forecast as fc

logging.getLogger("tensorflow").setLevel(logging.ERROR)
y = fc.datasets.load("airline")
print(f"{len(y)} monthly observations, {y.index[0]} .. {y.index[-1]}; fast mode: {FAST}")

fig, ax = plt.subplots(figsize=(9, 3))
y.plot(ax=ax, title="International airline passengers (thousands per month)")
plt.show()

# %% [markdown]
# Two features dominate: an upward trend and a yearly pattern whose amplitude grows with
# the level (multiplicative seasonality). The baselines any model must beat are the
# **naive** forecast (last value carried forward) and the **seasonal naive** forecast
# (the value of the same month a year earlier).
#
# ## 1. The models
#
# * `fc.AR(p=13)` — an autoregression over the last 13 months (one year plus one, so it can
#   relate this January to last January and last December); fitted on the raw series with a
#   constant and a linear trend, estimated by Yule-Walker (moment equations: instant, where
#   exact maximum likelihood over 15 parameters takes far longer at every refit).
# * `fc.ARMA(p="auto", q="auto")` — orders chosen by AIC on the training data only, by
#   maximum likelihood.
# * `fc.LSTM` and `fc.GRU` with their defaults: every setting is `"auto"` and chosen on
#   the training data (printed below from `resolved_params_`): the series is divided by its
#   multiplicative seasonal indices (the 90% autocorrelation test finds it seasonal) and
#   logged, each window of three years is taken relative to its last value, so the network
#   sees the *shape* of the recent past rather than its level; the direct head outputs the
#   12 months of the horizon (the backtest sets it); MAE loss, early stopping on the last
#   10% of windows, then a refit on every window.
#
# The classical models get no log transform: part of the point is to see what each family
# does with its standard settings.

# %%
HORIZON = 12
net = dict(units=8, epochs=5, seed=0) if FAST else dict(seed=0)  # fast mode: a tiny network
models = {
    "naive": fc.Naive(),
    "seasonal naive": fc.SeasonalNaive(m=12),
    "AR(13)": fc.AR(p=13, trend="ct", method="yule_walker"),
    "ARMA(auto)": fc.ARMA(p="auto", q="auto", max_p=2 if FAST else 4, max_q=1 if FAST else 2, trend="ct"),
    "LSTM": fc.LSTM(**net),
    "GRU": fc.GRU(**net),
}
for name, model in models.items():
    print(f"{name:15s} {model!r}")

# %% [markdown]
# A first look: fit every model on everything up to December 1958 and forecast the two
# years after, which we hold back.

# %%
cut = y.index.get_loc(pd.Period("1958-12", freq="M")) + 1
train, test = y.iloc[:cut], y.iloc[cut:]
fits = {name: fc.clone(m).fit(train) for name, m in models.items()}
print("ARMA(auto) chose order", fits["ARMA(auto)"].order_)

fig, ax = plt.subplots(figsize=(10, 4))
y.iloc[cut - 48:].plot(ax=ax, color="k", lw=2, label="actual")
for name, model in fits.items():
    model.predict(len(test)).mean.plot(ax=ax, label=name, lw=1.2)
ax.axvline(train.index[-1].to_timestamp(), color="0.5", ls=":")
ax.set_title("Forecasts for 1959-1960 from models fitted up to 1958-12"); ax.legend(ncol=3)
plt.show()

holdout = pd.Series({name: fc.metrics.mae(test.to_numpy(), m.predict(len(test)).mean.to_numpy())
                     for name, m in fits.items()}, name="MAE 1959-60").sort_values()
holdout.to_frame()

# %% [markdown]
# One split is one draw: a model can be lucky on a single 24-month window. A backtest
# repeats the exercise from many forecast origins, always fitting on the past only.
#
# ## 2. The backtest
#
# From each origin every model forecasts the next 12 months. Training windows expand; the
# models are re-estimated every `refit` origins and in between only take in the new
# observations (`update`, parameters fixed) — the same policy for every model.

# %%
if FAST:
    settings = dict(horizon=HORIZON, initial=120, step=6, refit=False)
else:
    settings = dict(horizon=HORIZON, initial=96, step=2, refit=4)
res = fc.backtest(models, y, seed=0, progress=True, **settings)
origins = res.forecasts["origin"].unique()
print(f"{len(origins)} origins from {origins[0]} to {origins[-1]}, horizon {HORIZON}, settings {settings}")

# %% [markdown]
# **The answer first.** `res.verdict()` compares the best classical with the best
# recurrent model: how much lower one's MASE is, whether a Diebold–Mariano test finds the
# difference real, the 90% model confidence set, and what the data say that bears on it
# (evidence, not cause). `v.to_dict()` holds the same as data.

# %%
v = res.verdict()
v

# %% [markdown]
# The result itself renders as the verdict above the main columns of the leaderboard
# (shaded: in the model confidence set); `res.leaderboard()` has every column.

# %%
board = res.leaderboard()
res

# %% [markdown]
# How to read the leaderboard: models are ranked by MASE (mean absolute error scaled by
# the in-sample seasonal naive error; below 1 beats that in-sample benchmark). `skill_mase`
# is the improvement over the seasonal naive forecast on the same origins. `dm_stat` and
# `dm_pvalue` are the Diebold–Mariano test of each model against the best one on squared
# errors (averaged over the 12 steps per origin, with the autocorrelation that overlapping
# forecasts create taken into account): a small p-value means the best model's advantage
# over that model is unlikely to be luck.

# %%
board

# %%
best = board.iloc[0]["model"]
classical = ["AR(13)", "ARMA(auto)"]
recurrent = ["LSTM", "GRU"]
score = board.set_index("model")
best_classical = score.loc[classical, "mase"].idxmin()
best_recurrent = score.loc[recurrent, "mase"].idxmin()

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
score["mase"].plot.barh(ax=axes[0], color=["C3" if m in recurrent else "C0" if m in classical else "0.6"
                                            for m in score.index])
axes[0].invert_yaxis(); axes[0].set_xlabel("MASE (lower is better)"); axes[0].set_title("Backtest leaderboard")
res.by_horizon("mae").plot(ax=axes[1], marker="o", ms=3)
axes[1].set_xlabel("steps ahead"); axes[1].set_ylabel("MAE (thousands)"); axes[1].set_title("Error by horizon")
plt.tight_layout(); plt.show()

# %%
last = res.forecasts[res.forecasts["origin"] == origins[-1]]
fig, ax = plt.subplots(figsize=(10, 3.8))
y.iloc[-48:].plot(ax=ax, color="k", lw=2, label="actual")
for name in [best_classical, best_recurrent, "seasonal naive"]:
    part = last[last["model"] == name]
    ax.plot(pd.PeriodIndex(part["timestamp"], freq="M").to_timestamp(), part["y_pred"], label=name)
    if part["lower"].notna().all():
        ax.fill_between(pd.PeriodIndex(part["timestamp"], freq="M").to_timestamp(),
                        part["lower"], part["upper"], alpha=0.15)
ax.set_title(f"Forecasts from the last origin ({origins[-1]}) with 95% intervals"); ax.legend()
plt.show()

# %% [markdown]
# The toolkit draws the same kind of figures itself (`fc.plotting`; each function returns a
# matplotlib `Figure`): the leaderboard with bars hatched where the Diebold–Mariano test finds
# a model significantly worse than the best, and every model's forecasts from the last
# origins with their intervals.

# %%
fc.plotting.plot_leaderboard(res)

# %%
fc.plotting.plot_forecasts(res, origins=2 if FAST else 4, history=48)

# %% [markdown]
# ## 3. Conclusion
#
# The paragraph below is generated from the leaderboard above, so it stays true whatever
# the run.

# %%
def verdict(a, b):
    """Compare model a with model b on MASE and, when one of them is the best model, the DM test."""
    ma, mb = score.loc[a, "mase"], score.loc[b, "mase"]
    winner, loser = (a, b) if ma < mb else (b, a)
    gap = 100 * (max(ma, mb) / min(ma, mb) - 1)
    p = score.loc[loser, "dm_pvalue"] if winner == best else np.nan
    if np.isnan(p):
        sig = "(the DM p-values in the table are against the best model only)"
    elif p < 0.05:
        sig = f"and the Diebold-Mariano test calls the difference significant (p = {p:.3f})"
    else:
        sig = f"but the Diebold-Mariano test cannot tell them apart (p = {p:.2f})"
    return f"{winner} is ahead: {loser}'s MASE is {gap:.0f}% higher, {sig}"


lines = [f"Best model over {len(origins)} origins: {best} (MASE {score.loc[best, 'mase']:.2f}, "
         f"skill {100 * score.loc[best, 'skill_mase']:+.0f}% vs seasonal naive).",
         "Recurrent vs classical: " + verdict(best_recurrent, best_classical) + ".",
         "Against the seasonal naive benchmark: " + verdict(best, "seasonal naive") + "."]
not_sig = [m for m in score.index[1:] if score.loc[m, "dm_pvalue"] >= 0.05]
if not_sig:
    lines.append(f"Not significantly worse than {best} at the 5% level: {', '.join(not_sig)}.")
if len(origins) < 20:
    lines.append(f"With only {len(origins)} origins (overlapping 12-month forecasts) the tests have little "
                 "power: absence of significance is not evidence of equality.")
print("\n".join(lines))

# %% [markdown]
# **Caveats.** One series of 144 months is a small sample for a neural network, and the
# ranking can change with the network's settings and seed; that is why the toolkit reports
# the test statistics instead of declaring a winner. Run the same comparison on many
# series (a panel, e.g. `fc.datasets.load("m3_quarterly")`) to see whether a difference
# holds in general — the leaderboard then reports mean ranks and the Friedman/Nemenyi test.

# %%
print("LSTM settings chosen on the training data:", fits["LSTM"].resolved_params_)

# %% [markdown]
# ## 4. One network over many series
#
# A network learns more from many series than from one. `fit` takes a panel — a dict
# `{id: Series}` or a long DataFrame with columns `series_id`, `timestamp`, `value` — and
# trains **one global network** on the windows of every series (each deseasonalised and
# logged on its own; series shorter than a window are padded, never dropped). `predict`
# returns `{id: Forecast}` with the ids as given. Here: the M3 quarterly series, each
# trained on all but its last 8 quarters and scored on them against Naive2 (the
# competition's benchmark). `fc.backtest` does the same over rolling origins when given a
# panel.

# %%
train_q, test_q, h_q = fc.datasets.load_m3("quarterly", split=True)
ids = list(train_q)[:40] if FAST else list(train_q)
panel = {k: train_q[k] for k in ids}
global_net = fc.LSTM(**net, horizon=h_q).fit(panel)
out = global_net.predict(h_q)
smape = {"global LSTM": np.mean([fc.metrics.smape(test_q[k], out[k].mean) for k in ids]),
         "Naive2": np.mean([fc.metrics.smape(test_q[k], fc.Naive2(m=4).fit(panel[k]).predict(h_q).mean) for k in ids])}
print(f"{len(ids)} series, one network; sMAPE on the last {h_q} quarters:",
      {k: round(float(v), 2) for k, v in smape.items()})
print("resolved:", {k: global_net.resolved_params_[k] for k in ("time_steps", "horizon", "deseasonalize", "batch_size")})
