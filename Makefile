# Connect: local runtime and checks. `make help` lists the targets.
# Nothing here prompts (CI runs `make test` on a fresh machine via .ci/run).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
export DEBIAN_FRONTEND := noninteractive
# Root needs no sudo; elsewhere sudo must not ask for a password (-n) in CI.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo "sudo -n")

.PHONY: help install run infra-up infra-down infra-status cluster-up cluster-down lint test bench chaos clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

install: ## install system packages (only if missing; chromium drives the dashboard tests), uv, the Python workspace and the Kafka jars
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || missing="$$missing nginx-light"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v java >/dev/null || { echo "Java 17+ is required (e.g. apt-get install openjdk-17-jre-headless)"; exit 1; }
	@command -v uv >/dev/null || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@if command -v uv >/dev/null; then uv sync --frozen; else $(PYTHON) -m uv sync --frozen; fi
	@deploy/local/kafka.sh install

run: install ## start Kafka, Redis, the gateway (:8080) and the three services (development profile)
	NOTIFIER_SSRF_ALLOW_CIDRS='127.0.0.0/8,::1/128' CONNECT_PROFILE=development \
	  $(VENV)/bin/honcho start -f Procfile

infra-up: ## start Kafka, Redis and the gateway in the background and create the topics
	@deploy/local/stack.sh start

infra-down: ## stop what infra-up started
	@deploy/local/stack.sh stop

infra-status: ## show the state of Kafka, Redis and the gateway
	@deploy/local/stack.sh status

# The cluster keeps its own data directory (a data directory holds one Kafka shape) but shares
# the ports (and the downloaded jars) of the single-broker stack: run one of them at a time.
DATA_DIR := $(or $(CONNECT_DATA_DIR),$(CURDIR)/.data)
CLUSTER_ENV := KAFKA_BROKERS=3 CONNECT_DATA_DIR="$(DATA_DIR)/cluster" KAFKA_LIBS_DIR="$(DATA_DIR)/kafka-libs"

cluster-up: ## like infra-up with three Kafka brokers (replication 3, min.insync.replicas 2); data in .data/cluster
	@$(CLUSTER_ENV) deploy/local/stack.sh start

cluster-down: ## stop what cluster-up started
	@$(CLUSTER_ENV) deploy/local/stack.sh stop

lint: ## ruff (lint + format check) and mypy --strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared/src services/issuer/src services/redeemer/src services/notifier/src services/stats/src sdk/python/src bench

# The suite runs against the real infra. A lint failure does not hide test results:
# pytest runs anyway, infra-down always runs, and make exits with pytest's code
# (or lint's / infra-up's when pytest passed or never ran).
test: install ## install, start infra, lint, run the whole pytest suite, stop infra
	@rc=0; lint=0; \
	$(MAKE) --no-print-directory infra-up || rc=$$?; \
	if [ $$rc -eq 0 ]; then \
	  $(MAKE) --no-print-directory lint || lint=$$?; \
	  $(VENV)/bin/pytest || rc=$$?; \
	  [ $$rc -ne 0 ] || rc=$$lint; \
	fi; \
	$(MAKE) --no-print-directory infra-down || true; \
	exit $$rc

# Not part of `test`. Honours CONNECT_DATA_DIR and the *_PORT variables of deploy/local/lib.sh
# (so it can run beside another stack) and BENCH_DURATION / BENCH_SCENARIOS (docs/benchmarks.md).
bench: install ## load benchmarks: start what is missing, run the scenarios, write bench/results/
	$(VENV)/bin/python -m bench

# Not part of `test` (a short variant is: tests/chaos). Its own stack on ports derived from
# KAFKA_PORT (docs/reliability.md); CHAOS_ROUNDS / CHAOS_FAULTS / CHAOS_CLIENTS bound it.
chaos: install ## fault injection: kill -9, broker loss, Redis FLUSHALL, a stalled sink under load; checks and recovery times
	$(VENV)/bin/python -m tests.chaos

clean: infra-down ## stop the infra and delete all runtime data (.data/)
	rm -rf .data
