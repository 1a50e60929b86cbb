# The two set-up commands of the README: `make run` (spectui on the demo repository) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-full bench clean

$(BIN)/spectui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/spectui
	$(BIN)/spectui

test: $(BIN)/spectui
	$(BIN)/python -m pytest -q -m "not slow"

test-full: $(BIN)/spectui
	$(BIN)/python -m pytest -q

bench: $(BIN)/spectui
	$(BIN)/python bench/run

clean:
	rm -rf $(VENV) build *.egg-info
