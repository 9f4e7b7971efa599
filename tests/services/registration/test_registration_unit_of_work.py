"""The reducer's unit of work in a real PostgreSQL: fold, store and record in one transaction."""

import re
from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent
from omnibase_core.models.generated import EnumNodeHealth
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.adapters.kafka import MessageRejectedError, is_poison
from omnibase_infra.adapters.postgres import PostgresIdempotencyStore, PostgresPoolManager
from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.registration import (
    EnumRegistrationState,
    ModelProjectionWrite,
    PostgresRegistrationStore,
    ProjectionConflictError,
    RegistrationUnitOfWork,
)
from pydantic import BaseModel
from registration_builders import (
    ACK_TIMEOUT,
    LIVENESS,
    T0,
    accepted,
    activated,
    deregistered,
    envelope,
    heartbeat,
)
from registration_reducer import NodeRegistrationReducer

pytestmark = pytest.mark.usefixtures("local_stack")
Envelope = ModelEventEnvelope[object]


@pytest.fixture(scope="module")
def reducer() -> NodeRegistrationReducer:
    return NodeRegistrationReducer(ModelONEXContainer())


@pytest.fixture
def unit(
    db: PostgresPoolManager, store: PostgresRegistrationStore, reducer: NodeRegistrationReducer
) -> RegistrationUnitOfWork:
    return RegistrationUnitOfWork(
        db,
        store,
        PostgresIdempotencyStore(db),
        consumer="registration-reducer",
        contract=reducer.contract,
    )


def wire(intents: Sequence[ModelIntent]) -> list[dict[str, object]]:
    return [intent.model_dump(mode="json") for intent in intents]


@pytest.fixture
def restarted(
    db: PostgresPoolManager, store: PostgresRegistrationStore, reducer: NodeRegistrationReducer
) -> RegistrationUnitOfWork:
    """The same reducer's unit of work in the process started after a crash."""
    return RegistrationUnitOfWork(
        db,
        PostgresRegistrationStore(db),
        PostgresIdempotencyStore(db),
        consumer="registration-reducer",
        contract=reducer.contract,
    )


def wrap(*payloads: BaseModel) -> list[Envelope]:
    return [envelope(payload) for payload in payloads]


async def apply(
    unit: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
    batch: Sequence[Envelope],
    *,
    crash: bool = False,
) -> list[ModelIntent]:
    """Run one batch as the runtime host does; the intents it publishes. With `crash` the
    process dies after the commit: the intents are never published."""

    async def handle(envelope: Envelope, projection: object) -> ModelHandlerOutput:
        return await reducer.handle(envelope, projection=projection)

    outputs = await unit.run(batch, handle)
    assert len(outputs) == len(batch)
    if not crash:
        await unit.published(
            [e for e, output in zip(batch, outputs, strict=True) if output.intents]
        )
    return [intent for output in outputs for intent in output.intents]


async def intent_types(
    unit: RegistrationUnitOfWork, reducer: NodeRegistrationReducer, batch: Sequence[Envelope]
) -> list[str]:
    return [intent.intent_type for intent in await apply(unit, reducer, batch)]


async def test_a_node_lifecycle_is_stored_and_its_consul_intents_returned(
    unit: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    beats = [heartbeat(node_id, 100 + i, T0 + timedelta(seconds=i)) for i in range(10)]

    on_accept = await intent_types(unit, reducer, wrap(accepted(node_id)))
    waiting = await store.get(str(node_id))
    on_activate = await intent_types(unit, reducer, wrap(activated(node_id)))
    on_beats = await intent_types(unit, reducer, wrap(*beats))
    alive = await store.get(str(node_id))
    on_shutdown = await intent_types(unit, reducer, wrap(deregistered(node_id)))
    gone = await store.get(str(node_id))

    assert (on_accept, on_activate, on_beats, on_shutdown) == (
        ["consul.register"],
        [],
        [],
        ["consul.deregister"],
    )
    assert waiting is not None and alive is not None and gone is not None
    assert waiting.state is EnumRegistrationState.AWAITING_ACK
    assert waiting.ack_deadline == T0 + ACK_TIMEOUT
    assert waiting.name == "orders-effect"
    assert (alive.state, alive.heartbeat_sequence) == (EnumRegistrationState.ACTIVE, 109)
    assert alive.liveness_deadline == T0 + timedelta(seconds=9) + LIVENESS
    assert alive.version == 3  # accepted, activated, then one write for ten heartbeats
    assert gone.state is EnumRegistrationState.DEREGISTERED
    assert await store.watermark() == T0 + timedelta(seconds=9)


async def test_a_health_change_in_a_batch_asks_for_one_consul_update(
    unit: RegistrationUnitOfWork, reducer: NodeRegistrationReducer
) -> None:
    node_id = uuid4()
    await apply(unit, reducer, wrap(accepted(node_id), activated(node_id)))
    degraded = EnumNodeHealth.DEGRADED
    beats = [
        heartbeat(node_id, 1, T0),
        heartbeat(node_id, 2, T0, degraded),
        heartbeat(node_id, 3, T0, degraded),
    ]

    intents = await apply(unit, reducer, wrap(*beats))

    assert [(i.intent_type, i.payload["health"]) for i in intents] == [
        ("consul.register", "degraded")
    ]


async def test_redelivered_decisions_and_a_replayed_history_change_nothing(
    unit: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    history = wrap(
        accepted(node_id),
        activated(node_id),
        deregistered(node_id),
        accepted(node_id, T0 + timedelta(hours=1)),
    )
    history.insert(2, envelope(heartbeat(node_id, 7, T0 + timedelta(seconds=5))))
    for message in history:
        await apply(unit, reducer, [message])
    before = await store.get(str(node_id))

    replayed = await apply(unit, reducer, history)

    assert replayed == []
    assert await store.get(str(node_id)) == before


async def test_a_decision_committed_but_never_published_yields_its_intents_again(
    unit: RegistrationUnitOfWork,
    restarted: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    batch = wrap(accepted(node_id), accepted(uuid4()))

    lost = await apply(unit, reducer, batch, crash=True)
    stored = await store.get(str(node_id))
    redelivered = await apply(restarted, reducer, batch)
    duplicate = await apply(restarted, reducer, batch)

    assert [i.intent_type for i in lost] == ["consul.register", "consul.register"]
    assert wire(redelivered) == wire(lost)  # as published: the same JSON
    assert duplicate == []
    assert await store.get(str(node_id)) == stored  # applied once


async def test_a_health_change_committed_but_never_published_is_sent_after_a_restart(
    unit: RegistrationUnitOfWork,
    restarted: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
) -> None:
    node_id = uuid4()
    await apply(unit, reducer, wrap(accepted(node_id), activated(node_id)))
    beats = wrap(
        heartbeat(node_id, 1, T0),
        heartbeat(node_id, 2, T0, EnumNodeHealth.DEGRADED),
        heartbeat(node_id, 3, T0 + timedelta(seconds=1), EnumNodeHealth.DEGRADED),
    )

    lost = await apply(unit, reducer, beats, crash=True)
    redelivered = await apply(restarted, reducer, beats)
    duplicate = await apply(restarted, reducer, beats)

    assert [(i.intent_type, i.payload["health"]) for i in lost] == [("consul.register", "degraded")]
    assert wire(redelivered) == wire(lost)  # as published: the same JSON
    assert duplicate == []


async def test_a_second_copy_of_a_message_in_the_same_batch_publishes_nothing(
    unit: RegistrationUnitOfWork,
    restarted: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
) -> None:
    decision = envelope(accepted(uuid4()))

    first = await apply(unit, reducer, [decision, decision], crash=True)
    redelivered = await apply(restarted, reducer, [decision, decision])

    assert [i.intent_type for i in first] == ["consul.register"]
    assert wire(redelivered) == wire(first)


async def test_unpublished_intents_older_than_the_retention_are_pruned(
    db: PostgresPoolManager,
    store: PostgresRegistrationStore,
    reducer: NodeRegistrationReducer,
) -> None:
    unit = RegistrationUnitOfWork(
        db,
        store,
        PostgresIdempotencyStore(db),
        consumer="registration-reducer",
        contract=reducer.contract,
        outbox_retention=timedelta(0),
    )
    stale = wrap(accepted(uuid4()))
    await apply(unit, reducer, stale, crash=True)
    await apply(unit, reducer, wrap(accepted(uuid4())))  # published: prunes the older entry

    assert await db.fetchval("SELECT count(*) FROM registration_outbox") == 0
    assert await apply(unit, reducer, stale) == []


async def test_heartbeats_of_unknown_nodes_store_nothing_but_move_the_watermark(
    unit: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
    store: PostgresRegistrationStore,
) -> None:
    stranger = uuid4()

    assert await apply(unit, reducer, wrap(heartbeat(stranger, 1, T0))) == []
    assert await store.get(str(stranger)) is None
    assert await store.watermark() == T0


async def test_a_failed_batch_keeps_neither_rows_nor_processed_records(
    unit: RegistrationUnitOfWork,
    reducer: NodeRegistrationReducer,
    store: PostgresRegistrationStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    node_id = uuid4()
    batch = wrap(accepted(node_id))

    async def lose_the_race(writes: Sequence[ModelProjectionWrite], **_: object) -> set[UUID]:
        return set()  # as if another writer had stored a newer version first

    with monkeypatch.context() as patched:
        patched.setattr(store, "upsert_many", lose_the_race)
        with pytest.raises(ProjectionConflictError) as conflict:
            await apply(unit, reducer, batch)
    retried = await intent_types(unit, reducer, batch)

    assert conflict.value.transient
    assert retried == ["consul.register"]
    assert await store.get(str(node_id)) is not None


@pytest.mark.parametrize(
    ("transition", "change", "complaint"),
    [
        (0, {"update": {"favourite_colour": "event.trigger"}}, "favourite_colour updated"),
        (3, {"update": {"name": "event.payload.node_id"}}, "name updated on ModelNodeHeartbeat"),
        (3, {"to": "deregistered"}, "active -> another state on ModelNodeHeartbeat"),
    ],
)
def test_a_reducer_fsm_the_projection_cannot_store_is_refused(
    db: PostgresPoolManager,
    store: PostgresRegistrationStore,
    reducer: NodeRegistrationReducer,
    transition: int,
    change: dict[str, object],
    complaint: str,
) -> None:
    fsm = reducer.contract.fsm
    assert fsm is not None
    assert fsm.transitions[3].trigger == "ModelNodeHeartbeat"
    transitions = list(fsm.transitions)
    transitions[transition] = transitions[transition].model_copy(update=change)
    odd = reducer.contract.model_copy(
        update={"fsm": fsm.model_copy(update={"transitions": tuple(transitions)})}
    )

    with pytest.raises(
        ProtocolConfigurationError, match=re.escape(f"contract.yaml: fsm: {complaint}")
    ):
        RegistrationUnitOfWork(db, store, PostgresIdempotencyStore(db), consumer="r", contract=odd)


async def test_a_decision_not_keyed_by_a_node_id_is_refused_as_poison(
    unit: RegistrationUnitOfWork, reducer: NodeRegistrationReducer, store: PostgresRegistrationStore
) -> None:
    node_id = uuid4()
    misrouted = envelope(accepted(node_id), entity_id="orders-effect")

    with pytest.raises(MessageRejectedError, match="not a node id"):
        await apply(unit, reducer, [misrouted])
    assert is_poison(MessageRejectedError("x"))
    assert await store.get(str(node_id)) is None
