# The few verbs a newcomer needs. `make run` and `make test` work on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: setup run test test-fast eval bench scale-bench lint ui clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# torch first, from the local CPU build, so nothing pulls the CUDA wheels.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)   ## install everything and provision the embedding model
	$(BIN)/rag provision

run: setup        ## build the index if needed and start the chat UI on 127.0.0.1:7860
	$(BIN)/rag ui

test: setup       ## install browser deps if missing, then the whole test suite
	bash scripts/install_browser.sh
	$(BIN)/python -m pytest -q

test-fast: setup  ## unit tests only
	$(BIN)/python -m pytest -q -m "not integration and not browser and not server"

eval: setup       ## the evaluation suite with baselines; writes eval/results.json and eval/REPORT.md
	$(BIN)/rag eval

bench: setup      ## speed and memory figures; writes bench/results.json
	$(BIN)/python -m bench.run

scale-bench: setup ## how build time, size, memory, latency and hit@5 grow (14 and 100 reports; add 1000 for the full run, ~25 min)
	$(BIN)/python -m bench.scale --sizes 14,100

lint: setup
	$(BIN)/ruff check rag ui eval tests

clean:
	rm -rf data .pytest_cache
