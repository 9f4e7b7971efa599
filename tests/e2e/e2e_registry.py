"""A whole registry for end-to-end tests: its own database, topics and Consul proxy, the four
services as processes, plain readers, and example nodes announcing themselves through it."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast
from uuid import UUID, uuid4

import asyncpg
import httpx
from e2e_observe import ConsulProxy, ConsulReader, Projection
from e2e_services import RegistrationServices, Timings, service_environment
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.messaging import ModelTopic
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.models.generated import (
    EnumNodeHealth,
    EnumNodeIntrospectionReason,
    EnumNodeType,
    ModelNodeHeartbeat,
    ModelNodeIntrospectionEvent,
)
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.adapters.postgres.testing import scratch_database
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.mixins import MixinNodeIntrospection
from omnibase_spi import ProtocolEventBus
from pydantic import BaseModel

# Consumer timings that keep group joins and fetches short (NOTES.md).
FAST_KAFKA = {"session_timeout_ms": 6000, "heartbeat_interval_ms": 500, "fetch_max_wait_ms": 10}
# A port nothing listens on: Consul's HTTP check of a test node fails fast, harmlessly.
DEAD_HEALTH = "http://127.0.0.1:9/health"


class ExampleNode(MixinNodeIntrospection):
    """A node that only announces itself (its one capability is `execute_operation`)."""

    node_id: UUID

    def execute_operation(self, data: str) -> str:
        return data


@dataclass
class Registry:
    """The running registry and the ways to watch it from outside."""

    settings: ModelOnexSettings
    services: RegistrationServices
    proxy: ConsulProxy
    consul: ConsulReader
    projection: Projection
    bus: KafkaEventBus
    timings: Timings
    # A node whose heartbeats keep the registry's clock (watermark) moving.
    keeper: ExampleNode = field(init=False)

    @property
    def env(self) -> str:
        return self.settings.env

    def topic(self, topic: ModelTopic) -> str:
        return str(topic.with_env(self.env))

    def node(
        self,
        name: str = "example-node",
        *,
        node_id: UUID | None = None,
        heartbeat_interval: float = 0.3,
        metadata: dict[str, str] | None = None,
    ) -> ExampleNode:
        """An example node on this registry's bus (call `start_introspection()` to announce)."""
        node = ExampleNode()
        node.node_id = node_id or uuid4()
        node.initialize_introspection(
            node_id=node.node_id,
            node_name=name,
            node_type=EnumNodeType.COMPUTE,
            node_version="1.0.0",
            # KafkaEventBus.publish takes envelopes of object payloads, which the protocol's
            # generic signature does not accept as a match although every call works.
            event_bus=cast(ProtocolEventBus, self.bus),
            env=self.env,
            heartbeat_interval=heartbeat_interval,
            endpoints={"health": DEAD_HEALTH},
            metadata=metadata or {},
        )
        return node

    async def publish(
        self,
        topic: ModelTopic,
        payload: BaseModel,
        *,
        category: EnumMessageCategory = EnumMessageCategory.EVENT,
    ) -> ModelEventEnvelope[object]:
        """Send one message as a node would (keyed by its node id), without the mixin."""
        sent = ModelEventEnvelope[object](
            message_type=type(payload).__name__,
            category=category,
            entity_id=str(getattr(payload, "node_id", "none")),
            emitted_at=datetime.now(UTC),
            producer="e2e-tests",
            payload=payload,
        )
        await self.bus.publish(self.topic(topic), sent)
        return sent


def announcement(
    node_id: UUID,
    name: str = "plain-node",
    reason: EnumNodeIntrospectionReason = EnumNodeIntrospectionReason.STARTUP,
) -> ModelNodeIntrospectionEvent:
    """A valid introspection of a node that is not running (nothing acks or beats for it)."""
    return ModelNodeIntrospectionEvent(
        node_id=node_id,
        node_name=name,
        node_type=EnumNodeType.EFFECT,
        node_version="1.2.0",
        contract_fingerprint="1.2.0:0123456789ab",
        capabilities=["execute_operation"],
        endpoints={"health": DEAD_HEALTH},
        metadata={"team": "e2e"},
        reason=reason,
        emitted_at=datetime.now(UTC),
    )


def heartbeat(node_id: UUID, sequence: int) -> ModelNodeHeartbeat:
    return ModelNodeHeartbeat(
        node_id=node_id,
        sequence=sequence,
        emitted_at=datetime.now(UTC),
        health=EnumNodeHealth.HEALTHY,
    )


async def connect(settings: ModelOnexSettings, database: str) -> asyncpg.Connection:
    """A plain asyncpg connection to `database` on the settings' server."""
    postgres = settings.postgres
    return await asyncpg.connect(
        host=postgres.host,
        port=postgres.port,
        user=postgres.user,
        password=postgres.password.get_secret_value(),
        database=database,
    )


def pool(settings: ModelOnexSettings, database: str) -> asyncpg.Pool:
    """A small plain asyncpg pool on `database` (await it to open)."""
    postgres = settings.postgres
    return asyncpg.create_pool(
        host=postgres.host,
        port=postgres.port,
        user=postgres.user,
        password=postgres.password.get_secret_value(),
        database=database,
        min_size=1,
        max_size=4,
    )


@asynccontextmanager
async def running_registry(
    settings: ModelOnexSettings,
    *,
    timings: Timings | None = None,
    count_consul_writes: bool = True,
) -> AsyncIterator[Registry]:
    """Start the four services on fresh topics and a fresh database.

    `settings.consul` says which Consul agent to use (the shared one, or a private one). The
    services reach it through a proxy counting their writes, unless `count_consul_writes` is
    False (then they talk to the agent itself, and the proxy counts nothing).
    """
    timings = timings or Timings()
    async with AsyncExitStack() as stack:
        name = await stack.enter_async_context(scratch_database(settings, "onex_e2e"))
        proxy = ConsulProxy(settings.consul.url)
        await proxy.start()
        stack.push_async_callback(proxy.close)
        consul = ConsulReader(settings.consul.url)
        stack.push_async_callback(consul.aclose)
        stack.push_async_callback(_forget, consul, proxy)
        env = f"e{uuid4().hex[:10]}"
        environment = service_environment(
            settings,
            env=env,
            database=name,
            consul_port=proxy.port if count_consul_writes else settings.consul.port,
            timings=timings,
        )
        services = RegistrationServices(environment)
        stack.push_async_callback(services.stop)
        await services.start()
        ours = settings.model_copy(
            update={
                "env": env,
                "kafka": settings.kafka.model_copy(update=FAST_KAFKA),
                "postgres": settings.postgres.model_copy(update={"database": name}),
            }
        )
        rows = await pool(ours, name)
        stack.push_async_callback(rows.close)
        bus = await stack.enter_async_context(KafkaEventBus.from_settings(ours))
        registry = Registry(ours, services, proxy, consul, Projection(rows), bus, timings)
        # The registry judges liveness by the newest heartbeat it applied, so that a lagging
        # pipeline never expires healthy nodes: some node must beat for any node to expire.
        registry.keeper = registry.node("watermark-keeper", heartbeat_interval=0.2)
        await registry.keeper.start_introspection()
        stack.push_async_callback(registry.keeper.stop_introspection)
        yield registry


async def _forget(consul: ConsulReader, proxy: ConsulProxy) -> None:
    """Take what this registry put in Consul out again (the agent outlives the test run)."""
    for service_id in list(proxy.writes):
        with suppress(httpx.HTTPError):
            await consul.deregister(service_id)
