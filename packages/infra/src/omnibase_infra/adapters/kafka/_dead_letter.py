"""The DLQ record of a message that cannot be handled: where it came from, why, how often tried."""

from datetime import UTC, datetime

import pydantic

from omnibase_infra.adapters.kafka._types import Record
from omnibase_infra.adapters.kafka._wire import (
    HEADER_CORRELATION_ID,
    HEADER_MESSAGE_TYPE,
    HEADER_SCHEMA_VERSION,
    header,
)
from omnibase_infra.observability import sanitize

DLQ_SUFFIX = ".dlq"
HEADER_ORIGINAL_TOPIC = "dlq_original_topic"
HEADER_ORIGINAL_PARTITION = "dlq_original_partition"
HEADER_ORIGINAL_OFFSET = "dlq_original_offset"
HEADER_ERROR_CLASS = "dlq_error_class"
HEADER_REASON = "dlq_reason"
HEADER_ATTEMPTS = "dlq_attempts"
HEADER_CONSUMER_GROUP = "dlq_consumer_group"
HEADER_FAILED_AT = "dlq_failed_at"
HEADER_ORIGINAL_SIZE = "dlq_original_size"
_KEPT_HEADERS = (HEADER_MESSAGE_TYPE, HEADER_CORRELATION_ID, HEADER_SCHEMA_VERSION)
_MAX_REASON = 2_000


def dead_letter_topic(topic: str) -> str:
    """Where messages from `topic` that cannot be handled go."""
    return f"{topic}{DLQ_SUFFIX}"


def dead_letter_message(
    record: Record,
    error: BaseException,
    *,
    attempts: int,
    group_id: str,
    sample_bytes: int,
    max_bytes: int,
) -> tuple[bytes, dict[str, str]]:
    """The value and headers of the DLQ record for `record`.

    The value is the original payload as secret-scrubbed UTF-8 text (unchanged for clean JSON,
    so it can be replayed); a payload above `max_bytes` keeps only its first `sample_bytes`.
    """
    raw = record.value or b""
    headers = {name: value for name in _KEPT_HEADERS if (value := header(record.headers, name))}
    headers |= {
        HEADER_ORIGINAL_TOPIC: record.topic,
        HEADER_ORIGINAL_PARTITION: str(record.partition),
        HEADER_ORIGINAL_OFFSET: str(record.offset),
        HEADER_ERROR_CLASS: type(error).__name__,
        HEADER_REASON: describe(error),
        HEADER_ATTEMPTS: str(attempts),
        HEADER_CONSUMER_GROUP: group_id,
        HEADER_FAILED_AT: datetime.now(UTC).isoformat(),
    }
    if len(raw) > max_bytes:
        headers[HEADER_ORIGINAL_SIZE] = str(len(raw))
        raw = raw[:sample_bytes]
    return sanitize(raw.decode("utf-8", errors="replace")).encode(), headers


def describe(error: BaseException) -> str:
    """A short, secret-free reason; validation errors list fields, never the rejected input."""
    if isinstance(error, pydantic.ValidationError):
        issues = error.errors(include_url=False, include_input=False, include_context=False)
        text = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or '(message)'}: {issue['msg']}"
            for issue in issues
        )
    else:
        text = str(error) or type(error).__name__
    return sanitize(text)[:_MAX_REASON]
