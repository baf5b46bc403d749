# The two commands a new machine needs (see README.md):
#   make build   set everything up, then build the example brief and deck into build/
#   make test    set everything up (with the test tools), then run the tests
.PHONY: build test bench lint

build:
	scripts/setup.sh
	.venv/bin/deckgen build

test:
	scripts/setup.sh test
	.venv/bin/python -m pytest

bench:
	scripts/setup.sh
	.venv/bin/python -m pip install -q -e '.[bench]'
	.venv/bin/python bench/bench.py

lint:
	.venv/bin/ruff check src tests
