"""The node registry in a real PostgreSQL: fenced writes, heartbeats, watermark, claims."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from omnibase_core.fsm import ModelFsmState
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.registration import (
    EnumRegistrationState,
    ModelProjectionWrite,
    PostgresRegistrationStore,
    ProtocolTimeoutClaimer,
)
from omnibase_infra.registration.testing import InMemoryRegistrationStore
from omnibase_spi import ProtocolProjectionReader, ProtocolProjectionWriter
from registration_builders import LIVENESS, T0, service

pytestmark = pytest.mark.usefixtures("local_stack")
SECOND = timedelta(seconds=1)


def active(node_id: UUID, *, deadline: datetime = T0 + LIVENESS, **data: object) -> ModelFsmState:
    return ModelFsmState(
        name="active",
        data={
            "name": "orders-effect",
            "node_type": "EFFECT",
            "capabilities": ["execute_operation"],
            "endpoints": {"health": "http://10.0.0.7:8085/health"},
            "service": service(node_id),
            "health": "healthy",
            "activated_at": T0,
            "liveness_deadline": deadline,
            "liveness_timeout_seconds": LIVENESS.total_seconds(),
            **data,
        },
    )


def awaiting(node_id: UUID, ack_deadline: datetime) -> ModelFsmState:
    return ModelFsmState(
        name="awaiting_ack",
        data={"name": "orders-effect", "service": service(node_id), "ack_deadline": ack_deadline},
    )


def beat(node_id: UUID, sequence: int, at: datetime, version: int) -> ModelProjectionWrite:
    state = ModelFsmState(
        name="active",
        data={"heartbeat_sequence": sequence, "last_heartbeat_at": at, "health": "degraded"},
    )
    return ModelProjectionWrite(node_id=node_id, state=state, version=version)


async def put(store: PostgresRegistrationStore, node_id: UUID, state: ModelFsmState) -> None:
    assert await store.upsert(str(node_id), state, version=1)


async def test_a_stored_state_reads_back_as_registration_and_as_fsm_state(
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    state = active(node_id, metadata={"team": "orders"}, heartbeat_sequence=7)

    await put(store, node_id, state)
    registration = await store.get(str(node_id))
    loaded = await store.load_states([node_id])

    assert registration is not None
    assert registration.state is EnumRegistrationState.ACTIVE
    assert registration.service == service(node_id)
    assert (registration.metadata, registration.heartbeat_sequence) == ({"team": "orders"}, 7)
    assert registration.liveness_deadline == T0 + LIVENESS
    assert loaded[node_id][1] == 1
    assert loaded[node_id][0].data["service"] == service(node_id).model_dump(mode="json")
    assert await store.get("not-a-node-id") is None
    assert [row.node_id for row in await store.list_all()] == [node_id]
    fake = InMemoryRegistrationStore()
    for implementation in (store, fake):
        assert isinstance(implementation, ProtocolProjectionReader)
        assert isinstance(implementation, ProtocolTimeoutClaimer)
    assert isinstance(store, ProtocolProjectionWriter)


async def test_a_write_lands_only_with_a_version_above_the_stored_one(
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    await put(store, node_id, awaiting(node_id, T0))

    replayed = await store.upsert(str(node_id), active(node_id), version=1)
    newer = await store.upsert(str(node_id), active(node_id), version=2)
    older = await store.upsert(str(node_id), awaiting(node_id, T0), version=1)

    registration = await store.get(str(node_id))
    assert (replayed, newer, older) == (False, True, False)
    assert registration is not None
    assert (registration.state, registration.version) == (EnumRegistrationState.ACTIVE, 2)


async def test_a_stale_heartbeat_never_shortens_the_liveness_deadline(
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    await put(store, node_id, active(node_id))

    fresh = await store.apply_heartbeats([beat(node_id, 10, T0 + 60 * SECOND, version=2)])
    older_sequence = await store.apply_heartbeats([beat(node_id, 9, T0 + 80 * SECOND, 3)])
    older_time = await store.apply_heartbeats([beat(node_id, 11, T0 + 5 * SECOND, 4)])
    shorter = await store.upsert(str(node_id), active(node_id, deadline=T0), version=5)

    registration = await store.get(str(node_id))
    assert registration is not None
    assert (fresh, older_sequence, older_time, shorter) == ({node_id}, set(), {node_id}, True)
    assert registration.liveness_deadline == T0 + 60 * SECOND + LIVENESS
    assert registration.last_heartbeat_at == T0 + 60 * SECOND
    assert registration.heartbeat_sequence == 11


async def test_a_heartbeat_from_the_future_extends_the_deadline_from_now_at_most(
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    await put(store, node_id, active(node_id))
    skewed = datetime.now(UTC) + timedelta(days=1)

    await store.apply_heartbeats([beat(node_id, 1, skewed, version=2)])

    registration = await store.get(str(node_id))
    assert registration is not None and registration.liveness_deadline is not None
    assert registration.liveness_deadline <= datetime.now(UTC) + LIVENESS


async def test_heartbeats_change_only_active_rows(store: PostgresRegistrationStore) -> None:
    node_id = uuid4()
    await put(store, node_id, awaiting(node_id, T0))

    assert await store.apply_heartbeats([beat(node_id, 1, T0, version=2)]) == set()


async def test_ten_thousand_heartbeats_are_applied_in_one_statement(
    store: PostgresRegistrationStore, db: PostgresPoolManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [uuid4() for _ in range(10_000)]
    states = [ModelProjectionWrite(node_id=i, state=active(i), version=1) for i in ids]
    assert len(await store.upsert_many(states)) == len(ids)
    statements = count_calls(db, monkeypatch)

    written = await store.apply_heartbeats([beat(i, 5, T0 + 30 * SECOND, 2) for i in ids])

    assert written == set(ids)
    assert statements() == 1
    moved = await db.fetchval(
        "SELECT count(*) FROM node_registrations WHERE liveness_deadline = $1",
        T0 + 30 * SECOND + LIVENESS,
    )
    assert moved == len(ids)


def count_calls(db: PostgresPoolManager, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Count the statements `db` runs from now on."""
    calls = 0
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        original = getattr(db, name)

        def counted(
            *args: object, _run: Callable[..., Awaitable[object]] = original, **kwargs: object
        ) -> Awaitable[object]:
            nonlocal calls
            calls += 1
            return _run(*args, **kwargs)

        monkeypatch.setattr(db, name, counted)
    return lambda: calls


async def test_the_watermark_only_moves_forward_and_never_past_now(
    store: PostgresRegistrationStore,
) -> None:
    assert await store.watermark() is None

    await store.advance_watermark(T0)
    await store.advance_watermark(T0 - SECOND)
    after_stale = await store.watermark()
    await store.advance_watermark(datetime.now(UTC) + timedelta(days=1))
    after_future = await store.watermark()

    assert after_stale == T0
    assert after_future is not None and after_future <= datetime.now(UTC)


async def test_concurrent_claimers_never_claim_the_same_timeout(
    local_stack: ModelOnexSettings, registry_database: str, store: PostgresRegistrationStore
) -> None:
    ids = [uuid4() for _ in range(300)]
    await store.upsert_many(
        [ModelProjectionWrite(node_id=i, state=awaiting(i, T0), version=1) for i in ids]
    )
    now = T0 + SECOND
    async with (
        PostgresPoolManager.from_settings(local_stack, database=registry_database) as one,
        PostgresPoolManager.from_settings(local_stack, database=registry_database) as two,
    ):
        claimers = [PostgresRegistrationStore(one), PostgresRegistrationStore(two)]
        rounds = await asyncio.gather(
            *(claimer.claim_ack_timeouts(now, limit=40) for _ in range(5) for claimer in claimers)
        )

    claimed = [claim.node_id for batch in rounds for claim in batch]
    assert sorted(claimed) == sorted(ids)  # each exactly once, none left over


async def test_a_claim_twice_at_once_has_exactly_one_winner(
    local_stack: ModelOnexSettings, registry_database: str, store: PostgresRegistrationStore
) -> None:
    async with (
        PostgresPoolManager.from_settings(local_stack, database=registry_database) as one,
        PostgresPoolManager.from_settings(local_stack, database=registry_database) as two,
    ):
        claimers = [PostgresRegistrationStore(one), PostgresRegistrationStore(two)]
        for round_ in range(20):
            node_id = uuid4()
            await put(store, node_id, awaiting(node_id, T0))
            now = T0 + round_ * SECOND + SECOND
            results = await asyncio.gather(
                *(claimer.claim_ack_timeouts(now, limit=10) for claimer in claimers)
            )
            assert sorted(len(result) for result in results) == [0, 1]


async def test_a_claim_whose_decision_never_arrived_is_claimed_again_later(
    db: PostgresPoolManager,
) -> None:
    store = PostgresRegistrationStore(db, reclaim_after=timedelta(seconds=60))
    node_id = uuid4()
    await put(store, node_id, awaiting(node_id, T0))

    first = await store.claim_ack_timeouts(T0 + SECOND, limit=10)
    soon = await store.claim_ack_timeouts(T0 + 30 * SECOND, limit=10)
    later = await store.claim_ack_timeouts(T0 + 62 * SECOND, limit=10)

    assert [claim.node_id for claim in first] == [node_id]
    assert first[0].deadline == T0
    assert soon == []
    assert [claim.node_id for claim in later] == [node_id]


async def test_liveness_expires_against_the_heartbeat_watermark(
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    await put(store, node_id, active(node_id, deadline=T0))
    now = datetime.now(UTC)

    before_any_heartbeat = await store.claim_liveness_expiries(now, limit=10)
    await store.advance_watermark(T0 - SECOND)
    lagging = await store.claim_liveness_expiries(now, limit=10)
    await store.advance_watermark(T0 + SECOND)
    caught_up = await store.claim_liveness_expiries(now, limit=10)

    assert before_any_heartbeat == lagging == []
    [claim] = caught_up
    assert (claim.node_id, claim.deadline, claim.judged_at) == (node_id, T0, T0 + SECOND)


async def test_entering_a_state_again_clears_its_old_claim(
    store: PostgresRegistrationStore,
) -> None:
    node_id = uuid4()
    await put(store, node_id, awaiting(node_id, T0))
    assert await store.claim_ack_timeouts(T0 + SECOND, limit=10)
    timed_out = ModelFsmState(name="ack_timed_out", data=awaiting(node_id, T0).data)
    assert await store.upsert(str(node_id), timed_out, version=2)

    again = T0 + timedelta(hours=1)
    assert await store.upsert(str(node_id), awaiting(node_id, again), version=3)
    claimed = await store.claim_ack_timeouts(again + SECOND, limit=10)

    assert [claim.deadline for claim in claimed] == [again]
