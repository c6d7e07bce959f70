# codev: `make test` and `make demo` each set everything up on a fresh machine.
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: setup test test-slow demo bench bench-eval bench-backends bench-synth iverilog12 clean

setup: $(VENV)/.setup-done

$(VENV)/.setup-done: pyproject.toml scripts/setup.sh
	VENV=$(VENV) bash scripts/setup.sh

test: setup  # the fast suite (under 10 min on 2 cores)
	$(BIN)/python -m pytest -q -m "not slow" tests

test-slow: setup  # long sweeps and end-to-end runs marked @pytest.mark.slow (CI runs both)
	$(BIN)/python -m pytest -q -m slow tests

demo: setup  # the whole pipeline, offline: 3-5 min on 2 busy cores (one torch thread); rerunning resumes
	$(BIN)/codev demo --out runs/demo

bench: setup
	$(BIN)/python bench/verify_throughput.py
	$(BIN)/python bench/rtllm_agreement.py

bench-eval: setup
	$(BIN)/python bench/eval_wall_time.py

bench-backends: setup  # about 50 min on 2 cores
	$(BIN)/python bench/backends_throughput.py --latency

bench-synth: setup  # synthesis items/s per stage and the built-in funnel (about 1 min on 2 cores)
	$(BIN)/python bench/synth_throughput.py

iverilog12: setup  # Icarus 12 from its pinned, checksummed source into ~/.cache/codev (about 12 min on 2 cores)
	nice -n 10 $(BIN)/codev doctor --install iverilog==12

clean:
	rm -rf $(VENV) runs .pytest_cache
