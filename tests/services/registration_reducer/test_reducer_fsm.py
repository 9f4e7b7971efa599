"""The registration reducer's contract FSM: the lifecycle of services/README.md, step by step."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.generated import (
    EnumNodeHealth,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationRejected,
)
from omnibase_core.nodes import ModelHandlerOutput
from pydantic import BaseModel
from registration_builders import (
    ACK_TIMEOUT,
    LIVENESS,
    T0,
    accepted,
    ack_timed_out,
    activated,
    deregistered,
    envelope,
    heartbeat,
    liveness_expired,
)
from registration_reducer import NodeRegistrationReducer


@pytest.fixture(scope="module")
def reducer() -> NodeRegistrationReducer:
    return NodeRegistrationReducer(ModelONEXContainer())


@pytest.fixture
def node_id() -> UUID:
    return uuid4()


async def fold(
    reducer: NodeRegistrationReducer, state: ModelFsmState | None, payload: BaseModel
) -> ModelHandlerOutput:
    return await reducer.handle(envelope(payload), projection=state)


async def active(reducer: NodeRegistrationReducer, node_id: UUID) -> ModelFsmState:
    state = (await fold(reducer, None, accepted(node_id))).projection
    state = (await fold(reducer, state, activated(node_id))).projection
    assert isinstance(state, ModelFsmState)
    return state


async def test_acceptance_records_the_node_and_asks_consul_to_register_it(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    decision = accepted(node_id)

    output = await fold(reducer, None, decision)

    assert isinstance(output.projection, ModelFsmState)
    assert output.projection.name == "awaiting_ack"
    data = output.projection.data
    assert data["name"] == "orders-effect"
    assert data["ack_deadline"] == T0 + ACK_TIMEOUT
    assert data["endpoints"] == {
        "health": "http://10.0.0.7:8085/health",
        "metrics": "http://10.0.0.7:8085/metrics",
    }
    assert data["health"] == EnumNodeHealth.HEALTHY
    [intent] = output.intents
    assert (intent.intent_type, intent.target, intent.entity_id) == (
        "consul.register",
        "consul",
        str(node_id),
    )
    assert decision.registration is not None
    assert intent.payload == {"service": decision.registration.service, "health": "healthy"}


async def test_an_acceptance_without_registration_details_changes_nothing(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    bare = ModelNodeRegistrationAccepted(
        node_id=node_id, ack_deadline=T0 + ACK_TIMEOUT, accepted_at=T0
    )

    assert await fold(reducer, None, bare) == ModelHandlerOutput()


async def test_activation_sets_the_liveness_deadline(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    state = await active(reducer, node_id)

    assert state.name == "active"
    assert state.data["liveness_deadline"] == T0 + LIVENESS
    assert state.data["liveness_timeout_seconds"] == LIVENESS.total_seconds()


async def test_an_activation_for_a_node_not_awaiting_its_ack_changes_nothing(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    assert await fold(reducer, None, activated(node_id)) == ModelHandlerOutput()


async def test_heartbeats_with_unchanged_health_cost_no_consul_write(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    state = await active(reducer, node_id)

    for sequence in (1000, 1001):
        at = T0 + timedelta(seconds=sequence - 990)
        output = await fold(reducer, state, heartbeat(node_id, sequence, at))
        assert output.intents == ()
        assert isinstance(output.projection, ModelFsmState)
        state = output.projection
        assert state.data["heartbeat_sequence"] == sequence
        assert state.data["last_heartbeat_at"] == at


async def test_a_health_change_registers_the_node_again_with_its_new_health(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    state = await active(reducer, node_id)
    first = await fold(reducer, state, heartbeat(node_id, 1000, T0, EnumNodeHealth.DEGRADED))
    assert isinstance(first.projection, ModelFsmState)
    later = await fold(
        reducer, first.projection, heartbeat(node_id, 1001, T0, EnumNodeHealth.HEALTHY)
    )

    for output, health in ((first, "degraded"), (later, "healthy")):
        [intent] = output.intents
        assert intent.intent_type == "consul.register"
        assert intent.payload["health"] == health
        assert intent.payload["service"] == state.data["service"]


async def test_a_stale_or_repeated_heartbeat_changes_nothing(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    state = (
        await fold(reducer, await active(reducer, node_id), heartbeat(node_id, 5, T0))
    ).projection

    for stale in (5, 4):
        degraded = heartbeat(node_id, stale, T0, EnumNodeHealth.UNHEALTHY)
        assert await fold(reducer, state, degraded) == ModelHandlerOutput()


async def test_heartbeats_before_activation_are_ignored(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    waiting = (await fold(reducer, None, accepted(node_id))).projection

    assert await fold(reducer, waiting, heartbeat(node_id, 1, T0)) == ModelHandlerOutput()


async def test_an_ack_timeout_deregisters_only_for_the_deadline_it_was_claimed_on(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    waiting = (await fold(reducer, None, accepted(node_id))).projection

    stale = await fold(reducer, waiting, ack_timed_out(node_id, T0))
    output = await fold(reducer, waiting, ack_timed_out(node_id, T0 + ACK_TIMEOUT))

    assert stale == ModelHandlerOutput()
    assert isinstance(output.projection, ModelFsmState)
    assert output.projection.name == "ack_timed_out"
    [intent] = output.intents
    assert (intent.intent_type, intent.payload) == (
        "consul.deregister",
        {"service_id": str(node_id)},
    )


async def test_a_liveness_expiry_made_stale_by_a_later_deadline_changes_nothing(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    state = await active(reducer, node_id)
    deadline = state.data["liveness_deadline"]
    assert isinstance(deadline, type(T0))

    stale = await fold(reducer, state, liveness_expired(node_id, deadline - timedelta(seconds=1)))
    output = await fold(reducer, state, liveness_expired(node_id, deadline))

    assert stale == ModelHandlerOutput()
    assert isinstance(output.projection, ModelFsmState)
    assert output.projection.name == "liveness_expired"
    assert [intent.intent_type for intent in output.intents] == ["consul.deregister"]


@pytest.mark.parametrize("ack", [False, True])
async def test_a_shutdown_deregisters_an_accepted_or_active_node(
    reducer: NodeRegistrationReducer, node_id: UUID, ack: bool
) -> None:
    state = (
        await active(reducer, node_id)
        if ack
        else (await fold(reducer, None, accepted(node_id))).projection
    )

    output = await fold(reducer, state, deregistered(node_id))

    assert isinstance(output.projection, ModelFsmState)
    assert output.projection.name == "deregistered"
    assert [intent.intent_type for intent in output.intents] == ["consul.deregister"]


async def test_a_shutdown_of_an_unknown_node_changes_nothing(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    assert await fold(reducer, None, deregistered(node_id)) == ModelHandlerOutput()


@pytest.mark.parametrize("ending", ["ack_timed_out", "liveness_expired", "deregistered"])
async def test_a_node_that_was_let_go_is_accepted_again(
    reducer: NodeRegistrationReducer, node_id: UUID, ending: str
) -> None:
    gone = ModelFsmState(name=ending, data={"name": "orders-effect"})

    output = await fold(reducer, gone, accepted(node_id, T0 + timedelta(hours=1)))

    assert isinstance(output.projection, ModelFsmState)
    assert output.projection.name == "awaiting_ack"
    assert [intent.intent_type for intent in output.intents] == ["consul.register"]


async def test_a_rejected_announcement_stores_nothing(
    reducer: NodeRegistrationReducer, node_id: UUID
) -> None:
    rejected = ModelNodeRegistrationRejected(node_id=node_id, reason="bad", rejected_at=T0)
    registered = await active(reducer, node_id)

    first = await fold(reducer, None, rejected)

    assert reducer.engine is not None
    assert first.projection == reducer.engine.initial_state()
    assert first.intents == ()
    assert await fold(reducer, registered, rejected) == ModelHandlerOutput()
