"""The season is resolved once per series and handed to the models that declare they use it
(tag ``uses_season``), the horizon likewise (``uses_horizon``): the backtest's ``season=``
reaches the models, a mixed-frequency panel gives each series its own season, and the
command line's note comes from the same resolution."""

from __future__ import annotations

import pandas as pd
import pytest

import forecast as fc
from forecast.evaluation import backtest as run_backtest
from forecast.models.auto_arima import AutoARIMA
from forecast.seasonality import common_season, resolve_seasons

pytestmark = pytest.mark.filterwarnings("ignore::forecast.errors.FitWarning")


@pytest.fixture()
def fitted_seasons(monkeypatch):
    """The season each AutoARIMA fit used (m_), keyed by the training series' frequency."""
    seen: list[tuple[str, int]] = []
    original = AutoARIMA._fit

    def spy(self, y, X):
        original(self, y, X)
        seen.append((y.index.freqstr, self.m_))

    monkeypatch.setattr(AutoARIMA, "_fit", spy)
    return seen


def _quarterly(n: int = 60) -> pd.Series:
    return fc.datasets.load("macro")["realgdp"].iloc[:n].rename("quarterly")


def test_the_one_resolver_gives_each_series_its_season():
    air, q = fc.datasets.load("airline"), _quarterly()
    seasons = resolve_seasons({"m": air, "q": q})
    assert seasons == {"m": 12, "q": 4} and common_season(seasons) == 1
    assert resolve_seasons({"m": air, "q": q}, 6) == {"m": 6, "q": 6}
    assert resolve_seasons({"i": pd.Series(range(30), dtype=float)}) == {"i": 1}


def test_tags_declare_who_takes_the_season_and_the_horizon():
    assert AutoARIMA.get_tags()["uses_season"] and not AutoARIMA.get_tags()["uses_horizon"]
    assert fc.LSTM.get_tags()["uses_season"] and fc.LSTM.get_tags()["uses_horizon"]
    assert not fc.ARMA.get_tags()["uses_season"] and not fc.Naive.get_tags()["uses_horizon"]


def test_fit_takes_a_handed_season_and_the_model_parameter_wins():
    air = fc.datasets.load("airline")[:96]
    assert AutoARIMA().fit(air).m_ == 12  # standalone: the same resolver, from the frequency
    assert AutoARIMA().fit(air, season=4).m_ == 4
    assert AutoARIMA(m=1).fit(air, season=4).m_ == 1  # an explicit parameter is not overridden


def test_mixed_frequency_panel_hands_each_series_its_own_season(fitted_seasons):
    panel = {"monthly": fc.datasets.load("airline")[:96], "quarterly": _quarterly(48)}
    with pytest.warns(fc.errors.ForecastWarning, match="different seasons"):
        res = run_backtest(["arima(auto)"], panel, horizon=4, initial=40, step=4, n_jobs=1)
    assert res.meta["settings"]["season"] == 1  # the metrics' one season: they differ
    used = dict(fitted_seasons)
    assert used == {panel["monthly"].index.freqstr: 12, panel["quarterly"].index.freqstr: 4}, fitted_seasons


def test_the_backtest_season_argument_reaches_the_model(fitted_seasons):
    y = fc.datasets.load("airline")[:96]
    run_backtest(["arima(auto)"], y, horizon=4, initial=80, step=4, season=4, n_jobs=1)
    assert {m for _, m in fitted_seasons} == {4}  # not the frequency's 12


def test_the_horizon_is_handed_not_matched_by_parameter_name():
    y = fc.datasets.load("airline")[:72]
    tiny = dict(units=4, epochs=1, batch_size=16, seed=0, time_steps=6)
    assert fc.LSTM(**tiny).fit(y, horizon=3).resolved_params_["horizon"] == 3
    assert fc.LSTM(**tiny).fit(y).resolved_params_["horizon"] == 12  # standalone: one season
    assert fc.LSTM(**tiny, horizon=2).fit(y, horizon=3).resolved_params_["horizon"] == 2


def test_a_network_deseasonalises_each_series_by_its_own_handed_season():
    panel = {"monthly": fc.datasets.load("airline")[:96], "quarterly": _quarterly(48)}
    tiny = dict(units=4, epochs=1, batch_size=16, seed=0, time_steps=6, horizon=2)
    net = fc.LSTM(**tiny).fit(panel, season={"monthly": 12, "quarterly": 4})
    assert net.resolved_params_["season"] == {"monthly": 12, "quarterly": 4}
    lengths = {sid: len(s["indices"]) for sid, s in net.seasonal_.items() if s["kind"]}
    assert lengths.get("monthly", 12) == 12 and lengths.get("quarterly", 4) == 4 and lengths
    alone = fc.LSTM(**tiny).fit(panel)  # standalone: today's rule, one common season (1 here)
    assert alone.resolved_params_["season"] == 1


def test_the_cli_note_comes_from_the_same_resolution(tmp_path):
    from test_cli import run_cli

    a, q = fc.datasets.load("airline")[:96], _quarterly(60)
    frame = pd.concat([pd.DataFrame({"id": sid, "date": s.index.to_timestamp().strftime("%Y-%m-%d"),
                                     "value": s.to_numpy()}) for sid, s in (("m", a), ("q", q))])
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, index=False)
    res = run_cli("backtest", str(path), "--id-col", "id", "--models", "naive", "--horizon", "4",
                  "--initial", "40", "--step", "8", "--no-report", "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    assert "note: the series have different seasons ('m': 12, 'q': 4)" in res.stderr, res.stderr
    printed = run_cli("backtest", str(path), "--id-col", "id", "--horizon", "4", "--print-config")
    assert "arima(auto)" in printed.stdout and "arima(auto, m=" not in printed.stdout  # each series its own
