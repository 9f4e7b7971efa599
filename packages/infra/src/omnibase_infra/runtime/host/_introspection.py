"""Every node the host serves registers itself: announce, ack, heartbeat, say goodbye."""

import socket
from uuid import NAMESPACE_URL, UUID, uuid5

from omnibase_core.contracts import ModelContract
from omnibase_core.models.generated import EnumNodeHealth, EnumNodeShutdownReason
from omnibase_spi import ProtocolEventBus

from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.mixins import MixinNodeIntrospection
from omnibase_infra.runtime.host._http import Readiness

_ANY_ADDRESS = ("", "0.0.0.0", "::")


def host_node_id(env: str, name: str, address: str, port: int) -> UUID:
    """The node id of a hosted node: the same for the same service at the same address.

    A restarted service is the same node to the registry (it is accepted again and its row
    goes back to active) instead of a new row left to expire beside the old one.
    """
    return uuid5(NAMESPACE_URL, f"onex://{env}/{name}@{address}:{port}")


def advertised_address(settings: ModelOnexSettings) -> str:
    """The address other hosts reach this node's HTTP endpoints at."""
    host = settings.runtime.http_host
    return socket.gethostname() if host in _ANY_ADDRESS else host


class HostIntrospection:
    """Introspection of the node a host serves, through the node's MixinNodeIntrospection."""

    def __init__(
        self,
        node: object,
        contract: ModelContract,
        settings: ModelOnexSettings,
        bus: ProtocolEventBus,
        readiness: Readiness,
    ) -> None:
        if not isinstance(node, MixinNodeIntrospection):
            raise TypeError(
                f"{type(node).__name__} lacks MixinNodeIntrospection (with_introspection)"
            )
        self._node = node
        self._contract = contract
        self._settings = settings
        self._bus = bus
        self._readiness = readiness
        self.node_id: UUID | None = None

    async def start(self, port: int) -> None:
        """Announce the node with its HTTP endpoints, ack its acceptance, start heartbeats."""
        address = advertised_address(self._settings)
        base = f"http://{address}:{port}"
        name, env = self._contract.name, self._settings.env
        self.node_id = host_node_id(env, name, address, port)
        self._node.initialize_introspection(
            node_id=self.node_id,
            node_name=name,
            node_type=self._contract.node_type,
            node_version=self._contract.node_version,
            event_bus=self._bus,
            env=env,
            contract_fingerprint=self._contract.fingerprint,
            heartbeat_interval=self._settings.runtime.heartbeat_interval_seconds,
            endpoints={path: f"{base}/{path}" for path in ("health", "ready", "metrics")},
            health_check=self._health,
        )
        await self._node.start_introspection()

    async def stop(self) -> None:
        """Stop heartbeats and tell the registry the node is going (deregistered at once)."""
        if self.node_id is not None:
            self.node_id = None
            await self._node.stop_introspection(EnumNodeShutdownReason.GRACEFUL)

    async def _health(self) -> EnumNodeHealth:
        ready, _ = await self._readiness.check()
        return EnumNodeHealth.HEALTHY if ready else EnumNodeHealth.DEGRADED
