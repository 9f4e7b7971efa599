"""The Consul adapter against the real local Consul agent."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from omnibase_infra.adapters.consul import (
    ConsulAdapter,
    EnumConsulCheckStatus,
    ModelConsulCheck,
    ModelConsulServiceInstance,
    ModelConsulServiceRegistration,
)
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.errors import RuntimeHostError
from omnibase_spi import ProtocolServiceDiscovery

pytestmark = pytest.mark.usefixtures("local_stack")

META_KEYS = {"node_type", "env"}


@pytest.fixture
async def consul(local_stack: ModelOnexSettings) -> AsyncIterator[ConsulAdapter]:
    async with ConsulAdapter.from_settings(local_stack, meta_keys=META_KEYS) as adapter:
        await adapter.ping()
        yield adapter


@pytest.fixture
def service() -> Callable[..., ModelConsulServiceRegistration]:
    """Build registrations with unique names; every one is deregistered after the test."""
    name = f"onex-test-{uuid.uuid4().hex[:8]}"

    def build(**fields: object) -> ModelConsulServiceRegistration:
        values: dict[str, object] = {
            "service_id": f"{name}-1",
            "service_name": name,
            "address": "127.0.0.1",
            "port": 9000,
        }
        return ModelConsulServiceRegistration.model_validate({**values, **fields})

    return build


@pytest.fixture(autouse=True)
async def _cleanup(consul: ConsulAdapter) -> AsyncIterator[None]:
    yield
    services = await consul.catalog_services()
    for name in (name for name in services if name.startswith("onex-test-")):
        for service_id in await consul.list_service_ids(name):
            await consul.deregister_service(service_id)


async def eventually(
    probe: Callable[[], Awaitable[list[ModelConsulServiceInstance]]],
    check: Callable[[list[ModelConsulServiceInstance]], bool],
    *,
    timeout: float = 10.0,
) -> list[ModelConsulServiceInstance]:
    """Poll `probe` until `check` holds (the agent syncs its catalogue asynchronously)."""
    async with asyncio.timeout(timeout):
        while not check(found := await probe()):
            await asyncio.sleep(0.05)
    return found


async def test_ttl_service_turns_healthy_when_passed_and_is_gone_after_deregistration(
    consul: ConsulAdapter, service: Callable[..., ModelConsulServiceRegistration]
) -> None:
    registration = service(
        tags=("onex", "effect"),
        meta={"node_type": "effect"},
        check=ModelConsulCheck.ttl(30),
    )
    name, service_id = registration.service_name, registration.service_id

    await consul.register(registration)
    assert await consul.list_service_ids(name) == [service_id]
    assert await consul.healthy_instances(name) == []  # a TTL check starts critical

    await consul.set_check_status(service_id, EnumConsulCheckStatus.PASSING, note="ready")
    [healthy] = await eventually(lambda: consul.healthy_instances(name), bool)
    assert healthy.service_id == service_id
    assert healthy.status is EnumConsulCheckStatus.PASSING
    assert (healthy.address, healthy.port) == ("127.0.0.1", 9000)
    assert set(healthy.tags) == {"onex", "effect"}
    assert healthy.meta == {"node_type": "effect"}

    await consul.set_check_status(service_id, EnumConsulCheckStatus.WARNING)
    await eventually(lambda: consul.healthy_instances(name), lambda found: found == [])

    await consul.deregister_service(service_id)
    assert await consul.list_service_ids(name) == []
    assert name not in await consul.catalog_services()
    await consul.deregister_service(service_id)  # already gone: no error


async def test_re_registering_the_same_id_replaces_the_entry_instead_of_duplicating(
    consul: ConsulAdapter, service: Callable[..., ModelConsulServiceRegistration]
) -> None:
    first = service(port=9001, tags=("v1",), check=ModelConsulCheck.ttl(30))
    second = service(port=9002, tags=("v2",), check=ModelConsulCheck.ttl(30))

    await consul.register(first)
    await consul.register(first)
    await consul.register(second)

    [instance] = await consul.catalog_instances(first.service_name)
    assert (instance.service_id, instance.port, instance.tags) == (first.service_id, 9002, ("v2",))


async def test_only_allow_listed_meta_reaches_consul_with_values_cut_to_512_bytes(
    consul: ConsulAdapter, service: Callable[..., ModelConsulServiceRegistration]
) -> None:
    registration = service(
        meta={
            "node_type": "effect",
            "env": "x" * 600,
            "db_password": "canary-meta-secret",
            "consul-reserved": "y",
        }
    )

    await consul.register(registration)

    [instance] = await consul.catalog_instances(registration.service_name)
    assert instance.meta == {"node_type": "effect", "env": "x" * 512}


async def test_http_check_polled_by_consul_turns_the_service_healthy(
    consul: ConsulAdapter,
    service: Callable[..., ModelConsulServiceRegistration],
    local_stack: ModelOnexSettings,
) -> None:
    # The agent's own leader endpoint answers 200: a real URL for Consul to poll.
    url = f"{local_stack.consul.url}/v1/status/leader"
    registration = service(check=ModelConsulCheck.http(url, interval=0.2, timeout=1))

    await consul.register(registration)

    found = await eventually(lambda: consul.healthy_instances(registration.service_name), bool)
    assert [instance.service_id for instance in found] == [registration.service_id]


async def test_discovery_protocol_registers_lists_and_deregisters(
    consul: ConsulAdapter, service: Callable[..., ModelConsulServiceRegistration]
) -> None:
    discovery: ProtocolServiceDiscovery = consul
    name = service().service_name
    assert isinstance(consul, ProtocolServiceDiscovery)

    for index in (1, 2):
        await discovery.register_service(
            service_id=f"{name}-{index}", service_name=name, address="127.0.0.1", port=index
        )

    assert sorted(await discovery.list_service_ids(name)) == [f"{name}-1", f"{name}-2"]
    await discovery.deregister_service(f"{name}-1")
    assert await discovery.list_service_ids(name) == [f"{name}-2"]


async def test_reporting_a_check_that_does_not_exist_is_a_clear_error(
    consul: ConsulAdapter,
) -> None:
    with pytest.raises(RuntimeHostError, match="no TTL check") as caught:
        await consul.set_check_status("onex-test-nothing", EnumConsulCheckStatus.PASSING)
    assert caught.value.code == "CONSUL_CHECK_NOT_FOUND"
    await consul.ping()  # the refusal did not count against the breaker


async def test_kv_values_round_trip(consul: ConsulAdapter) -> None:
    key = f"onex-test/{uuid.uuid4().hex}/config"

    assert await consul.kv_get(key) is None
    await consul.kv_put(key, b"\x00binary\xff")
    assert await consul.kv_get(key) == b"\x00binary\xff"
    await consul.kv_put(key, "text é")
    assert await consul.kv_get(key) == "text é".encode()
    await consul.kv_delete(key)
    assert await consul.kv_get(key) is None
    await consul.kv_delete(key)  # already gone: no error
