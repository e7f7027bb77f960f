"""Training of the recurrent forecasters (:class:`RecurrentTraining`, a part of
:class:`~forecast.models.recurrent.RecurrentForecaster`).

Windows are drawn as shuffled mini-batches from zero-copy views
(:class:`forecast.windows.WindowBatches`); Adam with gradient clipping; the last
``validation_fraction`` of the windows (chronologically, after a gap of ``horizon - 1``
windows so no target is shared) drive early stopping, which restores the best weights and
halves the learning rate on a plateau; with ``refit`` the early-stopped network then
continues on every window, the newest included, for a few epochs. The networks themselves
live in :mod:`forecast.models._keras_net` (imported only here, inside the methods).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Self

import numpy as np
import pandas as pd

from ..errors import ModelError
from ..windows import WindowBatches
from .recurrent_settings import SINGLE, is_auto

__all__ = ["RecurrentTraining"]

MIN_DELTA = 0.002  # an epoch improves on the validation loss when it lowers it by 0.2% (relative)
MIN_PATIENCE = 3  # early in training the patience is the epochs the last improvement took, at least 3
LR_FACTOR = 0.5  # reduce on plateau: the learning rate halves after patience // 2 epochs without improvement
REFIT_SHARE = 0.1  # the refit continues for 10% of the best epoch count (at least REFIT_MIN, at most best)
REFIT_MIN = 3


class RecurrentTraining:
    """The network's specification, training with early stopping, the refit, epoch hooks."""

    def _spec(self, n_features: int, n_future: int) -> dict[str, Any]:
        return {"cell": self.cell, "time_steps": int(self._rp("time_steps")), "horizon": int(self._rp("horizon")),
                "n_features": int(n_features), "n_future": int(n_future), "units": int(self.units),
                "layers": int(self.layers), "dense_layers": [int(u) for u in self.dense_layers],
                "bidirectional": bool(self.bidirectional), "dropout": float(self.dropout),
                "recurrent_dropout": float(self.recurrent_dropout), "activation": self.activation,
                "learning_rate": float(self.learning_rate),
                "clipnorm": None if not self.clipnorm else float(self.clipnorm), "loss": self._rp("loss"),
                "seed": None if self.seed is None else int(self.seed),
                "jit_compile": bool(self.jit_compile), "unroll": bool(self.resolved_params_["unroll"])}

    def _network_call(self, fn: Callable[[Any], Any]) -> Any:
        from . import _keras_net

        net = _keras_net.acquire(self.spec_)
        try:
            net.load(self._token, self.weights_)
            return fn(net)
        finally:
            _keras_net.release(net)

    def on_epoch(self, callback: Callable[[int, float, float | None], None] | None) -> Self:
        """Set a hook called after each training epoch with ``(epoch, loss, val_loss)``
        (``val_loss`` is None without validation), e.g. to drive a progress bar. Returns self."""
        self._callback = callback
        return self

    def _fit_many(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None) -> None:
        from . import _keras_net

        self.resolved_params_ = None
        self._n_exog = 0 if Xs is None else next(iter(Xs.values())).shape[1]
        self._resolve_data(ys)
        H = int(self._rp("horizon"))
        arrays, train_starts, val_starts, pads = self._training_windows(ys, Xs)
        has_val = sum(len(v) for v in val_starts) > 0
        self._resolve_budget(sum(len(t) for t in train_starts), has_val)
        r = self.resolved_params_
        r["padded_series"] = int(sum(p > 0 for p in pads))
        n_ex = 0 if Xs is None else next(iter(Xs.values())).shape[1]
        future = None if n_ex == 0 else [a[:, 1:] for a in arrays]
        self.n_exog_ = n_ex
        common = {"time_steps": r["time_steps"], "horizon": H, "lag": self.lag,
                  "batch_size": r["batch_size"], "future": future, "window_norm": r["window_norm"]}
        train = WindowBatches(arrays, starts=train_starts, shuffle=bool(self.shuffle), seed=self.seed,
                              steps_per_epoch=r["steps_per_epoch"], **common)
        val = WindowBatches(arrays, starts=val_starts, shuffle=False, **common) if has_val else None
        patience = int(self.patience)
        r["unroll"] = (_keras_net.unroll_pays(r["time_steps"], self._fewest_steps(len(train), has_val, patience))
                       if is_auto(self.unroll) else bool(self.unroll))
        self.spec_ = self._spec(1 + n_ex, H * n_ex)
        lr_patience = max(1, patience // 2) if patience > 1 else None
        self.history_ = self._train(train, epochs=r["epochs"], validation=val, patience=patience,
                                    min_delta=MIN_DELTA, min_patience=min(MIN_PATIENCE, patience),
                                    lr_patience=lr_patience, lr_factor=LR_FACTOR,
                                    callback=self._epoch_callback("train", r["epochs"]), verbose=int(self.verbose))
        self.versions_ = _keras_net.versions()
        self.seed_ = self.seed
        # intervals from the early-stopped network on windows it did not train on, then the refit
        self._calibrate(ys, Xs, val_starts, train_starts, pads)
        self._report_training(patience, lr_patience)
        r["tf_threads"] = dict(_keras_net.configure_threads())
        if r["refit"]:
            self._refit_all(arrays, pads, common)

    def _fewest_steps(self, steps_per_epoch: int, has_validation: bool, patience: int) -> int:
        """The fewest training steps this fit can run: with validation, the first epoch and the
        shortest patience (early stopping cannot stop sooner), then the refit's fewest epochs
        (one: it runs at most the best epoch count); without, every epoch of the budget."""
        r = self.resolved_params_
        epochs = min(r["epochs"], 1 + min(MIN_PATIENCE, patience)) if has_validation else r["epochs"]
        return steps_per_epoch * (epochs + (1 if r["refit"] else 0))

    def _training_windows(self, ys: dict[str, pd.Series], Xs: dict[str, pd.DataFrame] | None
                          ) -> tuple[list[np.ndarray], list[range], list[range], list[int]]:
        """Each series in the network's scale (``scalers_`` fitted on its training rows), padded
        at the start when shorter than one window, with the starts of its training and
        validation windows and its padding."""
        span, H = self._span(), int(self._rp("horizon"))
        vf = float(self.validation_fraction)
        d = int(bool(self.difference))
        self.scalers_ = {}
        arrays, train_starts, val_starts, pads = [], [], [], []
        for sid, s in ys.items():
            yv = s.to_numpy()
            Xv = None if Xs is None else Xs[sid].to_numpy()
            g = self._levels(yv, f"series {self._key(sid)!r}" if sid != SINGLE else "y", sid)
            # the network's inputs, built in float32 and scaled in place (long series stay cheap)
            Z = np.empty((len(g) - d, 1 + (0 if Xv is None else Xv.shape[1])), dtype=np.float32)
            Z[:, 0] = np.diff(g) if d else g
            if Xv is not None:
                Z[:, 1:] = Xv[d:]
            pad = max(0, span + H - len(Z))  # a series shorter than one window: its first row repeated before it
            nw = len(Z) + pad - span - H + 1
            cut = nw
            if vf > 0 and not pad:
                cut = max(1, min(int(nw * (1 - vf)), nw - H))
            # the scaler sees only rows of training windows (inputs and targets)
            sc = self.scalers_[sid] = self._fit_scaler(Z[: max(1, cut - 1 + span + H - pad)])
            Z -= np.asarray(sc["loc"], dtype=np.float32)
            Z /= np.asarray(sc["scale"], dtype=np.float32)
            if pad:
                Z = np.concatenate([np.repeat(Z[:1], pad, axis=0), Z])
            pads.append(pad)
            arrays.append(Z)
            train_starts.append(range(cut))
            val_starts.append(range(cut + H - 1, nw) if vf > 0 else range(0))
        return arrays, train_starts, val_starts, pads

    def _report_training(self, patience: int, lr_patience: int | None) -> None:
        """How training went, in ``resolved_params_``: epochs run, the best epoch, why it
        stopped, the learning-rate schedule and the refit's epochs."""
        h, r = self.history_, self.resolved_params_
        r["epochs_run"] = len(h["loss"])
        r["best_epoch"] = int(h["best_epoch"])
        if h["stopped"] == "early stopping":
            r["stopped"] = (f"early stopping: no validation improvement > {100 * MIN_DELTA:g}% in "
                            f"{h['waited']} epochs" + ("" if h["waited"] >= patience else
                                                       f" (as many as its last improvement took; patience {patience})"))
        elif h["stopped"] == "epoch cap":
            r["stopped"] = f"epoch cap ({r['epochs']} epochs; the validation loss was still improving)"
        else:
            r["stopped"] = f"epoch cap ({r['epochs']} epochs; no validation windows)"
        r["learning_rate"] = {"start": float(self.learning_rate), "end": float(f"{h['final_lr']:.6g}"),
                              "reductions": int(h["lr_reductions"]),
                              "schedule": (f"x{LR_FACTOR:g} after {lr_patience} epochs without improvement"
                                           if lr_patience else "constant")}
        r["refit_epochs"] = self._refit_epochs() if r["refit"] else 0

    def _epoch_callback(self, stage: str, total: int) -> Callable[[int, float, float | None], None] | None:
        """The per-epoch hook of a training stage: the user's (:meth:`on_epoch`, early-stopped
        training only) and a progress reporter's (``_epoch_progress(stage, epoch, total)``,
        set by the backtest to draw the epochs on its progress bar)."""
        user = getattr(self, "_callback", None) if stage == "train" else None
        bar = self.__dict__.get("_epoch_progress")
        if user is None and bar is None:
            return None

        def hook(epoch: int, loss: float, val: float | None) -> None:
            if user is not None:
                user(epoch, loss, val)
            if bar is not None:
                bar(stage, epoch + 1, total)

        return hook

    def _refit_epochs(self) -> int:
        """Epochs of the refit: 10% of the best epoch count, at least 3, at most the best
        epoch count itself."""
        best = int(self.history_["best_epoch"])
        return int(min(best, max(REFIT_MIN, math.ceil(REFIT_SHARE * best))))

    def _train(self, batches, start: tuple[list[np.ndarray], float] | None = None,
               **train_kwargs: Any) -> dict[str, Any]:
        """Train a pooled network of this architecture and keep the weights; returns the
        training history. From its seeded initial weights, or with ``start = (weights,
        learning rate)`` from those weights with fresh optimizer moments (the refit
        continues from the early-stopped network)."""
        from . import _keras_net

        net = _keras_net.acquire(self.spec_)
        try:
            if start is None:
                net.reset()
            else:
                net.continue_from(*start)
            history = net.train(batches, **train_kwargs)
            self.weights_ = net.get_weights()
            self._token = _keras_net.new_token()
            net.loaded = self._token
        except (ValueError, TypeError, RuntimeError) as err:
            raise ModelError(f"{type(self).__name__}: training the network failed: {err}") from err
        finally:
            _keras_net.release(net)
        if not all(np.all(np.isfinite(w)) for w in self.weights_):
            raise ModelError(f"{type(self).__name__}: training diverged (non-finite weights); "
                             "lower learning_rate, keep clipnorm on, or scale the series")
        return history

    def _refit_all(self, arrays: list[np.ndarray], pads: list[int], common: dict[str, Any]) -> None:
        """Continue training the early-stopped network on every window, the validation
        windows (the newest data) included, for a few epochs (:meth:`_refit_epochs`), at the
        learning rate training ended with and fresh optimizer moments. The conformal
        residuals stay those of the early-stopped network on data it did not see."""

        span, H = self._span(), int(self._rp("horizon"))
        epochs = self._refit_epochs()
        starts = [range(len(a) - span - H + 1) for a in arrays]
        full = WindowBatches(arrays, starts=starts, shuffle=bool(self.shuffle), seed=self.seed,
                             steps_per_epoch=self._rp("steps_per_epoch"), **common)
        refit = self._train(full, start=(self.weights_, float(self.history_["final_lr"])), epochs=epochs,
                            validation=None, callback=self._epoch_callback("refit", epochs))
        self.history_["refit_loss"] = refit["loss"]
        if self.verbose:
            print(f"refit on every window for {epochs} epoch(s) - loss {refit['loss'][-1]:.5f}")
