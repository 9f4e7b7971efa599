"""How an envelope travels on Kafka: JSON value, entity id as key, routing headers."""

from collections.abc import Callable, Sequence

from omnibase_core.models.events import ModelEventEnvelope

Envelope = ModelEventEnvelope[object]
# Decode a record's value into an envelope; the second argument is its message type header.
EnvelopeDecoder = Callable[[bytes, str | None], Envelope]
RawHeaders = Sequence[tuple[str, bytes]]

HEADER_CONTENT_TYPE = "content-type"
HEADER_MESSAGE_TYPE = "message_type"
HEADER_CORRELATION_ID = "correlation_id"
HEADER_SCHEMA_VERSION = "schema_version"
JSON = "application/json"


def encode_envelope(envelope: ModelEventEnvelope[object]) -> tuple[bytes, bytes, dict[str, str]]:
    """The key, value and headers that carry `envelope`."""
    headers = {
        HEADER_CONTENT_TYPE: JSON,
        HEADER_MESSAGE_TYPE: envelope.message_type,
        HEADER_CORRELATION_ID: str(envelope.correlation_id),
        HEADER_SCHEMA_VERSION: envelope.schema_version,
    }
    return envelope.entity_id.encode(), envelope.model_dump_json().encode(), headers


def decode_any_envelope(value: bytes, message_type: str | None) -> Envelope:
    """An envelope with its payload left as plain JSON data (no payload model)."""
    return ModelEventEnvelope[object].model_validate_json(value)


def header(headers: RawHeaders, name: str) -> str | None:
    """The text of header `name` (the last one wins), or None if absent or not UTF-8."""
    found: bytes | None = None
    for key, value in headers:
        if key == name:
            found = value
    if found is None:
        return None
    try:
        return found.decode()
    except UnicodeDecodeError:
        return None
