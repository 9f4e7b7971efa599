"""MixinNodeIntrospection: what a node exposes, the caches, and how it talks to the registry.

Runs on the Kafka bus's in-memory twin (envelopes round-trip through JSON, as on Kafka); a
recorder subscribed to every registration topic plays the registry side.
"""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from uuid import UUID, uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumMessageCategory, EnumNodeKind
from omnibase_core.messaging import (
    REGISTRATION_TOPICS,
    TOPIC_NODE_HEARTBEAT,
    TOPIC_NODE_INTROSPECTION,
    TOPIC_NODE_REGISTRATION_ACK,
    TOPIC_NODE_REGISTRATION_DECISION,
    TOPIC_NODE_SHUTDOWN,
    TOPIC_REGISTRY_REQUEST_INTROSPECTION,
    ModelTopic,
)
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeHealth,
    EnumNodeIntrospectionReason,
    EnumNodeShutdownReason,
    EnumNodeType,
    ModelNodeAckTimedOut,
    ModelNodeHeartbeat,
    ModelNodeIntrospectionEvent,
    ModelNodeLivenessExpired,
    ModelNodeRegistrationAccepted,
    ModelNodeRegistrationAck,
    ModelNodeRegistrationRejected,
    ModelNodeShutdown,
    ModelRegistryRequestIntrospection,
)
from omnibase_infra.adapters.kafka.testing import InMemoryEventBus
from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.mixins import MixinNodeIntrospection, with_introspection
from pydantic import BaseModel

Envelope = ModelEventEnvelope[object]
PayloadT = TypeVar("PayloadT")
ENV = "test"
START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def topic(name: ModelTopic) -> str:
    return str(name.with_env(ENV))


class Recorder:
    """What the registry side sees: every envelope on the registration topics, in order."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Envelope]] = []
        self._changed = asyncio.Condition()

    async def listen(self, bus: InMemoryEventBus) -> None:
        for name in REGISTRATION_TOPICS:
            where = topic(name)

            async def record(envelope: Envelope, where: str = where) -> None:
                async with self._changed:
                    self.log.append((where, envelope))
                    self._changed.notify_all()

            await bus.subscribe(where, record, group_id="registry")

    def on(self, name: ModelTopic) -> list[Envelope]:
        return [envelope for where, envelope in self.log if where == topic(name)]

    async def wait_for(self, name: ModelTopic, count: int) -> list[Envelope]:
        async with asyncio.timeout(5), self._changed:
            await self._changed.wait_for(lambda: len(self.on(name)) >= count)
        return self.on(name)


class Clocks:
    """A monotonic clock and a UTC clock that tests move by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self.utc = START

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.utc

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        self.utc += timedelta(seconds=seconds)


class ProbeNode(MixinNodeIntrospection):
    """A node with one method of every kind the filters tell apart."""

    def execute_query(self, sql_text: str) -> str:
        return sql_text

    def fetch_record(self, key: str) -> str:
        return key

    def compute_total(self, values: list[int]) -> int:
        return sum(values)

    def handle(self, message: object) -> None:
        return None

    def admin_run_migration(self) -> None:
        return None

    def decrypt_secret(self, api_key: str) -> str:
        return api_key

    def get_status(self) -> str:
        return "ok"

    def set_mode(self, mode: str) -> None:
        return None

    def initialize_pool(self) -> None:
        return None

    def start_worker(self) -> None:
        return None

    def stop_worker(self) -> None:
        return None

    def _run_internal(self) -> None:
        return None

    @staticmethod
    def process_batch(items: list[str]) -> int:
        return len(items)

    @classmethod
    def invoke_remote(cls) -> None:
        return None

    @property
    def run_state(self) -> str:
        return "idle"


NodeFactory = Callable[..., Awaitable[ProbeNode]]


@pytest.fixture
def bus() -> InMemoryEventBus:
    return InMemoryEventBus()


@pytest.fixture
async def seen(bus: InMemoryEventBus) -> Recorder:
    recorder = Recorder()
    await recorder.listen(bus)
    return recorder


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def make_node(bus: InMemoryEventBus, clocks: Clocks) -> NodeFactory:
    async def make(**overrides: object) -> ProbeNode:
        node = ProbeNode()
        settings: dict[str, object] = {
            "node_id": uuid4(),
            "node_name": "probe-effect",
            "node_type": EnumNodeType.EFFECT,
            "node_version": "1.4.2",
            "event_bus": bus,
            "env": ENV,
            "clock": clocks.monotonic,
            "now": clocks.now,
            **overrides,
        }
        node.initialize_introspection(**settings)  # type: ignore[arg-type]
        return node

    return make


def accepted(node_id: UUID, at: datetime) -> ModelEventEnvelope[ModelNodeRegistrationAccepted]:
    payload = ModelNodeRegistrationAccepted(
        node_id=node_id, ack_deadline=at + timedelta(seconds=30), accepted_at=at
    )
    return ModelEventEnvelope.create(
        payload, entity_id=str(node_id), producer="registration-orchestrator", emitted_at=at
    )


def request(
    target: UUID | None, at: datetime
) -> ModelEventEnvelope[ModelRegistryRequestIntrospection]:
    payload = ModelRegistryRequestIntrospection(target_node_id=target, requested_at=at)
    return ModelEventEnvelope.create(
        payload,
        entity_id=str(target or "all"),
        producer="operator",
        emitted_at=at,
        category=EnumMessageCategory.COMMAND,
    )


# --- capabilities --------------------------------------------------------------------------


def test_capabilities_without_initialization_report_generic_operations_only() -> None:
    assert ProbeNode().get_capabilities() == [
        "admin_run_migration",
        "execute_query",
        "handle",
        "invoke_remote",
        "process_batch",
    ]


async def test_node_type_adds_its_own_operation_keywords(make_node: NodeFactory) -> None:
    effect = await make_node(node_type=EnumNodeType.EFFECT)
    compute = await make_node(node_type="compute")
    assert "fetch_record" in effect.get_capabilities()
    assert "compute_total" not in effect.get_capabilities()
    assert "compute_total" in compute.get_capabilities()
    assert "fetch_record" not in compute.get_capabilities()


async def test_private_utility_and_keywordless_methods_are_never_capabilities(
    make_node: NodeFactory,
) -> None:
    capabilities = (await make_node()).get_capabilities()
    hidden = {"_run_internal", "decrypt_secret", "get_status", "set_mode", "initialize_pool"}
    hidden |= {"start_worker", "stop_worker", "run_state"}
    assert hidden.isdisjoint(capabilities)
    # The mixin's own public methods (publish_*, start_*, ...) are not the node's operations.
    assert not [name for name in capabilities if "introspection" in name]


async def test_exclude_prefixes_hide_more_methods(make_node: NodeFactory) -> None:
    node = await make_node(exclude_prefixes=["admin_", "invoke"])
    assert node.get_capabilities() == ["execute_query", "fetch_record", "handle", "process_batch"]


async def test_contract_node_kind_is_accepted_as_node_type(make_node: NodeFactory) -> None:
    node = await make_node(node_type=EnumNodeKind.ORCHESTRATOR)
    assert (await node.get_introspection_data()).node_type is EnumNodeType.ORCHESTRATOR


# --- what introspection data reveals --------------------------------------------------------


async def test_parameter_names_stay_private_unless_signatures_are_asked_for(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder
) -> None:
    plain = await make_node()
    assert (await plain.get_introspection_data()).method_signatures == {}

    revealing = await make_node(include_signatures=True)
    data = await revealing.get_introspection_data()
    assert data.method_signatures["execute_query"] == "execute_query(sql_text: str) -> str"
    assert set(data.method_signatures) == set(data.capabilities)

    await revealing.publish_introspection()
    [published] = seen.on(TOPIC_NODE_INTROSPECTION)
    wire = published.model_dump_json()
    assert "sql_text" not in wire and "method_signatures" not in wire


async def test_signatures_name_types_without_their_modules(make_node: NodeFactory) -> None:
    class Deep(ProbeNode):
        def run_job(self, job: ModelNodeHeartbeat | None) -> ModelTopic:
            raise NotImplementedError

    node = Deep()
    node.initialize_introspection(
        node_id=uuid4(),
        node_name="deep",
        node_type="effect",
        node_version="1.0.0",
        event_bus=InMemoryEventBus(),
        env=ENV,
        include_signatures=True,
    )
    signature = (await node.get_introspection_data()).method_signatures["run_job"]
    assert signature == "run_job(job: ModelNodeHeartbeat | None) -> ModelTopic"


async def test_node_without_contract_gets_a_fingerprint_of_what_it_exposes(
    make_node: NodeFactory,
) -> None:
    first = await (await make_node()).get_introspection_data()
    again = await (await make_node()).get_introspection_data()
    other = await (await make_node(exclude_prefixes=["admin_"])).get_introspection_data()
    assert first.contract_fingerprint.startswith("1.4.2:")
    assert first.contract_fingerprint == again.contract_fingerprint
    assert first.contract_fingerprint != other.contract_fingerprint
    given = await (
        await make_node(contract_fingerprint="1.4.2:0123456789ab")
    ).get_introspection_data()
    assert given.contract_fingerprint == "1.4.2:0123456789ab"


# --- caches -------------------------------------------------------------------------------


async def test_introspection_data_is_cached_until_the_ttl_runs_out(
    make_node: NodeFactory, clocks: Clocks
) -> None:
    node = await make_node(cache_ttl=60.0)
    first = await node.get_introspection_data()
    assert node._introspection_cache is first
    assert node._introspection_cached_at == clocks.seconds
    assert node._introspection_cache_ttl == 60.0

    clocks.advance(59.9)
    assert await node.get_introspection_data() is first
    clocks.advance(0.1)
    assert await node.get_introspection_data() is not first


async def test_invalidating_the_cache_forces_a_fresh_reflection(make_node: NodeFactory) -> None:
    node = await make_node()
    first = await node.get_introspection_data()
    node.invalidate_introspection_cache()
    assert node._introspection_cache is None
    second = await node.get_introspection_data()
    assert second is not first and second == first


async def test_zero_ttl_reflects_every_time(make_node: NodeFactory) -> None:
    node = await make_node(cache_ttl=0)
    assert await node.get_introspection_data() is not await node.get_introspection_data()


def test_class_method_cache_is_shared_per_class_until_invalidated() -> None:
    class Growing(MixinNodeIntrospection):
        def execute(self) -> None:
            return None

    Growing().get_capabilities()
    assert set(MixinNodeIntrospection._class_method_cache[Growing]) == {"execute"}
    assert Growing()._class_method_cache is MixinNodeIntrospection._class_method_cache

    def handle_late(self: Growing) -> None:
        return None

    Growing.handle_late = handle_late  # type: ignore[attr-defined]
    assert Growing().get_capabilities() == ["execute"]
    Growing._invalidate_class_method_cache()
    assert Growing().get_capabilities() == ["execute", "handle_late"]


# --- heartbeats ---------------------------------------------------------------------------


async def test_heartbeat_sequence_grows_by_one_from_the_start_time_in_ms(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node()
    beats = [await node.publish_heartbeat() for _ in range(3)]
    first = int(START.timestamp() * 1000)
    assert [beat.sequence for beat in beats] == [first, first + 1, first + 2]
    published = seen.on(TOPIC_NODE_HEARTBEAT)
    assert [ModelNodeHeartbeat.model_validate(e.payload) for e in published] == beats
    assert {e.entity_id for e in published} == {str(beats[0].node_id)}


async def test_a_restarted_node_continues_above_its_last_sequence(
    make_node: NodeFactory, clocks: Clocks
) -> None:
    node_id = uuid4()
    before = await make_node(node_id=node_id)
    last = [await before.publish_heartbeat() for _ in range(50)][-1]
    clocks.advance(0.5)
    after = await make_node(node_id=node_id)
    assert (await after.publish_heartbeat()).sequence > last.sequence


async def test_heartbeat_health_comes_from_the_hook(make_node: NodeFactory) -> None:
    async def degraded() -> EnumNodeHealth:
        return EnumNodeHealth.DEGRADED

    async def broken() -> EnumNodeHealth:
        raise ConnectionError("database down")

    assert (await (await make_node()).publish_heartbeat()).health is EnumNodeHealth.HEALTHY
    node = await make_node(health_check=degraded)
    assert (await node.publish_heartbeat()).health is EnumNodeHealth.DEGRADED
    node = await make_node(health_check=broken)
    assert (await node.publish_heartbeat()).health is EnumNodeHealth.UNHEALTHY


async def test_heartbeat_loop_beats_until_stopped(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder
) -> None:
    node = await make_node(heartbeat_interval=0.01)
    await node.start_heartbeat()
    await node.start_heartbeat()  # a second start is a no-op, not a second loop
    beats = await seen.wait_for(TOPIC_NODE_HEARTBEAT, 3)
    await node.stop_heartbeat()
    stopped_at = len(seen.on(TOPIC_NODE_HEARTBEAT))
    sequences = [ModelNodeHeartbeat.model_validate(b.payload).sequence for b in beats[:3]]
    assert sequences == list(range(sequences[0], sequences[0] + 3))
    await asyncio.sleep(0.05)  # several intervals: proves nothing beats after stop
    assert len(seen.on(TOPIC_NODE_HEARTBEAT)) == stopped_at


async def test_heartbeat_loop_survives_a_failing_publish(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder
) -> None:
    failures = 2
    original = bus.publish

    async def flaky(topic: str, envelope: ModelEventEnvelope[PayloadT]) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise ConnectionError("broker unreachable")
        await original(topic, envelope)

    bus.publish = flaky  # type: ignore[method-assign]
    node = await make_node(heartbeat_interval=0.01)
    await node.start_heartbeat()
    await seen.wait_for(TOPIC_NODE_HEARTBEAT, 1)
    await node.stop_heartbeat()
    assert failures == 0


# --- registry listener and the registration handshake ------------------------------------


async def test_start_announces_the_node_and_subscribes_before_announcing(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    async def instant_orchestrator(envelope: Envelope) -> None:
        node_id = ModelNodeIntrospectionEvent.model_validate(envelope.payload).node_id
        await bus.publish(topic(TOPIC_NODE_REGISTRATION_DECISION), accepted(node_id, clocks.utc))

    await bus.subscribe(topic(TOPIC_NODE_INTROSPECTION), instant_orchestrator, group_id="orch")
    node = await make_node(endpoints={"health": "http://127.0.0.1:8085/health"})
    event = await node.start_introspection()
    await node.stop_heartbeat()

    assert event.reason is EnumNodeIntrospectionReason.STARTUP
    [announced] = seen.on(TOPIC_NODE_INTROSPECTION)
    assert ModelNodeIntrospectionEvent.model_validate(announced.payload) == event
    assert announced.entity_id == str(event.node_id)
    assert announced.producer == "probe-effect"
    # The acceptance came back while the announcement was being published: it was heard.
    assert len(seen.on(TOPIC_NODE_REGISTRATION_ACK)) == 1


async def test_broadcast_and_targeted_requests_are_answered_others_ignored(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node()
    startup = await node.start_introspection()
    await node.stop_heartbeat()
    me, someone = startup.node_id, uuid4()
    clocks.advance(1)

    broadcast = request(None, clocks.utc)
    for message in (broadcast, request(someone, clocks.utc), request(me, clocks.utc)):
        await bus.publish(topic(TOPIC_REGISTRY_REQUEST_INTROSPECTION), message)

    announcements = seen.on(TOPIC_NODE_INTROSPECTION)
    reasons = [ModelNodeIntrospectionEvent.model_validate(e.payload).reason for e in announcements]
    assert reasons == ["startup", "requested", "requested"]
    answer = announcements[1]
    assert answer.correlation_id == broadcast.correlation_id
    assert answer.causation_id == broadcast.message_id
    assert answer.entity_id == str(me)


async def test_requests_sent_before_the_node_started_are_not_answered(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node()
    await node.start_introspection()
    await node.stop_heartbeat()
    old = request(None, clocks.utc - timedelta(minutes=10))
    await bus.publish(topic(TOPIC_REGISTRY_REQUEST_INTROSPECTION), old)
    assert len(seen.on(TOPIC_NODE_INTROSPECTION)) == 1


async def test_disabled_registry_listener_does_not_answer_requests(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node(enable_registry_listener=False)
    node_id = (await node.start_introspection()).node_id
    await node.stop_heartbeat()
    await bus.publish(topic(TOPIC_REGISTRY_REQUEST_INTROSPECTION), request(None, clocks.utc))
    assert len(seen.on(TOPIC_NODE_INTROSPECTION)) == 1
    # The registration handshake still works.
    await bus.publish(topic(TOPIC_NODE_REGISTRATION_DECISION), accepted(node_id, clocks.utc))
    assert len(seen.on(TOPIC_NODE_REGISTRATION_ACK)) == 1


async def test_node_acks_its_own_acceptance_only(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node()
    me = (await node.start_introspection()).node_id
    await node.stop_heartbeat()
    decisions = topic(TOPIC_NODE_REGISTRATION_DECISION)

    await bus.publish(decisions, accepted(uuid4(), clocks.utc))
    assert seen.on(TOPIC_NODE_REGISTRATION_ACK) == []

    mine = accepted(me, clocks.utc)
    await bus.publish(decisions, mine)
    [ack] = seen.on(TOPIC_NODE_REGISTRATION_ACK)
    assert ModelNodeRegistrationAck.model_validate(ack.payload).node_id == me
    assert ack.category is EnumMessageCategory.COMMAND
    assert ack.message_type == "ModelNodeRegistrationAck"
    assert (ack.correlation_id, ack.causation_id) == (mine.correlation_id, mine.message_id)
    assert ack.entity_id == str(me)


async def test_decisions_are_matched_by_their_node_id_key_then_by_payload(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node()
    me = (await node.start_introspection()).node_id
    await node.stop_heartbeat()
    decisions = topic(TOPIC_NODE_REGISTRATION_DECISION)

    keyed_by_another = accepted(me, clocks.utc).model_copy(update={"entity_id": str(uuid4())})
    await bus.publish(decisions, keyed_by_another)
    assert seen.on(TOPIC_NODE_REGISTRATION_ACK) == []

    not_keyed_by_a_node = accepted(me, clocks.utc).model_copy(update={"entity_id": "all"})
    await bus.publish(decisions, not_keyed_by_a_node)
    assert len(seen.on(TOPIC_NODE_REGISTRATION_ACK)) == 1


def let_go(node_id: UUID, at: datetime) -> list[ModelEventEnvelope[BaseModel]]:
    """An ack time-out and a liveness expiry for `node_id`."""
    decisions: list[BaseModel] = [
        ModelNodeAckTimedOut(node_id=node_id, ack_deadline=at, detected_at=at),
        ModelNodeLivenessExpired(node_id=node_id, deadline=at, watermark=at, detected_at=at),
    ]
    return [
        ModelEventEnvelope.create(
            decision, entity_id=str(node_id), producer="registration-orchestrator", emitted_at=at
        )
        for decision in decisions
    ]


async def test_node_reannounces_when_the_registry_let_it_go(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node()
    me = (await node.start_introspection()).node_id
    await node.stop_heartbeat()

    for decision in [*let_go(uuid4(), clocks.utc), *let_go(me, clocks.utc)]:
        await bus.publish(topic(TOPIC_NODE_REGISTRATION_DECISION), decision)

    announced = seen.on(TOPIC_NODE_INTROSPECTION)
    reasons = [ModelNodeIntrospectionEvent.model_validate(e.payload).reason for e in announced]
    assert reasons == ["startup", "reannounce", "reannounce"]


async def test_a_rejection_is_logged_for_the_operator(
    make_node: NodeFactory,
    bus: InMemoryEventBus,
    seen: Recorder,
    clocks: Clocks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    node = await make_node()
    me = (await node.start_introspection()).node_id
    await node.stop_heartbeat()
    for node_id in (uuid4(), me):
        rejected = ModelNodeRegistrationRejected(
            node_id=node_id,
            reason="no reachable endpoint",
            field="endpoints",
            rejected_at=clocks.utc,
        )
        envelope = ModelEventEnvelope.create(
            rejected, entity_id=str(node_id), producer="orchestrator", emitted_at=clocks.utc
        )
        await bus.publish(topic(TOPIC_NODE_REGISTRATION_DECISION), envelope)
    [record] = [r for r in caplog.records if "rejected" in r.getMessage()]
    assert record.getMessage() == (
        "registration of probe-effect rejected (field endpoints): no reachable endpoint"
    )
    assert len(seen.on(TOPIC_NODE_INTROSPECTION)) == 1


async def test_graceful_stop_ends_heartbeats_and_listeners_then_says_goodbye(
    make_node: NodeFactory, bus: InMemoryEventBus, seen: Recorder, clocks: Clocks
) -> None:
    node = await make_node(heartbeat_interval=0.01)
    me = (await node.start_introspection()).node_id
    await seen.wait_for(TOPIC_NODE_HEARTBEAT, 1)

    shutdown = await node.stop_introspection(EnumNodeShutdownReason.SIGNAL)
    assert shutdown == ModelNodeShutdown(
        node_id=me, reason=EnumNodeShutdownReason.SIGNAL, emitted_at=shutdown.emitted_at
    )
    [said] = seen.on(TOPIC_NODE_SHUTDOWN)
    assert ModelNodeShutdown.model_validate(said.payload) == shutdown
    assert seen.log[-1][1] is said  # nothing after the goodbye

    # Listeners are gone: neither requests nor acceptances get an answer now.
    await bus.publish(topic(TOPIC_REGISTRY_REQUEST_INTROSPECTION), request(None, clocks.utc))
    await bus.publish(topic(TOPIC_NODE_REGISTRATION_DECISION), accepted(me, clocks.utc))
    assert len(seen.on(TOPIC_NODE_INTROSPECTION)) == 1
    assert seen.on(TOPIC_NODE_REGISTRATION_ACK) == []


# --- configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"node_name": "Probe_Node"}, "node_name"),
        ({"node_version": "1.0"}, "node_version"),
        ({"node_type": "gateway"}, "node_type"),
        ({"env": "Prod"}, "env"),
        ({"heartbeat_interval": 0}, "heartbeat_interval"),
        ({"endpoints": {"api": "https://svc:Canary8Pw@host/api"}}, "endpoints"),
        ({"endpoints": {"api": "https://host/api?token=abc"}}, "endpoints"),
        ({"metadata": {"db_password": "Canary8Pw"}}, "metadata"),
        ({"metadata": {"dsn": "postgresql://onex:Canary8Pw@db/onex"}}, "metadata"),
        ({"metadata": {"note": "x" * 513}}, "metadata"),
        ({"metadata": {f"k{i}": "v" for i in range(33)}}, "metadata"),
    ],
)
async def test_invalid_settings_are_refused_naming_the_field_never_the_value(
    make_node: NodeFactory, overrides: dict[str, object], named: str
) -> None:
    with pytest.raises(ProtocolConfigurationError) as caught:
        await make_node(**overrides)
    text = str(caught.value) + repr(caught.value.to_dict())
    assert named in text
    assert "Canary8Pw" not in text
    assert caught.value.__cause__ is None


async def test_introspection_needs_initialization_except_for_capabilities() -> None:
    with pytest.raises(ProtocolConfigurationError, match="initialize_introspection"):
        await ProbeNode().get_introspection_data()


# --- RULES.md "Node Introspection Security Considerations" samples --------------------------


async def test_rules_thread_safe_node_sample(bus: InMemoryEventBus) -> None:
    class ThreadSafeNode(MixinNodeIntrospection):
        def __init__(self, config: dict[str, object]) -> None:
            self._introspection_lock = threading.Lock()
            self.initialize_introspection(**config)  # type: ignore[arg-type]

        def invalidate_introspection_cache(self) -> None:
            with self._introspection_lock:
                super().invalidate_introspection_cache()

        async def get_introspection_data(self):  # type: ignore[no-untyped-def]
            # Note: async lock needed for async methods
            # Consider asyncio.Lock() for async coordination
            return await super().get_introspection_data()

        def process_request(self, data: str) -> str:
            return data

    node = ThreadSafeNode(
        {
            "node_id": uuid4(),
            "node_name": "thread-safe",
            "node_type": "compute",
            "node_version": "0.1.0",
            "event_bus": bus,
            "env": ENV,
        }
    )
    first = await node.get_introspection_data()
    node.invalidate_introspection_cache()
    assert await node.get_introspection_data() is not first
    assert first.capabilities == ("process_request",)
    event = await node.publish_introspection()
    assert event.capabilities == ["process_request"]


# --- declarative nodes ----------------------------------------------------------------------


async def test_runtime_adds_introspection_to_a_declarative_node(
    monkeypatch: pytest.MonkeyPatch, bus: InMemoryEventBus
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "core" / "fixtures"))
    from onex_core_samples.payload_hasher_compute.node import NodePayloadHasherCompute

    introspected = with_introspection(NodePayloadHasherCompute)
    assert with_introspection(introspected) is introspected
    assert with_introspection(NodePayloadHasherCompute) is introspected
    node = introspected(ModelONEXContainer())
    assert isinstance(node, MixinNodeIntrospection)
    assert node.name == "NodePayloadHasherCompute"  # still finds its contract and name
    node.initialize_introspection(
        node_id=uuid4(),
        node_name=node.contract.name,
        node_type=node.contract.node_type,
        node_version=node.contract.node_version,
        contract_fingerprint=node.fingerprint,
        event_bus=bus,
        env=ENV,
    )
    event = await node.publish_introspection()
    assert event.node_type is EnumNodeType.COMPUTE
    assert event.contract_fingerprint == node.fingerprint
    assert event.capabilities == ["handle"]
