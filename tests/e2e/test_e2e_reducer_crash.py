"""The registration reducer is killed (SIGKILL) in the middle of a stream of registrations and
started again: no registration is lost, none is applied twice (PRODUCT.md §10), and every node
reaches Consul. The reducer's outbox publishes at least once: the intents of the one batch in
flight at the kill (committed, perhaps partly published, not yet confirmed) are published again
after the restart, so those nodes may be written to Consul twice (harmless: a register of
the same service id replaces the entry), never more."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest
from e2e_observe import eventually, topic_reader
from e2e_registry import Registry, announcement, running_registry
from e2e_services import Timings
from omnibase_core.messaging import TOPIC_CONSUL_REGISTRATION, TOPIC_NODE_INTROSPECTION
from omnibase_infra.config import ModelOnexSettings

NODES = 240
NAME = "crash-node"


@pytest.fixture(scope="module")
async def crash_registry(local_stack: ModelOnexSettings) -> AsyncIterator[Registry]:
    """A registry of its own (its reducer gets killed), with clocks that never run out here."""
    async with running_registry(
        local_stack, timings=Timings(ack_timeout=600.0, liveness_timeout=600.0)
    ) as registry:
        yield registry


async def _rows(registry: Registry) -> int:
    count = await registry.projection.pool.fetchval(
        "SELECT count(*) FROM node_registrations WHERE name = $1", NAME
    )
    return int(count)


async def test_a_reducer_killed_mid_stream_loses_no_registration_and_applies_none_twice(
    crash_registry: Registry,
) -> None:
    registry = crash_registry
    nodes = [uuid4() for _ in range(NODES)]

    async def stream() -> None:
        for node_id in nodes:
            await registry.publish(TOPIC_NODE_INTROSPECTION, announcement(node_id, NAME))

    producing = asyncio.create_task(stream())
    stored = await eventually(
        lambda: _at_least(registry, NODES // 4), timeout=120, what="a quarter stored"
    )
    await asyncio.to_thread(registry.services["registration-reducer"].kill)
    await producing
    await registry.services.restart("registration-reducer")

    await eventually(lambda: _at_least(registry, NODES), timeout=120, what="every row stored")
    with contextlib.suppress(AssertionError):
        await eventually(lambda: _all_in_consul(registry, nodes), timeout=60)
    missing = [node_id for node_id in nodes if registry.proxy.writes_for(node_id) == 0]
    unsent = await _without_intent(registry, missing)
    versions = await registry.projection.pool.fetch(
        "SELECT version, count(*) AS n FROM node_registrations WHERE name = $1 GROUP BY 1", NAME
    )
    assert stored < NODES, "the reducer was killed after the stream, not in the middle"
    assert not missing, (
        f"{len(missing)} of {NODES} rows stored but never registered in Consul; for "
        f"{len(unsent)} of them the reducer never published the register intent (committed "
        "with the row, it should have stayed in the outbox and been published after the restart)"
    )
    assert {row["version"]: row["n"] for row in versions} == {1: NODES}  # each applied once
    writes = [registry.proxy.writes_for(node_id) for node_id in nodes]
    print(f"Consul writes per node: {dict(sorted(Counter(writes).items()))}")
    assert max(writes) <= 2, f"Consul writes per node: {dict(sorted(Counter(writes).items()))}"
    registry.services.check_alive()


async def _at_least(registry: Registry, count: int) -> int | None:
    rows = await _rows(registry)
    return rows if rows >= count else None


async def _all_in_consul(registry: Registry, nodes: list[UUID]) -> bool:
    return all(registry.proxy.writes_for(node_id) >= 1 for node_id in nodes)


async def _without_intent(registry: Registry, nodes: list[UUID]) -> list[UUID]:
    """Those of `nodes` with no record on the Consul intent topic."""
    if not nodes:
        return []
    async with topic_reader(
        registry.settings.kafka.bootstrap_servers, registry.topic(TOPIC_CONSUL_REGISTRATION)
    ) as reader:
        with contextlib.suppress(AssertionError):
            await reader.until(lambda records: None, timeout=5)  # read what there is
        keyed = {record.key for record in reader.records}
    return [node_id for node_id in nodes if str(node_id).encode() not in keyed]
