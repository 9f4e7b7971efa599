"""Handle one fetched batch at least once: decode, handle (retried), dead-letter, commit.

Records are handled in fetch order, so each partition is handled in sequence. Only offsets
of records that are done (handled, or safely in the DLQ) are committed; a partition whose
record cannot be finished now (a dependency is down, the DLQ write failed, the service is
stopping) is rewound to that record, paused for a backoff and committed no further.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import pydantic
from aiokafka import TopicPartition  # type: ignore[import-untyped]
from aiokafka.errors import IllegalStateError, KafkaError  # type: ignore[import-untyped]
from omnibase_core.errors import NodeOutputError, NodeRoutingError, TopicFormatError

from omnibase_infra.adapters.kafka._dead_letter import describe
from omnibase_infra.adapters.kafka._metrics import TopicMetrics
from omnibase_infra.adapters.kafka._types import Consumer, Record, topic_partition
from omnibase_infra.adapters.kafka._wire import (
    HEADER_MESSAGE_TYPE,
    Envelope,
    EnvelopeDecoder,
    header,
)
from omnibase_infra.adapters.kafka.errors import MessageRejectedError
from omnibase_infra.adapters.kafka.model_kafka_bus_config import ModelKafkaBusConfig
from omnibase_infra.errors import InfraUnavailableError, RuntimeHostError

logger = logging.getLogger(__name__)

BatchHandler = Callable[[Sequence[Envelope]], Awaitable[None]]
DeadLetterWriter = Callable[[Record, BaseException, int], Awaitable[None]]
_POISON = (
    pydantic.ValidationError,
    NodeRoutingError,
    NodeOutputError,
    TopicFormatError,
    MessageRejectedError,
)


def is_outage(error: BaseException) -> bool:
    """A dependency is down or unreachable: wait and try again, never dead-letter."""
    return isinstance(error, InfraUnavailableError) or (
        isinstance(error, RuntimeHostError) and error.transient
    )


def is_poison(error: BaseException) -> bool:
    """The message itself is wrong: another try cannot help, so it is dead-lettered at once."""
    return isinstance(error, _POISON)


@dataclass(slots=True)
class _Item:
    record: Record
    envelope: Envelope


@dataclass
class _Run:
    """What became of one batch: which partitions stop where, and for how long."""

    records: Sequence[Record]
    held: dict[TopicPartition, int] = field(default_factory=dict)
    delay: dict[TopicPartition, float] = field(default_factory=dict)

    def is_held(self, record: Record) -> bool:
        if not self.held:
            return False
        stop = self.held.get(topic_partition(record))
        return stop is not None and record.offset >= stop

    def hold(self, record: Record, delay: float) -> None:
        tp = topic_partition(record)
        self.held[tp] = min(self.held.get(tp, record.offset), record.offset)
        self.delay[tp] = max(self.delay.get(tp, 0.0), delay)

    def commit_offsets(self) -> dict[TopicPartition, int]:
        """The next offset to read per partition that made progress in this batch."""
        # Offsets ascend within a partition: its last record ends it, its first starts it.
        after = {(r.topic, r.partition): r.offset + 1 for r in self.records}
        first = {(r.topic, r.partition): r.offset for r in reversed(self.records)}
        offsets = {}
        for key, end in after.items():
            tp = TopicPartition(*key)
            offset = self.held.get(tp, end)
            if offset > first[key]:
                offsets[tp] = offset
        return offsets


class BatchProcessor:
    """Runs a subscription's handler over fetched batches with retry, DLQ and safe commits.

    With `batched`, all decoded envelopes of a batch go to the handler in one call (one unit
    of work); if that call fails for any reason but an outage, each envelope is tried alone,
    so only the bad one is dead-lettered.
    """

    def __init__(
        self,
        *,
        topic: str,
        group_id: str,
        handler: BatchHandler,
        decode: EnvelopeDecoder,
        dead_letter: DeadLetterWriter,
        config: ModelKafkaBusConfig,
        batched: bool,
        stopping: Callable[[], bool],
        in_flight: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        self._group_id = group_id
        self._handler = handler
        self._decode = decode
        self._dead_letter = dead_letter
        self._config = config
        self._batched = batched
        self._stopping = stopping
        self._in_flight = in_flight
        self._pending_commit: asyncio.Task[None] | None = None
        self._metrics = TopicMetrics.of(topic)
        self._holds: dict[TopicPartition, int] = {}  # consecutive holds, for the backoff

    async def process(self, records: Sequence[Record], consumer: Consumer) -> None:
        """Handle `records` (one fetch, in order) and commit what is done."""
        run = _Run(records)
        self._metrics.consumed.inc(len(records))
        decoded, envelopes = await self._decode_all(run)
        if run.held:
            kept = [i for i, record in enumerate(decoded) if not run.is_held(record)]
            decoded, envelopes = [decoded[i] for i in kept], [envelopes[i] for i in kept]
        if self._batched and len(envelopes) > 1:
            await self._handle_together(decoded, envelopes, run)
        else:
            await self._handle_each(_items(decoded, envelopes), run)
        await self._finish(run, consumer)

    async def _decode_all(self, run: _Run) -> tuple[list[Record], list[Envelope]]:
        """The records that decoded and their envelopes; the others are dead-lettered."""
        decoded: list[Record] = []
        envelopes: list[Envelope] = []
        decode, limit = self._decode, self._config.max_message_bytes
        for record in run.records:
            if run.held and run.is_held(record):
                continue
            try:
                value = record.value
                if value is None or len(value) > limit:
                    raise _too_large(value, limit)
                envelope = decode(value, header(record.headers, HEADER_MESSAGE_TYPE))
            except Exception as error:
                await self._reject(record, error, 1, run)
                continue
            decoded.append(record)
            envelopes.append(envelope)
        return decoded, envelopes

    async def _handle_together(
        self, records: list[Record], envelopes: list[Envelope], run: _Run
    ) -> None:
        try:
            await self._call(envelopes)
        except Exception as error:
            if not is_outage(error):
                await self._handle_each(_items(records, envelopes), run)
                return
            for record in records:
                run.hold(record, self._hold_delay(record, error))
            self._log_hold(records[0], error, "handler")

    async def _handle_each(self, items: list[_Item], run: _Run) -> None:
        for item in items:
            if run.is_held(item.record):
                continue
            if self._stopping():
                run.hold(item.record, 0.0)
                continue
            await self._handle_one(item, run)

    async def _handle_one(self, item: _Item, run: _Run) -> None:
        policy = self._config.handler_retry
        attempt = 1
        while True:
            try:
                await self._call([item.envelope])
                return
            except Exception as error:
                if is_outage(error):
                    run.hold(item.record, self._hold_delay(item.record, error))
                    self._log_hold(item.record, error, "handler")
                    return
                if is_poison(error) or attempt >= policy.max_attempts:
                    await self._reject(item.record, error, attempt, run)
                    return
                if self._stopping():
                    run.hold(item.record, 0.0)
                    return
                self._log_retry(item, error, attempt)
            attempt += 1
            await asyncio.sleep(policy.delay_before(attempt))

    async def _call(self, envelopes: list[Envelope]) -> None:
        started = time.perf_counter()
        try:
            await self._handler(envelopes)
        except Exception:
            self._metrics.failed.inc()
            raise
        finally:
            self._metrics.latency.observe(time.perf_counter() - started)
        self._metrics.processed.inc(len(envelopes))

    async def _reject(self, record: Record, error: BaseException, attempts: int, run: _Run) -> None:
        """Dead-letter `record`; if even that fails, hold its partition (nothing committed)."""
        try:
            await self._dead_letter(record, error, attempts)
        except Exception as dlq_error:
            run.hold(record, self._hold_delay(record, dlq_error))
            self._log_hold(record, dlq_error, "dead-letter write")
            return
        self._metrics.dead_lettered(type(error).__name__)
        logger.warning(
            "Dead-lettered %s[%d]@%d after %d attempt(s): %s: %s",
            record.topic,
            record.partition,
            record.offset,
            attempts,
            type(error).__name__,
            describe(error),
            extra=_record_fields(record, attempts=attempts, error_class=type(error).__name__),
        )

    def _hold_delay(self, record: Record, error: BaseException) -> float:
        low, high = self._config.hold_backoff_seconds
        tp = topic_partition(record)
        holds = self._holds.get(tp, 0)
        delay = min(high, low * 2.0**holds)
        if isinstance(error, InfraUnavailableError) and error.retry_after_seconds is not None:
            delay = min(high, max(delay, error.retry_after_seconds))
        return delay

    async def _finish(self, run: _Run, consumer: Consumer) -> None:
        for tp, offset in run.held.items():
            self._pause(consumer, tp, offset, run.delay.get(tp, 0.0))
        if self._holds:  # partitions that moved on start their backoff afresh
            for tp in {topic_partition(r) for r in run.records} - run.held.keys():
                self._holds.pop(tp, None)
        offsets = run.commit_offsets()
        if not offsets:
            return
        await self.settle()
        if self._stopping():
            await self._commit(consumer, offsets)
            return
        # The commit overlaps the next batch: one at a time, in order, and the subscriber's
        # stop waits for it (`in_flight`), so no finished record is left uncommitted.
        guard = self._in_flight()
        guard.__enter__()
        self._pending_commit = asyncio.create_task(self._commit_guarded(consumer, offsets, guard))

    async def settle(self) -> None:
        """Wait for the commit still in flight, if any."""
        pending, self._pending_commit = self._pending_commit, None
        if pending is not None:
            await pending

    async def _commit_guarded(
        self,
        consumer: Consumer,
        offsets: dict[TopicPartition, int],
        guard: AbstractContextManager[object],
    ) -> None:
        try:
            await self._commit(consumer, offsets)
        finally:
            guard.__exit__(None, None, None)

    async def _commit(self, consumer: Consumer, offsets: dict[TopicPartition, int]) -> None:
        try:
            await consumer.commit(offsets)
        except (KafkaError, IllegalStateError) as error:
            # Rebalanced away or the coordinator is gone: the records are redelivered
            # (at least once); the next commit of this partition covers them otherwise.
            logger.warning(
                "Offset commit failed (%s); those records may be delivered again",
                type(error).__name__,
                extra={"group_id": self._group_id, "error": describe(error)},
            )

    def rewind(self, records: Sequence[Record], consumer: Consumer) -> None:
        """Read `records` again after a pause (nothing of them is committed)."""
        run = _Run(records)
        low = self._config.hold_backoff_seconds[0]
        for record in records:
            run.hold(record, low)
        for tp, offset in run.held.items():
            self._pause(consumer, tp, offset, low)

    def _pause(self, consumer: Consumer, tp: TopicPartition, offset: int, delay: float) -> None:
        self._metrics.held.inc()
        self._holds[tp] = self._holds.get(tp, 0) + 1
        try:
            consumer.seek(tp, offset)
            if delay > 0 and not self._stopping():
                consumer.pause(tp)
                asyncio.get_running_loop().call_later(delay, _resume, consumer, tp)
        except IllegalStateError:
            pass  # no longer ours: the new owner starts from the committed offset

    def _log_retry(self, item: _Item, error: BaseException, attempt: int) -> None:
        logger.warning(
            "Handler failed on %s[%d]@%d (attempt %d of %d), retrying: %s: %s",
            item.record.topic,
            item.record.partition,
            item.record.offset,
            attempt,
            self._config.handler_retry.max_attempts,
            type(error).__name__,
            describe(error),
            extra=_record_fields(
                item.record,
                attempts=attempt,
                error_class=type(error).__name__,
                correlation_id=str(item.envelope.correlation_id),
            ),
        )

    def _log_hold(self, record: Record, error: BaseException, what: str) -> None:
        logger.warning(
            "%s failed on %s[%d]@%d (%s: %s); partition paused, nothing committed past it",
            what,
            record.topic,
            record.partition,
            record.offset,
            type(error).__name__,
            describe(error),
            extra=_record_fields(record, error_class=type(error).__name__),
        )


def _items(records: list[Record], envelopes: list[Envelope]) -> list[_Item]:
    return [_Item(record, envelope) for record, envelope in zip(records, envelopes, strict=True)]


def _too_large(value: bytes | None, limit: int) -> MessageRejectedError:
    size = "no value" if value is None else f"{len(value)} bytes"
    return MessageRejectedError(
        f"payload is {size}; the limit is {limit} bytes (max_message_bytes)"
    )


def _resume(consumer: Consumer, tp: TopicPartition) -> None:
    if tp in consumer.assignment():
        consumer.resume(tp)


def _record_fields(record: Record, **extra: object) -> dict[str, object]:
    return {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "correlation_id": header(record.headers, "correlation_id"),
        **extra,
    }
