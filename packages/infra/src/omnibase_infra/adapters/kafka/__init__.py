"""The Kafka event bus: `ProtocolEventBus` on FastStream/aiokafka, and an in-memory twin.

- `KafkaEventBus.from_settings(settings)`: publish envelopes (JSON, key = entity id, headers
  `message_type`, `correlation_id`, `schema_version`), subscribe with at-least-once commits,
  bounded handler retries and a `<topic>.dlq` dead-letter topic. A dead letter is the original
  record byte for byte (key, value, headers; only secrets are replaced, `dlq_redacted` says
  where) followed by the `dlq_*` headers; `original_headers(dead.headers)` gives back the
  original record's headers for a replay.
- `omnibase_infra.adapters.kafka.testing.InMemoryEventBus`: the same protocol in memory, for
  unit tests of handler logic.
"""

from omnibase_infra.adapters.kafka._bus import KafkaEventBus
from omnibase_infra.adapters.kafka._dead_letter import (
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
    DeadLetter,
    dead_letter_record,
    dead_letter_topic,
    original_headers,
)
from omnibase_infra.adapters.kafka._processor import BatchHandler, is_outage, is_poison
from omnibase_infra.adapters.kafka._wire import (
    HEADER_CORRELATION_ID,
    HEADER_MESSAGE_TYPE,
    HEADER_SCHEMA_VERSION,
    EnvelopeDecoder,
    decode_any_envelope,
    encode_envelope,
)
from omnibase_infra.adapters.kafka.errors import MessageRejectedError
from omnibase_infra.adapters.kafka.model_kafka_bus_config import ModelKafkaBusConfig

__all__ = [
    "HEADER_ATTEMPTS",
    "HEADER_CONSUMER_GROUP",
    "HEADER_CORRELATION_ID",
    "HEADER_ERROR_CLASS",
    "HEADER_FAILED_AT",
    "HEADER_MESSAGE_TYPE",
    "HEADER_ORIGINAL_HEADERS",
    "HEADER_ORIGINAL_OFFSET",
    "HEADER_ORIGINAL_PARTITION",
    "HEADER_ORIGINAL_SIZE",
    "HEADER_ORIGINAL_TOPIC",
    "HEADER_REASON",
    "HEADER_REDACTED",
    "HEADER_SCHEMA_VERSION",
    "BatchHandler",
    "DeadLetter",
    "EnvelopeDecoder",
    "KafkaEventBus",
    "MessageRejectedError",
    "ModelKafkaBusConfig",
    "dead_letter_record",
    "dead_letter_topic",
    "decode_any_envelope",
    "encode_envelope",
    "is_outage",
    "is_poison",
    "original_headers",
]
