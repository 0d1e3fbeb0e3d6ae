# Set-up for a fresh machine: `make demo` or `make test` (each creates .venv and installs first).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS := $(VENV)/.installed-all
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench clean

install: $(STAMP)

# The package, editable, with every optional extra (scikit-learn, Dask, ONNX, matplotlib, tqdm, ...).
$(EXTRAS): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all]"
	touch $(EXTRAS)

# Then what only the tests need: pytest, and PyTorch as the outside oracle (torch==2.13.0, CPU).
$(STAMP): $(EXTRAS)
	$(BIN)/python -m pip install --quiet -e ".[all,test]"
	touch $(STAMP)

# The demo needs no test tools: it installs the package and its extras only.
demo: $(EXTRAS)
	$(BIN)/neuronet demo

# One BLAS thread: on 2-core machines two threads fighting another process stall small products.
test: install
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -q

# Speed (bench/run.py), then test accuracy against scikit-learn (bench/quality.py); tables on stdout.
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/quality.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
