"""Progress bar: silent unless asked for and stderr is a terminal; heavy imports stay out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import forecast as fc

ROOT = Path(__file__).resolve().parents[1]


def test_progress_is_silent_when_not_a_tty(capsys):
    fc.backtest(["naive"], fc.datasets.load("airline"), horizon=3, initial=130, progress=True)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_bar_shows_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("FORCE_COLOR", "0")
    fc.backtest(["naive"], fc.datasets.load("airline"), horizon=3, initial=130, progress=True)
    assert "backtest" in capsys.readouterr().err


def test_classical_backtest_imports_no_tensorflow_dask_or_matplotlib():
    code = ("import sys, forecast as fc\n"
            "fc.backtest(['naive', 'drift'], fc.datasets.load('airline'), horizon=3, initial=130)\n"
            "print(sorted(m for m in ('tensorflow', 'keras', 'distributed', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert out.stdout.strip() == "[]"


def test_progress_callback_names_every_finished_task():
    calls = []
    fc.backtest(["naive", "drift"], fc.datasets.load("airline"), horizon=3, initial=136, step=2,
                progress=lambda done, total, task: calls.append((done, total, task)))
    assert calls[0][2] is None and calls[0][0] == 0
    finished = calls[1:]
    assert [c[0] for c in finished] == list(range(1, len(finished) + 1))
    assert finished[-1][0] == finished[-1][1] == len(finished)
    assert {c[2].model_name for c in finished} == {"naive", "drift"}


def test_progress_shows_the_epochs_of_a_network_being_trained(airline):
    """A serial backtest reports each training epoch of the network in its task, early
    stopping's and the refit's, through the callback's ``epoch`` attribute."""
    seen = []

    def progress(done, total, task):
        seen.append(("task", done))

    progress.epoch = lambda task, stage, n, of: seen.append((task.model_name, stage, n, of))
    fc.backtest([fc.LSTM(units=4, epochs=6, seed=0)], airline, horizon=3,
                initial=130, step=6, refit=False, progress=progress)  # one task: one fit
    epochs = [s for s in seen if s[0] != "task"]
    train = [s for s in epochs if s[1] == "train"]
    refit = [s for s in epochs if s[1] == "refit"]
    assert [s[2] for s in train] == list(range(1, len(train) + 1)) and {s[3] for s in train} == {6}
    assert refit and [s[2] for s in refit] == list(range(1, len(refit) + 1))
    assert seen.index(epochs[-1]) < seen.index(("task", 1))  # the epochs come before the task finishes


def test_the_cli_bar_draws_a_line_for_the_epochs(monkeypatch):
    from forecast.cli.progress import TaskProgress, bar_callback

    class FakeTask:
        model_name, series_id = "lstm", "y"

    lines = []
    bar = TaskProgress("head", None)
    monkeypatch.setattr(bar, "epoch", lambda text, n, of: lines.append((text, n, of)))
    report = bar_callback(bar)
    report.epoch(FakeTask(), "train", 12, 100)
    report.epoch(FakeTask(), "refit", 2, 5)
    assert lines == [("lstm: epoch 12/100", 12, 100), ("lstm: refit epoch 2/5", 2, 5)]
