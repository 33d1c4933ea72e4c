# dlkit: every target works from a clean clone with only Python 3.11+ and make.
# Targets that need the environment create .venv first.
PYTHON ?= python3
VENV   := .venv
VENV_COLAB := .venv-colab
# Colab runs Python 3.13: the Colab-parity suite uses the python3.13 found on
# PATH (PYENV_VERSION lets a pyenv shim pick its 3.13), or
# PYTHON_COLAB=/path/to/python3.13; with none, the default interpreter (then
# only the packages match).
ifndef PYTHON_COLAB
PYTHON_COLAB := $(shell PYENV_VERSION=3.13 python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || echo $(PYTHON))
endif
PY     := $(VENV)/bin/python
BUILD  := build
LAB    ?= schedules
EPOCHS ?= 2
SEEDS ?= 100
GATES_FLAGS ?=
FLAKE_SEEDS ?= 200
FLAKE_FLAGS ?=
MUTANTS_FLAGS ?=
SUBMISSIONS ?=
DEMO_BUGS ?= 1
HINTS ?= concept
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv venv-colab grade test test-colab release gradescope check references notebooks lint bench gates flake-report mutants demo clean

help:
	@echo "make grade [SUBMISSIONS='a b.zip']  grade submissions (default: the demo set)"
	@echo "make test                          the test suite (what CI runs)"
	@echo "make test-colab                    the test suite on Google Colab's versions (.venv-colab)"
	@echo "make release [HINTS=concept]       the student copy in $(BUILD)/release;"
	@echo "                                   HINTS=none|concept|more: no hint, one line per stub,"
	@echo "                                   or also a folded second level in the notebooks"
	@echo "make gradescope [GRADESCOPE_FLAGS='--lab schedules']  Gradescope's autograder.zip in $(BUILD)/gradescope"
	@echo "make check LAB=schedules           public checks of one lab on ./src"
	@echo "make references                    regenerate + verify reference outputs"
	@echo "make notebooks [EPOCHS=2]          run every lab notebook headless"
	@echo "make lint                          ruff on code and notebooks"
	@echo "make bench [BENCH_LABS=a,b]        core-s per submission vs nbgrader autograde; Dask 1 vs 2 workers;"
	@echo "                                   optimizer step time vs the Keras built-ins"
	@echo "make gates [SEEDS=100]             failure rates of the trained-result gates"
	@echo "  GATES_FLAGS='--lab losses --bug-seeds 20 --breakers-only'  narrower runs"
	@echo "make flake-report [FLAKE_SEEDS=200] the reference under many seeds (full marks?),"
	@echo "                                   the planted bugs (never full?), regrading twice"
	@echo "  FLAKE_FLAGS='--lab schedules --bug-seeds 5'  narrower runs"
	@echo "make mutants                       grade 120+ wrong implementations: the kill rate"
	@echo "  MUTANTS_FLAGS='--lab losses --extra-only'  narrower runs"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "dlkit needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

venv-colab: $(VENV_COLAB)/.installed
$(VENV_COLAB)/.installed: requirements-colab.txt requirements-dev.txt requirements.txt
	$(PYTHON_COLAB) -c 'import sys; assert sys.version_info >= (3, 11), "dlkit needs Python 3.11+"'
	$(PYTHON_COLAB) -m venv $(VENV_COLAB)
	$(VENV_COLAB)/bin/pip install -q --upgrade pip
	$(VENV_COLAB)/bin/pip install -q -r requirements-colab.txt
	touch $@

demo: venv
	$(PY) -m instructor demo

grade: venv
ifeq ($(strip $(SUBMISSIONS)),)
	$(PY) -m instructor demo --bugs-per-lab $(DEMO_BUGS) > /dev/null
	$(PY) -m autograder grade $(BUILD)/demo/* --json $(BUILD)/grade/report.json --out $(BUILD)/grade
else
	$(PY) -m autograder grade $(SUBMISSIONS) --json $(BUILD)/grade/report.json --out $(BUILD)/grade
endif
	@echo "wrote $(BUILD)/grade/report.json, $(BUILD)/grade/grades.csv, $(BUILD)/grade/feedback/"

test: venv
	$(PY) -m pytest

test-colab: venv-colab
	$(VENV_COLAB)/bin/python -m pytest

release: venv
	$(PY) -m instructor release --hints $(HINTS)

gradescope: venv
	$(PY) -m instructor gradescope $(GRADESCOPE_FLAGS)

check: venv
	$(PY) -m autograder check $(LAB)

references: venv
	$(PY) -m instructor references

notebooks: venv
	$(PY) -m instructor notebooks --epochs $(EPOCHS)

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m instructor.measure.bench_grading
	$(PY) -m instructor.measure.trace_cost
	$(PY) -m instructor.measure.bench_optimizers
	$(PY) -m instructor.measure.bench_cluster

gates: venv
	$(PY) -m instructor.measure.gates --seeds $(SEEDS) $(GATES_FLAGS)

mutants: venv
	$(PY) -m instructor.measure.kill_rate $(MUTANTS_FLAGS)

flake-report: venv
	$(PY) -m instructor.measure.flake --seeds $(FLAKE_SEEDS) $(FLAKE_FLAGS)

clean:
	rm -rf $(BUILD) .pytest_cache .ruff_cache
