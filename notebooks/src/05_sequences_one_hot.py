# %% [markdown]
# # 05 · Sequences of symbols: one-hot text and a character-level LSTM
#
# Forecasting a number from the values before it, and predicting the next *character* of a
# text from the characters before it, are the same problem: a window of the past goes into
# a recurrent network, and the network outputs what comes next. The only differences are
# the encoding of the inputs (one-hot vectors instead of scaled numbers) and of the output
# (a probability for every symbol — a softmax — instead of one number).
#
# This notebook uses a public-domain text shipped with the toolkit (25 of Shakespeare's
# sonnets, 1609; see `data/README.md`) and
#
# 1. builds a vocabulary and one-hot encodes the text;
# 2. cuts it into windows of shape `(samples, time_steps, features)` with
#    `forecast.windows.make_windows` — the same function the recurrent forecasters use;
# 3. trains a character-level LSTM to predict the next character, scored on a held-out
#    part of the text against a simple frequency baseline;
# 4. generates text by sampling from the network's output at three temperatures.
#
# `FORECAST_FAST=1` trains a much smaller network on part of the text; the generated text
# is then close to noise, which is expected.

# %%
%matplotlib inline
import logging
import os

FAST = os.environ.get("FORECAST_FAST", "0") not in ("", "0")

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import forecast as fc
from forecast.windows import make_windows

keras.utils.set_random_seed(0)
logging.getLogger("tensorflow").setLevel(logging.ERROR)

text = (fc.datasets.DATA_DIR / "sonnets.txt").read_text(encoding="utf-8")
text = text[text.index("\nI\n"):]            # drop the title lines
text = text.lower()
print(f"{len(text):,} characters; fast mode: {FAST}")
print(text[:300])

# %% [markdown]
# ## 1. Vocabulary and one-hot encoding
#
# Each distinct character gets an integer code; the one-hot vector of code `k` is the
# `k`-th row of the identity matrix. A text of `n` characters becomes an `(n, V)` matrix
# with a single 1 per row. One-hot vectors carry no spurious order (the letter `b` is not
# "between" `a` and `c`), which is exactly why categorical inputs are encoded this way —
# the same holds for categorical exogenous variables in forecasting (weekday, holiday type).

# %%
vocab = sorted(set(text))
V = len(vocab)
char_to_code = {ch: i for i, ch in enumerate(vocab)}
codes = np.array([char_to_code[ch] for ch in text], dtype=np.int64)
one_hot = np.eye(V, dtype="float32")[codes]           # (n, V)

print(f"vocabulary of {V} symbols:", repr("".join(vocab)))
print("one-hot matrix:", one_hot.shape, "| each row sums to 1:", bool(np.all(one_hot.sum(1) == 1)))
word = text[:5]
pd.DataFrame(one_hot[:5], index=list(word), columns=vocab).loc[:, lambda d: d.any()]

# %%
freq = pd.Series(codes).value_counts().sort_index()
freq.index = [repr(vocab[i]) for i in freq.index]
ax = freq.sort_values(ascending=False).plot.bar(figsize=(12, 2.8), title="character frequencies")
ax.set_ylabel("count"); plt.show()

# %% [markdown]
# ## 2. Windows of shape (samples, time_steps, features)
#
# `make_windows(values, time_steps, horizon, stride=...)` returns every (input window,
# target) pair as **views** into the original array — no copy, however many windows.
# For the inputs we window the one-hot matrix (`features = V`); for the targets we window
# the integer codes with the same geometry, so that target `i` is the code of the character
# right after input window `i`. The last 10% of the text is held out.

# %%
T = 20 if FAST else 40
STRIDE = 3 if FAST else 1
n_text = len(text) if not FAST else 6000
split = int(0.9 * n_text)

X_train, _ = make_windows(one_hot[:split], T, 1, stride=STRIDE)
_, Y_train = make_windows(codes[:split], T, 1, stride=STRIDE)
X_test, _ = make_windows(one_hot[split:n_text], T, 1)
_, Y_test = make_windows(codes[split:n_text], T, 1)
print("X_train", X_train.shape, "(samples, time_steps, features)   Y_train", Y_train.shape)
print("X_test ", X_test.shape, "  Y_test ", Y_test.shape)
print("views, not copies:", np.shares_memory(X_train, one_hot),
      f"— the windows would take {X_train.size * 4 / 1e6:.1f} MB as a copy, "
      f"the one-hot matrix itself takes {one_hot[:split].nbytes / 1e6:.2f} MB")

i = 7
window_text = "".join(vocab[k] for k in X_train[i].argmax(-1))
print(f"window {i}: {window_text!r} -> next character {vocab[int(Y_train[i, 0])]!r}")
assert window_text + vocab[int(Y_train[i, 0])] == text[i * STRIDE : i * STRIDE + T + 1]

# %% [markdown]
# ## 3. A character-level LSTM
#
# An LSTM reads the window; a dense layer with a softmax gives a probability for each of
# the `V` characters; training minimises the cross-entropy of the true next character
# (`sparse_categorical_crossentropy` takes the integer code directly). Compared with the
# forecasters, only the head and the loss changed: the network is a many-to-one model
# exactly like `fc.LSTM(horizon=1)`.
#
# To judge the result we need a reference. A model that ignores the context and always
# predicts the training frequencies of the characters (a "unigram" model) has a
# cross-entropy equal to the entropy of those frequencies. We report both as
# **perplexity** $= e^{\text{cross-entropy}}$: the effective number of characters the model
# is choosing between at each step (lower is better; `V` for a uniform guess).

# %%
UNITS = 32 if FAST else 192
EPOCHS = 2 if FAST else 30

model = keras.Sequential([
    keras.Input((T, V)),
    keras.layers.LSTM(UNITS),
    keras.layers.Dense(V, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005, clipnorm=1.0),
              loss="sparse_categorical_crossentropy")
model.summary()
# the last 10% of the training windows decide when to stop (the held-out text stays unseen);
# early stopping keeps the weights of the best epoch, as the toolkit's forecasters do
stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
history = model.fit(np.asarray(X_train), np.asarray(Y_train[:, 0]), epochs=EPOCHS,
                    batch_size=128, verbose=0, validation_split=0.1, callbacks=[stop])

# %%
train_counts = np.bincount(codes[:split], minlength=V) + 1.0      # add-one smoothing
unigram_p = train_counts / train_counts.sum()
unigram_ce = float(-np.mean(np.log(unigram_p[Y_test[:, 0]])))
lstm_ce = float(model.evaluate(np.asarray(X_test), np.asarray(Y_test[:, 0]), verbose=0))

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(np.exp(history.history["loss"]), label="LSTM, training text")
ax.plot(np.exp(history.history["val_loss"]), label="LSTM, validation part of the training text")
ax.axhline(np.exp(unigram_ce), color="k", ls="--", label="unigram (frequencies only), held-out")
ax.set_xlabel("epoch"); ax.set_ylabel("perplexity"); ax.legend(); plt.show()

scores = pd.Series({"uniform guess": float(V), "unigram frequencies": np.exp(unigram_ce),
                    "character LSTM": np.exp(lstm_ce)}, name="held-out perplexity")
print(scores.round(2).to_string())
gain = 1 - scores["character LSTM"] / scores["unigram frequencies"]
if gain > 0.05:
    print(f"\nThe context of {T} characters cuts the perplexity by {100 * gain:.0f}% relative to the "
          "frequencies alone: the network has learned something about which character follows which.")
elif gain > 0:
    print(f"\nThe LSTM is only {100 * gain:.1f}% better than the frequencies alone: it has barely started "
          "to use the context" + (" (fast mode trains for two epochs only)." if FAST else "."))
else:
    print("\nIn this run the LSTM does not beat the frequency baseline on held-out text"
          + (" (fast mode trains for two epochs only)." if FAST else "."))
best_epoch = int(np.argmin(history.history["val_loss"])) + 1
ran = len(history.history["val_loss"])
if ran < EPOCHS:
    print(f"Early stopping ended training after {ran} of {EPOCHS} epochs and kept the weights of "
          f"epoch {best_epoch}, where the validation loss was lowest: later epochs over-fit a text this short.")

# %% [markdown]
# ## 4. Generating text with temperature sampling
#
# To generate, start from a seed window, sample the next character from the network's
# distribution, append it, slide the window, repeat. The **temperature** $\tau$ reshapes
# the distribution before sampling, $p_i \propto p_i^{1/\tau}$:
#
# * $\tau \to 0$ always takes the most likely character (repetitive, safe);
# * $\tau = 1$ samples from the model as trained;
# * $\tau > 1$ flattens the distribution (more surprising, more misspelt).
#
# The same choice exists in probabilistic forecasting: the mean forecast versus sample paths
# drawn from the predictive distribution.

# %%
def sample(probs, temperature, rng):
    logits = np.log(np.maximum(probs, 1e-12)) / temperature
    p = np.exp(logits - logits.max())
    return int(rng.choice(len(p), p=p / p.sum()))


TEMPERATURES = (0.2, 0.7, 1.2)


def generate(seed_text, n_chars, temperatures=TEMPERATURES, seed=0):
    """One continuation of `seed_text` per temperature, generated side by side as one batch."""
    rng = np.random.default_rng(seed)
    windows = [[char_to_code[c] for c in seed_text[-T:]] for _ in temperatures]
    outs = [[] for _ in temperatures]
    for _ in range(n_chars):
        x = np.eye(V, dtype="float32")[np.array(windows)]               # (len(temperatures), T, V)
        probs = np.asarray(model.predict_on_batch(x), dtype=float)
        for j, tau in enumerate(temperatures):
            k = sample(probs[j], tau, rng)
            outs[j].append(vocab[k])
            windows[j] = windows[j][1:] + [k]
    return ["".join(o) for o in outs]


seed_text = text[split:split + T]
N_GEN = 120 if FAST else 400
print(f"seed (from the held-out text): {seed_text!r}\n")
for tau, continuation in zip(TEMPERATURES, generate(seed_text, N_GEN), strict=True):
    print(f"--- temperature {tau} ---")
    print(seed_text + continuation)
    print()

# %% [markdown]
# How often does generated text consist of real words? A crude check: the share of the
# generated words (letters only) that occur somewhere in the training text.

# %%
import re

known = set(re.findall(r"[a-z']+", text[:split]))
rows = {}
for tau, generated in zip(TEMPERATURES, generate(seed_text, N_GEN * 2, seed=1), strict=True):
    words = re.findall(r"[a-z']+", generated)
    rows[tau] = {"generated words": len(words),
                 "share found in the training text": np.mean([w in known for w in words]) if words else np.nan,
                 "distinct words": len(set(words))}
real_words = pd.DataFrame(rows).T.rename_axis("temperature")
real_words

# %%
share = real_words["share found in the training text"]
print(f"Share of real words: {', '.join(f'{s:.0%} at τ={t}' for t, s in share.items())}.")
if share.is_monotonic_decreasing:
    print("Lower temperatures stay closer to the training vocabulary; higher ones invent more "
          "words — the usual trade of fidelity against variety.")
elif share.iloc[0] >= share.iloc[-1]:
    print("The coldest sampling stays closest to the training vocabulary, though the share does not "
          "fall steadily with the temperature in this run (a few hundred characters is a small sample).")
else:
    print("In this run the hottest sampling produced the larger share of real words — with so "
          "little training the model's distribution is close to flat at every temperature.")

# %% [markdown]
# ## The same machinery as forecasting
#
# | | forecasting a series | predicting the next character |
# | --- | --- | --- |
# | input at each step | scaled value(s), `features` = series + covariates | one-hot vector, `features = V` |
# | windows | `make_windows(values, time_steps, horizon)` | the same call on the one-hot matrix |
# | network | LSTM / GRU / RNN, many-to-one | the same |
# | head and loss | `Dense(horizon)`, mean squared error | `Dense(V, softmax)`, cross-entropy |
# | "forecast" | point forecast + interval | a distribution over symbols, sampled with a temperature |
# | honest evaluation | held-out origins (backtest) vs naive baselines | held-out text vs the frequency baseline |
