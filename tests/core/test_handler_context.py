"""HandlerContext: the messages a handler builds get ids derived from the handled message."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.contracts import ModelContract
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import HandlerContext
from onex_core_samples.messages import (
    ModelNodeIntrospectionEvent,
    ModelNodeRegistrationAccepted,
    ModelRequestIntrospection,
)
from onex_core_samples.onboarding_orchestrator.node import NodeOnboardingOrchestrator
from onex_core_samples.protocols import ProtocolProjectionReader
from onex_core_samples.registration_orchestrator.node import NodeRegistrationOrchestrator

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
Envelope = ModelEventEnvelope[object]


class NoProjection:
    async def state_of(self, node_id: str) -> str | None:
        return None


@pytest.fixture
def container() -> ModelONEXContainer:
    container = ModelONEXContainer()
    container.register_instance(ProtocolProjectionReader, NoProjection())
    return container


@pytest.fixture
def contract(container: ModelONEXContainer) -> ModelContract:
    return NodeRegistrationOrchestrator(container).contract


def announcement(node_id: str = "node-1") -> Envelope:
    payload = ModelNodeIntrospectionEvent(node_id=node_id, node_type="EFFECT", node_version="1.0.0")
    return ModelEventEnvelope[object].create(
        payload, entity_id=node_id, producer="test", emitted_at=NOW
    )


def accepted(node_id: str = "node-1", seconds: int = 30) -> ModelNodeRegistrationAccepted:
    return ModelNodeRegistrationAccepted(
        node_id=node_id, ack_deadline=NOW + timedelta(seconds=seconds)
    )


def test_a_message_handled_twice_yields_messages_with_the_same_ids(
    contract: ModelContract,
) -> None:
    incoming = announcement()
    first = HandlerContext(contract, incoming, NOW)
    again = HandlerContext(contract, incoming, NOW + timedelta(seconds=3))

    built = [first.event(accepted()), first.command(ModelRequestIntrospection(reason="x"))]
    rebuilt = [
        again.event(accepted(seconds=40)),
        again.command(ModelRequestIntrospection(reason="y")),
    ]

    assert [m.message_id for m in rebuilt] == [m.message_id for m in built]
    assert built[0].message_id != built[1].message_id
    assert incoming.message_id not in {m.message_id for m in built}


def test_another_message_yields_other_ids(contract: ModelContract) -> None:
    one = HandlerContext(contract, announcement(), NOW).event(accepted())
    other = HandlerContext(contract, announcement(), NOW).event(accepted())

    assert one.message_id != other.message_id


def test_several_messages_of_one_kind_from_one_message_get_distinct_repeatable_ids(
    contract: ModelContract,
) -> None:
    incoming = announcement()

    def build() -> list[Envelope]:
        context = HandlerContext(contract, incoming, NOW)
        return [
            context.event(accepted("a"), entity_id="a"),
            context.event(accepted("a"), entity_id="a"),
            context.event(accepted("b"), entity_id="b"),
        ]

    ids = [message.message_id for message in build()]

    assert len(set(ids)) == 3
    assert [message.message_id for message in build()] == ids


def test_another_node_handling_the_same_message_yields_other_ids(
    container: ModelONEXContainer, contract: ModelContract
) -> None:
    incoming = announcement()
    onboarding = NodeOnboardingOrchestrator(container).contract

    ours = HandlerContext(contract, incoming, NOW).event(accepted())
    theirs = HandlerContext(onboarding, incoming, NOW).event(accepted())

    assert ours.message_id != theirs.message_id


def test_workflow_steps_of_one_message_never_share_an_id(contract: ModelContract) -> None:
    context = HandlerContext(contract, announcement(), NOW)

    one = context.for_step({}).event(accepted())
    two = context.for_step({}).event(accepted())
    three = context.event(accepted())

    assert len({one.message_id, two.message_id, three.message_id}) == 3


async def test_a_workflow_handling_a_redelivered_message_emits_the_same_ids(
    container: ModelONEXContainer,
) -> None:
    node = NodeOnboardingOrchestrator(container)
    incoming = announcement(str(uuid4()))

    first = await node.handle(incoming, now=NOW)
    copy = await node.handle(incoming, now=NOW + timedelta(seconds=1))

    emitted = [*first.events, *first.commands]
    assert len(emitted) == 2
    assert [m.message_id for m in [*copy.events, *copy.commands]] == [m.message_id for m in emitted]
