# The two set-up commands of the README: `make run` (spectui on the demo repository) and `make test`;
# `make test-remote` runs the tests against a real Butler server and S3 server (tests/butler_server.py).
PYTHON ?= python3
# The tests mostly wait (on terminals, servers, subprocesses), so they run in more processes than there are cores.
TEST_JOBS ?= 4
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-remote test-full bench clean postgresql

$(BIN)/spectui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/spectui
	$(BIN)/spectui

test: $(BIN)/spectui postgresql
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) -m "not slow and not remote"

# Builds the server's Python 3.13 venv (.venv-server/) the first time, then starts the servers for the session.
test-remote: $(BIN)/spectui
	$(BIN)/python -m pytest -q -m "remote and not slow"

test-full: $(BIN)/spectui postgresql
	$(BIN)/python -m pytest -q -n $(TEST_JOBS)

bench: $(BIN)/spectui
	$(BIN)/python bench/run

clean:
	rm -rf $(VENV) .venv-server build *.egg-info

# The tests start their own PostgreSQL server from Debian's packages; as root, install them when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || \
	  echo "PostgreSQL could not be installed: the tests will say what is missing" >&2
