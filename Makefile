# Jifen's front door. `make demo` to try it, `make test` to check it.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The first Python 3.11+ on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
PY := $(VENV)/bin/python
JIFEN := $(VENV)/bin/jifen
STAMP := $(VENV)/.installed
HOSTPORT ?= 127.0.0.1:8000

.PHONY: help install demo demo-reset run test test-fast test-app test-browser lint format bench migrations-check screenshots messages clean

help:
	@echo "make demo        安装、载入演示数据并启动 http://$(HOSTPORT)/ (install, load the demo, serve)"
	@echo "make test        全部测试：SQLite 与 PostgreSQL (every test, SQLite and PostgreSQL)"
	@echo "make test-fast   只测评分引擎，不启动 Django (the engine alone, no Django, seconds)"
	@echo "make test-app    Django 集成测试，SQLite，不含浏览器 (integration tests, SQLite, no browser)"
	@echo "make test-browser 浏览器测试，SQLite (the browser tests, SQLite)"
	@echo "make demo-reset  删除本机的 SQLite 演示数据库，再 make demo 重新开始 (start the demo afresh)"
	@echo "make run         启动服务和后台任务 (serve the existing database, with jifen worker)"
	@echo "make lint        ruff + mypy + import-linter（分层） (the layers too)"
	@echo "make bench       基准测试 (benchmarks, not part of make test)"
	@echo "make migrations-check  检查是否有未生成的迁移 (no pending migration)"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11 或更高版本 (Python 3.11+ is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# `make demo` and `make run` start `jifen worker` beside the development server (large imports
# are applied by it, docs/deployment.md) and stop it with the server.

demo: install
	$(JIFEN) migrate --noinput
	$(JIFEN) collectstatic --noinput --verbosity 0
	$(JIFEN) demo --url http://$(HOSTPORT)/
	$(JIFEN) worker & trap 'kill $$!' EXIT INT TERM; JIFEN_DEMO=1 $(JIFEN) runserver $(HOSTPORT)

# The demo's SQLite file goes (the ledger is append-only: nothing less resets it); `make demo`
# builds it again. A PostgreSQL database is the operator's to drop and create.
demo-reset:
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "DATABASE_URL 已设置：请删除并重建该数据库（dropdb、createdb）后再 make demo"; exit 2; fi
	rm -f "$${JIFEN_VAR_DIR:-var}/jifen.sqlite3" "$${JIFEN_VAR_DIR:-var}/jifen.sqlite3-wal" \
		"$${JIFEN_VAR_DIR:-var}/jifen.sqlite3-shm"
	@echo "演示数据库已删除；运行 make demo 重新载入。Demo database removed: run make demo."

run: install
	$(JIFEN) migrate --noinput
	$(JIFEN) collectstatic --noinput --verbosity 0
	$(JIFEN) worker & trap 'kill $$!' EXIT INT TERM; $(JIFEN) runserver $(HOSTPORT)

test: install
	PY=$(PY) scripts/test-all

# The three kinds of test (docs/architecture.md): the engine's, which never start Django (no
# pytest-django, no tests/conftest.py; hypothesis's small profile); the integration tests of the
# Django apps; the browser tests. `make test` runs all three on both engines.
ENGINE_TESTS := tests/scoring tests/simulation

test-fast: install
	JIFEN_HYPOTHESIS=fast $(PY) -m pytest -q -p no:django -p no:cacheprovider --noconftest \
		-W ignore::pytest.PytestConfigWarning $(ENGINE_TESTS)

test-app: install
	env -u DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider tests \
		$(foreach t,$(ENGINE_TESTS) tests/browser,--ignore=$(t))

test-browser: install
	env -u DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider tests/browser

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy jifen
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

migrations-check: install
	$(JIFEN) makemigrations --check --dry-run

# The pictures in docs/getting-started.md come from the day-one browser test itself; Chinese
# needs a CJK font in the system (Debian: fonts-noto-cjk), or the pictures show boxes.
screenshots: install
	JIFEN_SCREENSHOTS=docs/img env -u DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider \
		tests/browser/test_day_one.py

messages: install
	cd jifen && ../$(JIFEN) makemessages -l en && ../$(JIFEN) compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
