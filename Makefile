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

.PHONY: help demo test lab release lessons data index bench lint lock clean

help:
	@echo "make demo     release every assignment, grade a simulated class, print where the report is"
	@echo "make test     the whole test suite (lint, helpers, notebooks, release, grader self-test)"
	@echo "make lab      JupyterLab on the course"
	@echo "make release  regenerate release/ from source/ and prove it (sources pass, stubs fail)"
	@echo "make lessons  re-execute the lesson notebooks and store their outputs"
	@echo "make data     regenerate data/ from the generators in nnhelpers"
	@echo "make index    regenerate the course map notebooks/index.ipynb"
	@echo "make bench    time plain nbgrader autograde against the course's parallel grader"
	@echo "make lock     re-resolve requirements.lock and environment.yml from pyproject.toml"

$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
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
	$(BIN)/python -m autograder selftest --workers $(WORKERS)

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
	$(BIN)/python -m autograder.bench --workers $(WORKERS)

lint: $(INSTALLED)
	$(BIN)/ruff check .

lock: $(INSTALLED)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--fork-strategy fewest --generate-hashes --quiet -o requirements.lock
	$(BIN)/python scripts/environment_yml.py

clean:
	rm -rf $(VENV) demo-course bench-course .pytest_cache .ruff_cache .hypothesis
