"""A node's message path without a broker: decode, unit of work, routing of every output."""

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pydantic
import pytest
from host_process import GREETER
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import NodeRoutingError
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.adapters.kafka.testing import InMemoryEventBus
from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.runtime.host import (
    HandleMessage,
    NodePipeline,
    ProtocolUnitOfWork,
    load_node_class,
    resolve_node_dir,
)
from onex_runtime_samples.greeter_effect.models import ModelGreetingRequested

CORE_SAMPLES = Path(__file__).parents[2] / "core" / "fixtures"
if str(CORE_SAMPLES) not in sys.path:
    sys.path.insert(0, str(CORE_SAMPLES))

from onex_core_samples.messages import ModelNodeRegistrationAccepted  # noqa: E402

Envelope = ModelEventEnvelope[object]


def envelope(payload: object, category: EnumMessageCategory) -> Envelope:
    return ModelEventEnvelope[object](
        message_type=type(payload).__name__,
        category=category,
        entity_id="node-1",
        emitted_at=datetime.now(UTC),
        producer="test",
        payload=payload,
    )


def greeter(bus: InMemoryEventBus) -> NodePipeline:
    node = load_node_class(GREETER)(ModelONEXContainer())
    return NodePipeline(node, bus, env="unit")  # type: ignore[arg-type]


async def test_a_handled_message_publishes_its_event_on_the_produced_topic() -> None:
    bus = InMemoryEventBus()
    pipeline = greeter(bus)
    sent = envelope(ModelGreetingRequested(name="ada"), EnumMessageCategory.COMMAND)

    received = pipeline.decode(sent.model_dump_json().encode(), "ModelGreetingRequested")
    await pipeline.handle_batch([received])

    (event,) = bus.published["unit.onex.evt.greeted.v1"]
    assert event.payload.greeting == "Hello, ada!"  # type: ignore[attr-defined]
    assert event.causation_id == sent.message_id
    assert event.correlation_id == sent.correlation_id


def test_decode_rejects_unknown_types_and_invalid_payloads() -> None:
    pipeline = greeter(InMemoryEventBus())
    sent = envelope(ModelGreetingRequested(name="ada"), EnumMessageCategory.COMMAND)
    data = sent.model_dump_json().encode()
    with pytest.raises(NodeRoutingError):
        pipeline.decode(data, "ModelSomethingElse")
    with pytest.raises(pydantic.ValidationError):
        pipeline.decode(data.replace(b'"ada"', b'""'), "ModelGreetingRequested")


class RecordingUnitOfWork:
    """Hands each message a stored projection and remembers what was returned."""

    def __init__(self, bus: InMemoryEventBus) -> None:
        self.bus = bus
        self.published_when_run_returned: int | None = None
        self.outputs: list[ModelHandlerOutput] = []

    async def run(
        self, envelopes: Sequence[Envelope], handle: HandleMessage
    ) -> Sequence[ModelHandlerOutput]:
        self.outputs = [await handle(item, None) for item in envelopes]
        self.published_when_run_returned = sum(len(v) for v in self.bus.published.values())
        return self.outputs


async def test_reducer_intents_go_to_its_intent_topic_after_the_unit_of_work() -> None:
    reducer_dir = CORE_SAMPLES / "onex_core_samples" / "registration_reducer"
    node = load_node_class(reducer_dir)(ModelONEXContainer())
    bus = InMemoryEventBus()
    unit_of_work = RecordingUnitOfWork(bus)
    assert isinstance(unit_of_work, ProtocolUnitOfWork)
    pipeline = NodePipeline(node, bus, env="unit", unit_of_work=unit_of_work)  # type: ignore[arg-type]
    accepted = envelope(
        ModelNodeRegistrationAccepted(node_id="node-1", ack_deadline=datetime.now(UTC)),
        EnumMessageCategory.EVENT,
    )

    await pipeline.handle_batch([pipeline.decode(accepted.model_dump_json().encode(), None)])

    assert unit_of_work.published_when_run_returned == 0
    assert unit_of_work.outputs[0].projection is not None
    (sent,) = bus.published["unit.onex.intent.registry.v1"]
    assert sent.category is EnumMessageCategory.INTENT
    assert isinstance(sent.payload, ModelIntent)
    assert sent.payload.intent_type == "consul.register"
    assert sent.causation_id == accepted.message_id
    assert sent.entity_id == "node-1"


def test_an_unknown_service_name_lists_what_exists(tmp_path: Path) -> None:
    (tmp_path / "services" / "real-one").mkdir(parents=True)
    (tmp_path / "services" / "real-one" / "contract.yaml").write_text("name: x\n")
    (tmp_path / "services" / "real-one" / "node.py").write_text("")
    assert resolve_node_dir("real-one", search_from=tmp_path).name == "real-one"
    with pytest.raises(ProtocolConfigurationError, match="real-one"):
        resolve_node_dir("no-such-service", search_from=tmp_path)


async def test_a_service_folder_with_a_dash_and_no_init_runs_as_a_node(tmp_path: Path) -> None:
    service = tmp_path / "services" / "greeter-effect"
    service.mkdir(parents=True)
    for name in ("contract.yaml", "node.py", "models.py", "handlers.py"):
        (service / name).write_text((GREETER / name).read_text())
    node_class = load_node_class(resolve_node_dir("greeter-effect", search_from=tmp_path))
    bus = InMemoryEventBus()
    pipeline = NodePipeline(node_class(ModelONEXContainer()), bus, env="svc")  # type: ignore[arg-type]
    sent = envelope(ModelGreetingRequested(name="bo"), EnumMessageCategory.COMMAND)

    await pipeline.handle_batch([pipeline.decode(sent.model_dump_json().encode(), None)])

    (event,) = bus.published["svc.onex.evt.greeted.v1"]
    assert event.payload.greeting == "Hello, bo!"  # type: ignore[attr-defined]
