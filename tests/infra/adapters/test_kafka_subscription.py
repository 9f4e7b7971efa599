"""The subscription's poll: records as fetched, and no pause after an empty poll."""

import asyncio

from faststream.kafka import KafkaBroker
from omnibase_infra.adapters.kafka._subscription import Subscription
from omnibase_infra.adapters.kafka.model_kafka_bus_config import ModelKafkaBusConfig

# Long enough that FastStream's own pause after an empty poll would end the test by timeout.
SLOW_BATCH_TIMEOUT_MS = 60_000


class FakeConsumer:
    """Answers polls from a script: each call returns the next fetch (empty when done)."""

    def __init__(self, *fetches: dict[str, list[str]]) -> None:
        self.fetches = list(fetches)
        self.polls: list[tuple[int, int | None]] = []

    async def getmany(self, *, timeout_ms: int, max_records: int | None) -> dict[str, list[str]]:
        self.polls.append((timeout_ms, max_records))
        return self.fetches.pop(0) if self.fetches else {}


def subscription() -> Subscription:
    config = ModelKafkaBusConfig(batch_timeout_ms=SLOW_BATCH_TIMEOUT_MS, max_batch_records=7)
    return Subscription(
        KafkaBroker(),
        topic="dev.onex.evt.poll-test.v1",
        group_id="poll-test",
        config=config,
        processor_factory=lambda _: None,  # type: ignore[arg-type,return-value]
    )


async def test_an_empty_poll_returns_at_once_so_the_next_poll_starts_without_a_pause() -> None:
    consumer = FakeConsumer()
    async with asyncio.timeout(5):
        assert await subscription().subscriber.get_msg(consumer) == ()
    assert consumer.polls == [(SLOW_BATCH_TIMEOUT_MS, 7)]


async def test_a_poll_returns_the_records_of_every_partition_in_fetch_order() -> None:
    consumer = FakeConsumer({"p0": ["a", "b"], "p1": ["c"]})
    records = await subscription().subscriber.get_msg(consumer)
    assert records == ("a", "b", "c")
