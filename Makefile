# Two commands do everything on a fresh machine: `make lab` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The stamp is keyed on the lock and the package metadata: a changed pin re-installs,
# an unchanged one reuses the environment (the warm path).
KEY := $(shell cat requirements.txt pyproject.toml 2>/dev/null | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(KEY)
OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# One BLAS/OpenMP thread per process: two pytest workers on two cores stay fast, and
# notebooks are recorded with one thread too (the portability pass checks them with two).
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYTHONHASHSEED := 0
NBVAL := --nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout 300
# IPython in every notebook kernel started by the tests loads tests/ipython's startup file:
# the network guard (loopback only).
TEST_IPYTHONDIR := $(CURDIR)/tests/ipython

.PHONY: setup lab test test-unit test-notebooks test-portable test-portable-baseline test-browser lint notebooks figures bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || { echo "== creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(PY) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed, found " + sys.version' 
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	@mkdir -p $(dir $(OVERRIDES))
	@echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $(OVERRIDES)
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "== environment ready: $(VENV)"

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --allow-root \
		$(if $(PORT),--port $(PORT)) $(if $(NO_BROWSER),--no-browser)

lint: $(STAMP)
	$(VENV)/bin/ruff check helpers tests notebooks
	$(VENV)/bin/ruff format --check helpers tests notebooks

test-unit: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -m "not browser" tests

test-notebooks: $(STAMP)
	IPYTHONDIR=$(TEST_IPYTHONDIR) $(PY) -m pytest -n 2 --dist loadfile $(NBVAL) notebooks

# Portability: strict nbval again as another CPU and thread count would run it
# (tests/emulate-cpu caps torch's, numpy's, oneDNN's, MKL's and OpenBLAS's kernels), so an
# output that holds only on the recording CPU fails on whatever machine runs the tests.
# The x86-64 baseline with two threads per kernel (one worker: two cores) runs in `make test`;
# `make test-portable` adds AVX2 with one thread.
NBVAL_AS = IPYTHONDIR=$(TEST_IPYTHONDIR) tests/emulate-cpu $(1) $(PY) -m pytest \
	$(NBVAL) notebooks
test-portable-baseline: $(STAMP)
	$(call NBVAL_AS,baseline 2)
test-portable: test-portable-baseline
	$(call NBVAL_AS,avx2 1) -n 2 --dist loadfile

# Everything: lint, unit tests, notebook checks and strict nbval in one pytest run (two
# workers, one file per worker), the portability pass, then the browser tests.
test: $(STAMP)
	$(MAKE) --no-print-directory lint
	IPYTHONDIR=$(TEST_IPYTHONDIR) $(PY) -m pytest -n 2 --dist loadfile -m "not browser" \
		$(NBVAL) tests notebooks
	$(MAKE) --no-print-directory test-portable-baseline
	@if ls tests/browser/test_*.py >/dev/null 2>&1; then $(MAKE) --no-print-directory test-browser; fi

# Without the nbval and anyio plugins, which these tests do not use: importing nbval
# (nbformat, jsonschema's format checkers) costs each pytest process about 3 s.
test-browser: $(STAMP)
	$(PY) -m pytest -m browser -n 2 --dist load -rP -p no:nbval -p no:anyio tests/browser

# Re-execute every notebook in place from a fresh kernel: committed outputs always come
# from one clean top-to-bottom run. NB=notebooks/03_activation_functions.ipynb for one.
# The cells' execution times are kept: the browser tests run the longest notebooks first.
NB ?= $(sort $(wildcard notebooks/*.ipynb))
notebooks: $(STAMP)
	@for nb in $(NB); do echo "== $$nb"; \
		IPYTHONDIR=$(TEST_IPYTHONDIR) $(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=True "$$nb" || exit 1; \
	done

figures: $(STAMP)
	$(PY) -m helpers.figures

bench: $(STAMP)
	$(PY) -m helpers.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
