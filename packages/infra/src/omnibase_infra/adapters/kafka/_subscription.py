"""One FastStream batch subscriber with manual commits, driven by a BatchProcessor."""

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from itertools import chain

from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from aiokafka.abc import ConsumerRebalanceListener  # type: ignore[import-untyped]
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.message import FAKE_CONSUMER, KafkaAckableMessage
from faststream.kafka.schemas import Topic
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.message import StreamMessage

from omnibase_infra.adapters.kafka._processor import BatchProcessor
from omnibase_infra.adapters.kafka._types import Record
from omnibase_infra.adapters.kafka.model_kafka_bus_config import ModelKafkaBusConfig

logger = logging.getLogger(__name__)


class _AssignmentListener(ConsumerRebalanceListener):  # type: ignore[misc]
    """Remembers that the consumer joined its group (an assignment arrived, maybe empty)."""

    def __init__(self) -> None:
        self.joined = False
        self.partitions: frozenset[TopicPartition] = frozenset()

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        self.partitions = self.partitions - set(revoked)

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        self.partitions = frozenset(assigned)
        self.joined = True


class _PromptBatchSubscriber(BatchSubscriber):
    """FastStream's batch subscriber without its pause after an empty poll.

    FastStream sleeps `batch_timeout_ms` after a poll that found nothing, and a record that
    arrives meanwhile waits for the sleep to end (up to 100 ms per hop of a pipeline). The
    poll itself already waits up to `batch_timeout_ms` for records, so polling again at once
    costs nothing while idle.
    """

    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[Record, ...]:
        fetched = await consumer.getmany(
            timeout_ms=self.batch_timeout_ms, max_records=self.max_records
        )
        return tuple(chain.from_iterable(fetched.values()))


class Subscription:
    """A topic consumed by one group member; records go through `processor` batch by batch."""

    def __init__(
        self,
        broker: KafkaBroker,
        *,
        topic: str,
        group_id: str,
        config: ModelKafkaBusConfig,
        processor_factory: Callable[["Subscription"], BatchProcessor],
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self._listener = _AssignmentListener()
        self.subscriber: BatchSubscriber = broker.subscriber(
            Topic(
                topic,
                num_partitions=config.topic_partitions,
                replication_factor=config.topic_replication_factor,
            ),
            batch=True,
            group_id=group_id,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset=config.auto_offset_reset,
            max_records=config.max_batch_records,
            batch_timeout_ms=config.batch_timeout_ms,
            session_timeout_ms=config.session_timeout_ms,
            heartbeat_interval_ms=config.heartbeat_interval_ms,
            fetch_max_wait_ms=config.fetch_max_wait_ms,
            fetch_min_bytes=config.fetch_min_bytes,
            listener=self._listener,
            persistent=False,
            title=f"{group_id}:{topic}",
        )
        # FastStream builds the subscriber; only its polling step is replaced (same layout).
        self.subscriber.__class__ = _PromptBatchSubscriber
        self.processor = processor_factory(self)
        self.subscriber(self._on_batch, parser=_parse_batch, decoder=_records)

    @property
    def joined(self) -> bool:
        """Whether the consumer has received its group assignment."""
        return self._listener.joined and self.subscriber.consumer is not None

    @property
    def stopping(self) -> bool:
        """True once the subscriber was asked to stop (finish the batch, take no more)."""
        return not self.subscriber.running

    def in_flight(self) -> AbstractContextManager[object]:
        """Held while work of this subscription runs outside a handler call: stop waits."""
        lock: AbstractContextManager[object] = self.subscriber.lock
        return lock

    async def start(self) -> None:
        await self.subscriber.start()

    async def stop(self) -> None:
        await self.subscriber.stop()

    async def _on_batch(self, records: tuple[Record, ...]) -> None:
        consumer = self.subscriber.consumer
        if consumer is None or not records:
            return
        try:
            await self.processor.process(records, consumer)
        except Exception:
            # A bug of ours must not commit past these records: read them again later.
            logger.exception("Batch processing failed on %s; the batch is read again", self.topic)
            self.processor.rewind(records, consumer)


async def _parse_batch(records: tuple[Record, ...], _default: object) -> StreamMessage[object]:
    # FastStream's own parser decodes every header as UTF-8 (one bad header fails the batch);
    # the processor reads the few headers it needs itself.
    return KafkaAckableMessage(body=b"", headers={}, raw_message=records, consumer=FAKE_CONSUMER)


async def _records(message: StreamMessage[object], _default: object) -> tuple[Record, ...]:
    # The handler's argument: the fetched records themselves.
    records: tuple[Record, ...] = message.raw_message  # type: ignore[assignment]
    return records
