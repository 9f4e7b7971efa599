"""Carry out a batch's intents for distinct nodes at once, each node's intents in order."""

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes import ModelHandlerOutput
from omnibase_infra.adapters.kafka import is_outage
from omnibase_infra.runtime.host import HandleMessage

Envelope = ModelEventEnvelope[object]


class NodeConcurrentUnitOfWork:
    """Handles up to `concurrency` nodes' intents at a time; one output per intent, in order.

    The batch is grouped by entity id (the node id, also the Kafka key): a node's intents run
    one after another in partition order, different nodes overlap, so a batch costs about
    one Consul round trip per `concurrency` nodes instead of one per intent. The first
    batch, and each batch after a failed one, runs its first node's intents alone first:
    while Consul is down that single call fails (and the whole batch waits, as before)
    instead of a burst of calls, and after an outage it is the breaker's one half-open
    trial call. After a batch that succeeded every node starts at once (no extra round
    trip per batch); an outage starting then costs one burst, after which the probing
    resumes. Any failure stops starting further intents and fails the batch with it (an
    outage first), so the runtime holds or retries the batch as it would a one-at-a-time
    run; intents already carried out are idempotent to repeat.
    """

    def __init__(self, concurrency: int) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        self.concurrency = concurrency
        self._probe = True  # until a batch succeeds, and again after one fails

    async def run(
        self, envelopes: Sequence[Envelope], handle: HandleMessage
    ) -> Sequence[ModelHandlerOutput]:
        """The outputs of `handle(envelope, None)` for each envelope, in the batch's order."""
        batch = _Batch(envelopes, handle)
        nodes = batch.nodes()
        first = next(nodes, None) if self._probe else None
        if first is not None:
            await batch.carry_out([first])
        if not batch.failures:
            workers = min(self.concurrency, len(envelopes))
            await asyncio.gather(*(batch.carry_out(nodes) for _ in range(workers)))
        self._probe = bool(batch.failures)
        return batch.outputs()


@dataclass
class _Batch:
    envelopes: Sequence[Envelope]
    handle: HandleMessage
    results: dict[int, ModelHandlerOutput] = field(default_factory=dict)
    failures: list[tuple[int, Exception]] = field(default_factory=list)

    def nodes(self) -> Iterator[list[int]]:
        """The envelopes' positions, node by node (in order within a node)."""
        groups: dict[str, list[int]] = {}
        for index, envelope in enumerate(self.envelopes):
            groups.setdefault(envelope.entity_id, []).append(index)
        return iter(groups.values())

    async def carry_out(self, nodes: Iterator[list[int]] | list[list[int]]) -> None:
        """Handle the nodes taken from `nodes` (shared by the workers), until one fails."""
        for indexes in nodes:
            for index in indexes:
                if self.failures:
                    return
                try:
                    self.results[index] = await self.handle(self.envelopes[index], None)
                except Exception as error:
                    self.failures.append((index, error))
                    return

    def outputs(self) -> list[ModelHandlerOutput]:
        if self.failures:
            outages = [failure for failure in self.failures if is_outage(failure[1])]
            raise min(outages or self.failures, key=lambda failure: failure[0])[1]
        return [self.results[index] for index in range(len(self.envelopes))]
