"""How the runtime builds what a contract's `dependencies` name, from the settings.

A provider takes the settings and the container and returns the service (or an awaitable
of it). Add one line per protocol an adapter implements; a service may also register
anything itself in a `wiring.py` beside its node (`def wire(container, settings)`).
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from types import MappingProxyType

from omnibase_core.container import ModelONEXContainer
from omnibase_core.models.events import ModelEventEnvelope

from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.runtime.host._http import AsgiApp

Provider = Callable[[ModelOnexSettings, ModelONEXContainer], object | Awaitable[object]]
Wiring = Callable[[ModelONEXContainer, ModelOnexSettings], Awaitable[None] | None]
# Extra HTTP routes of a node, `(path, asgi_app)`, served beside /health, /ready, /metrics;
# built before the container is filled, so route handlers resolve what they need per request.
Routes = Callable[[ModelONEXContainer, ModelOnexSettings], Sequence[tuple[str, AsgiApp]]]
# Work a node does beside its subscribers (a timer, a poller), as wiring.py's
# `running(settings, publish)`: entered once the node started, left when it stops.
Publish = Callable[[str, ModelEventEnvelope[object]], Awaitable[None]]
Running = Callable[[ModelOnexSettings, Publish], AbstractAsyncContextManager[object]]

DEFAULT_PROVIDERS: Mapping[type, Provider] = MappingProxyType({})
