"""Built, compiled Keras networks for the recurrent forecasters, cached for reuse.

Building a Keras model and tracing its training step costs seconds; a training epoch of a
small recurrent network costs a fraction of that. A backtest refits the same architecture
many times, so a network is built once per architecture (and seed) and kept in a pool:
refitting restores the initial values of every variable (weights, optimizer slots, dropout
seed states) instead of building a new model. Fitted weights live on the forecaster as
NumPy arrays; a pooled network is a compute cache that loads them when needed.

Every initializer and dropout seed is derived from the model's seed explicitly
(:func:`layer_seeds`); no process-wide random state is read or set, so a seeded network
gives the same numbers in any thread, process or Dask worker.

This module imports Keras at import time; :mod:`forecast.models.recurrent` imports it
only inside ``fit``/``predict``.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

# quiet TensorFlow's C++ start-up logging unless the user chose a level
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

_CELLS = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
_LOSSES = {"mse": "MeanSquaredError", "mae": "MeanAbsoluteError", "huber": "Huber"}
_POOL: dict[tuple, list[Net]] = {}
_LOCK = threading.Lock()
_TOKENS = itertools.count(1)
_THREADS_SET: Any = False  # the thread settings once made (configure_threads)
BLOCK = 16  # full mini-batches per compiled training call (TensorFlow backend)


def new_token() -> int:
    return next(_TOKENS)


def _cores() -> int:
    """CPU cores this process may run on (its affinity mask, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def configure_threads() -> dict[str, Any]:
    """Set TensorFlow's thread pools explicitly, once, before its runtime starts, and
    return them (``{"intra_op": n, "inter_op": k, "source": why}``).

    The intra-op count comes from ``FORECAST_TF_THREADS``, else ``TF_NUM_INTRAOP_THREADS``
    (set to 1 around parallel backtest tasks), else ``OMP_NUM_THREADS`` (set by joblib in
    parallel workers), else the cores this process may use (its CPU affinity, not
    TensorFlow's guess from the machine); inter-op threads get ``min(2, n)`` (a recurrent
    network's graph is a chain: more inter-op threads only contend). When TensorFlow's
    runtime was started by other code first, its settings are kept and reported.
    """
    global _THREADS_SET
    if _THREADS_SET is not False:
        return _THREADS_SET
    if keras.backend.backend() != "tensorflow":
        _THREADS_SET = {"intra_op": None, "inter_op": None, "source": f"{keras.backend.backend()} backend"}
        return _THREADS_SET
    source, n = "cores", _cores()
    for var in ("FORECAST_TF_THREADS", "TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var)
        if value:
            try:
                n, source = max(1, int(value)), var
                break
            except ValueError:
                continue
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(min(2, n))
        _THREADS_SET = {"intra_op": n, "inter_op": min(2, n), "source": source}
    except RuntimeError:  # runtime already initialised by the user's own code
        _THREADS_SET = {"intra_op": tf.config.threading.get_intra_op_parallelism_threads() or None,
                        "inter_op": tf.config.threading.get_inter_op_parallelism_threads() or None,
                        "source": "set before forecast (TensorFlow already started)"}
    return _THREADS_SET


def versions() -> dict[str, str]:
    import numpy
    import sklearn

    out = {"keras": keras.__version__, "backend": keras.backend.backend(),
           "numpy": numpy.__version__, "scikit-learn": sklearn.__version__}
    backend = keras.backend.backend()
    try:
        mod = __import__({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(backend, backend))
        out[backend] = getattr(mod, "__version__", "?")
    except ImportError:  # pragma: no cover
        pass
    return out


def layer_seeds(seed: int | None) -> np.random.Generator:
    """The generator of every initializer and dropout seed of a network with ``seed``.

    Seeds are drawn from ``numpy.random.default_rng(seed)`` in a fixed order, so a network's
    initial weights and dropout masks depend on its seed only: no process-wide random state
    (Python's ``random``, NumPy's or TensorFlow's global seed) is read or set, and other
    threads drawing random numbers meanwhile change nothing. Without a seed, fresh entropy.
    """
    return np.random.default_rng(seed)


def _draw(rng: np.random.Generator) -> int:
    return int(rng.integers(1, 2**31 - 1))


#: "auto" unrolls the recurrent loop of windows up to this many steps (TensorFlow on a CPU) ...
UNROLL_MAX_STEPS = 24
#: ... in fits that run at least this many training steps (30 batches an epoch, 5 epochs)
UNROLL_MIN_TRAINING = 150


def unroll_pays(time_steps: int, fewest_steps: int) -> bool:
    """Whether ``unroll="auto"`` unrolls the recurrent loop of a network with ``time_steps``
    whose fit runs at least ``fewest_steps`` training steps.

    Unrolled, a training step costs 0.6-0.86x a graph loop's on a CPU, but the first call
    traces and optimises a graph that grows with the window: +0.0-0.6 s at 6-12 steps, +0.6-1.3 s
    at 18-24 and +1.6-2.9 s at 36 (``benchmarks/bench_recurrent.py --unroll``). Up to 24 steps
    it pays back at once to within 920 training steps (1,740 for an LSTM at 18 steps, whose step
    saving is the smallest); at 36 steps it would take 880-1,320. A fit that cannot stop before
    ``UNROLL_MIN_TRAINING`` steps (the first epoch, the shortest patience and the refit's
    fewest epochs) unrolls: early stopping mostly runs past that least, and a backtest's
    later refits reuse the traced network, so its first call is paid once. A fit with fewer
    (one short series: a few batches an epoch, e.g. 4 for the airline series in 12-step
    windows; the M3 samples of 140-170 series in ``bench_recurrent --m3`` have 30-100) keeps the loop rolled, where the dearer first call would not
    be paid back.
    On a GPU the loop stays rolled: TensorFlow runs it as one fused cuDNN kernel only then.
    Other backends compile everything with XLA, where an unrolled loop only adds compile time.
    """
    if (keras.backend.backend() != "tensorflow" or int(time_steps) > UNROLL_MAX_STEPS
            or int(fewest_steps) < UNROLL_MIN_TRAINING):
        return False
    configure_threads()
    import tensorflow as tf

    return not tf.config.list_physical_devices("GPU")


def build_model(spec: dict[str, Any]) -> keras.Model:
    """The Keras model of an architecture ``spec`` (see ``RecurrentForecaster._spec``).

    Every random initializer (input and recurrent kernels, dense kernels) and every dropout
    seed is set explicitly from ``spec["seed"]`` (see :func:`layer_seeds`); biases start at
    zero (the LSTM forget gate at one). ``spec["unroll"]`` unrolls the recurrent loop (see
    :func:`unroll_pays`)."""
    from keras import initializers, layers

    rng = layer_seeds(spec["seed"])
    inp = keras.Input((spec["time_steps"], spec["n_features"]), name="window")
    x = inp
    Cell = getattr(layers, _CELLS[spec["cell"]])

    def cell(i: int, backwards: bool = False) -> keras.layers.Layer:
        name = f"{spec['cell']}_{i}"
        return Cell(spec["units"], activation=spec["activation"], dropout=spec["dropout"],
                    recurrent_dropout=spec["recurrent_dropout"], return_sequences=i < spec["layers"] - 1,
                    kernel_initializer=initializers.GlorotUniform(seed=_draw(rng)),
                    recurrent_initializer=initializers.Orthogonal(seed=_draw(rng)),
                    seed=_draw(rng), go_backwards=backwards, unroll=bool(spec.get("unroll", False)),
                    name=f"backward_{name}" if backwards else name)

    for i in range(spec["layers"]):
        rnn = cell(i)
        if spec["bidirectional"]:  # the backward layer gets seeds of its own
            rnn = layers.Bidirectional(rnn, backward_layer=cell(i, backwards=True), name=f"bidirectional_{i}")
        x = rnn(x)
    inputs = [inp]
    if spec["n_future"]:
        fut = keras.Input((spec["n_future"],), name="future")
        inputs.append(fut)
        x = layers.Concatenate(name="with_future")([x, fut])
    for j, units in enumerate(spec["dense_layers"]):
        x = layers.Dense(units, activation="relu", kernel_initializer=initializers.GlorotUniform(seed=_draw(rng)),
                         name=f"dense_{j}")(x)
    out = layers.Dense(spec["horizon"], kernel_initializer=initializers.GlorotUniform(seed=_draw(rng)),
                       name="head")(x)
    return keras.Model(inputs if len(inputs) > 1 else inp, out, name=f"{spec['cell']}_forecaster")


class Net:
    """A built model, its optimizer and compiled train/predict functions."""

    def __init__(self, spec: dict[str, Any]):
        configure_threads()
        self.spec = spec
        self.model = build_model(spec)
        clip = spec["clipnorm"]
        self.optimizer = keras.optimizers.Adam(learning_rate=spec["learning_rate"],
                                               clipnorm=None if not clip else float(clip))
        self.loss = getattr(keras.losses, _LOSSES[spec["loss"]])()
        self.optimizer.build(self.model.trainable_variables)
        self.backend = keras.backend.backend()
        self.two_inputs = bool(spec["n_future"])
        if self.backend == "tensorflow":
            self._compile_tf()
        else:
            self.model.compile(optimizer=self.optimizer, loss=self.loss)
        self._variables = list(self.model.variables) + list(self.optimizer.variables)
        # Variable.numpy(): np.array(variable) goes through an __array__ without numpy 2's copy
        # keyword and warns (DeprecationWarning) once per variable on every network built.
        self._initial = [np.array(v.numpy()) for v in self._variables]
        self.loaded: int | None = None

    # ------------------------------------------------------------------ compiled functions
    def _compile_tf(self) -> None:
        """Two traced functions: a block of training steps (a graph loop over stacked
        mini-batches, like Keras' ``steps_per_execution``) and inference."""
        import tensorflow as tf

        T, F, H, K = (self.spec["time_steps"], self.spec["n_features"], self.spec["horizon"],
                      self.spec["n_future"])
        model, optimizer, loss_fn = self.model, self.optimizer, self.loss
        two = self.two_inputs

        def step(x, f, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model([x, f] if two else x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(grads, model.trainable_variables)
            return loss

        block = [tf.TensorSpec((None, None, T, F), tf.float32), tf.TensorSpec((None, None, max(K, 1)), tf.float32),
                 tf.TensorSpec((None, None, H), tf.float32)]

        def make_train_steps(jit: bool):
            @tf.function(input_signature=block, jit_compile=jit)
            def train_steps(xb, fb, yb):
                total = tf.constant(0.0)
                for i in tf.range(tf.shape(xb)[0]):
                    total += step(xb[i], fb[i], yb[i])
                return total

            return train_steps

        self._jit = bool(self.spec.get("jit_compile", False))
        self._make_train_steps = make_train_steps
        train_steps = make_train_steps(self._jit)

        single = [tf.TensorSpec((None, T, F), tf.float32), tf.TensorSpec((None, max(K, 1)), tf.float32)]

        @tf.function(input_signature=single)
        def predict(x, f):
            return model([x, f] if two else x, training=False)

        self._train_steps, self._predict = train_steps, predict

    def _run_train_steps(self, xb: np.ndarray, fb: np.ndarray, yb: np.ndarray) -> float:
        """One compiled block of training steps; if XLA cannot compile the network, the
        block runs (and later ones too) without XLA. A failed compilation changes no
        variable, so nothing is lost."""
        try:
            return float(self._train_steps(xb, fb, yb))
        except Exception as err:  # noqa: BLE001 - XLA's errors come in several types
            if not self._jit:
                raise
            import tensorflow as tf

            if not isinstance(err, tf.errors.OpError):
                raise
            self._jit = False
            self._train_steps = self._make_train_steps(False)
            return float(self._train_steps(xb, fb, yb))

    def _tf_args(self, inputs: Any, lead: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        if self.two_inputs:
            x, f = inputs
        else:
            x, f = inputs, np.zeros((*lead, 1), dtype=np.float32)
        return x, f

    def _args(self, inputs: Any) -> tuple:
        return tuple(inputs) if isinstance(inputs, tuple | list) else (inputs,)

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Restore every variable (weights, optimizer slots, seed states) to its initial value."""
        for var, value in zip(self._variables, self._initial, strict=True):
            var.assign(value)
        self.loaded = None

    def get_weights(self) -> list[np.ndarray]:
        return [np.array(w) for w in self.model.get_weights()]

    def load(self, token: int, weights: list[np.ndarray]) -> None:
        if self.loaded != token:
            self.model.set_weights(weights)
            self.loaded = token

    # ------------------------------------------------------------------ training / inference
    def train_batch(self, inputs: Any, y: np.ndarray) -> float:
        """One optimisation step on one mini-batch; returns its loss."""
        if self.backend == "tensorflow":
            x, f = self._tf_args(inputs, (len(y),))
            return self._run_train_steps(x[None], f[None], y[None])
        out = self.model.train_on_batch(list(self._args(inputs)) if self.two_inputs else inputs, y)
        return float(out if np.ndim(out) == 0 else out[0])

    def _epoch(self, source: Any) -> tuple[float, int]:
        """One pass over the batch source; on TensorFlow, up to ``BLOCK`` full batches per call."""
        total, count, steps, b, i = 0.0, 0, len(source), source.batch_size, 0
        while i < steps:
            ids = [source.sample_ids(j) for j in range(i, min(i + BLOCK, steps))] \
                if self.backend == "tensorflow" else [source.sample_ids(i)]
            if len(ids) > 1 and len(ids[-1]) != b:
                ids = ids[:-1]  # a short last batch goes on its own
            k = len(ids)
            if self.backend != "tensorflow" and len(ids[0]) != b and count:
                break  # XLA backends compile per shape: drop the short last batch (it varies per epoch)
            inputs, y = source.gather(np.concatenate(ids))
            if self.backend == "tensorflow":
                x, f = self._tf_args(inputs, (len(y),))
                n = len(ids[0])
                total += self._run_train_steps(x.reshape(k, n, *x.shape[1:]), f.reshape(k, n, -1),
                                               y.reshape(k, n, -1)) * n
            else:
                total += self.train_batch(inputs, y) * len(y)
            count += len(y)
            i += k
        return total, count

    def evaluate(self, inputs: Any, y: np.ndarray) -> float:
        """Mean loss of the network's forecasts (inference mode)."""
        e = self.predict(inputs) - y
        if self.spec["loss"] == "mse":
            return float(np.mean(e ** 2))
        if self.spec["loss"] == "mae":
            return float(np.mean(np.abs(e)))
        a = np.abs(e)
        return float(np.mean(np.where(a <= 1.0, 0.5 * e ** 2, a - 0.5)))

    def predict(self, inputs: Any, chunk: int = 8192) -> np.ndarray:
        """Network outputs for a batch of windows, in one call (chunked only when huge)."""
        args = [np.asarray(a, dtype=np.float32) for a in self._args(inputs)]
        n = args[0].shape[0]
        outs = []
        for lo in range(0, max(n, 1), chunk):
            part = [a[lo:lo + chunk] for a in args]
            if self.backend == "tensorflow":
                x, f = self._tf_args(tuple(part) if self.two_inputs else part[0], (len(part[0]),))
                outs.append(self._predict(x, f).numpy())
            else:  # pad to a power of two so that XLA backends compile few shapes
                m = len(part[0])
                size = 1 << max(3, (m - 1).bit_length())
                padded = [np.concatenate([a, np.zeros((size - m, *a.shape[1:]), a.dtype)]) for a in part]
                out = self.model.predict_on_batch(padded if self.two_inputs else padded[0])
                outs.append(np.asarray(out)[:m])
        return np.concatenate(outs).astype(np.float64)

    def learning_rate(self) -> float:
        return float(np.asarray(self.optimizer.learning_rate))

    def continue_from(self, weights: list[np.ndarray], learning_rate: float) -> None:
        """Start further training from ``weights`` (the early-stopped network) with fresh
        optimizer moments at ``learning_rate``: every optimizer variable back to its initial
        value, then the weights and the rate set. The result depends on ``weights`` and the
        rate only, not on which pooled network runs it."""
        n_model = len(self.model.variables)
        for var, value in zip(self._variables[n_model:], self._initial[n_model:], strict=True):
            var.assign(value)
        self.model.set_weights(weights)
        self.optimizer.learning_rate.assign(float(learning_rate))
        self.loaded = None

    def train(self, source: Any, *, epochs: int, validation: Any = None, patience: int = 10,
              min_delta: float = 0.0, min_patience: int | None = None,
              lr_patience: int | None = None, lr_factor: float = 0.5,
              min_lr_ratio: float = 1 / 64,
              callback: Callable[[int, float, float | None], None] | None = None,
              verbose: int = 0) -> dict[str, Any]:
        """Train from a batch source; early stopping on ``validation`` (restoring the best).

        An epoch *improves* when its validation loss is below ``ref * (1 - min_delta)``,
        ``ref`` being the loss of the last improving epoch (``min_delta`` is relative, so it
        means the same on every loss scale). Training stops after ``patience`` epochs without
        an improvement; with ``min_patience``, after as many epochs as the last improvement
        took to reach (at least ``min_patience``, at most ``patience``): a network whose best
        came at epoch 3 stops at epoch 6, not 13 (training runs at most twice as long as its
        progress needed: the growing patience of the deeplearning.net tutorials' early
        stopping, ``patience_increase = 2``). The weights of the lowest validation loss seen
        are restored. With ``lr_patience``, the learning rate is multiplied by ``lr_factor``
        after that many epochs without an improvement (reduce on plateau; again every
        ``lr_patience`` epochs, down to ``min_lr_ratio`` times the starting rate). Returns the
        losses per epoch, the best epoch, the epochs waited without an improvement at the end
        (``waited``), the learning rate at the end, how many times it was reduced and why
        training stopped (``stopped``: ``"early stopping"``, ``"epoch cap"`` or
        ``"no validation"``)."""
        history: list[float] = []
        val_history: list[float] = []
        best, best_weights, ref, wait, ref_epoch = np.inf, None, np.inf, 0, 0
        lr0, reductions = self.learning_rate(), 0
        stopped = "epoch cap" if validation is not None else "no validation"
        dataset = source.as_pydataset() if self.backend != "tensorflow" else None
        for epoch in range(epochs):
            if self.backend == "tensorflow":
                total, count = self._epoch(source)
                source.on_epoch_end()
            else:  # JAX / PyTorch: Keras' own compiled loop over the view-based batches
                fit = self.model.fit(dataset, epochs=1, verbose=0, shuffle=False)
                count = sum(len(source.sample_ids(i)) for i in range(len(source)))
                total = float(fit.history["loss"][-1]) * count
            loss = total / max(count, 1)
            history.append(loss)
            val = None
            if validation is not None:
                vals, n = 0.0, 0
                for lo in range(0, validation.n_samples, 4096):
                    inputs, y = validation.gather(np.arange(lo, min(lo + 4096, validation.n_samples)))
                    vals += self.evaluate(inputs, y) * len(y)
                    n += len(y)
                val = vals / max(n, 1)
                val_history.append(val)
            if verbose:
                extra = "" if val is None else f" - val_loss {val:.5f}"
                print(f"epoch {epoch + 1}/{epochs} - loss {loss:.5f}{extra}")
            if callback is not None:
                callback(epoch, loss, val)
            if val is None:
                continue
            if val < best:
                best, best_weights = val, self.get_weights()
            if val < ref * (1.0 - min_delta) or not np.isfinite(ref):
                ref, wait, ref_epoch = val, 0, epoch + 1
                continue
            wait += 1
            if wait >= (patience if min_patience is None else min(patience, max(min_patience, ref_epoch))):
                stopped = "early stopping"
                break
            if lr_patience and wait % lr_patience == 0:
                lr = self.learning_rate()
                if lr * lr_factor >= lr0 * min_lr_ratio * (1 - 1e-6):
                    self.optimizer.learning_rate.assign(lr * lr_factor)
                    reductions += 1
        if best_weights is not None:
            self.model.set_weights(best_weights)
        return {"loss": history, "val_loss": val_history,
                "best_epoch": (int(np.argmin(val_history)) + 1) if val_history else len(history),
                "stopped": stopped, "waited": wait, "lr_reductions": reductions, "final_lr": self.learning_rate()}


def _key(spec: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in spec.items())) + (keras.backend.backend(),)


def acquire(spec: dict[str, Any]) -> Net:
    """A network for ``spec``: an idle cached one when available, else a new one."""
    key = _key(spec)
    with _LOCK:
        idle = _POOL.get(key)
        if idle:
            return idle.pop()
    return Net(spec)


def release(net: Net) -> None:
    """Give a network back to the pool (at most 4 idle networks per architecture)."""
    with _LOCK:
        idle = _POOL.setdefault(_key(net.spec), [])
        if len(idle) < 4:
            idle.append(net)


def clear_pool() -> None:
    """Forget every cached network (frees their memory)."""
    with _LOCK:
        _POOL.clear()
