"""The registrations a container and all its scoped views share."""

import asyncio
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from omnibase_core.enums import EnumServiceLifetime

_UNSET = object()


@dataclass(eq=False)
class Registration:
    """One service: how to build it, how long it lives, and the singleton once built."""

    factory: Callable[..., object]
    lifetime: EnumServiceLifetime
    is_async: bool
    instance: object = _UNSET
    owned: bool = True  # built by us, so closed by us
    sync_lock: threading.Lock = field(default_factory=threading.Lock)
    async_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def built(self) -> bool:
        return self.instance is not _UNSET


@dataclass(eq=False)
class Registry:
    """Registrations by service type, plus the singletons built so far (for closing)."""

    services: dict[type, Registration] = field(default_factory=dict)
    built_order: list[object] = field(default_factory=list)


def registration_for_instance(instance: object) -> Registration:
    """A registration that always returns `instance` and never closes it."""
    return Registration(
        factory=lambda _container: instance,
        lifetime=EnumServiceLifetime.SINGLETON,
        is_async=False,
        instance=instance,
        owned=False,
    )


def registration_for_factory(
    factory: Callable[..., object], lifetime: EnumServiceLifetime
) -> Registration:
    """A registration that runs `factory(container)` once (singleton) or on every resolve."""
    return Registration(
        factory=factory, lifetime=lifetime, is_async=inspect.iscoroutinefunction(factory)
    )


async def close_instance(instance: object) -> None:
    """Call `aclose()` or `close()` on a service if it has one."""
    for name in ("aclose", "close"):
        method = getattr(instance, name, None)
        if callable(method):
            result = method()
            if inspect.isawaitable(result):
                await result
            return
