# ONEX developer commands. `just --list` shows them all.

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes
default:
    @just --list

# Install every workspace member and dev tool into .venv
sync:
    uv sync --all-packages --locked

# Run the whole test suite against the real local servers (started if needed)
test *ARGS: sync
    uv run pytest {{ARGS}}

# Start Kafka, PostgreSQL, Valkey, Consul and Vault on loopback (no Docker)
infra-up: sync
    uv run onex infra up

# Stop the local servers
infra-down: sync
    uv run onex infra down

# Show the local servers' status table
infra-status: sync
    uv run onex infra status

# Run one service (e.g. registration-orchestrator), starting the local servers if needed
run SERVICE: sync
    uv run onex run {{SERVICE}}

# Run the registration pipeline and two example nodes; watch the registry live (Ctrl-C stops)
dev: sync
    uv run onex dev

# Show the node registry (add --json, or --watch for a live table)
nodes *ARGS: sync
    uv run onex nodes {{ARGS}}

# Write the AsyncAPI docs of every service and example node into docs/asyncapi/ (--check: only verify)
docs *ARGS: sync
    uv run onex docs {{ARGS}}

# Lint and type-check
lint: sync
    uv run ruff check .
    uv run mypy
