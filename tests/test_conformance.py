"""Every registered model x every check of :mod:`forecast.testing`.

Test ids read ``<model>-<check>``, e.g. ``arma-no_lookahead``. Every registered model is
imported: a missing module or dependency fails, it is never skipped. A check is skipped
only where the model's tags say it does not apply (``forecast.testing.skip_reason``). Each
model is fitted once per module and shared by the read-only checks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.base import Forecaster, Prediction
from forecast.errors import InputError
from forecast.models import registry
from forecast.testing import CHECKS, Case, check_forecaster, check_tags, skip_reason


def _params():
    for entry in registry.entries():
        marks = [pytest.mark.keras] if entry.needs_keras else []
        for name in CHECKS:
            yield pytest.param(entry, name, id=f"{entry.name}-{name}", marks=marks)


@pytest.fixture(scope="module")
def cases():
    """One Case (with its shared fitted model) per registered model, built on first use."""
    return {}


@pytest.mark.parametrize(("entry", "check"), list(_params()))
def test_conformance(entry, check, cases):
    if entry.name not in cases:
        cls = entry.load()  # an import error fails here, it is never skipped
        assert cls.get_tags()["needs_keras"] == entry.needs_keras, (
            f"registry says needs_keras={entry.needs_keras} for {entry.name}, the class's tag disagrees"
        )
        cases[entry.name] = Case(cls)
    case = cases[entry.name]
    reason = skip_reason(check, case)
    if reason:
        pytest.skip(reason)
    CHECKS[check](case)


# ----------------------------------------------------------------------------------
# The checks catch what they are meant to catch: deliberately broken forecasters.
# ----------------------------------------------------------------------------------
class _LastValue(Forecaster):
    """A correct small model, the base for the broken ones below."""

    def __init__(self, shift: float = 0.0) -> None:
        self.shift = shift

    def min_length(self) -> int:
        return 2

    def _fit(self, y, X):
        self.level_ = float(y.iloc[-1])

    def _update(self, y_new, X_new):
        self.level_ = float(y_new.iloc[-1])

    def _predict(self, horizon, X):
        return Prediction(np.full(horizon, self.level_ + self.shift))

    def _get_state(self, folder):
        return {"level_": self.level_}

    def _set_state(self, state, folder):
        self.level_ = state["level_"]


class _PeeksAhead(_LastValue):
    """Its fast multi-origin path uses the last value of y_new for every origin."""

    def _predict_origins(self, y_new, positions, horizon, X_all):
        last = float(y_new.iloc[-1]) if len(y_new) else self.level_
        return [Prediction(np.full(horizon, last)) for _ in positions]


class _ValidatesInInit(_LastValue):
    def __init__(self, shift: float = 0.0) -> None:
        self.shift = float(shift) + 0.0 if shift else 1.0


class _Random(_LastValue):
    def _fit(self, y, X):
        self.level_ = float(y.iloc[-1]) + np.random.default_rng().normal()


class _LosesState(_LastValue):
    def _set_state(self, state, folder):
        self.level_ = 0.0


class _NoUpdate(_LastValue):
    """update forgets to move the level: update + predict disagrees with the batched path."""

    def _update(self, y_new, X_new):
        pass

    def _predict_origins(self, y_new, positions, horizon, X_all):
        values = np.concatenate([[self.level_], y_new.to_numpy()])
        return [Prediction(np.full(horizon, values[p])) for p in positions]


class _BadIntervals(_LastValue):
    _tags = {"intervals": True}

    def _predict(self, horizon, X):
        mean = np.full(horizon, self.level_)
        return Prediction(mean, bounds=lambda frac: (mean + frac, mean + 2 * frac))


class _Regression(Forecaster):
    """A correct model that needs exogenous regressors: least squares on X plus the
    previous value, forecast recursively, with Gaussian intervals."""

    _tags = {"supports_exog": True, "requires_exog": True, "intervals": True}

    def __init__(self, lags: tuple = (1,)) -> None:
        self.lags = lags

    def min_length(self) -> int:
        return 5

    def _design(self, y, X):
        return np.column_stack([np.ones(len(y) - 1), X.to_numpy()[1:], y[:-1]])

    def _fit(self, y, X):
        v = y.to_numpy()
        A = self._design(v, X)
        self.coef_, *_ = np.linalg.lstsq(A, v[1:], rcond=None)
        self.sigma_ = float(np.std(v[1:] - A @ self.coef_))
        self.last_ = float(v[-1])

    def _update(self, y_new, X_new):
        self.last_ = float(y_new.iloc[-1])

    def _predict(self, horizon, X):
        out, prev = [], self.last_
        for row in X.to_numpy():
            prev = self.coef_[0] + row @ self.coef_[1:-1] + self.coef_[-1] * prev
            out.append(prev)
        return Prediction(np.array(out), se=self.sigma_ * np.sqrt(np.arange(1, horizon + 1)))

    def _get_state(self, folder):
        return {"coef_": self.coef_.tolist(), "sigma_": self.sigma_, "last_": self.last_}

    def _set_state(self, state, folder):
        self.coef_ = np.asarray(state["coef_"])
        self.sigma_, self.last_ = state["sigma_"], state["last_"]


_PANEL_CHECKS = {"panel_fit_predict", "panel_no_lookahead", "panel_update_equals_batched", "panel_save_load"}


class _GlobalLastValue(_LastValue):
    """A correct global model: the last value of each series, plus one shift learnt from
    the whole panel (the mean of the series' last changes), through the panel hooks."""

    _tags = {"global_model": True}

    def _fit_panel(self, ys, Xs):
        self.shift_ = float(np.mean([s.iloc[-1] - s.iloc[-2] for s in ys.values()]))
        self.levels_ = {sid: float(s.iloc[-1]) for sid, s in ys.items()}

    def _predict_panel(self, horizon, Xs):
        return {sid: Prediction(np.full(horizon, v + self.shift_ + self.shift)) for sid, v in self.levels_.items()}

    def _update_panel(self, ys_new, Xs_new):
        self.levels_.update({sid: float(s.iloc[-1]) for sid, s in ys_new.items()})

    def _predict_origins_panel(self, ys_new, positions, horizon, Xs_all):
        out = {}
        for sid, part in ys_new.items():
            values = np.concatenate([[self.levels_[sid]], part.to_numpy()])
            out[sid] = [Prediction(np.full(horizon, values[p] + self.shift_ + self.shift)) for p in positions[sid]]
        return out

    def _get_state(self, folder):
        if self.is_panel_:
            return {"shift_": self.shift_, "levels_": self.levels_}
        return super()._get_state(folder)

    def _set_state(self, state, folder):
        if "levels_" in state:
            self.shift_, self.levels_ = state["shift_"], state["levels_"]
        else:
            super()._set_state(state, folder)


class _PanelPeeksAhead(_GlobalLastValue):
    """Its batched panel path uses each series' last new value for every origin."""

    def _predict_origins_panel(self, ys_new, positions, horizon, Xs_all):
        return {sid: [Prediction(np.full(horizon, float(part.iloc[-1]) + self.shift_)) for _ in positions[sid]]
                for sid, part in ys_new.items()}


class _PanelLosesLevels(_GlobalLastValue):
    def _set_state(self, state, folder):
        super()._set_state(state, folder)
        if "levels_" in state:
            self.levels_ = dict.fromkeys(self.levels_, 0.0)


@pytest.mark.parametrize("cls", [_LastValue, _Regression, _GlobalLastValue], ids=["plain", "exog", "global"])
def test_a_correct_model_passes_every_check(cls):
    report = check_forecaster(cls)
    skipped = {k for k, v in report.items() if v != "passed"}
    assert all(report[k].startswith("skipped") for k in skipped)
    expected = {_LastValue: {"future_exog"} | _PANEL_CHECKS, _Regression: _PANEL_CHECKS,
                _GlobalLastValue: {"future_exog", "panel_refused"}}[cls]
    assert skipped == expected


@pytest.mark.parametrize(("cls", "failing"), [
    (_PanelPeeksAhead, {"panel_no_lookahead", "panel_update_equals_batched", "panel_save_load"}),
    (_PanelLosesLevels, {"panel_save_load"}),
], ids=["panel_peeks_ahead", "panel_loses_levels"])
def test_panel_checks_catch_broken_global_models(cls, failing):
    report = check_forecaster(cls, raise_on_failure=False)
    assert {name for name, outcome in report.items() if outcome.startswith("failed")} == failing, report


class _ClaimsGlobal(_LastValue):
    """Tagged global_model but implements no panel hook: the checks say so."""

    _tags = {"global_model": True}


def test_a_model_tagged_global_without_panel_hooks_fails_the_tags_check():
    with pytest.raises(AssertionError, match="tagged global_model but does not implement _fit_panel, "
                                             "_predict_panel, _predict_origins_panel"):
        check_tags(_ClaimsGlobal)


class _IgnoresFutureX(_Regression):
    """Uses the last training row of X for every step instead of the values it is given."""

    def _predict(self, horizon, X):
        return super()._predict(horizon, pd.concat([self.X_.iloc[[-1]]] * horizon))


def test_exog_checks_catch_a_model_that_ignores_future_X():
    report = check_forecaster(_IgnoresFutureX, raise_on_failure=False)
    failed = {name for name, outcome in report.items() if outcome.startswith("failed")}
    assert failed == {"future_exog"}, report


@pytest.mark.parametrize(("cls", "failing"), [
    (_PeeksAhead, {"no_lookahead", "update_equals_batched"}),
    (_ValidatesInInit, {"params_verbatim"}),
    (_Random, {"determinism", "no_lookahead"}),
    (_LosesState, {"save_load"}),
    (_NoUpdate, {"update_equals_batched", "save_load"}),
    (_BadIntervals, {"intervals"}),
], ids=["peeks_ahead", "validates_in_init", "random", "loses_state", "no_update", "bad_intervals"])
def test_checks_catch_broken_models(cls, failing):
    report = check_forecaster(cls, raise_on_failure=False)
    failed = {name for name, outcome in report.items() if outcome.startswith("failed")}
    assert failed == failing, report
    assert report["future_exog"].startswith("skipped")
    with pytest.raises(AssertionError, match="failed"):
        check_forecaster(cls)


def test_checks_accept_user_data_and_instances():
    y = pd.Series(np.sin(np.arange(80) / 3.0) + np.arange(80) / 10.0,
                  index=pd.date_range("2020-01-06", periods=80, freq="W-MON"))
    report = check_forecaster(_LastValue(shift=0.5), y)
    for name in {"future_exog"} | _PANEL_CHECKS:
        assert report.pop(name).startswith("skipped")
    assert set(report.values()) == {"passed"}, report
    report = check_forecaster(_GlobalLastValue(shift=0.5), y)  # the panel checks on a weekly DatetimeIndex
    assert {k for k, v in report.items() if v != "passed"} == {"future_exog", "panel_refused"}, report
    with pytest.raises(InputError, match="at least"):
        Case(_LastValue, y.iloc[:20])
