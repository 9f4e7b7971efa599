"""ModelONEXContainer: typed registration and resolution, lifetimes, async safety, errors."""

import asyncio
import threading
from typing import Protocol

import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumServiceLifetime
from omnibase_core.errors import ContainerResolutionError


class ProtocolClock(Protocol):
    def tick(self) -> int: ...


class Counter:
    def __init__(self) -> None:
        self.ticks = 0
        self.closed = False

    def tick(self) -> int:
        self.ticks += 1
        return self.ticks

    async def aclose(self) -> None:
        self.closed = True


def test_resolves_an_instance_registered_for_a_protocol() -> None:
    container = ModelONEXContainer()
    counter = Counter()
    container.register_instance(ProtocolClock, counter)
    assert container.resolve(ProtocolClock) is counter
    assert container.has(ProtocolClock)


def test_singleton_factory_runs_once_and_receives_the_container() -> None:
    container = ModelONEXContainer()
    seen: list[ModelONEXContainer] = []

    def build(c: ModelONEXContainer) -> Counter:
        seen.append(c)
        return Counter()

    container.register_factory(ProtocolClock, build)
    assert container.resolve(ProtocolClock) is container.resolve(ProtocolClock)
    assert seen == [container]


def test_factory_lifetime_builds_a_new_instance_per_resolve() -> None:
    container = ModelONEXContainer()
    container.register_factory(
        ProtocolClock, lambda _: Counter(), lifetime=EnumServiceLifetime.FACTORY
    )
    assert container.resolve(ProtocolClock) is not container.resolve(ProtocolClock)


def test_sync_singleton_is_built_once_across_threads() -> None:
    container = ModelONEXContainer()
    calls: list[int] = []

    def build(_: ModelONEXContainer) -> Counter:
        calls.append(1)
        threading.Event().wait(0.01)  # widen the race window
        return Counter()

    container.register_factory(ProtocolClock, build)
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(container.resolve(ProtocolClock)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(result) for result in results}) == 1


async def test_async_singleton_factory_runs_once_under_concurrent_resolution() -> None:
    container = ModelONEXContainer()
    calls: list[int] = []

    async def build(_: ModelONEXContainer) -> Counter:
        calls.append(1)
        await asyncio.sleep(0.01)  # every resolver arrives while the first is building
        return Counter()

    container.register_factory(ProtocolClock, build)
    results = await asyncio.gather(*(container.aresolve(ProtocolClock) for _ in range(20)))
    assert calls == [1]
    assert all(result is results[0] for result in results)
    assert container.resolve(ProtocolClock) is results[0]  # built: sync resolve works too


async def test_async_factory_lifetime_builds_per_resolve() -> None:
    container = ModelONEXContainer()

    async def build(_: ModelONEXContainer) -> Counter:
        return Counter()

    container.register_factory(ProtocolClock, build, lifetime=EnumServiceLifetime.FACTORY)
    assert await container.aresolve(ProtocolClock) is not await container.aresolve(ProtocolClock)


async def test_aresolve_also_serves_sync_registrations() -> None:
    container = ModelONEXContainer()
    counter = Counter()
    container.register_instance(ProtocolClock, counter)
    assert await container.aresolve(ProtocolClock) is counter


def test_sync_resolve_of_an_async_factory_says_to_use_aresolve() -> None:
    container = ModelONEXContainer()

    async def build(_: ModelONEXContainer) -> Counter:
        return Counter()

    container.register_factory(ProtocolClock, build)
    with pytest.raises(ContainerResolutionError) as caught:
        container.resolve(ProtocolClock, requested_by="NodeFoo")
    assert caught.value.message == (
        "cannot resolve ProtocolClock (requested by NodeFoo): its factory is async: use aresolve()"
    )


def test_missing_dependency_names_the_protocol_and_the_requester() -> None:
    container = ModelONEXContainer()
    with pytest.raises(ContainerResolutionError) as caught:
        container.resolve(ProtocolClock, requested_by="NodeFoo")
    error = caught.value
    assert error.message == (
        "cannot resolve ProtocolClock (requested by NodeFoo): nothing is registered for it; "
        "register it in the composition root with container.register_factory(ProtocolClock, ...)"
    )
    assert error.code == "ONEX_DEPENDENCY_MISSING"
    assert error.context == {
        "protocol": f"{__name__}.ProtocolClock",
        "requested_by": "NodeFoo",
    }


def test_scoped_view_names_its_requester_and_shares_registrations() -> None:
    container = ModelONEXContainer()
    view = container.scoped(requested_by="NodeBar")
    container.register_instance(ProtocolClock, Counter())
    assert view.resolve(ProtocolClock) is container.resolve(ProtocolClock)
    with pytest.raises(ContainerResolutionError, match=r"requested by NodeBar"):
        view.resolve(Counter)


def test_scoped_view_refuses_types_outside_its_allowed_set() -> None:
    container = ModelONEXContainer()
    container.register_instance(ProtocolClock, Counter())
    view = container.scoped(requested_by="NodeBar", allowed=())
    with pytest.raises(ContainerResolutionError) as caught:
        view.resolve(ProtocolClock)
    assert caught.value.message == (
        "cannot resolve ProtocolClock (requested by NodeBar): it is not declared in NodeBar's "
        f"contract dependencies; add '- {__name__}.ProtocolClock' there"
    )


async def test_aclose_closes_the_singletons_it_built_but_not_given_instances() -> None:
    container = ModelONEXContainer()
    given = Counter()
    container.register_instance(Counter, given)
    container.register_factory(ProtocolClock, lambda _: Counter())
    built = container.resolve(ProtocolClock)
    await container.aclose()
    assert isinstance(built, Counter) and built.closed
    assert not given.closed
