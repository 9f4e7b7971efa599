"""How the runtime builds what a contract's `dependencies` name, from the settings.

A provider takes the settings and the container and returns the service (or an awaitable
of it). Add one line per protocol an adapter implements; a service may also register
anything itself in a `wiring.py` beside its node (`def wire(container, settings)`).
"""

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from omnibase_core.container import ModelONEXContainer

from omnibase_infra.config import ModelOnexSettings

Provider = Callable[[ModelOnexSettings, ModelONEXContainer], object | Awaitable[object]]
Wiring = Callable[[ModelONEXContainer, ModelOnexSettings], Awaitable[None] | None]

DEFAULT_PROVIDERS: Mapping[type, Provider] = MappingProxyType({})
