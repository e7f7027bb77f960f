"""Global recurrent models in the backtest: one network per refit segment over the whole panel."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import forecast as fc
from forecast.datasets import load_m3
from forecast.models.recurrent import LSTM

FITS: list[dict[str, int]] = []  # one entry per fit: {series id: training length}


class CountingLSTM(LSTM):
    """An LSTM that records every fit (series and training lengths) in this process."""

    def _fit_many(self, ys, Xs):
        FITS.append({sid: len(s) for sid, s in ys.items()})
        super()._fit_many(ys, Xs)


TINY = dict(time_steps=4, horizon=2, units=4, epochs=2, batch_size=16, seed=0)
KW = dict(horizon=4, initial=28, step=2, refit=2, seed=5)


@pytest.fixture(scope="module")
def panel():
    series, _ = load_m3("quarterly")
    # unequal lengths: 7, 5, 8 and 3 origins -> 4, 3, 4 and 2 refit segments of two origins
    return {"Q1": series["Q1"], "Q2": series["Q2"].iloc[:40], "Q3": series["Q3"], "Q4": series["Q4"].iloc[:36]}


@pytest.fixture(scope="module")
def serial(panel):
    FITS.clear()
    res = fc.backtest({"lstm": CountingLSTM(**TINY), "naive": "naive"}, panel, **KW)
    return res, list(FITS)


def _cols(res, model="lstm"):
    fc_ = res.forecasts
    return fc_[fc_["model"] == model].reset_index(drop=True)


def test_global_model_fitted_once_per_segment_on_data_up_to_each_first_origin(panel, serial):
    res, fits = serial
    origins = {sid: list(range(27, len(s) - 4, 2)) for sid, s in panel.items()}
    assert [len(o) for o in origins.values()] == [7, 5, 8, 3]
    assert len(fits) == 4  # segments, not series x segments (13)
    for seg_no, fit in enumerate(fits):
        expected = {sid: o[2 * seg_no] + 1 for sid, o in origins.items() if 2 * seg_no < len(o)}
        assert fit == expected
    assert res.meta["models"]["lstm"]["global"] and not res.meta["models"]["naive"]["global"]
    assert res.meta["tasks_total"] == 4 + 13
    lstm, naive = _cols(res), _cols(res, "naive")
    # every series and origin forecast, on exactly the origins of the per-series models
    assert np.isfinite(lstm["y_pred"]).all() and res.failures.empty
    pd.testing.assert_frame_equal(lstm[["series_id", "origin", "step", "timestamp", "y_true"]],
                                  naive[["series_id", "origin", "step", "timestamp", "y_true"]])
    assert lstm.groupby("series_id").size().to_dict() == {sid: 4 * len(o) for sid, o in origins.items()}
    assert (res.timings[res.timings["model"] == "lstm"].groupby("segment").size().tolist() == [4, 4, 3, 2])


def test_a_global_fit_lists_its_warnings_once_for_the_panel(serial):
    res, fits = serial
    noted = res.fit_warnings()
    lstm = noted[noted["model"] == "lstm"]
    # each tiny network's intervals rest on few calibration residuals, and it says so; the
    # note belongs to the fit over the whole panel, not to one series, and is listed once
    # the tiny networks' head (horizon=2) is shorter than the backtest's 4 steps: said at predict
    rolled = lstm[lstm["stage"] == "predict"]
    assert sorted(rolled["segment"]) == list(range(len(fits))) and rolled["message"].str.contains("horizon=4").all()
    lstm = lstm[lstm["stage"] == "fit"]
    assert sorted(lstm["segment"]) == list(range(len(fits))) and lstm["series_id"].isna().all()
    assert set(lstm["category"]) == {"FitWarning"} and lstm["message"].str.startswith("CountingLSTM: intervals").all()
    assert (lstm["count"] == 1).all() and set(noted["model"]) == {"lstm"}
    assert res.leaderboard().set_index("model").loc["lstm", "n_warnings"] == 2 * len(fits)


def test_global_models_false_fits_one_network_per_series(panel):
    FITS.clear()
    res = fc.backtest({"lstm": CountingLSTM(**TINY)}, panel, global_models=False, **{**KW, "refit": False})
    assert FITS == [{"y": 28}] * 4  # one single-series fit per series, up to its first origin
    assert not res.meta["models"]["lstm"]["global"]
    assert np.isfinite(res.forecasts["y_pred"]).all()


def test_no_lookahead_across_the_panel(panel, serial):
    res, _ = serial
    origin_pos = 33  # the second origin of Q3's second segment (origins 31, 33)
    changed = dict(panel)
    values = panel["Q3"].copy()
    values.iloc[origin_pos + 1:] *= 3.0
    changed["Q3"] = values
    again = fc.backtest({"lstm": CountingLSTM(**TINY), "naive": "naive"}, changed, **KW)
    a, b = _cols(res), _cols(again)
    cut = panel["Q3"].index[origin_pos]
    before = (a["series_id"] == "Q3") & (a["origin"] <= cut)
    assert before.sum() == 4 * 4
    np.testing.assert_array_equal(a.loc[before, "y_pred"], b.loc[before, "y_pred"])
    later = (a["series_id"] == "Q3") & (a["origin"] > cut)
    assert not np.allclose(a.loc[later, "y_pred"], b.loc[later, "y_pred"])  # the change is seen later


def test_cache_resumes_per_segment_with_identical_results(panel, serial, tmp_path):
    res, _ = serial
    models = {"lstm": LSTM(**TINY), "naive": "naive"}
    par = fc.backtest(models, panel, cache_dir=tmp_path, **KW)
    cols = ["series_id", "model", "origin", "step", "timestamp", "y_true", "y_pred", "lower", "upper"]
    pd.testing.assert_frame_equal(res.forecasts[cols], par.forecasts[cols])
    again = fc.backtest(models, panel, cache_dir=tmp_path, **KW)
    assert again.meta["tasks_cached"] == again.meta["tasks_total"]
    pd.testing.assert_frame_equal(par.forecasts[cols], again.forecasts[cols])
    # a changed value of Q4 invalidates the global segments Q4 takes part in (2) and its naive tasks (2)
    changed = dict(panel)
    changed["Q4"] = panel["Q4"].copy()
    changed["Q4"].iloc[5] += 1.0
    partial = fc.backtest(models, changed, cache_dir=tmp_path, **KW)
    assert partial.meta["tasks_computed"] == 4


def test_failures_recorded_per_series_and_origin(panel):
    bad = dict(panel)
    bad["Q2"] = panel["Q2"].copy()
    bad["Q2"].iloc[34] = -1.0  # after Q2's first origin (27); log=True cannot take it
    res = fc.backtest({"lstm": LSTM(**TINY, log=True)}, bad, **{**KW, "refit": False})
    failed = res.failures
    assert set(failed["series_id"]) == {"Q2"} and set(failed["stage"]) == {"predict"}
    q2 = panel["Q2"].index
    # the windows of the forecasts from origins 27..33 end before position 34; 35 reads it
    assert failed["origin"].tolist() == [q2[35]]
    ok = _cols(res)
    assert np.isfinite(ok.loc[ok["series_id"] != "Q2", "y_pred"]).all()
    assert np.isfinite(ok.loc[(ok["series_id"] == "Q2") & (ok["origin"] < q2[35]), "y_pred"]).all()


def test_predict_origins_on_a_panel_equals_update_and_predict(panel):
    train = {sid: s.iloc[:30] for sid, s in panel.items()}
    new = {sid: s.iloc[30:36] for sid, s in panel.items()}
    model = LSTM(**TINY).fit(train)
    origins = {"Q1": [train["Q1"].index[-1], new["Q1"].index[2], new["Q1"].index[5]],
               "Q3": [new["Q3"].index[0], new["Q3"].index[3]]}
    before = model.predict(3)
    out = model.predict_origins(new, origins, 5)
    assert set(out) == {"Q1", "Q3"}
    for sid, stamps in origins.items():
        assert len(out[sid]) == len(stamps)
        for origin, got in zip(stamps, out[sid], strict=True):
            ref_model = copy.deepcopy(model)
            ref_model.update({sid: new[sid].loc[:origin]})
            ref = ref_model.predict(5)[sid]
            pd.testing.assert_index_equal(got.mean.index, ref.mean.index)
            np.testing.assert_allclose(got.mean.to_numpy(), ref.mean.to_numpy(), rtol=1e-5)
            np.testing.assert_allclose(got.interval(90).to_numpy(), ref.interval(90).to_numpy(), rtol=1e-5)
    after = model.predict(3)  # the model is unchanged
    for sid in panel:
        np.testing.assert_array_equal(before[sid].mean.to_numpy(), after[sid].mean.to_numpy())
    with pytest.raises(fc.errors.InputError, match="dict"):
        model.predict_origins(new["Q1"], [new["Q1"].index[0]], 2)
