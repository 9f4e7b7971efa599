"""JSON log lines on stdout, scrubbed of secrets, tagged with the message's correlation id."""

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

from pythonjsonlogger.json import JsonFormatter

from omnibase_infra.observability import install_log_sanitizer

# The correlation id of the message being handled (read by the log filter).
CORRELATION_ID: ContextVar[UUID | None] = ContextVar("onex_correlation_id", default=None)


@contextmanager
def correlation(correlation_id: UUID) -> Iterator[None]:
    """Tag every log line written inside the block with `correlation_id`."""
    token = CORRELATION_ID.set(correlation_id)
    try:
        yield
    finally:
        CORRELATION_ID.reset(token)


class _CorrelationFilter(logging.Filter):
    """Adds the current message's correlation id to records that carry none."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate
        if getattr(record, "correlation_id", None) is None:
            current = CORRELATION_ID.get()
            record.correlation_id = str(current) if current else None
        return True


def configure_json_logging(level: str = "INFO", *, node: str | None = None) -> None:
    """Send all logging to stdout as one JSON object per line (replaces root handlers)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"node": node} if node else None,
        )
    )
    handler.addFilter(_CorrelationFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    install_log_sanitizer(root)
