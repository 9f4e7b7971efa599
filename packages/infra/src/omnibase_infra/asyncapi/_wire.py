"""What the Kafka event bus puts around an envelope: routing headers, key, dead-letter headers."""

from datetime import UTC, datetime

from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from pydantic.json_schema import JsonSchemaValue

from omnibase_infra.adapters.kafka import (
    HEADER_ATTEMPTS,
    HEADER_CONSUMER_GROUP,
    HEADER_ERROR_CLASS,
    HEADER_FAILED_AT,
    HEADER_ORIGINAL_HEADERS,
    HEADER_ORIGINAL_OFFSET,
    HEADER_ORIGINAL_PARTITION,
    HEADER_ORIGINAL_SIZE,
    HEADER_ORIGINAL_TOPIC,
    HEADER_REASON,
    HEADER_REDACTED,
    encode_envelope,
)

KAFKA_BINDING_VERSION = "0.5.0"
_TEXT: JsonSchemaValue = {"type": "string"}
_COUNT: JsonSchemaValue = {"type": "string", "pattern": "^[0-9]+$"}
_DEAD_LETTER_HEADERS: dict[str, tuple[JsonSchemaValue, str]] = {
    HEADER_ORIGINAL_TOPIC: (_TEXT, "The topic the message was read from."),
    HEADER_ORIGINAL_PARTITION: (_COUNT, "Its partition."),
    HEADER_ORIGINAL_OFFSET: (_COUNT, "Its offset."),
    HEADER_ORIGINAL_HEADERS: (_COUNT, "How many of the first headers are the original's."),
    HEADER_ERROR_CLASS: (_TEXT, "Why it was not handled: the error's class name."),
    HEADER_REASON: (_TEXT, "A short reason, secret-scrubbed (fields, never rejected values)."),
    HEADER_ATTEMPTS: (_COUNT, "How often the handler was tried (1 for bad input)."),
    HEADER_CONSUMER_GROUP: (_TEXT, "The consumer group that gave up on it."),
    HEADER_FAILED_AT: ({"type": "string", "format": "date-time"}, "When it was dead-lettered."),
    HEADER_ORIGINAL_SIZE: (_COUNT, "Set when the value was cut: the original size in bytes."),
    HEADER_REDACTED: (
        {"type": "string", "pattern": "^(key|value|headers)(,(key|value|headers))*$"},
        "Set when a secret was replaced with `***`: which parts (key, value, headers).",
    ),
}
_OPTIONAL = (HEADER_ORIGINAL_SIZE, HEADER_REDACTED)


def envelope_headers(
    name: str, category: EnumMessageCategory, envelope_schema: JsonSchemaValue
) -> JsonSchemaValue:
    """The headers the bus sends with message `name`, read from the bus's own encoder.

    A header that repeats an envelope field gets that field's schema; any other header is a
    constant of the wire format (the content type) and gets its value.
    """
    sample = ModelEventEnvelope[object](
        message_type=name,
        category=category,
        entity_id="entity",
        emitted_at=datetime(2000, 1, 1, tzinfo=UTC),
        producer="docs",
        payload={},
    )
    fields = envelope_schema["properties"]
    properties: dict[str, JsonSchemaValue] = {}
    for header, value in encode_envelope(sample)[2].items():
        if header in fields:
            properties[header] = {**fields[header], "description": f"The envelope's {header}."}
        else:
            properties[header] = {"type": "string", "const": value}
    return {"type": "object", "required": list(properties), "properties": properties}


def dead_letter_headers(kept: JsonSchemaValue) -> JsonSchemaValue:
    """The headers of a dead-letter record; `kept`: a message's headers, all copied over first."""
    properties = {
        name: {k: v for k, v in schema.items() if k != "const"}
        for name, schema in kept["properties"].items()
    }
    required = [name for name in _DEAD_LETTER_HEADERS if name not in _OPTIONAL]
    for name, (schema, description) in _DEAD_LETTER_HEADERS.items():
        properties[name] = {**schema, "description": description}
    return {"type": "object", "required": required, "properties": properties}


def kafka_key(description: str) -> JsonSchemaValue:
    """The Kafka message binding: the record key and what it holds."""
    key = {"type": "string", "minLength": 1, "description": description}
    return {"kafka": {"key": key, "bindingVersion": KAFKA_BINDING_VERSION}}
