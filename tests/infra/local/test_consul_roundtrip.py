"""The local Consul dev agent: a service with a TTL check goes healthy, then away."""

import uuid
from collections.abc import Iterator

import httpx
import pytest
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.local_infra import ConsulServer


@pytest.fixture
def consul(local_stack: ModelOnexSettings) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{local_stack.consul.url}/v1", timeout=5.0) as client:
        yield client


@pytest.fixture
def service(consul: httpx.Client) -> Iterator[tuple[str, str]]:
    """A registered service (name, id) with a 30 s TTL check; deregistered afterwards."""
    name = f"onex-test-{uuid.uuid4().hex[:8]}"
    service_id = f"{name}-1"
    registration = {
        "Name": name,
        "ID": service_id,
        "Address": "127.0.0.1",
        "Port": 8080,
        "Check": {"CheckID": f"service:{service_id}", "TTL": "30s"},
    }
    consul.put("/agent/service/register", json=registration).raise_for_status()
    yield name, service_id
    consul.put(f"/agent/service/deregister/{service_id}")


def _passing_ids(consul: httpx.Client, name: str) -> list[str]:
    answer = consul.get(f"/health/service/{name}", params={"passing": "true"})
    answer.raise_for_status()
    return [entry["Service"]["ID"] for entry in answer.json()]


def test_agent_runs_the_release_from_the_settings(local_stack: ModelOnexSettings) -> None:
    answer = httpx.get(f"{local_stack.consul.url}/v1/agent/self", timeout=5.0)

    assert answer.json()["Config"]["Version"] == local_stack.consul.version
    assert ConsulServer(local_stack).is_ready()


def test_service_is_healthy_only_after_its_ttl_check_passes(
    consul: httpx.Client, service: tuple[str, str]
) -> None:
    name, service_id = service
    assert _passing_ids(consul, name) == []

    consul.put(f"/agent/check/pass/service:{service_id}").raise_for_status()

    assert _passing_ids(consul, name) == [service_id]


def test_deregistered_service_leaves_the_catalog(
    consul: httpx.Client, service: tuple[str, str]
) -> None:
    name, service_id = service
    consul.put(f"/agent/check/pass/service:{service_id}").raise_for_status()

    consul.put(f"/agent/service/deregister/{service_id}").raise_for_status()

    assert _passing_ids(consul, name) == []
    assert consul.get(f"/catalog/service/{name}").json() == []
