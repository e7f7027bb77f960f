"""Model names and specs (forecast.models.registry): parsed with ast, never evaluated."""

from __future__ import annotations

import pytest

import forecast as fc
from forecast.errors import InputError
from forecast.models import registry

SPECS = {
    "naive": ("naive", {}),
    "snaive(12)": ("snaive", {"m": 12}),
    "drift": ("drift", {}),
    "mean": ("mean", {}),
    "ma(1)": ("ma", {"q": 1}),
    "ar(12)": ("ar", {"p": 12}),
    "arma(2,1)": ("arma", {"p": 2, "q": 1}),
    "arma(auto)": ("arma", {"p": "auto", "q": "auto"}),
    "armax(1,1)": ("armax", {"p": 1, "q": 1}),
    "arima(1,1,1)": ("arima", {"order": (1, 1, 1)}),
    "arima((0,1,1), seasonal=(0,1,1,12))": ("arima", {"order": (0, 1, 1), "seasonal_order": (0, 1, 1, 12)}),
    " ARMA( 2 , q=1 ) ": ("arma", {"p": 2, "q": 1}),
    "lstm(units=64, layers=2, bidirectional=true)": ("lstm", {"units": 64, "layers": 2, "bidirectional": True}),
}


@pytest.mark.parametrize("spec", list(SPECS))
def test_every_spec_parses(spec):
    name, params = SPECS[spec]
    got_name, args, kwargs = registry.parse_spec(spec)
    assert got_name == name
    assert registry.get(got_name).params(args, kwargs) == params


@pytest.mark.parametrize("spec", list(SPECS))
def test_every_spec_creates_its_model(spec):
    entry = registry.get(SPECS[spec][0])
    model = registry.create(spec)
    assert type(model) is entry.load()
    for key, value in SPECS[spec][1].items():
        assert getattr(model, key) == value


def test_baseline_specs_build_working_models():
    y = fc.datasets.load("airline")
    assert registry.create("snaive(12)").fit(y).predict(1).mean.iloc[0] == y.iloc[-12]
    assert fc.create("naive").fit(y).predict(1).mean.iloc[0] == y.iloc[-1]


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(InputError) as err:
        registry.create("prophet(1)")
    msg = str(err.value)
    assert "unknown model 'prophet'" in msg
    for name in ("naive", "snaive", "ar", "arma", "armax", "lstm", "gru", "rnn"):
        assert f" {name}," in msg or msg.endswith(f" {name}")


def test_bad_arguments_are_named():
    with pytest.raises(InputError, match="snaive has no parameter 'season'; its parameters are: m"):
        registry.create("snaive(season=12)")
    with pytest.raises(InputError, match=r"snaive takes at most 1 positional argument\(s\) \(m\); got 2"):
        registry.create("snaive(12, 4)")
    with pytest.raises(InputError, match="m given twice"):
        registry.create("snaive(12, m=4)")
    with pytest.raises(InputError, match="arima takes the order as three numbers"):
        registry.get("arima").params((1, 1), {})


@pytest.mark.parametrize("spec", [
    "__import__('os')",
    "naive(setattr(__import__('forecast'), 'INJECTED', 1))",
    "arma(p=1+1)",
    "arma(lambda: 1)",
    "os.system('echo hi')",
    "arma(2,1)+1",
    "arma(**{'p': 1})",
    "arma(*[1, 2])",
    "arma(2,",
])
def test_specs_are_never_evaluated(spec):
    with pytest.raises(InputError):
        registry.create(spec)
    assert not hasattr(fc, "INJECTED")


def test_split_specs_and_negative_numbers():
    assert registry.split_specs("naive, arma(2,1),arima((0,1,1), seasonal=(0,1,1,12)),lstm") == [
        "naive", "arma(2,1)", "arima((0,1,1), seasonal=(0,1,1,12))", "lstm"]
    assert registry.parse_spec("x(-1, a=none, b=False)") == ("x", (-1,), {"a": None, "b": False})


def test_registry_entries_and_registration():
    names = registry.available()
    for name in ("naive", "snaive", "drift", "mean", "ma", "ar", "arma", "armax", "arima", "rnn", "lstm", "gru"):
        assert name in names
    assert all(e.needs_keras == (e.name in {"rnn", "lstm", "gru", "hybrid"}) for e in registry.entries())
    entry = registry.Entry("naive_copy", "forecast.models.baseline:Naive", (), "test entry")
    try:
        registry.register(entry)
        assert isinstance(registry.create("NAIVE_COPY"), fc.Naive)
    finally:
        registry._REGISTRY.pop("naive_copy")


class WideLSTM(fc.LSTM):
    """An LSTM registered from outside the package (a subclass in another module)."""


def test_needs_keras_of_an_entry_comes_from_its_class_tag_and_the_catalog_reads_its_signature():
    # one record of "needs keras": the class's tag; an entry registered without saying so
    # must not claim the network is classical, and `forecast models` lists its parameters
    # from the loaded class (the subclass lives in this module, not in forecast's source)
    from forecast.cli.catalog import model_catalog

    entry = registry.Entry("widelstm", f"{__name__}:WideLSTM", (), "test entry")
    try:
        registry.register(entry)
        assert entry.needs_keras is True
        assert registry.get("naive").needs_keras is False
        row = next(r for r in model_catalog() if r["name"] == "widelstm")
    finally:
        registry._REGISTRY.pop("widelstm")
    assert row["needs_tensorflow"] is True
    assert row["params"].startswith("cell='lstm', ") and "units=32" in row["params"]


def test_seed_model_is_the_one_seeding_rule():
    from forecast.seeding import seed_model

    net = registry.create("gru(units=4)")
    assert seed_model(net, 11) is net and net.seed == 11
    assert seed_model(net, 12).seed == 11  # a given seed is kept
    naive = registry.create("naive")
    assert seed_model(naive, 11).get_params() == {}
