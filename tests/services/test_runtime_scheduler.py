"""runtime-scheduler against real Valkey, PostgreSQL and Kafka: one leader, an unbroken clock."""

import asyncio
import itertools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]
from omnibase_core.messaging import TOPIC_RUNTIME_TICK
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import ModelRuntimeTick
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.adapters.valkey import ValkeyAdapter
from omnibase_infra.config import ModelOnexSettings
from runtime_scheduler import (
    ModelRuntimeSchedulerSettings,
    RuntimeScheduler,
    open_scheduler,
    running,
    utc_now,
)

pytestmark = pytest.mark.usefixtures("local_stack")

INTERVAL = 0.1
TTL = 1.0
Clock = Callable[[], datetime]


@dataclass
class Replica:
    """One scheduler replica running in its own task (with its own connections)."""

    scheduler: RuntimeScheduler
    task: asyncio.Task[None]

    @property
    def sequence(self) -> int:
        """The sequence of the last tick it published (-1: none yet)."""
        tick = self.scheduler.last_tick
        return -1 if tick is None else tick.sequence

    async def stop(self) -> None:
        self.scheduler.stop()
        await self.task

    def kill(self) -> None:
        """Crash it: the task ends without releasing the lease."""
        self.task.cancel()


StartReplica = Callable[..., Awaitable[Replica]]


@pytest.fixture
async def settings(local_stack: ModelOnexSettings) -> AsyncIterator[ModelOnexSettings]:
    """The local stack under a fresh environment: its own tick topic, lease and clock row."""
    settings = local_stack.model_copy(update={"env": f"t{uuid.uuid4().hex[:12]}"})
    topic = tick_topic(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        await admin.close()
    yield settings
    async with PostgresPoolManager.from_settings(settings) as db:
        await db.execute("DELETE FROM onex_runtime_ticks WHERE name = $1", topic)


@pytest.fixture
async def start_replica(settings: ModelOnexSettings) -> AsyncIterator[StartReplica]:
    """Start scheduler replicas; each one is stopped (if still running) after the test."""
    async with AsyncExitStack() as stack:
        bus = await stack.enter_async_context(KafkaEventBus.from_settings(settings))
        replicas: list[Replica] = []

        async def start(scheduler_id: str, clock: Clock = utc_now) -> Replica:
            config = ModelRuntimeSchedulerSettings(
                tick_interval_seconds=INTERVAL, lease_ttl_seconds=TTL, scheduler_id=scheduler_id
            )
            scheduler = await stack.enter_async_context(
                open_scheduler(settings, bus.publish, config, clock=clock)
            )
            replica = Replica(scheduler, asyncio.create_task(scheduler.run()))
            replicas.append(replica)
            return replica

        try:
            yield start
        finally:
            for replica in replicas:
                replica.scheduler.stop()
                with suppress(asyncio.CancelledError):
                    await replica.task


def tick_topic(settings: ModelOnexSettings) -> str:
    return str(TOPIC_RUNTIME_TICK.with_env(settings.env))


async def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


async def published_ticks(settings: ModelOnexSettings) -> list[ModelRuntimeTick]:
    """Every tick on the topic, in order (the topic has one partition)."""
    partition = TopicPartition(tick_topic(settings), 0)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers,
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    try:
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        end = (await consumer.end_offsets([partition]))[partition]
        records = []
        async with asyncio.timeout(20):
            while await consumer.position(partition) < end:
                batches = await consumer.getmany(partition, timeout_ms=100)
                records.extend(batches.get(partition, []))
    finally:
        await consumer.stop()
    envelopes = [ModelEventEnvelope[ModelRuntimeTick].model_validate_json(r.value) for r in records]
    assert {envelope.message_type for envelope in envelopes} <= {"ModelRuntimeTick"}
    return [envelope.payload for envelope in envelopes]


def assert_unbroken(ticks: list[ModelRuntimeTick]) -> None:
    """Sequences 0, 1, 2, ... without repeats or gaps; times in UTC and never going back."""
    assert [tick.sequence for tick in ticks] == list(range(len(ticks)))
    assert all(tick.now.utcoffset() == timedelta(0) for tick in ticks)
    assert all(a.now <= b.now for a, b in itertools.pairwise(ticks))


async def test_of_two_schedulers_only_one_ticks(
    settings: ModelOnexSettings, start_replica: StartReplica
) -> None:
    first, second = await start_replica("first"), await start_replica("second")
    await wait_until(lambda: max(first.sequence, second.sequence) >= 15)

    leaders = [r for r in (first, second) if r.scheduler.leading]
    assert len(leaders) == 1
    follower = second if leaders[0] is first else first
    assert follower.scheduler.last_tick is None
    await first.stop()
    await second.stop()
    ticks = await published_ticks(settings)
    assert {tick.scheduler_id for tick in ticks} == {leaders[0].scheduler.scheduler_id}
    assert_unbroken(ticks)


async def test_a_killed_leader_is_replaced_after_the_lease_ttl_and_the_sequence_continues(
    settings: ModelOnexSettings, start_replica: StartReplica
) -> None:
    leader = await start_replica("leader")
    await wait_until(lambda: leader.sequence >= 3)
    standby = await start_replica("standby")
    await wait_until(lambda: leader.sequence >= 8)
    assert not standby.scheduler.leading

    leader.kill()  # right after a tick: the lease was renewed moments ago
    killed_at, last_of_leader = time.monotonic(), leader.sequence
    await wait_until(lambda: standby.sequence >= 0, timeout=5 * TTL)
    took_over_after = time.monotonic() - killed_at
    await wait_until(lambda: standby.sequence >= last_of_leader + 5)
    await standby.stop()

    assert TTL - INTERVAL <= took_over_after < 3 * TTL
    ticks = await published_ticks(settings)
    assert_unbroken(ticks)
    owners = [tick.scheduler_id for tick in ticks]
    handover = owners.index("standby")
    assert set(owners[:handover]) == {"leader"} and set(owners[handover:]) == {"standby"}
    assert ticks[handover].sequence == last_of_leader + 1


async def test_a_restarted_scheduler_continues_the_sequence(
    settings: ModelOnexSettings, start_replica: StartReplica
) -> None:
    before = await start_replica("before-restart")
    await wait_until(lambda: before.sequence >= 4)
    await before.stop()

    after = await start_replica("after-restart")  # new connections, nothing kept in memory
    await wait_until(lambda: after.sequence >= before.sequence + 4)
    await after.stop()

    ticks = await published_ticks(settings)
    assert_unbroken(ticks)
    assert ticks[before.sequence + 1].scheduler_id == "after-restart"


async def test_a_stopped_leader_hands_over_without_waiting_for_the_lease_ttl(
    settings: ModelOnexSettings, start_replica: StartReplica
) -> None:
    leader = await start_replica("leader")
    await wait_until(lambda: leader.sequence >= 2)
    standby = await start_replica("standby")
    await wait_until(lambda: leader.sequence >= 5)

    await leader.stop()  # releases the lease
    stopped_at = time.monotonic()
    await wait_until(lambda: standby.sequence >= 0, timeout=5 * TTL)
    assert time.monotonic() - stopped_at < TTL
    await standby.stop()
    assert_unbroken(await published_ticks(settings))


async def test_a_new_leader_with_a_slow_clock_never_publishes_an_earlier_time(
    settings: ModelOnexSettings, start_replica: StartReplica
) -> None:
    on_time = await start_replica("on-time")
    await wait_until(lambda: on_time.sequence >= 2)
    await on_time.stop()
    last_on_time = on_time.scheduler.last_tick
    assert last_on_time is not None

    late = await start_replica("late", clock=lambda: utc_now() - timedelta(hours=1))
    await wait_until(lambda: late.sequence >= last_on_time.sequence + 3)
    await late.stop()

    ticks = await published_ticks(settings)
    assert_unbroken(ticks)
    assert {tick.now for tick in ticks if tick.scheduler_id == "late"} == {last_on_time.now}


async def test_a_leader_whose_lease_is_taken_stops_ticking_at_once(
    settings: ModelOnexSettings, start_replica: StartReplica
) -> None:
    leader = await start_replica("leader")
    await wait_until(lambda: leader.sequence >= 2)
    topic = tick_topic(settings)
    async with ValkeyAdapter.from_settings(settings) as valkey:
        # As if the lease had expired and another replica had taken it.
        assert await valkey.release(topic, "leader")
        assert await valkey.try_acquire(topic, "usurper", ttl_seconds=30)
        at_takeover = leader.sequence
        await wait_until(lambda: not leader.scheduler.leading, timeout=2 * INTERVAL + 1)
        await asyncio.sleep(5 * INTERVAL)
        await leader.stop()
        assert await valkey.lease_owner(topic) == "usurper"  # stopping released nothing
        await valkey.release(topic, "usurper")

    # A tick already renewed before the takeover may still go out; none after it.
    ticks = await published_ticks(settings)
    assert_unbroken(ticks)
    assert ticks[-1].sequence <= at_takeover + 1


async def test_the_running_hook_ticks_in_the_background_and_releases_the_lease_on_exit(
    settings: ModelOnexSettings,
) -> None:
    async with KafkaEventBus.from_settings(settings) as bus:
        async with running(settings, bus.publish) as scheduler:
            await wait_until(lambda: scheduler.last_tick is not None)
            assert scheduler.leading
        async with ValkeyAdapter.from_settings(settings) as valkey:
            assert await valkey.lease_owner(tick_topic(settings)) is None
    assert_unbroken(await published_ticks(settings))
