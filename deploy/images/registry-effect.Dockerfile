# syntax=docker/dockerfile:1
# The registry-effect image. Build from the repository root:
#   docker build -f deploy/images/registry-effect.Dockerfile -t onex/registry-effect .

FROM ghcr.io/astral-sh/uv:0.13.8 AS uv

FROM python:3.11-slim-bookworm AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Layer 1, rebuilt only when the lock or a manifest changes: third-party dependencies.
COPY --parents pyproject.toml uv.lock packages/*/pyproject.toml services/*/pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-workspace --package registry-effect
# Layer 2: the workspace members it needs, installed as plain (non-editable) packages.
COPY packages ./packages
COPY services ./services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-editable --package registry-effect

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin onex
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 ONEX_RUNTIME__HTTP_HOST=0.0.0.0
USER 10001
EXPOSE 8085
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('ONEX_RUNTIME__HTTP_PORT', '8085'), timeout=2)"]
CMD ["onex", "run", "registry-effect"]
