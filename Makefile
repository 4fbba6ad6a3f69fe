# Two entry points that bootstrap their own venv: `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
export YOLO_OFFLINE := 1
export YOLO_AUTOINSTALL := false

.PHONY: demo test test-fast clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/python scripts/demo_setup.py
	$(BIN)/scoreminer --env-file examples/demo.env process-video demo/clip.mp4 \
		--out demo/answer.json --annotate demo/annotated.mp4
	@echo "wrote demo/answer.json and demo/annotated.mp4"

test: $(BIN)/.installed
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
