"""The context a handler receives with each message."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TypeVar
from uuid import UUID, uuid5

from omnibase_core.contracts import ModelContract
from omnibase_core.enums import EnumMessageCategory, EnumNodeKind
from omnibase_core.errors import ModelOnexError, NodeOutputError
from omnibase_core.models.events import ModelEventEnvelope, ModelIntent

R = TypeVar("R")
Envelope = ModelEventEnvelope[object]

_NO_INPUTS: Mapping[str, object] = MappingProxyType({})
_EMITS = {
    EnumMessageCategory.EVENT: {EnumNodeKind.ORCHESTRATOR, EnumNodeKind.EFFECT},
    EnumMessageCategory.COMMAND: {EnumNodeKind.ORCHESTRATOR},
}


class HandlerContext:
    """Who is handling the message, the time (where the archetype has one), and builders.

    `event()`/`command()` build envelopes caused by the message being handled (same
    correlation id, causation id = its message id); `intent()` builds a reducer's intent;
    `run()` performs an effect operation with the contract's timeout and retry settings.

    The message id of a built envelope is derived from the handled message's id (and the
    node, the built message's category, type and entity, and how many such envelopes this
    message already yielded): handling a redelivered copy of a message yields envelopes with
    the same ids, so a consumer that records processed message ids drops their copies too.
    """

    __slots__ = ("_contract", "_issued", "_now", "envelope", "inputs", "projection")

    def __init__(  # positional too: one is built per message, and keywords cost more
        self,
        contract: ModelContract,
        envelope: Envelope,
        now: datetime | None,
        projection: object = None,
        inputs: Mapping[str, object] | None = None,
    ) -> None:
        self._contract = contract
        self._now = now
        self.envelope = envelope
        self.projection = projection  # REDUCER: the current projection of envelope.entity_id
        # Workflow steps: the outputs of their dependencies by name.
        self.inputs = _NO_INPUTS if inputs is None else inputs
        # How many envelopes of each kind this message yielded (shared with workflow steps).
        self._issued: dict[str, int] | None = None

    @property
    def node_name(self) -> str:
        """The name of the node handling the message (its contract's `name`)."""
        return self._contract.name

    @property
    def node_kind(self) -> EnumNodeKind:
        """The archetype of the node handling the message."""
        return self._contract.node_type

    @property
    def now(self) -> datetime:
        """The current time: injected for orchestrators, the dispatch time for effects."""
        if self._now is None:
            raise NodeOutputError(
                f"{self.node_kind} nodes have no clock: time arrives inside events",
                correlation_id=self.envelope.correlation_id,
            )
        return self._now

    def for_step(self, inputs: Mapping[str, object]) -> "HandlerContext":
        """The same context for a workflow step, with its dependencies' outputs."""
        step = HandlerContext(
            contract=self._contract,
            envelope=self.envelope,
            now=self._now,
            projection=self.projection,
            inputs=inputs,
        )
        if self._issued is None:
            self._issued = {}
        step._issued = self._issued  # steps count together: their ids never collide
        return step

    def event(self, payload: object, *, entity_id: str | None = None) -> Envelope:
        """An EVENT envelope carrying `payload`, caused by the message being handled."""
        return self._child(payload, EnumMessageCategory.EVENT, entity_id)

    def command(self, payload: object, *, entity_id: str | None = None) -> Envelope:
        """A COMMAND envelope carrying `payload`, caused by the message being handled."""
        return self._child(payload, EnumMessageCategory.COMMAND, entity_id)

    def intent(
        self,
        intent_type: str,
        payload: dict[str, object] | None = None,
        *,
        target: str | None = None,
        entity_id: str | None = None,
    ) -> ModelIntent:
        """An intent for an effect node; `target` defaults to `intent_type` up to its first dot."""
        self._require({EnumNodeKind.REDUCER}, "intents")
        return ModelIntent(
            intent_type=intent_type,
            target=target or intent_type.partition(".")[0],
            entity_id=entity_id or self.envelope.entity_id,
            payload=payload or {},
            correlation_id=self.envelope.correlation_id,
        )

    async def run(self, operation: str, call: Callable[[], Awaitable[R]]) -> R:
        """Perform a declared effect operation: each try bounded by its timeout, transient
        failures retried with backoff (never for operations that are not idempotent)."""
        self._require({EnumNodeKind.EFFECT}, "effect operations")
        policy = self._contract.effect_policy(operation)
        if policy is None:
            declared = ", ".join(op.operation for op in self._contract.effects) or "none"
            raise NodeOutputError(
                f"effect operation {operation!r} is not in the contract (declared: {declared})",
                correlation_id=self.envelope.correlation_id,
            )
        attempt = 1
        while True:
            try:
                async with asyncio.timeout(policy.timeout_seconds):
                    return await call()
            except Exception as error:
                if attempt >= policy.retry.max_attempts or not _transient(error):
                    raise
            attempt += 1
            await asyncio.sleep(policy.retry.delay_before(attempt))

    def _child(
        self, payload: object, category: EnumMessageCategory, entity_id: str | None
    ) -> Envelope:
        self._require(_EMITS[category], f"{category.name} messages")
        message_type = type(payload).__name__
        entity_id = entity_id or self.envelope.entity_id
        return ModelEventEnvelope[object](
            message_id=self._child_id(category, message_type, entity_id),
            message_type=message_type,
            category=category,
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.message_id,
            entity_id=entity_id,
            emitted_at=self.now,
            producer=self.node_name,
            payload=payload,
        )

    def _child_id(self, category: EnumMessageCategory, message_type: str, entity_id: str) -> UUID:
        """The same id for the same output of the same message, however often it is handled."""
        kind = f"{self.node_name}/{category.value}/{message_type}/{entity_id}"
        if self._issued is None:
            self._issued = {}
        seen = self._issued.get(kind, 0)
        self._issued[kind] = seen + 1
        return uuid5(self.envelope.message_id, f"{kind}/{seen}")

    def _require(self, kinds: set[EnumNodeKind], what: str) -> None:
        if self.node_kind not in kinds:
            allowed = " and ".join(sorted(kinds))
            raise NodeOutputError(
                f"{self.node_kind} nodes do not emit {what} (only {allowed} nodes do)",
                correlation_id=self.envelope.correlation_id,
            )


def _transient(error: Exception) -> bool:
    if isinstance(error, ModelOnexError):
        return error.transient
    return isinstance(error, TimeoutError | ConnectionError)
