# %% [markdown]
# # 04 · The classical background: MA, AR, ARMA, ARMAX
#
# Before asking whether a recurrent network beats the ARMA family, it helps to know what
# that family *is* and where its limit lies. This notebook
#
# 1. simulates MA, AR, ARMA and ARMAX processes with known coefficients and recovers them
#    with `fc.MA`, `fc.AR`, `fc.ARMA` and `fc.ARMAX`;
# 2. reads the orders off the autocorrelation (ACF) and partial autocorrelation (PACF);
# 3. chooses the orders by AIC and BIC — the principled answer to "how much past data should
#    the model use?";
# 4. shows the **linearity limit**: on a nonlinear series a small recurrent network beats
#    the best linear AR, and on a linear series it does not.
#
# `FORECAST_FAST=1` shortens the series and the training; the text below the tables is
# computed from the numbers of the run you are reading.

# %%
%matplotlib inline
import os

FAST = os.environ.get("FORECAST_FAST", "0") not in ("", "0")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from statsmodels.graphics.tsaplots import plot_acf, plot_pacf
from statsmodels.tsa.arima_process import ArmaProcess

import forecast as fc

N = 600 if FAST else 3000          # length of each simulated series
rng = np.random.default_rng(42)
print("fast mode:", FAST, "| simulated length:", N)


def simulate(ar=(), ma=(), n=N, seed=0, scale=1.0):
    """ARMA simulation; `ar` and `ma` are the coefficients as they appear in
    y_t = c + sum(phi_i y_{t-i}) + e_t + sum(theta_j e_{t-j})."""
    process = ArmaProcess(np.r_[1, -np.asarray(ar, float)], np.r_[1, np.asarray(ma, float)])
    values = process.generate_sample(n, scale=scale, burnin=500,
                                     distrvs=np.random.default_rng(seed).standard_normal)
    return pd.Series(values, index=pd.RangeIndex(n), name="y")


def compare(model, truth):
    """The fitted parameters next to the true ones."""
    est = model.params_.drop(["const", "sigma2"], errors="ignore")
    table = pd.DataFrame({"true": pd.Series(truth), "estimate": est})
    table["error"] = table["estimate"] - table["true"]
    return table

# %% [markdown]
# ## 1. Moving average: MA(q)
#
# $y_t = c + e_t + \theta_1 e_{t-1} + \dots + \theta_q e_{t-q}$: the series remembers the last
# `q` shocks and nothing older. We simulate an MA(2) with $\theta = (0.6, 0.3)$.

# %%
y_ma = simulate(ma=[0.6, 0.3], seed=1)
ma = fc.MA(q=2).fit(y_ma)
tab_ma = compare(ma, {"ma.L1": 0.6, "ma.L2": 0.3})
tab_ma

# %% [markdown]
# ## 2. Autoregression: AR(p)
#
# $y_t = c + \phi_1 y_{t-1} + \dots + \phi_p y_{t-p} + e_t$: the series regresses on its own
# past. $\phi = (0.75, -0.25)$ is stationary (the roots of $1 - 0.75z + 0.25z^2$ lie outside
# the unit circle).

# %%
y_ar = simulate(ar=[0.75, -0.25], seed=2)
ar = fc.AR(p=2).fit(y_ar)
tab_ar = compare(ar, {"ar.L1": 0.75, "ar.L2": -0.25})
tab_ar

# %% [markdown]
# ## 3. ARMA(p, q)
#
# Both at once: $\phi_1 = 0.8$, $\theta_1 = -0.4$.

# %%
y_arma = simulate(ar=[0.8], ma=[-0.4], seed=3)
arma = fc.ARMA(p=1, q=1).fit(y_arma)
tab_arma = compare(arma, {"ar.L1": 0.8, "ma.L1": -0.4})
tab_arma

# %% [markdown]
# ## 4. ARMAX: exogenous regressors
#
# `fc.ARMAX` (like statsmodels' SARIMAX) is a **regression with ARMA errors**:
#
# $$y_t = c + \beta x_t + u_t, \qquad u_t = \phi_1 u_{t-1} + e_t + \theta_1 e_{t-1}.$$
#
# This differs from the textbook ARMAX $y_t = \phi y_{t-1} + \beta x_t + e_t$, where the
# effect of $x$ is spread over later periods through the AR term; here $\beta$ is the
# contemporaneous effect and is directly interpretable. We simulate exactly that model, with
# an autocorrelated regressor $x_t$ and $\beta = 2$.

# %%
x = simulate(ar=[0.5], seed=4).rename("x")
u = simulate(ar=[0.6], ma=[0.3], seed=5)
y_armax = (1.0 + 2.0 * x + u).rename("y")
armax = fc.ARMAX(p=1, q=1).fit(y_armax, X=x.to_frame())
tab_armax = compare(armax, {"x": 2.0, "ar.L1": 0.6, "ma.L1": 0.3})
tab_armax

# %%
recovery = pd.concat({"MA(2)": tab_ma, "AR(2)": tab_ar, "ARMA(1,1)": tab_arma, "ARMAX(1,1)": tab_armax})
worst = recovery["error"].abs().idxmax()
print(f"Largest estimation error over all {len(recovery)} coefficients: "
      f"{recovery['error'].abs().max():.3f} ({worst[0]}, {worst[1]}) with {N} observations.")
print(f"Typical error: {recovery['error'].abs().median():.3f}; the sampling error of an estimate "
      f"shrinks like 1/sqrt(n) ≈ {1 / np.sqrt(N):.3f} here.")

# %% [markdown]
# ## 5. Reading the orders from ACF and PACF
#
# * **MA(q)**: the autocorrelation is zero beyond lag `q` (a sharp cut-off), the partial
#   autocorrelation decays.
# * **AR(p)**: the other way round — the PACF cuts off after lag `p`, the ACF decays.
# * **ARMA**: both decay; neither plot gives the order directly, which is why we turn to
#   information criteria next.
#
# The shaded band is the approximate 95% band for zero correlation.

# %%
fig, axes = plt.subplots(3, 2, figsize=(11, 7), sharex=True)
for row, (name, series) in enumerate({"MA(2)": y_ma, "AR(2)": y_ar, "ARMA(1,1)": y_arma}.items()):
    plot_acf(series, lags=15, ax=axes[row, 0], zero=False, title=f"{name}: ACF")
    plot_pacf(series, lags=15, ax=axes[row, 1], zero=False, method="ywm", title=f"{name}: PACF")
plt.tight_layout(); plt.show()

# %%
from statsmodels.tsa.stattools import acf, pacf

band = 1.96 / np.sqrt(N)
def outside(r):
    return [k for k in range(1, 9) if abs(r[k]) > band]


acf_ma, pacf_ar = outside(acf(y_ma, nlags=8)), outside(pacf(y_ar, nlags=8, method="ywm"))
print(f"lags 1..8 outside the ±{band:.3f} band:")
print(f"  MA(2) ACF:  {acf_ma}   (theory: 1, 2)")
print(f"  AR(2) PACF: {pacf_ar}   (theory: 1, 2)")
extra = sorted(set(acf_ma + pacf_ar) - {1, 2})
if extra:
    print(f"Lags {extra} cross the band although their true value is 0: with a 95% band, about one "
          "lag in 20 does so by chance — one more reason to choose orders by a criterion.")

# %% [markdown]
# ## 6. How much past to use: order selection by AIC and BIC
#
# A longer memory (larger `p`, `q`) always fits the training data better; the information
# criteria charge for every extra parameter:
# $\mathrm{AIC} = 2k - 2\ln L$, $\mathrm{BIC} = k \ln n - 2\ln L$. BIC's penalty grows with
# the sample size, so it picks smaller models. `fc.ARMA(p="auto", q="auto")` fits every
# order on a grid (on the training data only) and keeps the best; the whole grid is in
# `selection_`.
#
# We simulate an ARMA(2,1) and let both criteria choose.

# %%
MAXO = 2 if FAST else 4
y_sel = simulate(ar=[0.6, -0.3], ma=[0.5], seed=6)
by_aic = fc.ARMA(p="auto", q="auto", max_p=MAXO, max_q=MAXO, criterion="aic").fit(y_sel)
# the search table holds both criteria, so BIC's choice is read from the same grid
best_bic = by_aic.selection_.sort_values("bic").iloc[0]
bic_order = (int(best_bic["p"]), 0, int(best_bic["q"]))
print("true order (2, 0, 1) | AIC chose", by_aic.order_, "| BIC chose", bic_order)

grid = by_aic.selection_
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for ax, crit in zip(axes, ["aic", "bic"], strict=True):
    table = grid.pivot(index="p", columns="q", values=crit)
    im = ax.imshow(table - np.nanmin(table.to_numpy()), cmap="viridis_r", vmax=30)
    ax.set_xticks(range(table.shape[1]), table.columns); ax.set_yticks(range(table.shape[0]), table.index)
    ax.set_xlabel("q"); ax.set_ylabel("p"); ax.set_title(f"{crit.upper()} above the best (capped at 30)")
    best = np.unravel_index(np.nanargmin(table.to_numpy()), table.shape)
    ax.scatter([best[1]], [best[0]], marker="*", s=200, color="red")
    fig.colorbar(im, ax=ax)
plt.tight_layout(); plt.show()
grid.head(6)

# %%
for crit, order in {"AIC": by_aic.order_, "BIC": bic_order}.items():
    p, _, q = order
    verdict = "the true order" if (p, q) == (2, 1) else f"not the true (2, 1): {p + q} ARMA coefficient(s) instead of 3"
    print(f"{crit} selected ARMA({p},{q}): {verdict}.")
print("Orders close to the best by a couple of AIC points fit the data about equally well; "
      "the criterion is a guide, not an oracle.")

# %% [markdown]
# The same search on a real series, the yearly sunspot numbers: how many years back does a
# linear model find useful?

# %%
sun = fc.datasets.load("sunspots")
sun_sel = fc.ARMA(p="auto", q="auto", max_p=MAXO + 2, max_q=2, criterion="aic").fit(sun)
sun_bic = sun_sel.selection_.sort_values("bic").iloc[0]
print(f"sunspots ({len(sun)} years): AIC picks ARMA{sun_sel.order_[::2]}, "
      f"BIC picks ARMA({int(sun_bic['p'])}, {int(sun_bic['q'])})")
if sun_sel.order_[0] == MAXO + 2 or int(sun_bic["p"]) == MAXO + 2:
    print(f"A chosen p sits at the edge of the grid (max_p={MAXO + 2}): a wider search might keep "
          "even more years — the sunspot cycle is about 11 years long.")
sun_sel.selection_.head(5)

# %% [markdown]
# ## 7. The linearity limit
#
# Every model above is *linear*: the forecast is a weighted sum of past values and shocks.
# The best linear predictor only uses the autocorrelations — and a nonlinear series can be
# almost perfectly predictable while having almost no autocorrelation.
#
# Two series, the same experiment on each (fit on the first 75%, one-step-ahead forecasts
# over the held-out 25% with the parameters fixed, via `predict_origins`):
#
# * **nonlinear**: the noisy logistic map $y_{t+1} = 3.8\,y_t(1 - y_t) + \varepsilon_t$ —
#   chaotic, nearly uncorrelated, but a parabola of the previous value;
# * **linear**: the AR(2) process from section 2.
#
# The contenders: the AIC-chosen AR (`fc.ARMA(p="auto", q=0)`) and a small GRU
# (`fc.GRU`). The reference is the noise variance — the smallest mean squared error any
# forecaster can reach.

# %%
def logistic_map(n, r=3.8, noise=0.01, seed=7):
    g = np.random.default_rng(seed)
    v = np.empty(n); v[0] = 0.3
    for t in range(1, n):
        v[t] = np.clip(r * v[t - 1] * (1 - v[t - 1]) + noise * g.standard_normal(), 1e-3, 1 - 1e-3)
    return pd.Series(v, index=pd.RangeIndex(n), name="y")


n_lin = 800 if FAST else 2000
series = {
    "nonlinear (logistic map)": (logistic_map(n_lin), 0.01 ** 2),
    "linear (AR(2))": (simulate(ar=[0.75, -0.25], n=n_lin, seed=8), 1.0),
}
GRU_EPOCHS = 15 if FAST else 150


def one_step_mse(model, y, cut):
    train, test = y.iloc[:cut], y.iloc[cut:]
    model.fit(train)
    origins = [train.index[-1], *test.index[:-1]]
    fcs = model.predict_origins(test, origins, horizon=1)
    pred = np.array([f.mean.iloc[0] for f in fcs])
    return float(np.mean((pred - test.to_numpy()) ** 2)), pred


results, preds = {}, {}
for name, (y, noise_var) in series.items():
    cut = int(0.75 * len(y))
    lin = fc.ARMA(p="auto", q=0, max_p=4 if FAST else 8)
    net = fc.GRU(time_steps=8, horizon=1, units=16, epochs=GRU_EPOCHS, patience=20,
                 learning_rate=0.01, seed=0)
    mse_lin, p_lin = one_step_mse(lin, y, cut)
    mse_net, p_net = one_step_mse(net, y, cut)
    results[name] = {"AR order chosen": lin.order_[0], "AR MSE": mse_lin, "GRU MSE": mse_net,
                     "noise variance (best possible)": noise_var,
                     "GRU / AR": mse_net / mse_lin}
    preds[name] = (y.iloc[cut:], p_lin, p_net)
limit = pd.DataFrame(results).T
limit

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for ax, (name, (test, p_lin, p_net)) in zip(axes, preds.items(), strict=True):
    prev = test.to_numpy()[:-1]
    ax.scatter(prev, test.to_numpy()[1:], s=6, color="0.6", label="actual $y_{t+1}$")
    ax.scatter(prev, p_lin[1:], s=6, label="AR forecast")
    ax.scatter(prev, p_net[1:], s=6, label="GRU forecast")
    ax.set_xlabel("$y_t$"); ax.set_ylabel("$y_{t+1}$"); ax.set_title(name); ax.legend(markerscale=3)
plt.tight_layout(); plt.show()

# %%
for name, row in limit.iterrows():
    ratio = row["GRU / AR"]
    if ratio < 0.8:
        verdict = f"the GRU wins clearly: its MSE is {ratio:.3g} times the linear AR's"
    elif ratio <= 1.1:
        verdict = f"no real difference (GRU/AR = {ratio:.2f})"
    else:
        verdict = f"the linear AR wins: the GRU's error is {100 * (ratio - 1):.0f}% higher"
    print(f"{name}: {verdict}; AR at {row['AR MSE'] / row['noise variance (best possible)']:.1f}x "
          f"and GRU at {row['GRU MSE'] / row['noise variance (best possible)']:.1f}x the best possible MSE.")

# %% [markdown]
# The scatter plots show why: the best linear forecast of the logistic map is a straight
# line through a parabola, while the network can bend. On the AR(2) series the linear model
# *is* the true model, and the network can at best learn the same linear map from fewer
# effective data points. (In fast mode the GRU trains for only a few epochs, so its numbers
# there are not the real analysis.) Whether a real series is closer to the first case or
# the second is exactly what the backtests of notebooks 01 and 02 measure.
