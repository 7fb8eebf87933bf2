# The two commands a new user needs: `make site` and `make test`. Everything is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VARIANT ?= all
VENV := .venv
PY := $(VENV)/bin/python
HUBGEN := $(VENV)/bin/hubgen
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup site test netlify check serve edit screenshots lighthouse bench lint golden clean

setup: $(VENV)/.runtime  ## only the Python set-up (.venv with the pinned dependencies)

site: $(VENV)/.runtime node_modules/.installed  ## set up (Python packages; npm packages for the web editor) and build both variants into site/
	$(HUBGEN) build --variant $(VARIANT)

test: $(VENV)/.dev $(CHROMIUM) $(NGINX) node_modules/.installed  ## set up, lint, then run every test
	$(VENV)/bin/ruff check hubgen tests bench
	$(PY) -m pytest

netlify: $(VENV)/.runtime node_modules/.installed  ## Netlify's build command (netlify.toml): the site HUBGEN_VARIANT names
	HUBGEN_SITE_URL="$${HUBGEN_SITE_URL:-$${DEPLOY_PRIME_URL:-$$URL}}" $(HUBGEN) netlify

check: $(VENV)/.runtime  ## validate content/ only
	$(HUBGEN) check

serve: $(VENV)/.runtime  ## live preview of the affiliate site on http://127.0.0.1:8000
	$(HUBGEN) serve

edit: $(VENV)/.runtime node_modules/.installed  ## the web editor on http://127.0.0.1:8300, saving into content/ (decap-server)
	$(HUBGEN) edit

screenshots: site $(VENV)/.dev $(CHROMIUM)  ## every page type of both variants, at 1366 px and 390 px
	$(PY) -m tests.screenshots

lighthouse: site $(VENV)/.dev $(CHROMIUM) node_modules/.installed  ## Lighthouse scores of the home and a record page, both variants
	$(PY) -m tests.lighthouse

bench: $(VENV)/.dev $(CHROMIUM)  ## the benchmark at N = 100, 1,000, 10,000: prints and writes bench/RESULTS.md
	$(PY) -m bench.run

lint: $(VENV)/.dev  ## ruff, as `make test` runs it
	$(VENV)/bin/ruff check hubgen tests bench

golden: $(VENV)/.dev  ## regenerate tests/golden/ after a deliberate template change; review the diff
	$(PY) -m pytest tests/test_render.py --update-golden -q

$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt requirements-zensical.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# From package-lock.json: the web editor (decap-cms, decap-server: `make edit`, the affiliate
# site's /admin/), and for the tests @netlify/config (netlify.toml through Netlify's own
# resolver) and axe-core.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# Debian's nginx for tests/test_nginx.py, which runs deploy/nginx/hub-affiliates.conf in a
# process of its own on a free port; the package's own service is not used.
$(NGINX):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx

clean:
	rm -rf build site $(VENV)
