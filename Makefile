# Sentido: `make run` starts the app, `make test` runs the tests; both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The CPU build of torch; on a CUDA machine use e.g. `make run TORCH_SPEC="torch>=2.10"`.
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed

.PHONY: run test install bench models screenshot clean lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ".[gui,test]"
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

clean:
	rm -rf $(VENV) build *.egg-info
