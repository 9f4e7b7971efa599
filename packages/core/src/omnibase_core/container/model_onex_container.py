import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar, cast, overload

from omnibase_core.container._registry import (
    Registration,
    Registry,
    close_instance,
    registration_for_factory,
    registration_for_instance,
)
from omnibase_core.enums import EnumServiceLifetime
from omnibase_core.errors.container_resolution_error import ContainerResolutionError

T = TypeVar("T")


class ModelONEXContainer:
    """Typed dependency injection: register services by type or protocol, resolve them later.

    Fill it in the composition root, then hand it to nodes. Factories take the container
    (to resolve what they need) and may be sync or async; a singleton factory runs once,
    even when many coroutines resolve it at the same time.
    """

    def __init__(self) -> None:
        self._registry = Registry()
        self._requested_by: str | None = None
        self._allowed: frozenset[type] | None = None
        self._denial: str | None = None

    def register_instance(self, service_type: type[T], instance: T) -> None:
        """Provide `instance` whenever `service_type` is resolved."""
        self._registry.services[service_type] = registration_for_instance(instance)

    @overload
    def register_factory(
        self,
        service_type: type[T],
        factory: Callable[["ModelONEXContainer"], Awaitable[T]],
        *,
        lifetime: EnumServiceLifetime = EnumServiceLifetime.SINGLETON,
    ) -> None: ...

    @overload
    def register_factory(
        self,
        service_type: type[T],
        factory: Callable[["ModelONEXContainer"], T],
        *,
        lifetime: EnumServiceLifetime = EnumServiceLifetime.SINGLETON,
    ) -> None: ...

    def register_factory(
        self,
        service_type: type[T],
        factory: Callable[["ModelONEXContainer"], object],
        *,
        lifetime: EnumServiceLifetime = EnumServiceLifetime.SINGLETON,
    ) -> None:
        """Build `service_type` with `factory(container)`: once (SINGLETON) or per resolve."""
        self._registry.services[service_type] = registration_for_factory(factory, lifetime)

    def has(self, service_type: type) -> bool:
        """True when `service_type` is registered."""
        return service_type in self._registry.services

    def resolve(self, service_type: type[T], *, requested_by: str | None = None) -> T:
        """The service registered for `service_type` (sync factories only; else `aresolve`)."""
        registration = self._registration(service_type, requested_by)
        if registration.built:
            return cast(T, registration.instance)
        if registration.is_async:
            raise self._error(service_type, requested_by, "its factory is async: use aresolve()")
        if registration.lifetime is EnumServiceLifetime.FACTORY:
            return cast(T, self._run_sync(registration, service_type, requested_by))
        with registration.sync_lock:
            if not registration.built:
                instance = self._run_sync(registration, service_type, requested_by)
                self._keep(registration, instance)
        return cast(T, registration.instance)

    async def aresolve(self, service_type: type[T], *, requested_by: str | None = None) -> T:
        """The service registered for `service_type`; async factories are awaited."""
        registration = self._registration(service_type, requested_by)
        if registration.built or not registration.is_async:
            return self.resolve(service_type, requested_by=requested_by)
        if registration.lifetime is EnumServiceLifetime.FACTORY:
            return cast(T, await self._run_async(registration))
        async with registration.async_lock:
            if not registration.built:
                self._keep(registration, await self._run_async(registration))
        return cast(T, registration.instance)

    def scoped(
        self,
        *,
        requested_by: str,
        allowed: Iterable[type] | None = None,
        denial: str | None = None,
    ) -> "ModelONEXContainer":
        """A view of this container that names `requested_by` in errors.

        With `allowed`, only those types resolve; any other raises, saying `denial` or that
        the type is not declared in the requester's contract dependencies.
        """
        view = ModelONEXContainer.__new__(ModelONEXContainer)
        view._registry = self._registry
        view._requested_by = requested_by
        view._allowed = frozenset(allowed) if allowed is not None else None
        view._denial = denial
        return view

    async def aclose(self) -> None:
        """Close the singletons the container built, newest first (`aclose()` or `close()`)."""
        built, self._registry.built_order[:] = list(self._registry.built_order), []
        for instance in reversed(built):
            await close_instance(instance)

    def _registration(self, service_type: type, requested_by: str | None) -> Registration:
        if self._allowed is not None and service_type not in self._allowed:
            who = requested_by or self._requested_by
            reason = self._denial or (
                f"it is not declared in {who}'s contract dependencies; "
                f"add '- {service_type.__module__}.{service_type.__qualname__}' there"
            )
            raise self._error(service_type, requested_by, reason)
        registration = self._registry.services.get(service_type)
        if registration is None:
            raise self._error(
                service_type,
                requested_by,
                f"nothing is registered for it; register it in the composition root with "
                f"container.register_factory({service_type.__qualname__}, ...)",
            )
        return registration

    def _run_sync(
        self, registration: Registration, service_type: type, requested_by: str | None
    ) -> object:
        instance = registration.factory(self)
        if inspect.isawaitable(instance):
            close = getattr(instance, "close", None)
            if callable(close):
                close()  # a coroutine that will never run: avoid the "never awaited" warning
            raise self._error(service_type, requested_by, "its factory is async: use aresolve()")
        return instance

    async def _run_async(self, registration: Registration) -> object:
        return await cast(Awaitable[object], registration.factory(self))

    def _keep(self, registration: Registration, instance: object) -> None:
        registration.instance = instance
        self._registry.built_order.append(instance)

    def _error(
        self, service_type: type, requested_by: str | None, reason: str
    ) -> ContainerResolutionError:
        who = requested_by or self._requested_by or "unknown requester"
        name = service_type.__qualname__
        return ContainerResolutionError(
            f"cannot resolve {name} (requested by {who}): {reason}",
            context={"protocol": f"{service_type.__module__}.{name}", "requested_by": who},
        )
