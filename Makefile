# Sentido: `make run` starts the app, `make test` runs the tests; both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The CPU build of torch; on a CUDA machine use e.g. `make run TORCH_SPEC="torch>=2.10"`.
TORCH_SPEC ?= torch==2.13.0
# The stamp names the Python and the torch spec: changing either (`make run TORCH_SPEC=...`) rebuilds the venv.
STAMP_KEY := $(shell $(PYTHON) -c "import sys; print(sys.version.split()[0])" 2>/dev/null)-$(TORCH_SPEC)
STAMP := $(VENV)/.installed-$(subst /,_,$(subst $() ,_,$(subst >,gt,$(subst <,lt,$(subst =,eq,$(STAMP_KEY))))))

.PHONY: run test install bench models screenshot clean lint check-python

# First, before anything is installed: Sentido needs Python 3.11 or newer.
check-python:
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'Sentido needs Python 3.11 or newer; $(PYTHON) is ' + sys.version.split()[0] + ': run make PYTHON=python3.12 (or another)')"

$(STAMP): pyproject.toml resources/models/pyproject.toml | check-python
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ./resources/models -e ".[gui,test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/sentido-gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/run_all.py

models: $(STAMP)
	$(PY) scripts/make_models.py

screenshot: $(STAMP)
	$(PY) scripts/screenshots.py
	$(PY) scripts/screenshots_inside.py

lint: $(STAMP)
	$(PY) -m ruff check engine plugins desktop sentido scripts --select E9,F63,F7,F82

clean:
	rm -rf $(VENV) build *.egg-info
