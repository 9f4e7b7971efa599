"""A node's whole life in the registry, with the four services running as processes against
real Kafka, PostgreSQL, Consul and Valkey: announced, accepted, registered, acked, kept alive
by heartbeats, expired, timed out, shut down, announced again."""

import time
from datetime import UTC, datetime
from functools import partial
from uuid import UUID, uuid4

import asyncpg
import pytest
from aiokafka import ConsumerRecord  # type: ignore[import-untyped]
from e2e_observe import envelopes, eventually, topic_reader
from e2e_registry import Registry, announcement, heartbeat
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
    TOPIC_NODE_HEARTBEAT,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_ACK,
    TOPIC_NODE_REGISTRATION_DECISION,
    TOPIC_REGISTRY_REQUEST_INTROSPECTION,
)
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeIntrospectionReason,
    ModelNodeRegistrationAck,
    ModelRegistryRequestIntrospection,
)

pytestmark = pytest.mark.usefixtures("local_stack")
Envelope = ModelEventEnvelope[dict[str, object]]


def _now() -> datetime:
    return datetime.now(UTC)


async def test_an_announced_node_is_registered_acked_and_kept_alive_without_consul_writes(
    registry: Registry,
) -> None:
    node = registry.node("lifecycle-node")
    await node.start_introspection()
    try:
        entry = await eventually(
            lambda: registry.consul.registered(node.node_id), what="registered in Consul"
        )
        active = await registry.projection.reaches(node.node_id, "active")
        first = active["liveness_deadline"]

        async def extended() -> bool:
            row = await registry.projection.row(node.node_id)
            return row is not None and row["liveness_deadline"] > first

        await eventually(extended, what="heartbeats move the liveness deadline")
        beating = await registry.projection.row(node.node_id)
        assert beating is not None
        beats = beating["heartbeat_sequence"]
        await eventually(
            lambda: _beaten_since(registry, node.node_id, beats + 3), what="more heartbeats"
        )
    finally:
        await node.stop_introspection()
    assert entry.service == "lifecycle-node"
    assert {"compute", "v1.0.0", "health-healthy"} <= set(entry.tags)
    assert entry.meta["node_id"] == str(node.node_id)
    assert active["accepted_at"] < active["activated_at"]
    assert registry.proxy.log_for(node.node_id)[:1] == ["register"]
    # Heartbeats without a health change cost no Consul write: one register, then goodbye.
    await eventually(lambda: registry.consul.gone(node.node_id), what="deregistered")
    assert registry.proxy.log_for(node.node_id) == ["register", "deregister"]


async def _beaten_since(registry: Registry, node_id: object, sequence: int) -> bool:
    row = await registry.projection.row(node_id)
    return row is not None and (row["heartbeat_sequence"] or 0) >= sequence


async def test_a_node_that_stops_beating_expires_leaves_consul_and_is_registered_again(
    registry: Registry,
) -> None:
    node = registry.node("forgetful-node")
    await node.start_introspection()
    try:
        first = await registry.projection.reaches(node.node_id, "active")

        await node.stop_heartbeat()  # still listening: told it expired, it announces again

        expired = await _decision(registry, node.node_id, "ModelNodeLivenessExpired")
        cycle = ["register", "deregister", "register"]
        await eventually(
            lambda: _async(registry.proxy.log_for(node.node_id) == cycle),
            timeout=12,
            what="deregistered, then registered again in Consul",
        )
        again = await eventually(
            lambda: _activated_after(registry, node.node_id, first["activated_at"]),
            what="active again",
        )
        entry = await registry.consul.registered(node.node_id)
    finally:
        await node.stop_introspection()
    assert entry is not None
    assert _time(expired["deadline"]) <= _time(expired["watermark"])
    assert again["activated_at"] > _time(expired["detected_at"])


async def _async(value: bool) -> bool:
    return value


async def _activated_after(
    registry: Registry, node_id: UUID, since: datetime
) -> asyncpg.Record | None:
    row = await registry.projection.row(node_id)
    ok = row is not None and row["state"] == "active" and row["activated_at"] > since
    return row if ok else None


async def test_a_silent_node_expires_leaves_consul_and_is_registered_again_when_it_announces(
    registry: Registry,
) -> None:
    node_id = uuid4()
    await registry.publish(TOPIC_NODE_INTROSPECTION, announcement(node_id))
    await registry.projection.reaches(node_id, "awaiting_ack")
    await _ack(registry, node_id)
    active = await registry.projection.reaches(node_id, "active")
    await registry.publish(TOPIC_NODE_HEARTBEAT, heartbeat(node_id, 1))
    await eventually(lambda: _beaten_since(registry, node_id, 1), what="heartbeat stored")
    # ... and then nothing more from this node.

    expired = await registry.projection.reaches(
        node_id, "liveness_expired", timeout=4 * registry.timings.liveness_timeout
    )
    await eventually(lambda: registry.consul.gone(node_id), what="deregistered from Consul")
    log = registry.proxy.log_for(node_id)

    back = announcement(node_id, reason=EnumNodeIntrospectionReason.REANNOUNCE)
    await registry.publish(TOPIC_NODE_INTROSPECTION, back)
    await registry.projection.reaches(node_id, "awaiting_ack")
    await eventually(lambda: registry.consul.registered(node_id), what="registered again")
    await _ack(registry, node_id)
    again = await registry.projection.reaches(node_id, "active")

    assert log == ["register", "deregister"]
    assert expired["liveness_deadline"] > active["liveness_deadline"]  # the heartbeat moved it
    assert expired["liveness_timeout_emitted_at"] > expired["liveness_deadline"]
    assert again["activated_at"] > expired["liveness_timeout_emitted_at"]
    assert again["liveness_timeout_emitted_at"] is None
    assert registry.proxy.log_for(node_id) == ["register", "deregister", "register"]


async def _ack(registry: Registry, node_id: UUID) -> None:
    ack = ModelNodeRegistrationAck(node_id=node_id, emitted_at=_now())
    await registry.publish(TOPIC_NODE_REGISTRATION_ACK, ack, category=EnumMessageCategory.COMMAND)


async def test_a_node_that_never_acks_times_out_and_is_deregistered(registry: Registry) -> None:
    node_id = uuid4()
    await registry.publish(TOPIC_NODE_INTROSPECTION, announcement(node_id))
    waiting = await registry.projection.reaches(node_id, "awaiting_ack")
    await eventually(lambda: registry.consul.registered(node_id), what="registered in Consul")

    timed_out = await registry.projection.reaches(
        node_id, "ack_timed_out", timeout=4 * registry.timings.ack_timeout
    )

    await eventually(lambda: registry.consul.gone(node_id), what="deregistered from Consul")
    assert timed_out["ack_timeout_emitted_at"] > waiting["ack_deadline"]
    assert timed_out["activated_at"] is None
    assert registry.proxy.log_for(node_id) == ["register", "deregister"]


async def test_a_node_shutting_down_gracefully_is_deregistered_at_once(
    registry: Registry,
) -> None:
    node = registry.node("leaving-node")
    await node.start_introspection()
    await registry.projection.reaches(node.node_id, "active")
    await eventually(lambda: registry.consul.registered(node.node_id), what="registered")

    started = time.monotonic()
    await node.stop_introspection()
    await registry.projection.reaches(node.node_id, "deregistered")
    await eventually(lambda: registry.consul.gone(node.node_id), what="gone from Consul")

    assert time.monotonic() - started < registry.timings.liveness_timeout
    assert registry.proxy.log_for(node.node_id) == ["register", "deregister"]


async def test_an_introspection_request_makes_every_live_node_announce_again(
    registry: Registry,
) -> None:
    nodes = [registry.node(f"announcing-node-{i}") for i in range(3)]
    late = registry.node("late-node")
    for node in nodes:
        await node.start_introspection()
    try:
        for node in nodes:
            await registry.projection.reaches(node.node_id, "active")
            await eventually(partial(registry.consul.registered, node.node_id), what="in Consul")
        writes = {node.node_id: registry.proxy.writes_for(node.node_id) for node in nodes}
        expected = {str(node.node_id) for node in nodes} | {str(registry.keeper.node_id)}
        request = ModelRegistryRequestIntrospection(requested_at=_now())
        sent = await registry.publish(
            TOPIC_REGISTRY_REQUEST_INTROSPECTION, request, category=EnumMessageCategory.COMMAND
        )

        async with topic_reader(
            registry.settings.kafka.bootstrap_servers, registry.topic(TOPIC_NODE_INTROSPECTION)
        ) as reader:
            answers = await reader.until(
                lambda records: _answers(records, sent.correlation_id, expected)
            )
        # A node announced after the answers reaches Consul only once the pipeline got past
        # them: a wrong re-registration would have been written by then.
        await late.start_introspection()
        await eventually(partial(registry.consul.registered, late.node_id), what="late in Consul")
        states = [await registry.projection.state(node.node_id) for node in nodes]
        after = {node.node_id: registry.proxy.writes_for(node.node_id) for node in nodes}
    finally:
        for node in [*nodes, late]:
            await node.stop_introspection()
    assert expected <= {answer.entity_id for answer in answers}
    assert states == ["active"] * len(nodes)  # an active node that re-announces stays so
    assert after == writes


def _answers(
    records: list[ConsumerRecord], correlation_id: UUID, expected: set[str]
) -> list[Envelope] | None:
    """The answers to the request once every expected node has answered."""
    found = [
        envelope
        for envelope in envelopes(records)
        if envelope.correlation_id == correlation_id
        and envelope.payload["reason"] == EnumNodeIntrospectionReason.REQUESTED.value
    ]
    return found if expected <= {answer.entity_id for answer in found} else None


async def _decision(registry: Registry, node_id: UUID, kind: str) -> dict[str, object]:
    """The payload of the first decision of `kind` about `node_id` on the decision topic."""
    async with topic_reader(
        registry.settings.kafka.bootstrap_servers,
        registry.topic(TOPIC_NODE_REGISTRATION_DECISION),
    ) as reader:

        def first(records: list[ConsumerRecord]) -> dict[str, object] | None:
            for envelope in envelopes(records):
                if envelope.message_type == kind and envelope.entity_id == str(node_id):
                    return envelope.payload
            return None

        return await reader.until(first, timeout=4 * registry.timings.liveness_timeout + 10)


def _time(value: object) -> datetime:
    return datetime.fromisoformat(str(value))
