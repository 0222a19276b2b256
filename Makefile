# Every target sets up what it needs: a fresh machine has only Python 3.11 and pip.
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: setup demo test lint format clean bench

$(STAMP): pyproject.toml uv.lock
	$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv>=0.5"
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(UV) run --frozen lapsit demo
	@echo "Portal: $(UV) run --frozen lapsit akun tambah op-balangan --polres balangan, then $(UV) run --frozen lapsit portal (http://127.0.0.1:8080/); see docs/portal.md"

test: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen pytest

# The benchmark against the bare floor (benchmarks/RESULTS.md): make bench SIZE=M
SIZE ?= S
bench: setup
	$(UV) run --frozen python -m benchmarks run --size $(SIZE)

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format: setup
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

clean:
	rm -rf $(VENV) data/curated/* data/reports
