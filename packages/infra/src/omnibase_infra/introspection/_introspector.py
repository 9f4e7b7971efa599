"""The engine behind MixinNodeIntrospection: publishes, beats and listens for one node."""

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from uuid import UUID

from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import (
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
from omnibase_spi import ProtocolEventBus, Unsubscribe
from pydantic import BaseModel

from omnibase_infra.introspection.model_node_introspection_config import (
    ModelNodeIntrospectionConfig,
)
from omnibase_infra.introspection.model_node_introspection_data import ModelNodeIntrospectionData
from omnibase_infra.observability import sanitize

logger = logging.getLogger(__name__)

Envelope = ModelEventEnvelope[object]
HealthCheck = Callable[[], Awaitable[EnumNodeHealth]]
Describe = Callable[[], Awaitable[ModelNodeIntrospectionData]]

ACCEPTED = ModelNodeRegistrationAccepted.__name__
REJECTED = ModelNodeRegistrationRejected.__name__
REQUEST = ModelRegistryRequestIntrospection.__name__
# Decisions saying the registry let this node go although it still runs: it announces again.
REANNOUNCE_ON: dict[str, type[ModelNodeAckTimedOut] | type[ModelNodeLivenessExpired]] = {
    model.__name__: model for model in (ModelNodeAckTimedOut, ModelNodeLivenessExpired)
}
# Messages sent before this node started were answered by its startup announcement; the
# margin keeps a slightly slow sender's clock from hiding a fresh request.
_CLOCK_SKEW = timedelta(seconds=5)
# How late a node may see a decision or request on Kafka (acks are due within seconds).
LISTENER_DELAY_MS = 250


class NodeIntrospector:
    """Publishes one node's introspection, heartbeats and shutdown; answers the registry.

    Built by `MixinNodeIntrospection.initialize_introspection`; `describe` is the node's
    (cached) `get_introspection_data`.
    """

    def __init__(
        self,
        config: ModelNodeIntrospectionConfig,
        *,
        event_bus: ProtocolEventBus,
        describe: Describe,
        health_check: HealthCheck | None,
        clock: Callable[[], float],
        now: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.clock = clock
        self._bus = event_bus
        self._describe = describe
        self._health_check = health_check
        self._now = now
        self.node_id = config.node_id
        self._key = str(config.node_id)
        # Heartbeat sequences start at the start time in ms, so a restarted node (same id)
        # continues above its previous run as long as it beats at most once per ms.
        self.sequence = int(now().timestamp() * 1000)
        self._heartbeat: asyncio.Task[None] | None = None
        self._unsubscribes: list[Unsubscribe] = []
        self._listening_since: datetime | None = None

    def topic(self, topic: ModelTopic) -> str:
        """The full name of a registration topic in this node's environment."""
        return str(topic.with_env(self.config.env))

    def describe_node(
        self, capabilities: list[str], signatures: dict[str, str]
    ) -> ModelNodeIntrospectionData:
        """The node's introspection data with these capabilities (freshly reflected)."""
        config = self.config
        return ModelNodeIntrospectionData(
            node_id=config.node_id,
            node_name=config.node_name,
            node_type=config.node_type,
            node_version=config.node_version,
            contract_fingerprint=config.contract_fingerprint or self._fingerprint(capabilities),
            capabilities=tuple(capabilities),
            endpoints=config.endpoints,
            metadata=config.metadata,
            method_signatures=signatures if config.include_signatures else {},
        )

    async def publish_introspection(
        self, reason: EnumNodeIntrospectionReason, cause: Envelope | None = None
    ) -> ModelNodeIntrospectionEvent:
        """Announce the node on the introspection topic."""
        data = await self._describe()
        now = self._now()
        event = data.to_event(reason, now)
        await self._publish(TOPIC_NODE_INTROSPECTION, event, now, cause=cause)
        return event

    async def publish_heartbeat(self) -> ModelNodeHeartbeat:
        """Send one heartbeat with the next sequence number and the node's current health."""
        health = await self._health()
        now = self._now()
        beat = ModelNodeHeartbeat(
            node_id=self.node_id, sequence=self.sequence, emitted_at=now, health=health
        )
        self.sequence += 1
        await self._publish(TOPIC_NODE_HEARTBEAT, beat, now)
        return beat

    async def publish_ack(self, cause: Envelope | None = None) -> ModelNodeRegistrationAck:
        """Acknowledge the node's registration (a command to the orchestrator)."""
        now = self._now()
        ack = ModelNodeRegistrationAck(node_id=self.node_id, emitted_at=now)
        category = EnumMessageCategory.COMMAND
        await self._publish(TOPIC_NODE_REGISTRATION_ACK, ack, now, category, cause)
        return ack

    async def publish_shutdown(self, reason: EnumNodeShutdownReason) -> ModelNodeShutdown:
        """Tell the registry that this node stops (it is deregistered at once)."""
        now = self._now()
        shutdown = ModelNodeShutdown(node_id=self.node_id, reason=reason, emitted_at=now)
        await self._publish(TOPIC_NODE_SHUTDOWN, shutdown, now)
        return shutdown

    @property
    def heartbeat_running(self) -> bool:
        return self._heartbeat is not None and not self._heartbeat.done()

    def start_heartbeat(self) -> None:
        """Beat every `heartbeat_interval` seconds until stopped (the first after one interval)."""
        if not self.heartbeat_running:
            self._heartbeat = asyncio.create_task(
                self._beat_forever(), name=f"heartbeat {self.config.node_name}"
            )

    async def stop_heartbeat(self) -> None:
        task, self._heartbeat = self._heartbeat, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def listening(self) -> bool:
        return bool(self._unsubscribes)

    async def start_listeners(self, *, registry_requests: bool) -> None:
        """Answer accepted decisions (with an ack) and, if asked, introspection requests."""
        if self.listening:
            return
        self._listening_since = self._now()
        group = f"{self.config.node_name}.{self.node_id}"
        self._unsubscribes.append(
            await self._listen(
                TOPIC_NODE_REGISTRATION_DECISION,
                self.on_decision,
                f"{group}.registration-decisions",
            )
        )
        if registry_requests:
            self._unsubscribes.append(
                await self._listen(
                    TOPIC_REGISTRY_REQUEST_INTROSPECTION,
                    self.on_request,
                    f"{group}.introspection-requests",
                )
            )

    async def _listen(
        self, topic: ModelTopic, handler: Callable[[Envelope], Awaitable[None]], group_id: str
    ) -> Unsubscribe:
        # Every node reads every node's decisions, almost all about others: on Kafka they
        # are fetched in bulk (one fetch and commit per interval, not per decision).
        # Imported here: the Kafka adapter imports the introspection mixin.
        from omnibase_infra.adapters.kafka import KafkaEventBus

        if isinstance(self._bus, KafkaEventBus):
            return await self._bus.subscribe(
                self.topic(topic), handler, group_id=group_id, max_delay_ms=LISTENER_DELAY_MS
            )
        return await self._bus.subscribe(self.topic(topic), handler, group_id=group_id)

    async def stop_listeners(self) -> None:
        unsubscribes, self._unsubscribes = self._unsubscribes, []
        for unsubscribe in unsubscribes:
            await unsubscribe()

    async def on_request(self, envelope: Envelope) -> None:
        """Re-announce for a broadcast request or one addressed to this node."""
        if envelope.message_type != REQUEST or self._stale(envelope):
            return
        request = ModelRegistryRequestIntrospection.model_validate(_plain(envelope.payload))
        if request.target_node_id in (None, self.node_id):
            await self.publish_introspection(EnumNodeIntrospectionReason.REQUESTED, envelope)

    async def on_decision(self, envelope: Envelope) -> None:
        """Ack this node's acceptance; re-announce when the registry let it go while alive."""
        if self._stale(envelope) or _about_another_node(envelope, self.node_id):
            return
        kind, payload = envelope.message_type, _plain(envelope.payload)
        if kind == ACCEPTED:
            if ModelNodeRegistrationAccepted.model_validate(payload).node_id == self.node_id:
                await self.publish_ack(envelope)
        elif kind in REANNOUNCE_ON:
            if REANNOUNCE_ON[kind].model_validate(payload).node_id == self.node_id:
                await self.publish_introspection(EnumNodeIntrospectionReason.REANNOUNCE, envelope)
        elif kind == REJECTED:
            rejected = ModelNodeRegistrationRejected.model_validate(payload)
            if rejected.node_id == self.node_id:
                logger.warning(
                    "registration of %s rejected (field %s): %s",
                    self.config.node_name,
                    rejected.field or "-",
                    sanitize(rejected.reason),
                )

    def _stale(self, envelope: Envelope) -> bool:
        since = self._listening_since
        return since is not None and envelope.emitted_at < since - _CLOCK_SKEW

    async def _health(self) -> EnumNodeHealth:
        if self._health_check is None:
            return EnumNodeHealth.HEALTHY
        try:
            return await self._health_check()
        except Exception as error:
            # A health check that fails says the node is unhealthy; it must not stop beating.
            logger.warning("health check of %s failed: %s", self.config.node_name, _brief(error))
            return EnumNodeHealth.UNHEALTHY

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.config.heartbeat_interval)
            try:
                await self.publish_heartbeat()
            except Exception as error:
                # The bus has its own breaker and retry; the loop outlives an outage.
                logger.warning("heartbeat of %s not sent: %s", self.config.node_name, _brief(error))

    async def _publish(
        self,
        topic: ModelTopic,
        payload: BaseModel,
        now: datetime,
        category: EnumMessageCategory = EnumMessageCategory.EVENT,
        cause: Envelope | None = None,
    ) -> None:
        producer = self.config.node_name
        envelope: ModelEventEnvelope[BaseModel]
        if cause is None:
            envelope = ModelEventEnvelope.create(
                payload, entity_id=self._key, producer=producer, emitted_at=now, category=category
            )
        else:
            envelope = cause.child(
                payload, producer=producer, emitted_at=now, category=category, entity_id=self._key
            )
        await self._bus.publish(self.topic(topic), envelope)

    def _fingerprint(self, capabilities: list[str]) -> str:
        """For a node without a contract: its version and a digest of what it exposes."""
        config = self.config
        exposed = [config.node_name, config.node_type.value, config.node_version, capabilities]
        digest = hashlib.sha256(json.dumps(exposed).encode()).hexdigest()
        return f"{config.node_version}:{digest[:12]}"


def _plain(payload: object) -> object:
    """A payload as JSON data, whether the bus delivered a model or decoded JSON."""
    return payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload


def _brief(error: BaseException) -> str:
    return f"{type(error).__name__}: {sanitize(str(error))}"


def _about_another_node(envelope: Envelope, node_id: UUID) -> bool:
    """Whether a decision is keyed by another node's id (most are: skip them unread)."""
    try:
        return UUID(envelope.entity_id) != node_id
    except ValueError:
        return False  # not keyed by a node id: its payload decides
