"""The composition root of a node service: settings -> container -> bus -> FastStream app."""

import importlib
import inspect
import logging
import signal
import socket
from collections.abc import Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from types import ModuleType

import uvicorn
from faststream.asgi import AsgiFastStream
from omnibase_core.container import ModelONEXContainer
from omnibase_core.contracts import ModelContract, load_contract
from omnibase_spi import ProtocolEventBus
from prometheus_client import Gauge

from omnibase_infra.adapters import ProtocolHealthProbe
from omnibase_infra.adapters.kafka import KafkaEventBus
from omnibase_infra.config import ModelOnexSettings, load_settings
from omnibase_infra.credentials import resolve_credentials
from omnibase_infra.errors import ProtocolConfigurationError, RuntimeHostError
from omnibase_infra.mixins import with_introspection
from omnibase_infra.observability import METRICS_REGISTRY
from omnibase_infra.runtime.host._heap import tune_heap_for_batches
from omnibase_infra.runtime.host._http import Readiness, RoutedApp, http_routes
from omnibase_infra.runtime.host._introspection import HostIntrospection
from omnibase_infra.runtime.host._loader import NodeClass, load_node_class, resolve_node_dir
from omnibase_infra.runtime.host._logging import configure_json_logging
from omnibase_infra.runtime.host._pipeline import NodePipeline
from omnibase_infra.runtime.host._providers import (
    DEFAULT_PROVIDERS,
    Provider,
    Routes,
    Running,
    Wiring,
)
from omnibase_infra.runtime.host.protocol_unit_of_work import ProtocolUnitOfWork

logger = logging.getLogger("omnibase_infra.runtime.host")

NODE_INFO = Gauge(
    "onex_node_info",
    "The node this process runs (always 1): name, version and contract fingerprint.",
    ["node", "version", "fingerprint"],
    registry=METRICS_REGISTRY,
)


class NodeHost:
    """One node run as a service: a FastStream app (a Kafka subscriber per consumed topic,
    outputs published before offsets are committed) with `/health`, `/ready`, `/metrics`.

    Build it with `create_app()`; nothing connects until the app starts.
    """

    def __init__(
        self,
        node_dir: Path,
        settings: ModelOnexSettings,
        *,
        wiring: Wiring | None = None,
        routes: Routes | None = None,
        providers: Mapping[type, Provider] = DEFAULT_PROVIDERS,
    ) -> None:
        self.node_dir = node_dir
        self.settings = settings
        self.node_class: NodeClass = load_node_class(node_dir)
        self.contract: ModelContract = load_contract(node_dir / "contract.yaml")
        self.container = ModelONEXContainer()
        self.bus = KafkaEventBus.from_settings(
            settings,
            client_id=self.contract.name,
            graceful_timeout_seconds=settings.runtime.graceful_timeout_seconds,
            max_batch_records=settings.runtime.max_batch_records,
            handler_retry=self.contract.resilience.retry,
        )
        self.container.register_instance(KafkaEventBus, self.bus)
        self.container.register_instance(ProtocolEventBus, self.bus)
        self.pipeline: NodePipeline | None = None
        self.port: int | None = None
        self._wiring = wiring or _wiring_beside(self.node_class)
        self.introspection: HostIntrospection | None = None
        self._running: Running | None = _running_beside(self.node_class)
        self._background = AsyncExitStack()
        self._providers = providers
        self._readiness = Readiness(self.bus.joined)
        self._credentials_read = False
        self.app = AsgiFastStream(
            self.bus.broker,
            asgi_routes=http_routes(self.identity, self._readiness),
            logger=logger,
            on_startup=[self._start],
            after_startup=[self._started],
            on_shutdown=[self._stopping],
            after_shutdown=[self._closed],
        )
        extra = routes or _routes_beside(self.node_class)
        # What uvicorn serves: the app plus the routes of `routes` or wiring.py's `routes`.
        self.asgi = RoutedApp(self.app, extra(self.container, settings) if extra else ())

    @property
    def identity(self) -> dict[str, str]:
        """Name, archetype, version and contract fingerprint of the node."""
        return {
            "node": self.contract.name,
            "node_type": self.contract.node_type.value,
            "version": self.contract.node_version,
            "fingerprint": self.contract.fingerprint,
        }

    @property
    def topics(self) -> list[str]:
        """The consumed topics in this environment (one subscriber each)."""
        env = self.settings.env
        return sorted({binding.topic_for(env) for binding in self.contract.consumes})

    def group_id(self, topic: str) -> str:
        """The consumer group of `topic`: one per node and topic, so joins never interfere."""
        return f"{self.contract.name}.{topic}"

    async def serve(self) -> bool:
        """Serve HTTP and consume until SIGTERM/SIGINT; True if the node had started."""
        try:
            await self._read_credentials()
        except RuntimeHostError as error:
            logger.error("Cannot start %s: %s", self.contract.name, error, extra=self.identity)
            return False
        runtime = self.settings.runtime
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((runtime.http_host, runtime.http_port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.asgi,
            host=runtime.http_host,
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        logger.info(
            "Serving /health, /ready and /metrics on http://%s:%d",
            runtime.http_host,
            self.port,
            extra={"http_port": self.port, **self.identity},
        )
        await uvicorn.Server(config).serve(sockets=[sock])
        return self._readiness.started

    async def _read_credentials(self) -> None:
        """Take the credentials from Vault (or the settings) once, before anything connects."""
        if not self._credentials_read:
            self.settings = await resolve_credentials(self.container, self.settings)
            self._credentials_read = True

    async def _start(self) -> None:
        await self._read_credentials()
        await self.bus.ping()  # fail at once, with a clear error, if Kafka is not there
        await self._fill_container()
        node = with_introspection(self.node_class)(self.container)
        bus = await self.container.aresolve(ProtocolEventBus)
        self.introspection = HostIntrospection(
            node, self.contract, self.settings, bus, self._readiness
        )
        unit_of_work = None
        if self.container.has(ProtocolUnitOfWork):
            unit_of_work = await self.container.aresolve(ProtocolUnitOfWork)
        self.pipeline = NodePipeline(
            node, self.bus, env=self.settings.env, unit_of_work=unit_of_work
        )
        for topic in self.topics:
            await self.bus.subscribe_batch(
                topic,
                self.pipeline.handle_batch,
                group_id=self.group_id(topic),
                decode=self.pipeline.decode,
            )
        self._readiness.probes = [self.bus, *await self._probes(unit_of_work)]

    async def _fill_container(self) -> None:
        if self._wiring is not None:
            done = self._wiring(self.container, self.settings)
            if inspect.isawaitable(done):
                await done
        for dependency in self._dependencies():
            if not self.container.has(dependency):
                self._provide(dependency)
            await self.container.aresolve(dependency)

    def _provide(self, dependency: type) -> None:
        provider = self._providers.get(dependency)
        if provider is None:
            name = f"{dependency.__module__}.{dependency.__qualname__}"
            raise ProtocolConfigurationError(
                f"{self.contract.name} depends on {name}, which nothing provides: add a provider "
                "to omnibase_infra.runtime.host DEFAULT_PROVIDERS, or register it in a wiring.py "
                "beside node.py (`def wire(container, settings)`)",
                setting="dependencies",
            )
        settings = self.settings

        async def build(container: ModelONEXContainer) -> object:
            built = provider(settings, container)
            return await built if inspect.isawaitable(built) else built

        self.container.register_factory(dependency, build)

    def _dependencies(self) -> list[type]:
        found = []
        for ref in self.contract.dependencies:
            module, _, name = ref.rpartition(".")
            found.append(getattr(importlib.import_module(module), name))
        return found

    async def _probes(self, unit_of_work: object) -> list[ProtocolHealthProbe]:
        services = [await self.container.aresolve(dep) for dep in self._dependencies()]
        services.append(unit_of_work)
        probes: list[ProtocolHealthProbe] = []
        for service in services:
            if isinstance(service, ProtocolHealthProbe) and service not in probes:
                probes.append(service)
        return probes

    async def _started(self) -> None:
        self._readiness.started = True
        tune_heap_for_batches()
        NODE_INFO.labels(
            node=self.contract.name,
            version=self.contract.node_version,
            fingerprint=self.contract.fingerprint,
        ).set(1)
        logger.info(
            "Node %s started, consuming %s",
            self.contract.name,
            ", ".join(self.topics) or "nothing",
            extra=self.identity,
        )
        if self._running is not None:
            await self._background.enter_async_context(
                self._running(self.settings, self.bus.publish)
            )
        # Only a node serving HTTP has the health endpoint the registry requires.
        if self.port is not None and self.settings.runtime.introspection and self.introspection:
            await self.introspection.start(self.port)

    async def _stopping(self) -> None:
        if self.introspection is not None:
            await self.introspection.stop()
        await self._background.aclose()

    async def _closed(self) -> None:
        await self.container.aclose()
        logger.info("Node %s stopped", self.contract.name, extra=self.identity)


def create_app(
    target: str | Path,
    *,
    settings: ModelOnexSettings | None = None,
    wiring: Wiring | None = None,
    routes: Routes | None = None,
    providers: Mapping[type, Provider] = DEFAULT_PROVIDERS,
) -> NodeHost:
    """Build the service of a node folder (or `services/<name>`): the one composition root.

    `wiring(container, settings)` may register more services (a unit of work, adapters);
    without it a `wiring.py` beside node.py with `wire(container, settings)` is used.
    `routes(container, settings)` (or wiring.py's `routes`) adds HTTP routes to the node's;
    wiring.py's `running(settings, publish)` is entered once the node started (a timer).
    """
    node_dir = resolve_node_dir(target)
    return NodeHost(
        node_dir,
        settings or load_settings(),
        wiring=wiring,
        routes=routes,
        providers=providers,
    )


def run_node(target: str | Path, *, settings: ModelOnexSettings | None = None) -> int:
    """Run a node until SIGTERM/SIGINT, logging JSON lines; the process exit code."""
    import asyncio

    settings = settings or load_settings()
    configure_json_logging(settings.runtime.log_level)
    try:
        host = create_app(target, settings=settings)
    except (RuntimeHostError, ValueError) as error:
        logger.error("Cannot start %s: %s", target, error)
        return 2
    # uvicorn re-raises the stop signal after a graceful shutdown; with this handler in
    # place that is a no-op, so a SIGTERM ends the process with exit code 0.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda *_: None)
    started = asyncio.run(host.serve())
    return 0 if started else 1


def _wiring_beside(node_class: NodeClass) -> Wiring | None:
    wire: Wiring | None = getattr(_wiring_module(node_class), "wire", None)
    return wire


def _routes_beside(node_class: NodeClass) -> Routes | None:
    routes: Routes | None = getattr(_wiring_module(node_class), "routes", None)
    return routes


def _running_beside(node_class: NodeClass) -> Running | None:
    running: Running | None = getattr(_wiring_module(node_class), "running", None)
    return running


def _wiring_module(node_class: NodeClass) -> ModuleType | None:
    package = node_class.__module__.rpartition(".")[0]
    try:
        module = importlib.import_module(f"{package}.wiring")
    except ModuleNotFoundError as error:
        if error.name != f"{package}.wiring":
            raise
        return None
    return module
