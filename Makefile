# The course's commands. Each creates .venv when it is missing (or older than the lock) and
# installs everything from this repository's own files: only python3 (3.11+), pip and make needed.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
INSTALLED := $(VENV)/.installed
WORKERS ?= $(shell $(PYTHON) -c "import os; print(os.cpu_count() or 1)")

# nbgrader creates a gradebook by running the `alembic` command: the venv's bin/ must be on PATH.
export PATH := $(BIN):$(PATH)
# Progress bars would put timings into stored outputs; the debugger's frozen-modules notice is noise.
export NNHELPERS_PROGRESS := off
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help demo test soak lab release lessons data index bench lint lock clean hub-up hub-down test-hub

help:
	@echo "make demo     release every assignment, grade a simulated class, print where the report is"
	@echo "make test     the whole test suite (lint, helpers, notebooks, release, grader self-test)"
	@echo "make lab      JupyterLab on the course"
	@echo "make release  regenerate release/ from source/ and prove it (sources pass, stubs fail)"
	@echo "make lessons  re-execute the lesson notebooks and store their outputs"
	@echo "make data     regenerate data/ from the generators in nnhelpers"
	@echo "make index    regenerate the course map notebooks/index.ipynb"
	@echo "make bench    nbgrader against the course grader (jailed, no jail, on Dask), the floor, and scaling with class size"
	@echo "make soak     grade 1,000 submissions on 2 workers; check descriptors, memory, leftover processes"
	@echo "make lock     re-resolve requirements.lock and environment.yml from pyproject.toml"
	@echo "make hub-up   (Linux, root) the course on a local JupyterHub at 127.0.0.1:HUB_PORT; make hub-down removes it"
	@echo "make test-hub (Linux, root) browser end-to-end tests of the course through the hub"

$(INSTALLED): requirements.lock pyproject.toml
	@# The grader runs every submission in a bubblewrap jail (Debian package bubblewrap).
	@command -v bwrap >/dev/null || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; }; } || \
		echo "warning: bubblewrap (bwrap) is missing: grading refuses to run without it unless --no-jail"
	@# The tests start a throw-away PostgreSQL server for the server gradebook (Debian package postgresql).
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }; } || \
		echo "warning: PostgreSQL (Debian package postgresql) is missing: tests/test_postgres_gradebook.py will fail"
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@# uv installs the lock several times faster than pip: pip installs uv itself first, at the version and
	@# hashes the lock gives it. Bytecode is compiled now, as pip does: the jail mounts the environment
	@# read-only, so every kernel would otherwise compile each module it imports again.
	@awk '/^uv==/ {keep = 1; print; next} keep && /^ / {print; next} {keep = 0}' requirements.lock > $(VENV)/uv.lock.txt
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(VENV)/uv.lock.txt
	$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(VENV)/bin/python --require-hashes -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

demo: $(INSTALLED)
	$(BIN)/python -m autograder demo --workers $(WORKERS)

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/python -m nnhelpers.datasets --check
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile tests
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg notebooks
	$(BIN)/python scripts/check_lessons_portable.py --workers $(WORKERS)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile -p no:cacheprovider --nbval-lax --nbval-current-env source
	@# The hub's browser tests mostly wait for pages and servers, so they run beside the CPU-bound self-test
	@# (about 45 s less in all); their output is shown when both are done.
	@status=0; hub=; hub_log=$$(mktemp); \
	if [ "$$(uname -s)" = Linux ] && [ "$$(id -u)" = 0 ]; then \
		echo "$(MAKE) test-hub (beside the self-test; its output follows it)"; \
		$(MAKE) --no-print-directory test-hub > $$hub_log 2>&1 & hub=$$!; \
	else echo "hub end-to-end tests NOT run: they need Linux and root (they make Unix accounts); run 'make test-hub' on such a machine"; fi; \
	echo "$(BIN)/python -m autograder selftest --workers $(WORKERS)"; \
	$(BIN)/python -m autograder selftest --workers $(WORKERS) || status=1; \
	if [ -n "$$hub" ]; then wait $$hub || status=1; cat $$hub_log; fi; \
	rm -f $$hub_log; exit $$status

soak: $(INSTALLED)
	$(BIN)/python -m autograder.devtools.soak --submissions 1000 --workers 2

lab: $(INSTALLED)
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR)

release: $(INSTALLED)
	$(BIN)/python -m autograder release

lessons: $(INSTALLED)
	$(BIN)/python scripts/execute_lessons.py

data: $(INSTALLED)
	$(BIN)/python -m nnhelpers.datasets

index: $(INSTALLED)
	$(BIN)/python scripts/build_index.py

bench: $(INSTALLED)
	$(BIN)/python -m autograder.devtools.bench --workers $(WORKERS)

lint: $(INSTALLED)
	$(BIN)/ruff check .

lock: $(INSTALLED)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra hub --extra scale --universal --python-version 3.11 \
		--fork-strategy fewest --generate-hashes --no-strip-extras --quiet -o requirements.lock
	$(BIN)/python scripts/environment_yml.py

hub-up: $(INSTALLED)
	@$(BIN)/python hub/hubctl.py up

hub-down:
	@python3 hub/hubctl.py down

# One hub for the whole scenario; screenshots and step times in hub/artifacts/.
test-hub: $(INSTALLED)
	$(BIN)/python -m pytest -p no:cacheprovider -s hub/tests

clean:
	rm -rf $(VENV) demo-course bench-course .pytest_cache .ruff_cache .hypothesis
