"""What the terminal shows while a backtest runs: a progress bar over the tasks, and the
file descriptors silenced into ``backtest.log`` (Keras epoch logs, TensorFlow's messages)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


class TaskProgress:
    """A rich progress bar over backtest tasks, naming the model and series being run."""

    def __init__(self, headline: str, console_file: Any):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("[bold]{task.description:<34}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                                 console=Console(file=console_file), transient=False)
        self.job = None
        self.epochs = None
        self.headline = headline

    def start(self, total: int, done: int) -> None:
        # printed once the engine has validated everything and starts on the tasks
        self.progress.console.print(self.headline + (f"; {done} task(s) from the cache" if done else ""))
        self.progress.start()
        self.job = self.progress.add_task("starting", total=total, completed=done)
        self.epochs = self.progress.add_task("", total=None, visible=False)

    def describe(self, model: str, series: str | None) -> None:
        text = model if series in (None, "y") else f"{model} · {series}"
        if self.job is not None:
            self.progress.update(self.job, description=text[:34])

    def epoch(self, text: str, epoch: int, total: int) -> None:
        """A second line under the task bar: the epochs of the network being trained."""
        if self.epochs is not None:
            self.progress.update(self.epochs, description=("  " + text)[:34], completed=epoch, total=total,
                                 visible=True)

    def advance(self) -> None:
        if self.epochs is not None:
            self.progress.update(self.epochs, visible=False)
        if self.job is not None:
            self.progress.advance(self.job)

    def stop(self) -> None:
        self.progress.stop()


def bar_callback(bar: TaskProgress) -> Callable[[int, int, Any], None]:
    """The engine's progress callback, drawn on the CLI's own bar (model and series shown);
    its ``epoch`` attribute draws the epochs of a network trained in a task (serial runs)."""
    from ..evaluation.parallel import epoch_text

    def report(done: int, total: int, task: Any) -> None:
        if task is None:
            bar.start(total, done)
            return
        bar.describe(task.model_name, getattr(task, "series_id", None))
        bar.advance()

    def epoch(task: Any, stage: str, n: int, of: int) -> None:
        bar.epoch(epoch_text(task, stage, n, of), n, of)

    report.epoch = epoch  # type: ignore[attr-defined]
    return report


class silenced_fds:
    """Send everything written to file descriptors 1 and 2 (Keras epoch logs, TensorFlow's
    C++ messages, worker prints) to ``log_path`` while the backtest runs; the progress bar
    keeps a handle on the real terminal."""

    def __init__(self, log_path: Path, enabled: bool):
        self.log_path = log_path
        self.enabled = enabled
        self.terminal_out: Any = sys.stdout
        self.terminal_err: Any = sys.stderr

    def __enter__(self) -> silenced_fds:
        if not self.enabled:
            return self
        sys.stdout.flush()
        sys.stderr.flush()
        self.saved = (os.dup(1), os.dup(2))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        os.dup2(self.log.fileno(), 1)
        os.dup2(self.log.fileno(), 2)
        self.terminal_out = os.fdopen(os.dup(self.saved[0]), "w", buffering=1)
        self.terminal_err = os.fdopen(os.dup(self.saved[1]), "w", buffering=1)
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.enabled:
            return
        for stream in (sys.stdout, sys.stderr, self.terminal_out, self.terminal_err):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        for fd in self.saved:
            os.close(fd)
        self.terminal_out.close()
        self.terminal_err.close()
        self.log.close()
        if self.log_path.stat().st_size == 0:
            self.log_path.unlink()
