"""The Kafka event bus: envelopes as JSON keyed by entity id, consumed at least once."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import ClassVar, Self
from uuid import UUID

from aiokafka import AIOKafkaClient  # type: ignore[import-untyped]
from faststream.kafka import KafkaBroker
from omnibase_core.contracts import ModelRetryPolicy
from omnibase_spi import EnvelopeHandler, Unsubscribe

from omnibase_infra.adapters._config import build_config
from omnibase_infra.adapters._guard import GuardedAdapter
from omnibase_infra.adapters.kafka._dead_letter import dead_letter_record, dead_letter_topic
from omnibase_infra.adapters.kafka._dead_letter_producer import DeadLetterProducer
from omnibase_infra.adapters.kafka._processor import BatchHandler, BatchProcessor
from omnibase_infra.adapters.kafka._subscription import Subscription
from omnibase_infra.adapters.kafka._translate import translate_kafka_error
from omnibase_infra.adapters.kafka._types import Record
from omnibase_infra.adapters.kafka._wire import (
    Envelope,
    EnvelopeDecoder,
    decode_any_envelope,
    encode_envelope,
    header,
)
from omnibase_infra.adapters.kafka.errors import MessageRejectedError
from omnibase_infra.adapters.kafka.model_kafka_bus_config import ModelKafkaBusConfig
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import InfraConnectionError, ModelInfraErrorContext, RuntimeHostError

# FastStream logs each message at the broker's level: keep that at DEBUG.
_FASTSTREAM_LOGGER = logging.getLogger("omnibase_infra.kafka.faststream")
_PING_TIMEOUT_SECONDS = 5.0
# What a bulk (max_delay_ms) subscription waits for before the broker answers a fetch.
_BULK_FETCH_BYTES = 65_536


class KafkaEventBus(GuardedAdapter):
    """`ProtocolEventBus` on Kafka (FastStream + aiokafka), with DLQ and a producer breaker.

    Publishing waits for acks=all from an idempotent producer. Each subscription is one
    consumer of its group; an offset is committed only after the handler returned (or the
    message is safely in `<topic>.dlq`). Bad input (undecodable, invalid, unknown type,
    oversize) is dead-lettered at once; a failing handler is retried with backoff, then
    dead-lettered; while a dependency is down its partition waits, uncommitted.

        async with KafkaEventBus.from_settings(load_settings()) as bus:
            await bus.publish(topic, envelope)
    """

    transport_type: ClassVar[EnumInfraTransportType] = EnumInfraTransportType.KAFKA

    def __init__(self, config: ModelKafkaBusConfig | None = None) -> None:
        self.config = config or ModelKafkaBusConfig()
        # Publishing is not retried here: a repeat could reorder an entity's messages.
        self._init_guard(
            self.config.target_name, self.config.circuit_breaker, ModelRetryPolicy(max_attempts=1)
        )
        self.broker = KafkaBroker(
            self.config.bootstrap_servers,
            client_id=self.config.client_id,
            acks="all",
            enable_idempotence=self.config.enable_idempotence,
            max_request_size=max(self.config.max_message_bytes, 1_048_576),
            request_timeout_ms=self.config.request_timeout_ms,
            graceful_timeout=self.config.graceful_timeout_seconds,
            logger=_FASTSTREAM_LOGGER,
            log_level=logging.DEBUG,
            # Every subscriber is ours and takes the fetched records as they are: no
            # dependency injection or argument models (it cost a worker-thread hop a batch).
            apply_types=False,
            serializer=None,
        )
        self._subscriptions: list[Subscription] = []
        self._dead_letters = DeadLetterProducer(self.config)

    @classmethod
    def from_settings(cls, settings: ModelOnexSettings, **overrides: object) -> Self:
        """A bus for the cluster in `settings` (ONEX_KAFKA__*), with explicit overrides."""
        kafka = settings.kafka
        values = {
            "bootstrap_servers": kafka.bootstrap_servers,
            "enable_idempotence": kafka.enable_idempotence,
            "max_message_bytes": kafka.max_message_bytes,
            "session_timeout_ms": kafka.session_timeout_ms,
            "heartbeat_interval_ms": kafka.heartbeat_interval_ms,
            "fetch_max_wait_ms": kafka.fetch_max_wait_ms,
        }
        return cls(build_config(ModelKafkaBusConfig, values, overrides, env_prefix="ONEX_KAFKA__"))

    @property
    def running(self) -> bool:
        """Whether the broker is connected (between `start()` and `aclose()`)."""
        return bool(self.broker.running)

    async def start(self) -> None:
        """Connect the producer and start every subscription made so far."""
        await self._guarded("connect", self._start)

    async def _start(self) -> None:
        # FastStream leaves its producer open when the cluster is unreachable at start,
        # so reach the cluster with a client we close ourselves first.
        await self._probe()
        await self.broker.start()

    async def _probe(self) -> None:
        client = AIOKafkaClient(
            bootstrap_servers=self.config.bootstrap_servers,
            request_timeout_ms=self.config.request_timeout_ms,
        )
        try:
            await client.bootstrap()
        finally:
            await client.close()

    async def aclose(self) -> None:
        """Stop consuming (in-flight batches finish and commit), then close the producers."""
        try:
            await self.broker.stop()
        finally:
            await self._dead_letters.aclose()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def publish(self, topic: str, envelope: Envelope) -> None:
        """Send `envelope` to `topic` keyed by its entity id; return once the broker has it."""
        await self.publish_many([(topic, envelope)])

    async def publish_many(self, messages: Sequence[tuple[str, Envelope]]) -> None:
        """Send several envelopes, then wait for all acks; raise if any was not accepted."""
        if not messages:
            return
        encoded = [(topic, *self._encode(topic, envelope)) for topic, envelope in messages]
        correlation_id = messages[0][1].correlation_id

        async def send_all() -> None:
            async with asyncio.timeout(self.config.publish_timeout_seconds):
                pending = [
                    await self._send(topic, key, value, headers)
                    for topic, key, value, headers in encoded
                ]
                await asyncio.gather(*pending)

        await self._guarded("publish", send_all, correlation_id)

    async def subscribe(
        self,
        topic: str,
        handler: EnvelopeHandler,
        *,
        group_id: str,
        decode: EnvelopeDecoder | None = None,
        max_delay_ms: int | None = None,
    ) -> Unsubscribe:
        """Call `handler` for each envelope on `topic`, as one consumer of `group_id`.

        `decode(value, message_type_header)` builds the envelope (default: payload left
        as JSON data); whatever it raises sends the record to the DLQ. With `max_delay_ms`,
        for a listener that may see messages that much later, records are fetched in bulk
        (the broker answers once 64 KiB arrived or the delay passed): a busy topic then
        costs a fetch and a commit per delay, not per message.
        """

        async def one_by_one(envelopes: Sequence[Envelope]) -> None:
            for envelope in envelopes:
                await handler(envelope)

        config = self.config
        if max_delay_ms is not None:
            bulk = {"fetch_max_wait_ms": max_delay_ms, "fetch_min_bytes": _BULK_FETCH_BYTES}
            config = config.model_copy(update=bulk)
        return await self._subscribe(
            topic, one_by_one, group_id, decode, batched=False, config=config
        )

    async def subscribe_batch(
        self,
        topic: str,
        handler: BatchHandler,
        *,
        group_id: str,
        decode: EnvelopeDecoder | None = None,
    ) -> Unsubscribe:
        """Like `subscribe`, but `handler` gets each fetched batch's envelopes in one call.

        If that call fails (other than a dependency outage), each envelope is retried alone
        so only the bad one reaches the DLQ.
        """
        return await self._subscribe(
            topic, handler, group_id, decode, batched=True, config=self.config
        )

    def joined(self) -> bool:
        """Whether every subscription's consumer has received its group assignment."""
        return all(subscription.joined for subscription in self._subscriptions)

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when the cluster answers (started or not); raise InfraConnectionError if not."""
        if not self.running:
            await self._guarded("ping", self._probe, correlation_id)
        elif not await self.broker.ping(timeout=_PING_TIMEOUT_SECONDS):
            raise InfraConnectionError(
                f"{self.target_name} does not answer",
                self._error_context("ping", correlation_id),
            )

    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        return translate_kafka_error(error, context)

    def _encode(self, topic: str, envelope: Envelope) -> tuple[bytes, bytes, dict[str, str]]:
        key, value, headers = encode_envelope(envelope)
        if len(value) > self.config.max_message_bytes:
            raise MessageRejectedError(
                f"{envelope.message_type} for {topic} is {len(value)} bytes; the limit is "
                f"{self.config.max_message_bytes} (max_message_bytes)",
                correlation_id=envelope.correlation_id,
            )
        return key, value, headers

    async def _send(
        self, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]
    ) -> Awaitable[object]:
        future: Awaitable[object] = await self.broker.publish(
            value,
            topic,
            key=key,
            headers=headers,
            correlation_id=headers.get("correlation_id"),
            no_confirm=True,
        )
        return future

    async def _subscribe(
        self,
        topic: str,
        handler: BatchHandler,
        group_id: str,
        decode: EnvelopeDecoder | None,
        *,
        batched: bool,
        config: ModelKafkaBusConfig,
    ) -> Unsubscribe:
        def processor(subscription: Subscription) -> BatchProcessor:
            return BatchProcessor(
                topic=topic,
                group_id=group_id,
                handler=handler,
                decode=decode or decode_any_envelope,
                dead_letter=self._dead_letter_writer(group_id),
                config=config,
                batched=batched,
                stopping=lambda: subscription.stopping,
                in_flight=subscription.in_flight,
            )

        subscription = Subscription(
            self.broker,
            topic=topic,
            group_id=group_id,
            config=config,
            processor_factory=processor,
        )
        self._subscriptions.append(subscription)
        if self.running:
            await subscription.start()

        async def unsubscribe() -> None:
            await subscription.stop()
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

        return unsubscribe

    def _dead_letter_writer(
        self, group_id: str
    ) -> Callable[[Record, BaseException, int], Awaitable[None]]:
        async def write(record: Record, error: BaseException, attempts: int) -> None:
            letter = dead_letter_record(
                record,
                error,
                attempts=attempts,
                group_id=group_id,
                sample_bytes=self.config.dead_letter_sample_bytes,
                max_bytes=self.config.max_message_bytes,
            )

            async def send() -> None:
                async with asyncio.timeout(self.config.publish_timeout_seconds):
                    await self._dead_letters.send(dead_letter_topic(record.topic), letter)

            correlation = header(record.headers, "correlation_id")
            await self._guarded("dead_letter", send, _uuid_or_none(correlation))

        return write


def _uuid_or_none(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
