"""Errors only the Kafka event bus raises (besides the shared `omnibase_infra.errors`)."""

from omnibase_infra.adapters.kafka.errors.message_rejected_error import MessageRejectedError

__all__ = ["MessageRejectedError"]
