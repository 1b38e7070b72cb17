# Mektep: `make run` (demo on SQLite, no services needed) and `make test` (everything, real services);
# `make check` (the quality gates) and `make test-fast` (the quick loop) while developing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('requirements.txt','rb').read()).hexdigest()[:12])" 2>/dev/null)
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: run test test-fast test-e2e check system-packages bench install messages migrate seed clean prod test-topology

$(STAMP): requirements.txt
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'Python 3.11 or newer is needed')"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The browser tests' JavaScript tools (axe-core), at the versions pinned in package-lock.json; again whenever the
# lock file changes.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

messages: $(STAMP)
	$(MANAGE) compilemessages --locale ky --locale ru --ignore .venv --ignore var

migrate: $(STAMP)
	$(MANAGE) migrate --noinput
	# Pages made before a language existed have empty ky/ru fields until these two run.
	$(MANAGE) update_translation_fields
	$(MANAGE) set_translation_url_paths

seed: migrate messages
	$(MANAGE) seed_demo

run: seed
	$(PY) -m cms.devserver

# Installs missing system packages with apt-get when run as root; otherwise prints the command and stops.
system-packages:
	$(PYTHON) .ci/system_packages.py

check: $(STAMP)
	$(PY) .ci/check.py

test: system-packages $(STAMP) $(NODE_STAMP)
	$(PY) .ci/check.py
	$(PY) tests/harness.py

# The quick loop: the unit and service tests on SQLite, one process per core, no Redis, worker or browser needed.
test-fast: $(STAMP)
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -m "not services and not e2e" -n 2 -q

# The browser tests alone (Playwright with Debian's Chromium, axe-core from npm).
test-e2e: system-packages $(STAMP) $(NODE_STAMP) messages
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -m e2e -q

# The production topology on this machine (PostgreSQL primary + hot standby, Redis, two gunicorn nodes behind nginx,
# two workers, one beat); Ctrl-C stops it. test-topology kills nodes under load (also run by `make test`).
prod: system-packages $(STAMP)
	$(PY) tests/topology.py serve

test-topology: system-packages $(STAMP)
	$(PY) tests/topology.py test

bench: system-packages $(STAMP) $(NODE_STAMP)
	$(PY) -m bench $(if $(QUICK),--quick,)

clean:
	rm -rf var test-artifacts
