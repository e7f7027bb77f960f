# Two commands for a new machine with Python 3.11:  make demo  and  make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench bench-quick lint clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/forecast backtest --out results

# One BLAS thread per process: statsmodels' small matrix work runs many times slower when
# OpenBLAS spreads it over threads that the test workers and TensorFlow also want.
test: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff && $(BIN)/ruff check forecast tests benchmarks notebooks

# Comparative benchmarks (peers' speed, M3 accuracy); never part of `make test`. The peers
# pin pandas<3, so they get an environment of their own and never touch .venv.
BVENV       := .venv-bench
BENCH_STAMP := $(BVENV)/.installed
$(BENCH_STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(BVENV)
	$(BVENV)/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
	$(BVENV)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	OPENBLAS_NUM_THREADS=1 $(BVENV)/bin/python -m benchmarks.run --write BENCHMARKS.md

bench-quick: $(BENCH_STAMP)
	OPENBLAS_NUM_THREADS=1 $(BVENV)/bin/python -m benchmarks.run --quick

clean:
	rm -rf $(VENV) $(BVENV) build *.egg-info
