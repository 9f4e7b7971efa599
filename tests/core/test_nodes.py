"""Node archetypes: a `pass` subclass beside a contract.yaml gets all behaviour from it."""

import asyncio
import importlib
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import (
    ContainerResolutionError,
    ContractValidationError,
    NodeOutputError,
    NodeRoutingError,
    WorkflowFailedError,
)
from omnibase_core.fsm import ModelFsmState
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.nodes import ModelHandlerOutput, NodeOrchestrator
from onex_core_samples.messages import (
    ModelConsulRegistered,
    ModelNodeHeartbeat,
    ModelNodeIntrospectionEvent,
    ModelNodeRegistrationAccepted,
    ModelPayloadDigest,
    ModelRequestIntrospection,
    ModelRuntimeTick,
)
from onex_core_samples.onboarding_orchestrator.node import NodeOnboardingOrchestrator
from onex_core_samples.payload_hasher_compute.node import NodePayloadHasherCompute
from onex_core_samples.protocols import ProtocolProjectionReader, ProtocolServiceRegistry
from onex_core_samples.registration_orchestrator.node import NodeRegistrationOrchestrator
from onex_core_samples.registration_reducer.node import NodeRegistrationReducer
from onex_core_samples.registry_effect.node import NodeRegistryEffect

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class FakeProjection:
    def __init__(self, states: dict[str, str] | None = None) -> None:
        self.states = states or {}

    async def state_of(self, node_id: str) -> str | None:
        return self.states.get(node_id)


class FakeRegistry:
    def __init__(self, failures: list[BaseException] | None = None, hang: bool = False) -> None:
        self.failures = list(failures or [])
        self.hang = hang
        self.calls: list[str] = []

    async def register(self, service_id: str) -> None:
        self.calls.append(service_id)
        if self.hang:
            await asyncio.sleep(10)
        if self.failures:
            raise self.failures.pop(0)


@pytest.fixture
def container() -> ModelONEXContainer:
    container = ModelONEXContainer()
    container.register_instance(ProtocolProjectionReader, FakeProjection())
    container.register_instance(ProtocolServiceRegistry, FakeRegistry())
    return container


def introspection(node_id: str = "node-1") -> ModelEventEnvelope[ModelNodeIntrospectionEvent]:
    payload = ModelNodeIntrospectionEvent(node_id=node_id, node_type="EFFECT", node_version="1.0.0")
    return ModelEventEnvelope.create(payload, entity_id=node_id, producer="test", emitted_at=NOW)


def as_object(envelope: ModelEventEnvelope[object]) -> ModelEventEnvelope[object]:
    return envelope


# -- the declarative sample of RULES.md ------------------------------------------------


def test_declarative_orchestrator_exposes_its_validated_contract(
    container: ModelONEXContainer,
) -> None:
    node = NodeRegistrationOrchestrator(container)
    assert node.contract.name == "registration-orchestrator"
    assert node.contract.node_type == "ORCHESTRATOR"
    assert [b.message_name for b in node.contract.consumes] == [
        "ModelNodeIntrospectionEvent",
        "ModelRuntimeTick",
    ]
    assert re.fullmatch(r"1\.2\.0:[0-9a-f]{12}", node.fingerprint)
    assert node.fingerprint == node.contract.fingerprint


async def test_orchestrator_handler_emits_child_events_at_the_injected_time(
    container: ModelONEXContainer,
) -> None:
    node = NodeRegistrationOrchestrator(container)
    incoming = introspection()
    output = await node.handle(as_object(incoming), now=NOW)  # type: ignore[arg-type]
    (event,) = output.events
    assert event.payload == ModelNodeRegistrationAccepted(
        node_id="node-1", ack_deadline=NOW + timedelta(seconds=30)
    )
    assert event.category is EnumMessageCategory.EVENT
    assert event.message_type == "ModelNodeRegistrationAccepted"
    assert event.correlation_id == incoming.correlation_id
    assert event.causation_id == incoming.message_id
    assert event.entity_id == "node-1"
    assert event.emitted_at == NOW
    assert event.producer == "registration-orchestrator"


async def test_orchestrator_emits_commands_on_command_topics(container: ModelONEXContainer) -> None:
    node = NodeRegistrationOrchestrator(container)
    tick = ModelEventEnvelope.create(
        ModelRuntimeTick(sequence=1, now=NOW), entity_id="runtime", producer="t", emitted_at=NOW
    )
    output = await node.handle(tick, now=NOW)  # type: ignore[arg-type]
    (command,) = output.commands
    assert command.category is EnumMessageCategory.COMMAND
    assert command.payload == ModelRequestIntrospection(reason="startup")


async def test_orchestrator_handlers_read_dependencies_from_the_container() -> None:
    container = ModelONEXContainer()
    container.register_instance(ProtocolProjectionReader, FakeProjection({"node-1": "active"}))
    node = NodeRegistrationOrchestrator(container)
    assert await node.handle(introspection(), now=NOW) == ModelHandlerOutput()  # type: ignore[arg-type]


async def test_orchestrator_rejects_a_naive_now(container: ModelONEXContainer) -> None:
    node = NodeRegistrationOrchestrator(container)
    with pytest.raises(ValueError, match="timezone-aware"):
        await node.handle(introspection(), now=datetime(2026, 1, 1))  # type: ignore[arg-type]


def test_missing_dependency_is_reported_at_construction_naming_protocol_and_node() -> None:
    with pytest.raises(ContainerResolutionError) as caught:
        NodeRegistrationOrchestrator(ModelONEXContainer())
    message = caught.value.message
    assert message.startswith(
        "cannot build NodeRegistrationOrchestrator: the container provides none of "
        "onex_core_samples.protocols.ProtocolProjectionReader (declared in "
    )
    assert message.endswith("dependencies); register them before constructing the node")


async def test_message_without_a_route_is_a_routing_error(container: ModelONEXContainer) -> None:
    node = NodeRegistrationOrchestrator(container)
    stray = ModelEventEnvelope.create(
        ModelNodeHeartbeat(node_id="n", sequence=1), entity_id="n", producer="t", emitted_at=NOW
    )
    with pytest.raises(NodeRoutingError) as caught:
        await node.handle(stray, now=NOW)  # type: ignore[arg-type]
    assert caught.value.message == (
        "NodeRegistrationOrchestrator does not consume 'ModelNodeHeartbeat' "
        "(its contract consumes: ModelNodeIntrospectionEvent, ModelRuntimeTick)"
    )


def test_parse_envelope_validates_the_payload_with_the_contract_model(
    container: ModelONEXContainer,
) -> None:
    node = NodeRegistrationOrchestrator(container)
    incoming = introspection()
    data = incoming.model_dump_json()
    for parsed in (
        node.parse_envelope(data),
        node.parse_envelope(data, "ModelNodeIntrospectionEvent"),
    ):
        assert isinstance(parsed.payload, ModelNodeIntrospectionEvent)
        assert parsed == incoming
    with pytest.raises(NodeRoutingError):
        node.parse_envelope(data, "ModelSomethingElse")
    tick = ModelEventEnvelope.create(
        ModelRuntimeTick(sequence=1, now=NOW), entity_id="runtime", producer="t", emitted_at=NOW
    )
    mislabelled = tick.model_copy(update={"message_type": "ModelNodeIntrospectionEvent"})
    with pytest.raises(NodeRoutingError, match="the routing header says 'ModelRuntimeTick'"):
        node.parse_envelope(mislabelled.model_dump_json(), "ModelRuntimeTick")


async def test_dict_payloads_are_decoded_before_routing(container: ModelONEXContainer) -> None:
    node = NodeRegistrationOrchestrator(container)
    raw = ModelEventEnvelope[object].model_validate_json(introspection().model_dump_json())
    assert isinstance(raw.payload, dict)
    output = await node.handle(raw, now=NOW)
    assert output.events[0].payload.node_id == "node-1"  # type: ignore[attr-defined]


def test_an_archetype_cannot_be_built_directly(container: ModelONEXContainer) -> None:
    with pytest.raises(TypeError, match="NodeOrchestrator is an archetype: subclass it"):
        NodeOrchestrator(container)


# -- reducer -------------------------------------------------------------------------


async def test_reducer_folds_through_its_fsm_into_projection_and_intents(
    container: ModelONEXContainer,
) -> None:
    node = NodeRegistrationReducer(container)
    accepted = introspection().child(
        ModelNodeRegistrationAccepted(node_id="node-1", ack_deadline=NOW),
        producer="orchestrator",
        emitted_at=NOW,
    )
    output = await node.handle(accepted)  # type: ignore[arg-type]
    assert output.projection == ModelFsmState(name="accepted", data={"node_id": "node-1"})
    assert output.intents == (
        ModelIntent(
            intent_type="consul.register",
            target="consul",
            entity_id="node-1",
            payload={"service_id": "node-1"},
            correlation_id=accepted.correlation_id,
        ),
    )


async def test_reducer_leaves_the_projection_alone_when_the_fsm_rejects(
    container: ModelONEXContainer,
) -> None:
    node = NodeRegistrationReducer(container)
    state = {"name": "accepted", "data": {"node_id": "n", "last_sequence": 5}}
    beat = ModelEventEnvelope.create(
        ModelNodeHeartbeat(node_id="n", sequence=4), entity_id="n", producer="t", emitted_at=NOW
    )
    assert await node.handle(beat, projection=state) == ModelHandlerOutput()  # type: ignore[arg-type]
    newer = beat.child(ModelNodeHeartbeat(node_id="n", sequence=6), producer="t", emitted_at=NOW)
    output = await node.handle(newer, projection=state)  # type: ignore[arg-type]
    assert output.projection == ModelFsmState(
        name="accepted", data={"node_id": "n", "last_sequence": 6}
    )
    assert output.intents == ()


# -- effect --------------------------------------------------------------------------


def intent_envelope() -> ModelEventEnvelope[ModelIntent]:
    intent = ModelIntent(
        intent_type="consul.register",
        target="consul",
        entity_id="node-1",
        payload={"service_id": "node-1"},
        correlation_id=introspection().correlation_id,
    )
    return ModelEventEnvelope.create(
        intent,
        entity_id="node-1",
        producer="reducer",
        emitted_at=NOW,
        category=EnumMessageCategory.INTENT,
    )


def effect_with(registry: FakeRegistry) -> NodeRegistryEffect:
    container = ModelONEXContainer()
    container.register_instance(ProtocolServiceRegistry, registry)
    return NodeRegistryEffect(container)


async def test_effect_retries_transient_failures_of_idempotent_operations() -> None:
    registry = FakeRegistry(failures=[ConnectionError("reset"), TimeoutError()])
    output = await effect_with(registry).handle(intent_envelope())  # type: ignore[arg-type]
    assert registry.calls == ["node-1"] * 3
    assert output.events[0].payload == ModelConsulRegistered(service_id="node-1")


async def test_effect_gives_up_after_max_attempts() -> None:
    registry = FakeRegistry(failures=[ConnectionError("down")] * 5)
    with pytest.raises(ConnectionError):
        await effect_with(registry).handle(intent_envelope())  # type: ignore[arg-type]
    assert len(registry.calls) == 3


async def test_effect_never_retries_a_permanent_failure() -> None:
    registry = FakeRegistry(failures=[ValueError("bad request")])
    with pytest.raises(ValueError, match="bad request"):
        await effect_with(registry).handle(intent_envelope())  # type: ignore[arg-type]
    assert registry.calls == ["node-1"]


async def test_effect_bounds_each_try_with_the_contract_timeout() -> None:
    registry = FakeRegistry(hang=True)
    started = asyncio.get_running_loop().time()
    with pytest.raises(TimeoutError):
        await effect_with(registry).handle(intent_envelope())  # type: ignore[arg-type]
    assert len(registry.calls) == 3
    assert asyncio.get_running_loop().time() - started < 2.0


# -- compute -------------------------------------------------------------------------


async def test_compute_returns_a_result(container: ModelONEXContainer) -> None:
    node = NodePayloadHasherCompute(container)
    output = await node.handle(introspection())  # type: ignore[arg-type]
    assert isinstance(output.result, ModelPayloadDigest)
    assert output.output_types == {"result"}


def test_compute_handler_reading_the_clock_is_rejected_at_load(
    container: ModelONEXContainer,
) -> None:
    from onex_core_samples.impure_compute.node import NodeImpureCompute

    with pytest.raises(ContractValidationError) as caught:
        NodeImpureCompute(container)
    (issue,) = caught.value.issues
    assert issue.field == "handler_routing.handlers.0.handler_class"
    handlers = Path(sys.modules["onex_core_samples.impure_compute.handlers"].__file__ or "")
    clock_line = next(
        number
        for number, line in enumerate(handlers.read_text().splitlines(), start=1)
        if "datetime.now()" in line
    )
    assert issue.line == 11
    assert re.fullmatch(
        rf"HandlerStamp must be pure in a COMPUTE node, but {re.escape(str(handlers))}:"
        rf"{clock_line}: "
        r"reads the clock \(datetime\.now\); time arrives inside events, I/O belongs in an "
        r"EFFECT node",
        issue.reason,
    )


# -- workflow orchestrator -------------------------------------------------------------


async def test_workflow_runs_for_messages_without_a_handler(container: ModelONEXContainer) -> None:
    node = NodeOnboardingOrchestrator(container)
    output = await node.handle(introspection(), now=NOW)  # type: ignore[arg-type]
    assert [e.payload for e in output.events] == [
        ModelNodeRegistrationAccepted(node_id="node-1", ack_deadline=NOW + timedelta(seconds=5))
    ]
    assert [c.payload for c in output.commands] == [ModelRequestIntrospection(reason="onboarded")]


async def test_aborted_workflow_emits_nothing_and_says_why(container: ModelONEXContainer) -> None:
    node = NodeOnboardingOrchestrator(container)
    with pytest.raises(WorkflowFailedError) as caught:
        await node.handle(introspection("bad"), now=NOW)  # type: ignore[arg-type]
    assert caught.value.message == (
        "NodeOnboardingOrchestrator: workflow aborted "
        "(validate: ValueError: node id 'bad' is refused (attempt 1))"
    )
    assert caught.value.context == {
        "validate": "failed",
        "accept": "skipped",
        "announce": "skipped",
    }


# -- nodes written on the fly, for the rules they break ---------------------------------

HEADER = """\
name: made-node
node_type: {kind}
contract_version: {{major: 1, minor: 0, patch: 0}}
node_version: 1.0.0
consumes:
  - message: onex_core_samples.messages.ModelNodeIntrospectionEvent
    topic: onex.evt.node-introspection.v1
produces:
  - message: onex_core_samples.messages.ModelNodeAckTimedOut
    topic: onex.evt.node-ack-timed-out.v1
handler_routing:
  handlers:
    - event_model: ModelNodeIntrospectionEvent
      handler_class: HandlerUnderTest
"""
HANDLER = """\
from omnibase_core.nodes import ModelHandlerOutput
from onex_core_samples.messages import ModelNodeAckTimedOut, ModelRequestIntrospection


class HandlerUnderTest:
    def __init__({params}):
        {init}

    async def handle(self, envelope, context):
        {body}
"""


@pytest.fixture
def make_node(tmp_path: Path) -> Iterator[object]:
    sys.path.insert(0, str(tmp_path))
    made: list[str] = []

    def make(
        archetype: str, kind: str, body: str, init: str = "pass", params: str = "self, container"
    ) -> object:
        package = f"made_{tmp_path.name.replace('-', '_')}_{len(made)}"
        folder = tmp_path / package
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "contract.yaml").write_text(HEADER.format(kind=kind))
        (folder / "handlers.py").write_text(HANDLER.format(init=init, body=body, params=params))
        (folder / "node.py").write_text(
            f"from omnibase_core.nodes import {archetype}\n\n\n"
            f"class NodeMade({archetype}):\n    pass\n"
        )
        made.append(package)
        return importlib.import_module(f"{package}.node").NodeMade

    yield make
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.split(".")[0] in made]:
        del sys.modules[name]


def build(node_class: object) -> object:
    return node_class(ModelONEXContainer())  # type: ignore[operator]


def test_node_type_must_match_the_archetype(make_node) -> None:  # type: ignore[no-untyped-def]
    node_class = make_node("NodeReducer", "COMPUTE", "return ModelHandlerOutput(result=1)")
    with pytest.raises(ContractValidationError) as caught:
        build(node_class)
    (issue,) = caught.value.issues
    assert str(issue).endswith(
        "contract.yaml:2: node_type: this node is a REDUCER archetype but the contract says "
        "COMPUTE; set node_type: REDUCER or extend NodeCompute"
    )


async def test_compute_may_not_emit_events(make_node) -> None:  # type: ignore[no-untyped-def]
    body = (
        "return ModelHandlerOutput("
        "result=1, events=(context.event(ModelNodeAckTimedOut(node_id='n')),))"
    )
    node = build(make_node("NodeCompute", "COMPUTE", body))
    with pytest.raises(NodeOutputError) as caught:
        await node.handle(introspection())  # type: ignore[attr-defined]
    assert (
        caught.value.message
        == "COMPUTE nodes do not emit EVENT messages (only EFFECT and ORCHESTRATOR nodes do)"
    )


async def test_compute_must_return_a_result(make_node) -> None:  # type: ignore[no-untyped-def]
    node = build(make_node("NodeCompute", "COMPUTE", "return ModelHandlerOutput()"))
    with pytest.raises(NodeOutputError, match="NodeMade: a COMPUTE handler must return a result"):
        await node.handle(introspection())  # type: ignore[attr-defined]


async def test_compute_has_no_clock(make_node) -> None:  # type: ignore[no-untyped-def]
    node = build(
        make_node("NodeCompute", "COMPUTE", "return ModelHandlerOutput(result=context.now)")
    )
    with pytest.raises(
        NodeOutputError, match="COMPUTE nodes have no clock: time arrives inside events"
    ):
        await node.handle(introspection(), now=NOW)  # type: ignore[attr-defined]


def test_compute_handlers_cannot_resolve_services(make_node) -> None:  # type: ignore[no-untyped-def]
    init = (
        "from onex_core_samples.protocols import ProtocolServiceRegistry; "
        "container.resolve(ProtocolServiceRegistry)"
    )
    node_class = make_node("NodeCompute", "COMPUTE", "return ModelHandlerOutput(result=1)", init)
    with pytest.raises(ContainerResolutionError) as caught:
        build(node_class)
    assert caught.value.message == (
        "cannot resolve ProtocolServiceRegistry (requested by NodeMade): "
        "COMPUTE nodes perform no I/O, so their handlers resolve no services"
    )


async def test_orchestrator_may_not_return_a_projection(make_node) -> None:  # type: ignore[no-untyped-def]
    node = build(
        make_node(
            "NodeOrchestrator", "ORCHESTRATOR", "return ModelHandlerOutput(projection={'a': 1})"
        )
    )
    with pytest.raises(NodeOutputError) as caught:
        await node.handle(introspection(), now=NOW)  # type: ignore[attr-defined]
    assert (
        caught.value.message == "NodeMade: ORCHESTRATOR nodes return command, event, not projection"
    )


async def test_emitted_messages_must_be_declared_in_produces(make_node) -> None:  # type: ignore[no-untyped-def]
    body = (
        "return ModelHandlerOutput("
        "commands=(context.command(ModelRequestIntrospection(reason='x')),))"
    )
    node = build(make_node("NodeOrchestrator", "ORCHESTRATOR", body))
    with pytest.raises(NodeOutputError) as caught:
        await node.handle(introspection(), now=NOW)  # type: ignore[attr-defined]
    assert caught.value.message == (
        "NodeMade: COMMAND ModelRequestIntrospection is not in the contract's produces "
        "(as an onex.cmd.* topic)"
    )


async def test_handler_must_return_a_handler_output(make_node) -> None:  # type: ignore[no-untyped-def]
    node = build(make_node("NodeOrchestrator", "ORCHESTRATOR", "return {'events': []}"))
    with pytest.raises(
        NodeOutputError, match=r"HandlerUnderTest\.handle returned dict, not ModelHandlerOutput"
    ):
        await node.handle(introspection(), now=NOW)  # type: ignore[attr-defined]


def test_handler_must_be_built_with_the_container(make_node) -> None:  # type: ignore[no-untyped-def]
    body = "return ModelHandlerOutput(result=1)"
    node_class = make_node("NodeCompute", "COMPUTE", body, params="self")
    with pytest.raises(ContractValidationError) as caught:
        build(node_class)
    (issue,) = caught.value.issues
    assert issue.reason == (
        "HandlerUnderTest must be built as HandlerUnderTest(container): "
        "give __init__ one container argument"
    )
