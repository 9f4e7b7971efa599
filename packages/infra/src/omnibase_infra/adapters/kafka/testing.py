"""An in-memory event bus with the Kafka bus's interface, for unit tests of handler logic.

Publishing serializes the envelope to JSON and decodes it again, as Kafka would, then calls
every subscribed group's handler at once (errors propagate to the publisher, like
FastStream's test broker). Every published envelope is kept by topic for assertions.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from omnibase_spi import EnvelopeHandler, Unsubscribe

from omnibase_infra.adapters.kafka._processor import BatchHandler
from omnibase_infra.adapters.kafka._wire import (
    Envelope,
    EnvelopeDecoder,
    decode_any_envelope,
    encode_envelope,
)


@dataclass(frozen=True, eq=False)
class _Subscriber:
    group_id: str
    handler: BatchHandler
    decode: EnvelopeDecoder


class InMemoryEventBus:
    """`ProtocolEventBus` without a broker: delivery is immediate, in publish order."""

    def __init__(self) -> None:
        self.published: dict[str, list[Envelope]] = defaultdict(list)
        self._subscribers: dict[str, list[_Subscriber]] = defaultdict(list)

    async def publish(self, topic: str, envelope: Envelope) -> None:
        """Keep `envelope` under `topic` and hand it to one subscriber of each group."""
        _key, value, headers = encode_envelope(envelope)
        self.published[topic].append(envelope)
        delivered: set[str] = set()
        for subscriber in list(self._subscribers[topic]):
            if subscriber.group_id in delivered:
                continue
            delivered.add(subscriber.group_id)
            await subscriber.handler([subscriber.decode(value, headers["message_type"])])

    async def publish_many(self, messages: Sequence[tuple[str, Envelope]]) -> None:
        """Publish each message in order."""
        for topic, envelope in messages:
            await self.publish(topic, envelope)

    async def subscribe(
        self,
        topic: str,
        handler: EnvelopeHandler,
        *,
        group_id: str,
        decode: EnvelopeDecoder | None = None,
    ) -> Unsubscribe:
        """Call `handler` with each envelope published to `topic` from now on."""

        async def each(envelopes: Sequence[Envelope]) -> None:
            for envelope in envelopes:
                await handler(envelope)

        return await self.subscribe_batch(topic, each, group_id=group_id, decode=decode)

    async def subscribe_batch(
        self,
        topic: str,
        handler: BatchHandler,
        *,
        group_id: str,
        decode: EnvelopeDecoder | None = None,
    ) -> Unsubscribe:
        """Call `handler` with a one-envelope batch per message published to `topic`."""
        subscriber = _Subscriber(group_id, handler, decode or decode_any_envelope)
        self._subscribers[topic].append(subscriber)

        async def unsubscribe() -> None:
            if subscriber in self._subscribers[topic]:
                self._subscribers[topic].remove(subscriber)

        return unsubscribe

    def joined(self) -> bool:
        """Always true: there is no group to join."""
        return True

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Always answers."""

    @property
    def target_name(self) -> str:
        return "in-memory event bus"
