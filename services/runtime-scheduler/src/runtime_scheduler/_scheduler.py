"""The tick loop: lead, tick every interval, step down the moment leadership is in doubt."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import TypeVar

from omnibase_core.contracts import ModelMessageBinding, ModelResiliencePolicy
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import ModelRuntimeTick
from omnibase_core.nodes import NodeEffect
from omnibase_infra.errors import ProtocolConfigurationError, RuntimeHostError
from omnibase_infra.resilience import retry_async

from runtime_scheduler.protocol_lease_store import ProtocolLeaseStore
from runtime_scheduler.protocol_tick_store import ProtocolTickStore

T = TypeVar("T")
Clock = Callable[[], datetime]
# Send an envelope to a topic and return once the broker has it (`ProtocolEventBus.publish`).
Publish = Callable[[str, ModelEventEnvelope[object]], Awaitable[None]]
# The operations the contract's `effects` must declare (each one's timeout and retry).
OPERATIONS = ("lease.acquire", "lease.renew", "lease.release", "ticks.claim", "ticks.advance")
logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The wall clock in UTC (the scheduler's default clock)."""
    return datetime.now(UTC)


class RuntimeScheduler:
    """Publishes a RuntimeTick every interval while this replica holds the lease.

    Its node's contract says what it does: the tick's topic, the lease and tick stores it
    depends on (resolved from the node's container) and each operation's timeout and retry.
    A replica without the lease tries to take it once per interval; on taking it, it claims
    the tick store, which fences every earlier leader out. A leader steps down at once when
    a renewal is refused or cannot be confirmed, when the store says another replica has
    claimed it, or when a publish outlasts the lease. `stop()` ends the loop and releases
    the lease; cancelling the task is a crash: the lease stays until its TTL runs out.
    """

    def __init__(
        self,
        node: NodeEffect,
        publish: Publish,
        *,
        env: str,
        scheduler_id: str,
        interval_seconds: float,
        lease_ttl_seconds: float,
        clock: Clock = utc_now,
    ) -> None:
        self._node = node
        self._policies = _policies(node)
        self._lease = node.container.resolve(ProtocolLeaseStore, requested_by=node.name)
        self._ticks = node.container.resolve(ProtocolTickStore, requested_by=node.name)
        self._publish_envelope = publish
        self.topic = _tick_binding(node).topic_for(env)
        self.scheduler_id = scheduler_id
        self._interval = interval_seconds
        self._ttl = lease_ttl_seconds
        self._clock = clock
        self._stopping = asyncio.Event()
        self.leading = False
        self._epoch = 0
        self.last_tick: ModelRuntimeTick | None = None

    async def run(self) -> None:
        """Lead or wait, one step per interval, until `stop()`; then release the lease."""
        next_at = time.monotonic()
        while not self._stopping.is_set():
            if self.leading:
                await self._tick()
            else:
                await self._try_to_lead()
            next_at = max(next_at + self._interval, time.monotonic())
            await self._sleep_until(next_at)
        if self.leading:
            self.leading = False
            await self._effect(
                "lease.release", lambda: self._lease.release(self.topic, self.scheduler_id)
            )

    def stop(self) -> None:
        """Ask the loop to finish its current step, release the lease and return."""
        self._stopping.set()

    async def _try_to_lead(self) -> None:
        owner, ttl = self.scheduler_id, self._ttl
        if not await self._effect(
            "lease.acquire", lambda: self._lease.try_acquire(self.topic, owner, ttl)
        ):
            return
        epoch = await self._effect("ticks.claim", lambda: self._ticks.claim(self.topic, owner))
        if epoch is not None:
            self.leading, self._epoch = True, epoch
            logger.info("%s leads the clock (epoch %d) on %s", owner, epoch, self.topic)
            await self._tick()

    async def _tick(self) -> None:
        lease_ends = asyncio.get_running_loop().time() + self._ttl
        owner, ttl = self.scheduler_id, self._ttl
        if not await self._effect("lease.renew", lambda: self._lease.renew(self.topic, owner, ttl)):
            self._step_down("the lease was not renewed")
            return
        tick = await self._effect(
            "ticks.advance",
            lambda: self._ticks.advance(self.topic, owner, self._epoch, self._clock()),
        )
        if tick is None:
            self._step_down("another replica claimed the clock, or the store did not answer")
            return
        await self._publish(tick, lease_ends)

    async def _publish(self, tick: ModelRuntimeTick, lease_ends: float) -> None:
        name = self._node.contract.name
        envelope: ModelEventEnvelope[object] = ModelEventEnvelope.create(
            tick, entity_id=name, producer=name, emitted_at=tick.now
        )
        try:
            # A publish that outlives the lease could land after a successor's ticks.
            async with asyncio.timeout_at(lease_ends):
                await self._publish_envelope(self.topic, envelope)
        except TimeoutError:
            self._step_down(f"publishing tick {tick.sequence} outlasted the lease")
            return
        except RuntimeHostError as error:
            logger.warning("Tick %d was not published: %s", tick.sequence, error.message)
            return
        self.last_tick = tick

    async def _effect(self, operation: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """Run an operation with its contract timeout and retry; None if it failed."""
        policy = self._policies[operation]

        async def bounded() -> T:
            async with asyncio.timeout(policy.timeout_seconds):
                return await call()

        try:
            return await retry_async(bounded, policy=policy.retry, operation=operation)
        except (RuntimeHostError, TimeoutError) as error:
            reason = error.message if isinstance(error, RuntimeHostError) else "timed out"
            logger.warning("%s failed: %s", operation, reason)
            return None

    def _step_down(self, reason: str) -> None:
        if self.leading:
            logger.warning("%s stopped ticking: %s", self.scheduler_id, reason)
        self.leading = False

    async def _sleep_until(self, deadline: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), max(deadline - time.monotonic(), 0))


def _tick_binding(node: NodeEffect) -> ModelMessageBinding:
    name = ModelRuntimeTick.__name__
    binding = next((b for b in node.contract.produces if b.message_name == name), None)
    if binding is None:
        raise ProtocolConfigurationError(
            f"{node.contract_path}: produces has no {name}; add it with its topic"
        )
    return binding


def _policies(node: NodeEffect) -> dict[str, ModelResiliencePolicy]:
    policies = {op: node.contract.effect_policy(op) for op in OPERATIONS}
    missing = [op for op, policy in policies.items() if policy is None]
    if missing:
        raise ProtocolConfigurationError(
            f"{node.contract_path}: effects must declare {', '.join(missing)}"
        )
    return {op: policy for op, policy in policies.items() if policy is not None}
