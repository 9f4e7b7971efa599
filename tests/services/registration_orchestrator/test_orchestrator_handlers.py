"""The registration orchestrator's decisions, against an in-memory registry."""

import json
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import ContainerResolutionError
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeIntrospectionReason,
    EnumNodeShutdownReason,
    ModelNodeAckTimedOut,
    ModelNodeActivated,
    ModelNodeDeregistered,
    ModelNodeLivenessExpired,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationAck,
    ModelNodeRegistrationRejected,
    ModelNodeShutdown,
    ModelRuntimeTick,
)
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.config import ModelRegistrationSettings
from omnibase_infra.registration import (
    EnumRegistrationState,
    ModelNodeRegistration,
    ProtocolTimeoutClaimer,
)
from omnibase_infra.registration.testing import InMemoryRegistrationStore
from omnibase_spi import ProtocolProjectionReader
from registration_builders import ACK_TIMEOUT, LIVENESS, T0, envelope, introspection
from registration_orchestrator import NodeRegistrationOrchestrator

SETTINGS = ModelRegistrationSettings(consul_meta_keys=("team",))


@pytest.fixture
def registry() -> InMemoryRegistrationStore:
    return InMemoryRegistrationStore()


@pytest.fixture
def orchestrator(registry: InMemoryRegistrationStore) -> NodeRegistrationOrchestrator:
    container = ModelONEXContainer()
    container.register_instance(ProtocolProjectionReader, registry)
    container.register_instance(ProtocolTimeoutClaimer, registry)
    container.register_instance(ModelRegistrationSettings, SETTINGS)
    return NodeRegistrationOrchestrator(container)


def raw_introspection(node_id: UUID, changes: dict[str, object]) -> bytes:
    """An introspection envelope as it arrives from Kafka, with payload fields changed."""
    payload = introspection(node_id).model_dump(mode="json")
    payload.update(changes)
    wire = envelope(introspection(node_id)).model_dump(mode="json")
    return json.dumps({**wire, "payload": payload}).encode()


def registration(
    node_id: UUID, state: EnumRegistrationState, **fields: object
) -> ModelNodeRegistration:
    announced = introspection(node_id)
    values: dict[str, object] = {
        "node_id": node_id,
        "state": state,
        "name": announced.node_name,
        "node_type": announced.node_type.value,
        "node_version": announced.node_version,
        "contract_fingerprint": announced.contract_fingerprint,
        "capabilities": tuple(announced.capabilities),
        "endpoints": announced.endpoints,
        "metadata": announced.metadata,
        "version": 1,
        "created_at": T0,
        "updated_at": T0,
    }
    return ModelNodeRegistration.model_validate({**values, **fields})


async def decide(orchestrator: NodeRegistrationOrchestrator, raw: bytes) -> ModelHandlerOutput:
    return await orchestrator.handle(orchestrator.parse_envelope(raw), now=T0)


def only_event(output: ModelHandlerOutput) -> ModelEventEnvelope[object]:
    [event] = output.events
    return event


async def test_a_new_node_is_accepted_with_an_ack_deadline_and_its_consul_service(
    orchestrator: NodeRegistrationOrchestrator,
) -> None:
    node_id = uuid4()

    event = only_event(await decide(orchestrator, raw_introspection(node_id, {})))

    assert event.entity_id == str(node_id)
    accepted = event.payload
    assert isinstance(accepted, ModelNodeRegistrationAccepted)
    assert accepted.ack_deadline == T0 + ACK_TIMEOUT
    assert accepted.introspection == introspection(node_id)
    assert accepted.registration is not None
    service = accepted.registration.service
    assert (service.service_id, service.service_name) == (str(node_id), "orders-effect")
    assert (service.address, service.port) == ("10.0.0.7", 8085)
    assert service.tags == ["effect", "v1.2.0"]
    assert service.meta == {
        "node_id": str(node_id),
        "node_type": "EFFECT",
        "node_version": "1.2.0",
        "contract_fingerprint": "1.2.0:0123456789ab",
        "team": "orders",
    }
    assert service.health_check_url == "http://10.0.0.7:8085/health"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
        ({"metadata": {f"k{i}": "v" for i in range(33)}}, "metadata", "at most 32"),
        ({"metadata": {"team": "x" * 513}}, "metadata.team", "at most 512"),
        ({"node_type": "GATEWAY"}, "node_type", "EFFECT"),
        ({"endpoints": {}}, "endpoints", "health or api endpoint"),
    ],
)
async def test_an_announcement_that_cannot_be_registered_is_rejected_with_its_reason(
    orchestrator: NodeRegistrationOrchestrator,
    registry: InMemoryRegistrationStore,
    changes: dict[str, object],
    field: str,
    reason: str,
) -> None:
    node_id = uuid4()

    event = only_event(await decide(orchestrator, raw_introspection(node_id, changes)))

    rejected = event.payload
    assert isinstance(rejected, ModelNodeRegistrationRejected)
    assert (rejected.node_id, rejected.field) == (node_id, field)
    assert reason in rejected.reason
    assert event.entity_id == str(node_id)
    assert registry.rows == {}


async def test_an_unreadable_node_id_is_rejected_without_one(
    orchestrator: NodeRegistrationOrchestrator,
) -> None:
    event = only_event(
        await decide(orchestrator, raw_introspection(uuid4(), {"node_id": "node-7"}))
    )

    assert isinstance(event.payload, ModelNodeRegistrationRejected)
    assert (event.payload.node_id, event.payload.field) == (None, "node_id")


async def test_an_announcement_keyed_by_another_id_is_rejected(
    orchestrator: NodeRegistrationOrchestrator,
) -> None:
    node_id = uuid4()
    wrong_key = envelope(introspection(node_id), entity_id=str(uuid4()))

    event = only_event(await orchestrator.handle(wrong_key, now=T0))

    assert isinstance(event.payload, ModelNodeRegistrationRejected)
    assert event.payload.field == "node_id"
    assert "entity_id" in event.payload.reason


async def test_an_active_node_answering_a_request_with_the_same_registration_is_left_alone(
    orchestrator: NodeRegistrationOrchestrator,
    registry: InMemoryRegistrationStore,
) -> None:
    node_id = uuid4()
    registry.put(registration(node_id, EnumRegistrationState.ACTIVE))
    requested = introspection(node_id, reason=EnumNodeIntrospectionReason.REQUESTED)

    output = await orchestrator.handle(envelope(requested), now=T0)

    assert output == ModelHandlerOutput()


async def test_a_node_re_announcing_while_the_projection_still_shows_it_active_is_accepted(
    orchestrator: NodeRegistrationOrchestrator,
    registry: InMemoryRegistrationStore,
) -> None:
    # It read its expiry before the reducer stored it: the registry has let it go already.
    node_id = uuid4()
    registry.put(registration(node_id, EnumRegistrationState.ACTIVE))
    again = introspection(node_id, reason=EnumNodeIntrospectionReason.REANNOUNCE)

    event = only_event(await orchestrator.handle(envelope(again), now=T0))

    assert isinstance(event.payload, ModelNodeRegistrationAccepted)
    assert event.payload.ack_deadline == T0 + ACK_TIMEOUT


@pytest.mark.parametrize(
    ("state", "reason", "fingerprint"),
    [
        (EnumRegistrationState.ACTIVE, EnumNodeIntrospectionReason.STARTUP, "1.2.0:0123456789ab"),
        (EnumRegistrationState.ACTIVE, EnumNodeIntrospectionReason.REQUESTED, "1.3.0:ffffffffffff"),
        (
            EnumRegistrationState.AWAITING_ACK,
            EnumNodeIntrospectionReason.REQUESTED,
            "1.2.0:0123456789ab",
        ),
        (
            EnumRegistrationState.LIVENESS_EXPIRED,
            EnumNodeIntrospectionReason.REANNOUNCE,
            "1.2.0:0123456789ab",
        ),
    ],
)
async def test_a_restarted_changed_waiting_or_expired_node_is_accepted_again(
    orchestrator: NodeRegistrationOrchestrator,
    registry: InMemoryRegistrationStore,
    state: EnumRegistrationState,
    reason: EnumNodeIntrospectionReason,
    fingerprint: str,
) -> None:
    node_id = uuid4()
    registry.put(registration(node_id, state))
    announced = introspection(node_id, reason=reason, fingerprint=fingerprint)

    event = only_event(await orchestrator.handle(envelope(announced), now=T0))

    assert isinstance(event.payload, ModelNodeRegistrationAccepted)


async def test_an_ack_activates_the_node_with_a_liveness_deadline(
    orchestrator: NodeRegistrationOrchestrator,
) -> None:
    node_id = uuid4()
    ack = ModelNodeRegistrationAck(node_id=node_id, emitted_at=T0)

    event = only_event(
        await orchestrator.handle(envelope(ack, category=EnumMessageCategory.COMMAND), now=T0)
    )

    assert event.payload == ModelNodeActivated(
        node_id=node_id,
        activated_at=T0,
        liveness_deadline=T0 + LIVENESS,
        liveness_timeout_seconds=LIVENESS.total_seconds(),
    )
    assert event.entity_id == str(node_id)


async def test_a_shutdown_deregisters_the_node_at_once(
    orchestrator: NodeRegistrationOrchestrator,
) -> None:
    node_id = uuid4()
    shutdown = ModelNodeShutdown(
        node_id=node_id, reason=EnumNodeShutdownReason.SIGNAL, emitted_at=T0
    )

    event = only_event(await orchestrator.handle(envelope(shutdown), now=T0))

    assert event.payload == ModelNodeDeregistered(
        node_id=node_id, reason=EnumNodeShutdownReason.SIGNAL, deregistered_at=T0
    )


def tick(sequence: int, now: object) -> ModelEventEnvelope[object]:
    return envelope(
        ModelRuntimeTick(sequence=sequence, now=now, scheduler_id="s1"), entity_id="tick"
    )


async def test_a_tick_times_out_a_missed_ack_once(
    orchestrator: NodeRegistrationOrchestrator, registry: InMemoryRegistrationStore
) -> None:
    late, waiting = uuid4(), uuid4()
    registry.put(registration(late, EnumRegistrationState.AWAITING_ACK, ack_deadline=T0))
    registry.put(
        registration(waiting, EnumRegistrationState.AWAITING_ACK, ack_deadline=T0 + ACK_TIMEOUT)
    )
    now = T0 + timedelta(seconds=1)

    first = await orchestrator.handle(tick(1, now), now=now)
    second = await orchestrator.handle(tick(2, now), now=now)

    event = only_event(first)
    assert event.payload == ModelNodeAckTimedOut(node_id=late, ack_deadline=T0, detected_at=now)
    assert event.entity_id == str(late)
    assert second == ModelHandlerOutput()


async def test_liveness_is_judged_against_the_heartbeat_watermark_not_the_clock(
    orchestrator: NodeRegistrationOrchestrator, registry: InMemoryRegistrationStore
) -> None:
    node_id = uuid4()
    registry.put(registration(node_id, EnumRegistrationState.ACTIVE, liveness_deadline=T0))
    much_later = T0 + timedelta(hours=1)
    registry.set_watermark(T0 - timedelta(seconds=5))  # the pipeline lags: no newer heartbeats

    lagging = await orchestrator.handle(tick(1, much_later), now=much_later)
    registry.set_watermark(T0 + timedelta(seconds=5))
    caught_up = await orchestrator.handle(tick(2, much_later), now=much_later)

    assert lagging == ModelHandlerOutput()
    assert only_event(caught_up).payload == ModelNodeLivenessExpired(
        node_id=node_id,
        deadline=T0,
        watermark=T0 + timedelta(seconds=5),
        detected_at=much_later,
    )


async def test_a_redelivered_announcement_is_decided_with_the_same_message_id(
    orchestrator: NodeRegistrationOrchestrator,
    registry: InMemoryRegistrationStore,
) -> None:
    node_id = uuid4()
    raw = raw_introspection(node_id, {})
    first = only_event(await decide(orchestrator, raw))
    registry.put(registration(node_id, EnumRegistrationState.ACTIVE))
    later = T0 + timedelta(seconds=5)

    copy = only_event(await orchestrator.handle(orchestrator.parse_envelope(raw), now=later))
    fresh = only_event(await decide(orchestrator, raw_introspection(node_id, {})))

    # The reducer records decisions by message id: the copy's acceptance is dropped there.
    assert isinstance(copy.payload, ModelNodeRegistrationAccepted)
    assert copy.payload.accepted_at == later
    assert copy.message_id == first.message_id
    assert fresh.message_id != first.message_id


async def test_a_redelivered_ack_is_decided_with_the_same_message_id(
    orchestrator: NodeRegistrationOrchestrator,
) -> None:
    ack = envelope(
        ModelNodeRegistrationAck(node_id=uuid4(), emitted_at=T0),
        category=EnumMessageCategory.COMMAND,
    )

    first = only_event(await orchestrator.handle(ack, now=T0))
    copy = only_event(await orchestrator.handle(ack, now=T0 + timedelta(seconds=1)))

    assert copy.message_id == first.message_id


async def test_the_decisions_of_one_tick_have_distinct_message_ids(
    orchestrator: NodeRegistrationOrchestrator, registry: InMemoryRegistrationStore
) -> None:
    nodes = [uuid4() for _ in range(3)]
    for node_id in nodes:
        registry.put(registration(node_id, EnumRegistrationState.AWAITING_ACK, ack_deadline=T0))
    expired = uuid4()
    registry.put(registration(expired, EnumRegistrationState.ACTIVE, liveness_deadline=T0))
    registry.set_watermark(T0 + timedelta(seconds=5))
    now = T0 + timedelta(seconds=5)

    output = await orchestrator.handle(tick(1, now), now=now)

    assert {event.entity_id for event in output.events} == {str(n) for n in [*nodes, expired]}
    assert len({event.message_id for event in output.events}) == 4


async def test_the_orchestrator_needs_its_registry_and_settings() -> None:
    with pytest.raises(ContainerResolutionError, match="ProtocolProjectionReader"):
        NodeRegistrationOrchestrator(ModelONEXContainer())
