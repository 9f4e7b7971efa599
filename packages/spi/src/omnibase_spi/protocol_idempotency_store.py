from typing import Protocol, runtime_checkable
from uuid import UUID


@runtime_checkable
class ProtocolIdempotencyStore(Protocol):
    """A durable record of which messages each consumer has already processed."""

    async def mark_processed(self, consumer: str, message_id: UUID) -> bool:
        """Record `message_id` as processed by `consumer`; False if it already was."""
        ...

    async def is_processed(self, consumer: str, message_id: UUID) -> bool:
        """Whether `consumer` has already processed `message_id`."""
        ...
