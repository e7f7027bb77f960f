"""Sliding windows for the recurrent models, as zero-copy views, and shuffled batches.

A recurrent forecaster learns from pairs (input window, target block): the ``time_steps``
values before a time point, possibly spaced by a lag ``tau`` (``x(t), x(t - tau), ...``),
and the ``horizon`` values after it. :func:`make_windows` returns all pairs as NumPy views
of the original array (no copy, whatever the number of windows); :class:`WindowBatches`
draws shuffled mini-batches from one or many series by gathering only the rows of each
batch, so training never materialises all windows at once.

Nothing here imports Keras; :meth:`WindowBatches.as_pydataset` wraps a batch source into a
``keras.utils.PyDataset`` for ``model.fit`` when wanted.

>>> import numpy as np
>>> X, Y = make_windows(np.arange(10.0), time_steps=3, horizon=2)
>>> X.shape, Y.shape
((6, 3, 1), (6, 2))
>>> X[0, :, 0].tolist(), Y[0].tolist()
([0.0, 1.0, 2.0], [3.0, 4.0])
>>> np.shares_memory(X, Y)
True
>>> X, Y = make_windows(np.arange(10.0), time_steps=3, horizon=1, lag=2)
>>> X[0, :, 0].tolist(), Y[0].tolist()
([0.0, 2.0, 4.0], [5.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import InputError
from .validation import whole_number

__all__ = ["make_windows", "window_span", "n_windows", "WindowBatches"]


def window_span(time_steps: int, lag: int = 1) -> int:
    """Number of consecutive observations an input window covers: ``(time_steps - 1) * lag + 1``."""
    return (int(time_steps) - 1) * int(lag) + 1


def n_windows(length: int, time_steps: int, horizon: int, *, lag: int = 1, stride: int = 1) -> int:
    """How many (input, target) pairs a series of ``length`` observations gives."""
    full = int(length) - window_span(time_steps, lag) - int(horizon) + 1
    return max(0, (full + int(stride) - 1) // int(stride)) if full > 0 else 0


def make_windows(values: Any, time_steps: int, horizon: int, *, lag: int = 1,
                 stride: int = 1, target: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All (input window, target block) pairs of a series, as read-only zero-copy views.

    Parameters
    ----------
    values : array-like, shape (n,) or (n, features)
        The series (and extra feature channels as further columns).
    time_steps : int
        Input steps per window (``k``).
    horizon : int
        Target steps after each window (``m``).
    lag : int, default 1
        Spacing ``tau`` of the input steps: the window ending at ``t`` holds
        ``x(t - (k-1) tau), ..., x(t - tau), x(t)``.
    stride : int, default 1
        Distance between the end points of consecutive windows.
    target : int, default 0
        Column of ``values`` the targets come from.

    Returns
    -------
    X : numpy.ndarray, shape (samples, time_steps, features)
    Y : numpy.ndarray, shape (samples, horizon)
        Views into ``values`` (no data copied). Window ``i`` ends at position
        ``i * stride + (time_steps - 1) * lag`` and its targets follow it.
    """
    time_steps = whole_number(time_steps, "time_steps", low=1)
    horizon = whole_number(horizon, "horizon", low=1)
    lag = whole_number(lag, "lag", low=1)
    stride = whole_number(stride, "stride", low=1)
    arr = np.asarray(values)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise InputError(f"values must be 1-d or 2-d (n, features); got shape {arr.shape}")
    if not 0 <= target < arr.shape[1]:
        raise InputError(f"target column {target} is outside the {arr.shape[1]} columns of values")
    span = window_span(time_steps, lag)
    if arr.shape[0] < span + horizon:
        raise InputError(
            f"values has {arr.shape[0]} observations but one window needs {span + horizon} "
            f"(time_steps={time_steps}, lag={lag}, horizon={horizon}); use a longer series or smaller windows"
        )
    view = np.lib.stride_tricks.sliding_window_view(arr, span + horizon, axis=0)  # (s, f, span+h)
    view = view[::stride]
    X = view[:, :, :span:lag].transpose(0, 2, 1)
    Y = view[:, target, span:]
    return X, Y


class WindowBatches:
    """Shuffled mini-batches of windows drawn from one or many series, without copying them.

    Each series is a 2-d float array ``(n, features)`` whose column 0 is the target; a
    batch gathers its rows with fancy indexing, so memory grows with the batch, not with the
    number of windows. ``future`` arrays (optional, one per series, ``(n, k)``) give known
    future covariates: the ``horizon`` rows after each window, flattened, form a second input.

    Parameters
    ----------
    series : sequence of numpy.ndarray
        One ``(n_i, features)`` array per series (column 0 is the target).
    time_steps, horizon, lag : int
        Window geometry, as in :func:`make_windows`.
    batch_size : int
        Windows per batch.
    starts : sequence of numpy.ndarray, optional
        Window start positions to use for each series (default: all of them). Used to
        split windows chronologically into training and validation sets.
    future : sequence of numpy.ndarray, optional
        Known future covariates per series.
    shuffle : bool
        Draw windows in a new random order each epoch (call :meth:`on_epoch_end`).
    seed : int, optional
        Seed of the shuffling generator, so the order is repeatable.
    window_norm : {None, "last", "mean"}
        Subtract each window's last value (or mean) of the target channel from the target
        channel of its inputs and from its targets.
    steps_per_epoch : int, optional
        Cap on the batches per epoch (a random subset of windows each epoch).

    Examples
    --------
    >>> import numpy as np
    >>> src = WindowBatches([np.arange(100.0)[:, None]], time_steps=8, horizon=2, batch_size=16, seed=0)
    >>> len(src), src.n_samples
    (6, 91)
    >>> x, y = src[0]
    >>> x.shape, y.shape
    ((16, 8, 1), (16, 2))
    >>> bool(np.all(y[:, 0] == x[:, -1, 0] + 1))
    True
    """

    def __init__(self, series: Sequence[np.ndarray], *, time_steps: int, horizon: int, lag: int = 1,
                 batch_size: int = 32, starts: Sequence[np.ndarray] | None = None,
                 future: Sequence[np.ndarray] | None = None, shuffle: bool = True,
                 seed: int | None = None, window_norm: str | None = None,
                 steps_per_epoch: int | None = None, dtype: Any = np.float32):
        self.series = [np.ascontiguousarray(np.asarray(s, dtype=dtype).reshape(len(s), -1)) for s in series]
        self.future = None if future is None else [np.ascontiguousarray(np.asarray(f, dtype=dtype)) for f in future]
        self.time_steps = whole_number(time_steps, "time_steps", low=1)
        self.horizon = whole_number(horizon, "horizon", low=1)
        self.lag = whole_number(lag, "lag", low=1)
        self.batch_size = whole_number(batch_size, "batch_size", low=1)
        if window_norm not in (None, "last", "mean"):
            raise InputError(f"window_norm must be None, 'last' or 'mean'; got {window_norm!r}")
        self.window_norm = window_norm
        self.span = window_span(self.time_steps, self.lag)
        self.offsets = np.arange(self.time_steps) * self.lag
        self.target_offsets = self.span + np.arange(self.horizon)
        if starts is None:
            starts = [range(max(0, len(s) - self.span - self.horizon + 1)) for s in self.series]
        # a contiguous range of starts is kept as a range (no index array for huge series)
        self.starts = [s if isinstance(s, range) and s.step == 1 else np.asarray(s, dtype=np.int64)
                       for s in starts]
        counts = np.array([len(s) for s in self.starts], dtype=np.int64)
        self.bounds = np.concatenate([[0], np.cumsum(counts)])
        self.n_samples = int(self.bounds[-1])
        self.shuffle = bool(shuffle)
        self.rng = np.random.default_rng(seed)
        self.steps_per_epoch = steps_per_epoch
        self.order = np.arange(0)
        self.on_epoch_end()

    @property
    def n_features(self) -> int:
        return self.series[0].shape[1]

    def __len__(self) -> int:
        steps = -(-self.n_samples // self.batch_size)
        return steps if self.steps_per_epoch is None else min(steps, int(self.steps_per_epoch))

    def on_epoch_end(self) -> None:
        """Draw a new order of the windows (when shuffling)."""
        capped = self.steps_per_epoch is not None and len(self) * self.batch_size < self.n_samples // 4
        if self.shuffle and capped:
            # a capped epoch on a huge source: sample without building a full permutation
            self.order = self.rng.integers(0, self.n_samples, size=len(self) * self.batch_size)
        elif self.shuffle and self.n_samples > 1:
            self.order = self.rng.permutation(self.n_samples)
        elif len(self.order) != self.n_samples:
            self.order = np.arange(self.n_samples)

    def sample_ids(self, i: int) -> np.ndarray:
        return self.order[i * self.batch_size:(i + 1) * self.batch_size]

    def gather(self, ids: np.ndarray) -> tuple[Any, np.ndarray]:
        """Inputs and targets of the windows with global numbers ``ids``."""
        ids = np.asarray(ids, dtype=np.int64)
        which = np.searchsorted(self.bounds, ids, side="right") - 1
        T, H = self.time_steps, self.horizon
        x = np.empty((len(ids), T, self.n_features), dtype=self.series[0].dtype)
        y = np.empty((len(ids), H), dtype=self.series[0].dtype)
        fut = None
        if self.future is not None:
            fut = np.empty((len(ids), H * self.future[0].shape[1]), dtype=self.series[0].dtype)
        for s in np.unique(which):
            rows = np.flatnonzero(which == s)
            local = ids[rows] - self.bounds[s]
            st = self.starts[s]
            start = local + st.start if isinstance(st, range) else st[local]
            arr = self.series[s]
            x[rows] = arr[start[:, None] + self.offsets[None, :]]
            y[rows] = arr[start[:, None] + self.target_offsets[None, :], 0]
            if fut is not None:
                fut[rows] = self.future[s][start[:, None] + self.target_offsets[None, :]].reshape(len(rows), -1)
        if self.window_norm is not None:
            ref = (x[:, -1, 0] if self.window_norm == "last" else x[:, :, 0].mean(axis=1)).copy()
            x[:, :, 0] -= ref[:, None]
            y -= ref[:, None]
        return (x if fut is None else (x, fut)), y

    def __getitem__(self, i: int) -> tuple[Any, np.ndarray]:
        if not 0 <= i < len(self):
            raise IndexError(f"batch {i} out of range for {len(self)} batches")
        return self.gather(self.sample_ids(i))

    def all(self, limit: int | None = None) -> tuple[Any, np.ndarray]:
        """Every window in order (materialised: use for small validation sets only)."""
        n = self.n_samples if limit is None else min(self.n_samples, limit)
        return self.gather(np.arange(n))

    def as_pydataset(self, **kwargs: Any) -> Any:
        """This source as a ``keras.utils.PyDataset`` (imports Keras), for ``model.fit``."""
        import keras

        source = self

        class _Batches(keras.utils.PyDataset):
            def __len__(self) -> int:
                return len(source)

            def __getitem__(self, i: int) -> Any:
                return source[i]

            def on_epoch_end(self) -> None:
                source.on_epoch_end()

        return _Batches(**kwargs)
