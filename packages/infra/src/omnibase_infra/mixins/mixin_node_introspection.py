import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import ClassVar, TypeVar
from uuid import UUID

from omnibase_core.enums import EnumNodeKind
from omnibase_core.models.generated import (
    EnumNodeIntrospectionReason,
    EnumNodeShutdownReason,
    EnumNodeType,
    ModelNodeHeartbeat,
    ModelNodeIntrospectionEvent,
    ModelNodeShutdown,
)
from omnibase_spi import ProtocolEventBus
from pydantic import ValidationError

from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.introspection import (
    HealthCheck,
    ModelNodeIntrospectionConfig,
    ModelNodeIntrospectionData,
    NodeIntrospector,
    public_methods,
    select_capabilities,
)

NodeT = TypeVar("NodeT")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MixinNodeIntrospection:
    """Let a node describe itself and keep itself registered (RULES.md "Node Introspection").

    `get_capabilities()` works on any instance; everything else needs
    `initialize_introspection(...)` first. Designed for one asyncio event loop: coroutine-safe,
    not thread-safe. The work is done by one composed `NodeIntrospector`.
    """

    # Public method name -> signature, per class: shared by all instances of a class.
    _class_method_cache: ClassVar[dict[type, dict[str, str]]] = {}

    _introspection: NodeIntrospector | None = None
    _introspection_cache: ModelNodeIntrospectionData | None = None
    _introspection_cached_at: float = 0.0
    _introspection_cache_ttl: float = 300.0

    def initialize_introspection(
        self,
        *,
        node_id: UUID,
        node_name: str,
        node_type: EnumNodeType | EnumNodeKind | str,
        node_version: str,
        event_bus: ProtocolEventBus,
        env: str,
        contract_fingerprint: str | None = None,
        heartbeat_interval: float = 30.0,
        exclude_prefixes: Iterable[str] = (),
        enable_registry_listener: bool = True,
        cache_ttl: float = 300.0,
        endpoints: Mapping[str, str] | None = None,
        metadata: Mapping[str, str] | None = None,
        include_signatures: bool = False,
        health_check: HealthCheck | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        """Set who the node is and how it reports; raises ProtocolConfigurationError if invalid.

        `env` is the settings' environment (topic prefix). `health_check` is awaited for every
        heartbeat. `clock` (monotonic seconds) drives the cache TTL and `now` (UTC) stamps
        messages; tests inject both.
        """
        config = _config(
            node_id=node_id,
            node_name=node_name,
            node_type=node_type,
            node_version=node_version,
            env=env,
            contract_fingerprint=contract_fingerprint,
            heartbeat_interval=heartbeat_interval,
            exclude_prefixes=tuple(exclude_prefixes),
            enable_registry_listener=enable_registry_listener,
            cache_ttl=cache_ttl,
            endpoints=dict(endpoints or {}),
            metadata=dict(metadata or {}),
            include_signatures=include_signatures,
        )
        self._introspection = NodeIntrospector(
            config,
            event_bus=event_bus,
            describe=self.get_introspection_data,
            health_check=health_check,
            clock=clock,
            now=now,
        )
        self._introspection_cache = None
        self._introspection_cached_at = 0.0
        self._introspection_cache_ttl = config.cache_ttl

    def get_capabilities(self) -> list[str]:
        """The operation names this node exposes, sorted (see RULES.md for the filters)."""
        introspection = self._introspection
        return select_capabilities(
            self._public_method_signatures(),
            node_type=introspection.config.node_type if introspection else None,
            exclude_prefixes=introspection.config.exclude_prefixes if introspection else (),
        )

    async def get_introspection_data(self) -> ModelNodeIntrospectionData:
        """The node's introspection data, from the cache while its TTL has not run out."""
        introspection = self._require_introspection()
        now = introspection.clock()
        cached = self._introspection_cache
        if (
            cached is not None
            and now - self._introspection_cached_at < self._introspection_cache_ttl
        ):
            return cached
        capabilities = self.get_capabilities()
        signatures = self._public_method_signatures()
        data = introspection.describe_node(
            capabilities, {name: signatures[name] for name in capabilities if name in signatures}
        )
        self._introspection_cache = data
        self._introspection_cached_at = now
        return data

    def invalidate_introspection_cache(self) -> None:
        """Forget the cached data: the next `get_introspection_data()` reflects again."""
        self._introspection_cache = None
        self._introspection_cached_at = 0.0

    @classmethod
    def _invalidate_class_method_cache(cls) -> None:
        """Forget this class's reflected methods (all classes' when called on the mixin)."""
        if cls is MixinNodeIntrospection:
            MixinNodeIntrospection._class_method_cache.clear()
        else:
            MixinNodeIntrospection._class_method_cache.pop(cls, None)

    async def publish_introspection(
        self, reason: EnumNodeIntrospectionReason = EnumNodeIntrospectionReason.STARTUP
    ) -> ModelNodeIntrospectionEvent:
        """Announce this node on the introspection topic; returns the event sent."""
        return await self._require_introspection().publish_introspection(reason)

    async def publish_heartbeat(self) -> ModelNodeHeartbeat:
        """Send one heartbeat now (the heartbeat loop calls this every interval)."""
        return await self._require_introspection().publish_heartbeat()

    async def start_heartbeat(self) -> None:
        """Start the background heartbeat loop (no-op if it runs)."""
        self._require_introspection().start_heartbeat()

    async def stop_heartbeat(self) -> None:
        """Stop the heartbeat loop and wait for it to end."""
        await self._require_introspection().stop_heartbeat()

    async def start_introspection(self) -> ModelNodeIntrospectionEvent:
        """Listen to the registry, announce the node (reason startup) and start heartbeats.

        Listeners are subscribed first so the acceptance that answers the announcement is
        never missed; the node then acks it by itself.
        """
        introspection = self._require_introspection()
        await introspection.start_listeners(
            registry_requests=introspection.config.enable_registry_listener
        )
        event = await introspection.publish_introspection(EnumNodeIntrospectionReason.STARTUP)
        introspection.start_heartbeat()
        return event

    async def stop_introspection(
        self, reason: EnumNodeShutdownReason = EnumNodeShutdownReason.GRACEFUL
    ) -> ModelNodeShutdown:
        """Stop heartbeats and listeners, then publish the node's shutdown."""
        introspection = self._require_introspection()
        await introspection.stop_heartbeat()
        await introspection.stop_listeners()
        return await introspection.publish_shutdown(reason)

    @classmethod
    def _public_method_signatures(cls) -> dict[str, str]:
        # Check-then-set without a lock: racing threads compute identical results.
        methods = MixinNodeIntrospection._class_method_cache.get(cls)
        if methods is None:
            methods = public_methods(cls, skip=_MIXIN_API)
            MixinNodeIntrospection._class_method_cache[cls] = methods
        return methods

    def _require_introspection(self) -> NodeIntrospector:
        if self._introspection is None:
            raise ProtocolConfigurationError(
                f"{type(self).__name__}: call initialize_introspection(...) before using "
                "introspection (only get_capabilities() works without it)"
            )
        return self._introspection


# The mixin's own methods are never capabilities of the node that uses it.
_MIXIN_API = frozenset(name for name in vars(MixinNodeIntrospection) if not name.startswith("_"))
_WITH_INTROSPECTION: dict[type, type] = {}


def with_introspection(node_class: type[NodeT]) -> type[NodeT]:
    """`node_class` with MixinNodeIntrospection added (itself if it already has it).

    For a runtime that hosts declarative nodes (`class X(NodeReducer): pass`): the subclass
    keeps the node's name and module, so the node still finds the contract.yaml beside it.
    The same class is returned on every call, so the class-level method cache is shared.
    """
    if issubclass(node_class, MixinNodeIntrospection):
        return node_class
    made = _WITH_INTROSPECTION.get(node_class)
    if made is None:
        namespace = {
            "__module__": node_class.__module__,
            "__qualname__": node_class.__qualname__,
            "__doc__": node_class.__doc__,
        }
        made = type(node_class.__name__, (node_class, MixinNodeIntrospection), namespace)
        _WITH_INTROSPECTION[node_class] = made
    return made


def _config(**fields: object) -> ModelNodeIntrospectionConfig:
    try:
        return ModelNodeIntrospectionConfig.model_validate(fields)
    except ValidationError as error:
        # Field and reason only: metadata values may be secrets and are never echoed.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
            for issue in error.errors(include_input=False, include_url=False)
        )
        raise ProtocolConfigurationError(
            f"initialize_introspection: {problems}",
            node_name=str(fields.get("node_name", "?"))[:64],
        ) from None
