# %% [markdown]
# # 03 · Inside the recurrent cells
#
# The recurrent models of `forecast` (`fc.RNN`, `fc.LSTM`, `fc.GRU`) are thin wrappers around
# Keras layers. This notebook opens those layers up:
#
# 1. the simple (Elman) RNN equations computed by hand in numpy and checked against a fitted
#    `keras.layers.SimpleRNN`;
# 2. the LSTM's forget, input and output gates and its cell state, and the GRU's reset and
#    update gates, likewise checked against `keras.layers.LSTM` and `keras.layers.GRU`;
# 3. vanishing gradients, measured: how much the loss still depends on an input `k` steps
#    back, for SimpleRNN, LSTM and GRU, and for tanh, sigmoid and relu activations;
# 4. exploding gradients and gradient clipping;
# 5. bidirectional and deep (stacked) networks;
# 6. many-to-one versus many-to-many output heads.
#
# The data are the yearly sunspot numbers shipped with the toolkit, cut into input windows
# by `forecast.windows.make_windows`, the same function the recurrent forecasters use.
#
# Set the environment variable `FORECAST_FAST=1` for a quick run (smaller networks, fewer
# epochs); the numbers quoted in the text are computed from the run you are looking at.

# %%
%matplotlib inline
import os

FAST = os.environ.get("FORECAST_FAST", "0") not in ("", "0")

import logging

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import forecast as fc
from forecast.windows import make_windows

keras.utils.set_random_seed(0)
logging.getLogger("tensorflow").setLevel(logging.ERROR)   # quiet tf.function retracing notes
print("keras", keras.__version__, "backend", keras.backend.backend(), "| fast mode:", FAST)

# %% [markdown]
# ## The data: sunspot windows
#
# A recurrent network reads a window of `time_steps` past values and predicts what comes
# next. We scale the series with the mean and standard deviation of the *training* part only
# (the last 20% is held out), then build windows of shape `(samples, time_steps, features)`.

# %%
y = fc.datasets.load("sunspots")
values = y.to_numpy(dtype=float)
n_train = int(len(values) * 0.8)
mu, sd = values[:n_train].mean(), values[:n_train].std()
z = (values - mu) / sd

T = 12 if FAST else 24            # time steps in a window
X_all, Y_all = make_windows(z, T, 1)
X_all = np.asarray(X_all, dtype="float32").reshape(len(X_all), T, 1)
Y_all = np.asarray(Y_all, dtype="float32").reshape(len(Y_all), -1)
# a window belongs to the training part when its target lies in the training part
train = np.arange(len(X_all)) + T < n_train
X_tr, Y_tr, X_va, Y_va = X_all[train], Y_all[train], X_all[~train], Y_all[~train]
print("windows:", X_all.shape, "targets:", Y_all.shape, "| train", X_tr.shape[0], "validation", X_va.shape[0])

fig, ax = plt.subplots(figsize=(9, 2.5))
ax.plot(y.index.to_timestamp(), values, lw=1)
ax.axvline(y.index[n_train].to_timestamp(), color="k", ls="--", lw=1, label="validation starts")
ax.set_title("Yearly sunspot numbers"); ax.legend(); plt.show()

EPOCHS = 3 if FAST else 40
UNITS = 4 if FAST else 16


def fit_quiet(model, X, Y, epochs=EPOCHS, **kw):
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model.fit(X, Y, epochs=epochs, batch_size=32, verbose=0, **kw)


def run(model, X):
    """Forward pass on a small array (a direct call avoids tracing a predict function)."""
    return np.asarray(model(X, training=False), dtype=float)


def val_mse(model, X=X_va, Y=Y_va):
    return float(np.mean((run(model, X).reshape(Y.shape) - Y) ** 2))

# %% [markdown]
# ## 1. The simple RNN by hand
#
# The Elman network keeps a hidden state $h_t$ and updates it with every input:
#
# $$h_t = \tanh(W_x x_t + W_h h_{t-1} + b), \qquad y_t = W_y h_t + b_y .$$
#
# Keras stores the weights for row vectors (`x_t @ kernel`), so its `kernel` is $W_x^\top$,
# its `recurrent_kernel` is $W_h^\top$, and a `Dense` head on the last state holds
# $W_y^\top$ and $b_y$. We fit a small network, pull the weights out and run the recursion
# ourselves in numpy (float64).

# %%
rnn = keras.Sequential([
    keras.Input((T, 1)),
    keras.layers.SimpleRNN(UNITS, name="cell"),
    keras.layers.Dense(1, name="head"),
])
fit_quiet(rnn, X_tr, Y_tr)
kernel, recurrent_kernel, bias = rnn.get_layer("cell").get_weights()
W_y, b_y = rnn.get_layer("head").get_weights()
W_x, W_h = kernel.T.astype(float), recurrent_kernel.T.astype(float)   # column-vector convention
print("W_x", W_x.shape, "W_h", W_h.shape, "b", bias.shape, "W_y", W_y.T.shape)


def simple_rnn_by_hand(x):
    """x: (time_steps, features) -> the network's output y_T."""
    h = np.zeros(W_h.shape[0])
    for x_t in x:
        h = np.tanh(W_x @ x_t + W_h @ h + bias)
    return W_y.T @ h + b_y


ours = np.array([simple_rnn_by_hand(x) for x in X_va.astype(float)])
theirs = run(rnn, X_va)
print("max |numpy - keras| =", np.abs(ours - theirs).max())
assert np.allclose(ours, theirs, atol=1e-4), "hand-written SimpleRNN disagrees with Keras"
print("SimpleRNN by hand == keras.layers.SimpleRNN  ✓")

# %% [markdown]
# ## 2. LSTM: gates and cell state
#
# The LSTM adds a cell state $c_t$ that is changed only by element-wise gating, which is
# what lets information (and gradient) travel far:
#
# $$\begin{aligned}
# i_t &= \sigma(W_i x_t + U_i h_{t-1} + b_i) && \text{input gate}\\
# f_t &= \sigma(W_f x_t + U_f h_{t-1} + b_f) && \text{forget gate}\\
# g_t &= \tanh(W_g x_t + U_g h_{t-1} + b_g) && \text{candidate}\\
# o_t &= \sigma(W_o x_t + U_o h_{t-1} + b_o) && \text{output gate}\\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t).
# \end{aligned}$$
#
# Keras concatenates the four weight blocks along the last axis in the order
# **input, forget, candidate, output** (`i, f, c, o`). We check the final hidden state
# *and* the final cell state (`return_state=True`) against our numpy version, and keep the
# gate activations to look at them.

# %%
def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


inp = keras.Input((T, 1))
seq, h_last, c_last = keras.layers.LSTM(UNITS, return_state=True, name="cell")(inp)
out = keras.layers.Dense(1, name="head")(h_last)
lstm = keras.Model(inp, out)
fit_quiet(lstm, X_tr, Y_tr)
lstm_states = keras.Model(inp, [h_last, c_last])

K, U, b = (w.astype(float) for w in lstm.get_layer("cell").get_weights())
def split(m):  # -> i, f, c(andidate), o
    return np.split(m, 4, axis=-1)


(Ki, Kf, Kg, Ko), (Ui, Uf, Ug, Uo), (bi, bf, bg, bo) = split(K), split(U), split(b)


def lstm_by_hand(x):
    h = np.zeros(U.shape[0]); c = np.zeros(U.shape[0]); gates = []
    for x_t in x:
        i = sigmoid(x_t @ Ki + h @ Ui + bi)
        f = sigmoid(x_t @ Kf + h @ Uf + bf)
        g = np.tanh(x_t @ Kg + h @ Ug + bg)
        o = sigmoid(x_t @ Ko + h @ Uo + bo)
        c = f * c + i * g
        h = o * np.tanh(c)
        gates.append((i, f, o, c))
    return h, c, gates


h_keras, c_keras = (np.asarray(a, dtype=float) for a in lstm_states(X_va))
by_hand = [lstm_by_hand(x) for x in X_va.astype(float)]
h_ours = np.array([r[0] for r in by_hand]); c_ours = np.array([r[1] for r in by_hand])
print("max |h diff| =", np.abs(h_ours - h_keras).max(), " max |c diff| =", np.abs(c_ours - c_keras).max())
assert np.allclose(h_ours, h_keras, atol=1e-4) and np.allclose(c_ours, c_keras, atol=1e-4)
print("LSTM by hand == keras.layers.LSTM (hidden and cell state)  ✓")

# %% [markdown]
# What do the gates do on one validation window? Each line is one unit; the forget gate
# close to 1 means "keep the cell state", close to 0 means "reset it".

# %%
_, _, gates = by_hand[-1]
names = ["input gate $i_t$", "forget gate $f_t$", "output gate $o_t$", "cell state $c_t$"]
fig, axes = plt.subplots(1, 5, figsize=(15, 2.6))
axes[0].plot(X_va[-1, :, 0], color="k"); axes[0].set_title("input window (scaled)")
for k, (ax, name) in enumerate(zip(axes[1:], names, strict=True)):
    ax.plot(np.array([g[k] for g in gates])); ax.set_title(name); ax.set_xlabel("t")
plt.tight_layout(); plt.show()
mean_forget = float(np.mean([g[1] for r in by_hand for g in r[2]]))
print(f"average forget-gate activation over all validation windows: {mean_forget:.2f}")

# %% [markdown]
# ## 3. GRU: reset and update gates
#
# The GRU merges cell and hidden state and uses two gates. Keras 3 orders the blocks
# **update, reset, candidate** (`z, r, h`) and, by default (`reset_after=True`, the cuDNN
# convention), applies the reset gate *after* the recurrent matrix product, with separate
# input and recurrent biases (the bias has shape `(2, 3·units)`):
#
# $$\begin{aligned}
# z_t &= \sigma(W_z x_t + b_z + U_z h_{t-1} + b'_z) && \text{update gate}\\
# r_t &= \sigma(W_r x_t + b_r + U_r h_{t-1} + b'_r) && \text{reset gate}\\
# \tilde h_t &= \tanh\big(W_h x_t + b_h + r_t \odot (U_h h_{t-1} + b'_h)\big)\\
# h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t .
# \end{aligned}$$
#
# With `reset_after=False` (the original formulation of Cho et al.) the candidate is
# $\tanh(W_h x_t + U_h (r_t \odot h_{t-1}) + b_h)$ and there is one bias. We check both.

# %%
def gru_by_hand(x, K, U, b, reset_after):
    Kz, Kr, Kh = np.split(K, 3, axis=-1); Uz, Ur, Uh = np.split(U, 3, axis=-1)
    if reset_after:
        (bz, br, bh), (rbz, rbr, rbh) = np.split(b[0], 3), np.split(b[1], 3)
    else:
        (bz, br, bh), (rbz, rbr, rbh) = np.split(b, 3), (0.0, 0.0, 0.0)
    h = np.zeros(U.shape[0])
    for x_t in x:
        zt = sigmoid(x_t @ Kz + bz + h @ Uz + rbz)
        rt = sigmoid(x_t @ Kr + br + h @ Ur + rbr)
        if reset_after:
            cand = np.tanh(x_t @ Kh + bh + rt * (h @ Uh + rbh))
        else:
            cand = np.tanh(x_t @ Kh + (rt * h) @ Uh + bh)
        h = zt * h + (1 - zt) * cand
    return h


for reset_after in (True, False):
    cell = keras.layers.GRU(UNITS, reset_after=reset_after, name="cell")
    gru = keras.Sequential([keras.Input((T, 1)), cell, keras.layers.Dense(1, name="head")])
    fit_quiet(gru, X_tr, Y_tr, epochs=max(1, EPOCHS // 4))
    K, U, b = (w.astype(float) for w in cell.get_weights())
    h_keras = run(keras.Model(gru.inputs, cell.output), X_va)
    h_ours = np.array([gru_by_hand(x, K, U, b, reset_after) for x in X_va.astype(float)])
    print(f"reset_after={reset_after}: bias shape {b.shape}, max |diff| = {np.abs(h_ours - h_keras).max():.2e}")
    assert np.allclose(h_ours, h_keras, atol=1e-4)
print("GRU by hand == keras.layers.GRU (both reset conventions)  ✓")

# %% [markdown]
# ## 4. Vanishing gradients, measured
#
# Training adjusts weights by the gradient of the loss. If the loss barely depends on an
# input `k` steps back, the network cannot learn to use it. We measure that dependence
# directly: the norm of $\partial L / \partial x_{T-k}$ for every lag `k`, averaged over a
# batch of real windows and over a few random initialisations, for freshly initialised
# networks (the situation at the start of training). Long windows make the effect visible.
#
# The gradient is taken with the backend's automatic differentiation
# (`tf.GradientTape` on the default TensorFlow backend).

# %%
import tensorflow as tf

T_LONG = 40 if FAST else 100
X_long, Y_long = make_windows(z, T_LONG, 1)
X_long = np.asarray(X_long, dtype="float32").reshape(len(X_long), T_LONG, 1)
Y_long = np.asarray(Y_long, dtype="float32").reshape(len(Y_long), 1)
SEEDS = [0] if FAST else [0, 1, 2]

CELLS = {
    "SimpleRNN (tanh)": lambda: keras.layers.SimpleRNN(UNITS, activation="tanh"),
    "SimpleRNN (sigmoid)": lambda: keras.layers.SimpleRNN(UNITS, activation="sigmoid"),
    "SimpleRNN (relu)": lambda: keras.layers.SimpleRNN(UNITS, activation="relu"),
    "LSTM": lambda: keras.layers.LSTM(UNITS),
    "GRU": lambda: keras.layers.GRU(UNITS),
}


def input_gradient_by_lag(make_cell, seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((T_LONG, 1)), make_cell(), keras.layers.Dense(1)])
    x = tf.convert_to_tensor(X_long)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_mean(tf.square(model(x) - Y_long))
    grad = tape.gradient(loss, x).numpy()[..., 0]          # (samples, time)
    by_time = np.sqrt(np.mean(grad**2, axis=0))             # RMS over the batch
    return by_time[::-1]                                     # index = lag (0 = most recent)


grads = {name: np.mean([input_gradient_by_lag(make, s) for s in SEEDS], axis=0)
         for name, make in CELLS.items()}

fig, ax = plt.subplots(figsize=(8, 4))
for name, g in grads.items():
    ax.semilogy(np.arange(T_LONG), g / g[0], label=name)
ax.set_xlabel("lag k (steps back from the forecast origin)")
ax.set_ylabel(r"$\|\partial L/\partial x_{T-k}\|$ / value at lag 0")
ax.set_title("How far back does the gradient reach? (fresh networks)")
ax.legend(); plt.show()

lag_far = T_LONG - 1
summary = pd.DataFrame({
    "relative gradient at lag 10": {n: g[10] / g[0] for n, g in grads.items()},
    f"relative gradient at lag {lag_far}": {n: g[lag_far] / g[0] for n, g in grads.items()},
    # average per-step decay factor, from a straight-line fit of log-norm against lag
    "per-step factor": {n: float(np.exp(np.polyfit(np.arange(T_LONG), np.log(g + 1e-30), 1)[0]))
                        for n, g in grads.items()},
})
summary

# %%
fastest = summary["per-step factor"].idxmin()
slowest = summary["per-step factor"].idxmax()
rows = summary[f"relative gradient at lag {lag_far}"]
print(f"Steepest decay: {fastest} — the gradient from lag {lag_far} is "
      f"{rows[fastest]:.1e} of the gradient from the latest input "
      f"(factor {summary.loc[fastest, 'per-step factor']:.3f} per step).")
print(f"Flattest: {slowest} — {rows[slowest]:.1e} at lag {lag_far} "
      f"(factor {summary.loc[slowest, 'per-step factor']:.3f} per step).")
gated = summary.loc[["LSTM", "GRU"], "per-step factor"].min()
plain = summary.loc["SimpleRNN (tanh)", "per-step factor"]
if gated > plain:
    print("Both gated cells keep more gradient per step than the tanh SimpleRNN, as the theory predicts.")
else:
    print("In this run the gated cells did NOT keep more gradient per step than the tanh SimpleRNN; "
          "at initialisation the forget gate is not yet trained to hold information.")

# %% [markdown]
# Reading the plot: a per-step factor below 1 compounds geometrically, so an input 50 steps
# back has a factor$^{50}$ share of the influence of the latest one. The theory behind the
# curves:
#
# * a sigmoid SimpleRNN multiplies the gradient by $\sigma' \le 1/4$ (times the recurrent
#   weights) at every step, so it should lose the gradient fastest;
# * tanh has $\tanh' \le 1$, so the decay is set mostly by the recurrent matrix, which
#   Keras initialises orthogonal (norm-preserving);
# * relu has derivative 0 or 1: it does not squash, so whether the gradient vanishes or
#   explodes depends entirely on the scale of the recurrent matrix — the next section's
#   problem;
# * in the LSTM the gradient can travel along the cell state, multiplied only by the forget
#   gate $f_t$. Keras initialises the forget-gate bias to 1 (`unit_forget_bias=True`, so
#   $f_t \approx 0.73$ at the start), which is a decay too: the long memory of an LSTM is
#   something it *learns* (forget gates pushed towards 1), not something it has at
#   initialisation. The GRU's update gate plays the same role.
#
# The printed lines above say which of these effects dominated in this run.
#
# ## 5. Exploding gradients and clipping
#
# When the recurrent matrix has a spectral radius above 1 and the activation does not
# squash (relu), the gradient grows geometrically with the window length. We make that
# happen on purpose — an orthogonal recurrent matrix scaled by 1.5 — and measure the norm
# of the gradient of the loss with respect to all weights for growing window lengths.

# %%
def exploding_rnn(steps, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((steps, 1)),
        keras.layers.SimpleRNN(UNITS, activation="relu",
                               recurrent_initializer=keras.initializers.Orthogonal(gain=1.5)),
        keras.layers.Dense(1),
    ])


def weight_gradient_norm(model, X, Y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(X) - Y))
    g = tape.gradient(loss, model.trainable_variables)
    return float(tf.linalg.global_norm(g))


lengths = [5, 10, 20, 40] if FAST else [5, 10, 20, 40, 60, 80]
norms = []
for steps in lengths:
    Xs, Ys = make_windows(z, steps, 1)
    Xs = np.asarray(Xs, dtype="float32").reshape(len(Xs), steps, 1)
    Ys = np.asarray(Ys, dtype="float32").reshape(len(Ys), 1)
    norms.append(weight_gradient_norm(exploding_rnn(steps), Xs, Ys))
growth = pd.Series(norms, index=pd.Index(lengths, name="window length"), name="gradient norm")
print(growth.map("{:.3g}".format).to_string())
print(f"from {lengths[0]} to {lengths[-1]} steps the gradient norm grows by a factor {norms[-1] / norms[0]:.3g}")

# %% [markdown]
# **Clipping.** `keras.optimizers.*(clipnorm=c)` rescales each weight's gradient $g$ to
# $g \cdot c / \max(\|g\|, c)$ before the update (`global_clipnorm` does the same with the
# norm over all weights together). First a one-line check of that rule on a single
# variable, then the same exploding network trained with plain SGD, without and with
# clipping.

# %%
v = keras.Variable(np.zeros(3, dtype="float32"))
g = np.array([30.0, -40.0, 0.0], dtype="float32")            # norm 50
keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0).apply_gradients([(tf.constant(g), v)])
expected = -0.1 * g * 1.0 / np.linalg.norm(g)
print("update applied:", np.asarray(v), " expected:", expected)
assert np.allclose(np.asarray(v), expected, atol=1e-6)

# %%
steps = lengths[-1]
Xs, Ys = make_windows(z[:n_train], steps, 1)
Xs = np.asarray(Xs, dtype="float32").reshape(len(Xs), steps, 1)
Ys = np.asarray(Ys, dtype="float32").reshape(len(Ys), 1)
CLIP_EPOCHS = 3 if FAST else 20
histories = {}
for label, opt_kw in {"no clipping": {}, "clipnorm=1": {"clipnorm": 1.0}}.items():
    model = exploding_rnn(steps)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, **opt_kw), loss="mse")
    h = model.fit(Xs, Ys, epochs=CLIP_EPOCHS, batch_size=16, verbose=0)
    histories[label] = np.array(h.history["loss"], dtype=float)

fig, ax = plt.subplots(figsize=(7, 3))
for label, loss in histories.items():
    shown = np.where(np.isfinite(loss), loss, np.nan)
    ax.semilogy(np.arange(1, len(loss) + 1), shown, marker="o", label=label)
ax.set_xlabel("epoch"); ax.set_ylabel("training MSE"); ax.legend()
ax.set_title(f"SimpleRNN(relu), recurrent gain 1.5, window {steps}"); plt.show()

for label, loss in histories.items():
    if not np.all(np.isfinite(loss)):
        first = int(np.argmin(np.isfinite(loss))) + 1
        print(f"{label}: the loss became non-finite (overflow) at epoch {first}")
    else:
        print(f"{label}: final training MSE {loss[-1]:.3g} (best {loss.min():.3g})")

# %% [markdown]
# Clipping does not cure the cause (the recurrent dynamics are still unstable) but it
# bounds each step, so one bad batch cannot throw the weights to infinity. The recurrent
# forecasters of `forecast` compile their optimiser with a clip norm for that reason.
#
# ## 6. Bidirectional and deep (stacked) networks
#
# * **Bidirectional**: a second layer reads the window backwards and the two final states
#   are concatenated. In forecasting this is legitimate — the whole input window lies in
#   the past — but there is no "future context" to exploit either: it only gives the
#   network a second view of the same window.
# * **Stacked**: the first layer returns its whole output sequence (`return_sequences=True`)
#   and the next layer reads it, building features of features.
#
# The parameter count of one LSTM layer is $4\,(u\,(d+u) + u)$ for $u$ units and $d$ input
# features — we check it — and we compare the three shapes on the held-out windows.

# %%
def lstm_params(u, d):
    return 4 * (u * (d + u) + u)


ARCH = {
    "LSTM": lambda: [keras.layers.LSTM(UNITS)],
    "Bidirectional LSTM": lambda: [keras.layers.Bidirectional(keras.layers.LSTM(UNITS))],
    "2 stacked LSTM": lambda: [keras.layers.LSTM(UNITS, return_sequences=True), keras.layers.LSTM(UNITS)],
}
rows = {}
for name, layers in ARCH.items():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((T, 1)), *layers(), keras.layers.Dense(1)])
    fit_quiet(model, X_tr, Y_tr)
    rows[name] = {"recurrent parameters": model.count_params() - model.layers[-1].count_params(),
                  "validation MSE (scaled)": val_mse(model)}
arch = pd.DataFrame(rows).T
assert arch.loc["LSTM", "recurrent parameters"] == lstm_params(UNITS, 1)
assert arch.loc["Bidirectional LSTM", "recurrent parameters"] == 2 * lstm_params(UNITS, 1)
assert arch.loc["2 stacked LSTM", "recurrent parameters"] == lstm_params(UNITS, 1) + lstm_params(UNITS, UNITS)
arch

# %%
best = arch["validation MSE (scaled)"].idxmin()
spread = arch["validation MSE (scaled)"].max() / arch["validation MSE (scaled)"].min() - 1
print(f"Best on the held-out windows: {best}; the three differ by {100 * spread:.0f}% in MSE "
      f"with {arch['recurrent parameters'].min():.0f} to {arch['recurrent parameters'].max():.0f} parameters.")
print("One split and one seed cannot tell whether such a gap is real — that is what fc.backtest "
      "and its Diebold-Mariano test are for (notebook 01).")

# %% [markdown]
# The toolkit's forecasters expose the same choices as arguments, e.g.
# `fc.LSTM(time_steps=24, horizon=1, units=16, layers=2, bidirectional=True)`.
#
# ## 7. Many-to-one versus many-to-many
#
# * **Many-to-one**: read the window, keep only the last state, map it to the output
#   (here the next `H` values at once — a *direct* multi-step head).
# * **Many-to-many**: keep the state at *every* step (`return_sequences=True`) and apply the
#   same dense head at each one; trained to predict the next value at every position, each
#   window gives `T` training targets instead of one.
#
# Both are scored on the same thing: the one-step-ahead forecast at the end of each
# held-out window.

# %%
H = 3
Xm, Ym = make_windows(z, T, H)
Xm = np.asarray(Xm, dtype="float32").reshape(len(Xm), T, 1)
Ym = np.asarray(Ym, dtype="float32").reshape(len(Ym), H)
starts_m = np.arange(len(Xm))
tr_m = starts_m + T + H - 1 < n_train           # all H targets in the training part

keras.utils.set_random_seed(2)
many_to_one = keras.Sequential([keras.Input((T, 1)), keras.layers.LSTM(UNITS), keras.layers.Dense(H)])
fit_quiet(many_to_one, Xm[tr_m], Ym[tr_m])

# many-to-many: input x_1..x_T, target x_2..x_{T+1} (the window shifted by one step)
X_seq, _ = make_windows(z, T + 1, 1)
X_seq = np.asarray(X_seq, dtype="float32").reshape(len(X_seq), T + 1, 1)
inputs_seq, targets_seq = X_seq[:, :-1], X_seq[:, 1:]
starts_s = np.arange(len(X_seq))
tr_s = starts_s + T < n_train
keras.utils.set_random_seed(2)
many_to_many = keras.Sequential([keras.Input((T, 1)), keras.layers.LSTM(UNITS, return_sequences=True),
                                 keras.layers.Dense(1)])
fit_quiet(many_to_many, inputs_seq[tr_s], targets_seq[tr_s])

print("many-to-one  output shape:", many_to_one.output_shape, "(samples, horizon)")
print("many-to-many output shape:", many_to_many.output_shape, "(samples, time_steps, 1)")

# the same held-out one-step targets for both heads
# (validation windows: the one-step target z[start + T] lies in the held-out part)
va_m, va_s = starts_m + T >= n_train, starts_s + T >= n_train
one_step_m = run(many_to_one, Xm[va_m])[:, 0]
one_step_s = run(many_to_many, inputs_seq[va_s])[:, -1, 0]
k = min(len(one_step_m), len(one_step_s))
truth = Ym[va_m][:k, 0]
assert np.allclose(truth, targets_seq[va_s][:k, -1, 0])
heads = pd.Series({"many-to-one (direct, H outputs)": np.mean((one_step_m[:k] - truth) ** 2),
                   "many-to-many (next value at every step)": np.mean((one_step_s[:k] - truth) ** 2)},
                  name="one-step validation MSE (scaled)")
heads.to_frame()

# %%
winner = heads.idxmin()
print(f"On these {k} held-out windows the {winner} head has the lower one-step error "
      f"({heads.min():.3f} vs {heads.max():.3f}).")
print(f"Naive reference (last value carried forward): "
      f"{np.mean((Xm[va_m][:k, -1, 0] - truth) ** 2):.3f}")

# %% [markdown]
# ## What to take away
#
# * The Keras layers compute exactly the textbook equations once the gate ordering is known
#   (`i, f, c, o` for LSTM; `z, r, h` with `reset_after=True` for GRU) — verified to
#   floating-point precision above.
# * The gradient-by-lag measurement shows how far back each cell can learn from at the
#   start of training; the numbers printed under the plot say which cell held the
#   gradient best in this run.
# * Non-squashing activations with an unstable recurrent matrix make gradients explode
#   with the window length; `clipnorm` bounds the update.
# * Bidirectional and stacked variants multiply the parameter count; whether they help is
#   an empirical question for each series, answered honestly only by a backtest over many
#   origins (notebook 01).
