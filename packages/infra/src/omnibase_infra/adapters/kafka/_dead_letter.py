"""The DLQ record of a message that cannot be handled: the original bytes, where from, why.

A dead letter keeps the original record's key, value and headers byte for byte (so it can be
replayed as it was) and appends `dlq_*` headers: origin, error class, a sanitized reason,
attempts. The only bytes ever changed are secrets (PRODUCT.md: no secret in a DLQ record):
a span the sanitizer recognises is replaced with `***` and `dlq_redacted` names the parts.
A value above `max_bytes` keeps only its first `sample_bytes` (`dlq_original_size`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pydantic

from omnibase_infra.adapters.kafka._types import Record
from omnibase_infra.observability import REDACTED, is_sensitive_key, sanitize

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
HEADER_ORIGINAL_HEADERS = "dlq_original_headers"
HEADER_REDACTED = "dlq_redacted"
_MAX_REASON = 2_000
_REDACTED = REDACTED.encode()

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """The key, value and headers written to `<topic>.dlq` for one record."""

    key: bytes | None
    value: bytes
    headers: Headers


def dead_letter_topic(topic: str) -> str:
    """Where messages from `topic` that cannot be handled go."""
    return f"{topic}{DLQ_SUFFIX}"


def dead_letter_record(
    record: Record,
    error: BaseException,
    *,
    attempts: int,
    group_id: str,
    sample_bytes: int,
    max_bytes: int,
) -> DeadLetter:
    """The DLQ record for `record`: its own bytes first, then the `dlq_*` headers."""
    redacted: list[str] = []
    value = record.value or b""
    size = len(value)
    if size > max_bytes:
        value = value[:sample_bytes]
    key = None if record.key is None else _scrubbed(record.key, "key", redacted)
    value = _scrubbed(value, "value", redacted)
    headers = _original_headers(record.headers, redacted)
    count = len(headers)
    headers += [
        (HEADER_ORIGINAL_TOPIC, record.topic.encode()),
        (HEADER_ORIGINAL_PARTITION, b"%d" % record.partition),
        (HEADER_ORIGINAL_OFFSET, b"%d" % record.offset),
        (HEADER_ORIGINAL_HEADERS, b"%d" % count),
        (HEADER_ERROR_CLASS, type(error).__name__.encode()),
        (HEADER_REASON, describe(error).encode()),
        (HEADER_ATTEMPTS, b"%d" % attempts),
        (HEADER_CONSUMER_GROUP, group_id.encode()),
        (HEADER_FAILED_AT, datetime.now(UTC).isoformat().encode()),
    ]
    if size > max_bytes:
        headers.append((HEADER_ORIGINAL_SIZE, b"%d" % size))
    if redacted:
        headers.append((HEADER_REDACTED, ",".join(redacted).encode()))
    return DeadLetter(key, value, headers)


def original_headers(dead_letter_headers: Sequence[tuple[str, bytes]]) -> Headers:
    """The original record's headers, as they were, from a dead letter's headers."""
    count = None
    for name, value in dead_letter_headers:
        if name == HEADER_ORIGINAL_HEADERS:
            count = int(value)
    if count is None:
        raise ValueError(f"not a dead letter: it has no {HEADER_ORIGINAL_HEADERS} header")
    return list(dead_letter_headers[:count])


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


def _original_headers(headers: Sequence[tuple[str, bytes]], redacted: list[str]) -> Headers:
    kept: Headers = []
    for name, value in headers:
        if value and is_sensitive_key(name):
            value = _REDACTED
            _note(redacted, "headers")
        else:
            value = _scrubbed(value, "headers", redacted)
        kept.append((name, value))
    return kept


def _scrubbed(data: bytes, part: str, redacted: list[str]) -> bytes:
    """`data` unchanged, unless the sanitizer finds a secret in it: then only that span changes.

    Bytes that are not UTF-8 travel through `surrogateescape`, so they come back exactly.
    """
    if not data:
        return data
    text = data.decode("utf-8", "surrogateescape")
    clean = sanitize(text)
    if clean == text:
        return data
    _note(redacted, part)
    return clean.encode("utf-8", "surrogateescape")


def _note(redacted: list[str], part: str) -> None:
    if part not in redacted:
        redacted.append(part)
