"""The effect's unit of work: distinct nodes at once (bounded), each node's intents in order,
one output per intent in batch order, and a batch that fails as a one-at-a-time run would."""

import asyncio
from collections import defaultdict
from uuid import uuid4

import pytest
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.errors import NodeRoutingError
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.errors import InfraUnavailableError
from pydantic import BaseModel
from registration_builders import CONSUL, envelope
from registry_effect import NodeConcurrentUnitOfWork

Envelope = ModelEventEnvelope[object]


class ModelStep(BaseModel):
    step: int


def batch(nodes: int, steps: int) -> list[Envelope]:
    """`steps` messages per node, the nodes interleaved as partitions interleave them."""
    ids = [str(uuid4()) for _ in range(nodes)]
    return [
        envelope(ModelStep(step=step), entity_id=node, category=EnumMessageCategory.INTENT)
        for step in range(steps)
        for node in ids
    ]


class Recorder:
    """A handle that sleeps a little per message and records what ran when."""

    def __init__(self, fail: dict[tuple[str, int], Exception] | None = None) -> None:
        self.fail = fail or {}
        self.running = 0
        self.most = 0
        self.order: dict[str, list[int]] = defaultdict(list)
        self.started: list[tuple[str, int, int]] = []  # node, step, running when started
        self.active: set[str] = set()
        self.overlapped = False  # two messages of one node ran at the same time

    async def __call__(self, message: Envelope, projection: object) -> ModelHandlerOutput:
        assert projection is None
        step = message.payload.step  # type: ignore[attr-defined]
        self.running += 1
        self.most = max(self.most, self.running)
        self.started.append((message.entity_id, step, self.running))
        self.overlapped |= message.entity_id in self.active
        self.active.add(message.entity_id)
        try:
            await asyncio.sleep(0.01 if step % 2 else 0.002)
            if (message.entity_id, step) in self.fail:
                raise self.fail[(message.entity_id, step)]
            self.order[message.entity_id].append(step)
            return ModelHandlerOutput(events=(message,))
        finally:
            self.running -= 1
            self.active.discard(message.entity_id)


async def test_distinct_nodes_run_at_once_up_to_the_bound_and_outputs_keep_batch_order() -> None:
    messages = batch(nodes=20, steps=1)
    handle = Recorder()

    outputs = await NodeConcurrentUnitOfWork(concurrency=4).run(messages, handle)

    assert [output.events[0] for output in outputs] == messages
    assert handle.most == 4


async def test_a_nodes_messages_run_one_after_another_in_batch_order() -> None:
    messages = batch(nodes=6, steps=4)
    handle = Recorder()

    outputs = await NodeConcurrentUnitOfWork(concurrency=8).run(messages, handle)

    assert len(outputs) == len(messages)
    assert all(steps == [0, 1, 2, 3] for steps in handle.order.values())
    assert len(handle.order) == 6
    assert handle.most == 5  # after the first node alone, the other five at once
    assert not handle.overlapped


async def test_the_first_node_runs_alone_before_the_others_start() -> None:
    messages = batch(nodes=5, steps=2)
    first = messages[0].entity_id
    handle = Recorder()

    await NodeConcurrentUnitOfWork(concurrency=8).run(messages, handle)

    assert handle.started[:2] == [(first, 0, 1), (first, 1, 1)]


async def test_after_a_batch_succeeded_all_nodes_start_at_once_until_one_fails() -> None:
    unit = NodeConcurrentUnitOfWork(concurrency=8)
    await unit.run(batch(nodes=2, steps=1), Recorder())

    handle = Recorder()
    await unit.run(batch(nodes=5, steps=1), handle)
    assert [running for *_, running in handle.started] == [1, 2, 3, 4, 5]

    failing = batch(nodes=5, steps=1)
    outage = InfraUnavailableError("Consul breaker open", CONSUL)
    with pytest.raises(InfraUnavailableError):
        await unit.run(failing, Recorder(fail={(failing[0].entity_id, 0): outage}))

    handle = Recorder()
    await unit.run(batch(nodes=5, steps=1), handle)
    assert [running for *_, running in handle.started] == [1, 1, 2, 3, 4]


async def test_an_outage_on_the_first_node_fails_the_batch_with_no_other_call() -> None:
    messages = batch(nodes=5, steps=1)
    outage = InfraUnavailableError("Consul breaker open", CONSUL)
    handle = Recorder(fail={(messages[0].entity_id, 0): outage})

    with pytest.raises(InfraUnavailableError) as raised:
        await NodeConcurrentUnitOfWork(concurrency=8).run(messages, handle)

    assert raised.value is outage
    assert len(handle.started) == 1


async def test_a_failure_starts_no_further_messages_and_an_outage_wins_over_bad_input() -> None:
    messages = batch(nodes=30, steps=2)
    poison = NodeRoutingError("not an intent this effect carries out")
    outage = InfraUnavailableError("Consul breaker open", CONSUL)
    handle = Recorder(fail={(messages[3].entity_id, 1): poison, (messages[4].entity_id, 1): outage})

    with pytest.raises(InfraUnavailableError):
        await NodeConcurrentUnitOfWork(concurrency=8).run(messages, handle)

    assert len(handle.started) < len(messages)


async def test_bad_input_alone_fails_the_batch_with_that_error() -> None:
    messages = batch(nodes=3, steps=1)
    poison = NodeRoutingError("not an intent this effect carries out")
    handle = Recorder(fail={(messages[2].entity_id, 0): poison})

    with pytest.raises(NodeRoutingError):
        await NodeConcurrentUnitOfWork(concurrency=2).run(messages, handle)


async def test_an_empty_batch_has_no_outputs_and_a_bound_below_one_is_refused() -> None:
    assert await NodeConcurrentUnitOfWork(concurrency=3).run([], Recorder()) == []
    with pytest.raises(ValueError, match="at least 1"):
        NodeConcurrentUnitOfWork(concurrency=0)
