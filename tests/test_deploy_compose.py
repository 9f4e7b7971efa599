"""deploy/compose.yaml: the servers and every service in containers, checked without an engine."""

import re
from pathlib import Path

import pytest
import yaml
from omnibase_infra.config import (
    ModelConsulSettings,
    ModelKafkaSettings,
    ModelPostgresSettings,
    ModelValkeySettings,
    ModelVaultSettings,
)

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_PATH = ROOT / "deploy" / "compose.yaml"
SERVICES = sorted(path.parent.name for path in ROOT.glob("services/*/pyproject.toml"))
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
TOP_LEVEL_KEYS = {"name", "services", "volumes", "networks", "configs", "secrets", "include"}
# Service -> (official image repository, pinned tag, port it shares with the local stack).
INFRASTRUCTURE = {
    "kafka": ("apache/kafka", ModelKafkaSettings().version, ModelKafkaSettings().port),
    "postgres": (
        "postgres",
        ModelPostgresSettings().bin_dir.parent.name,  # Debian's /usr/lib/postgresql/<major>/bin
        ModelPostgresSettings().port,
    ),
    "valkey": ("valkey/valkey", None, ModelValkeySettings().port),
    "consul": ("hashicorp/consul", ModelConsulSettings().version, ModelConsulSettings().port),
    "vault": ("hashicorp/vault", ModelVaultSettings().version, ModelVaultSettings().port),
}


@pytest.fixture(scope="module")
def compose() -> dict[str, object]:
    loaded = yaml.safe_load(COMPOSE_PATH.read_text())
    assert isinstance(loaded, dict), f"{COMPOSE_PATH} must be a mapping"
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, object]) -> dict[str, dict[str, object]]:
    services = compose["services"]
    assert isinstance(services, dict)
    return services


def test_only_compose_keys_at_the_top_level(compose: dict[str, object]) -> None:
    unknown = {key for key in compose if key not in TOP_LEVEL_KEYS and not key.startswith("x-")}
    assert not unknown


@pytest.mark.parametrize("name", INFRASTRUCTURE)
def test_infrastructure_uses_the_official_image_at_the_configured_version(
    services: dict[str, dict[str, object]], name: str
) -> None:
    repository, version, _ = INFRASTRUCTURE[name]
    image = services[name]["image"]
    assert isinstance(image, str)
    found_repository, _, tag = image.partition(":")
    assert found_repository == repository
    assert re.fullmatch(r"\d+(\.\d+)*", tag), f"{name}: pin a release, not {tag or 'latest'!r}"
    if version is not None:
        assert tag == version, f"{name}: image {tag} but the local stack runs {version}"


@pytest.mark.parametrize("name", INFRASTRUCTURE)
def test_infrastructure_is_published_on_loopback_at_the_local_stack_port(
    services: dict[str, dict[str, object]], name: str
) -> None:
    _, _, port = INFRASTRUCTURE[name]
    assert services[name]["ports"] == [f"127.0.0.1:{port}:{port}"]


def test_every_server_has_a_healthcheck_command(services: dict[str, dict[str, object]]) -> None:
    # ONEX services inherit theirs from their image (tests/test_deploy_images.py).
    for name, service in services.items():
        if "build" in service:
            continue
        healthcheck = service.get("healthcheck")
        assert isinstance(healthcheck, dict), f"{name}: no healthcheck"
        test = healthcheck["test"]
        assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, name


def test_named_volumes_are_declared(
    compose: dict[str, object], services: dict[str, dict[str, object]]
) -> None:
    declared = compose.get("volumes") or {}
    assert isinstance(declared, dict)
    for name, service in services.items():
        volumes = service.get("volumes", [])
        assert isinstance(volumes, list)
        for volume in volumes:
            source = str(volume).partition(":")[0]
            if not source.startswith((".", "/", "~")):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_dependencies_name_existing_services(services: dict[str, dict[str, object]]) -> None:
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict | list)
        assert set(depends_on) <= set(services), f"{name} depends on an unknown service"


def test_secrets_come_from_the_environment_not_the_file(
    services: dict[str, dict[str, object]],
) -> None:
    for name, service in services.items():
        environment = service.get("environment", {})
        assert isinstance(environment, dict)
        for key, value in environment.items():
            if re.search(r"PASSWORD|TOKEN|SECRET", key):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+(:-[^}]*)?\}", str(value)), f"{name}: {key}"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_built_from_its_image_definition(
    services: dict[str, dict[str, object]], name: str
) -> None:
    build = services[name]["build"]
    assert isinstance(build, dict)
    context = (COMPOSE_PATH.parent / str(build["context"])).resolve()
    assert context == ROOT, "build from the repository root (the uv workspace)"
    assert build["dockerfile"] == f"deploy/images/{name}.Dockerfile"
    assert (context / str(build["dockerfile"])).is_file()


@pytest.mark.parametrize("name", SERVICES)
def test_services_start_once_the_servers_they_use_are_healthy(
    services: dict[str, dict[str, object]], name: str
) -> None:
    depends_on = services[name]["depends_on"]
    assert isinstance(depends_on, dict)
    assert {"kafka", "postgres"} <= set(depends_on)
    for server, rule in depends_on.items():
        assert isinstance(rule, dict) and rule["condition"] in CONDITIONS, f"{name} -> {server}"
        if rule["condition"] == "service_healthy":
            assert "healthcheck" in services[server] or "build" in services[server]


@pytest.mark.parametrize("name", SERVICES)
def test_services_reach_the_servers_by_their_compose_names(
    services: dict[str, dict[str, object]], name: str
) -> None:
    environment = services[name]["environment"]
    assert isinstance(environment, dict)
    hosts = {key: value for key, value in environment.items() if key.endswith("__HOST")}
    assert hosts and all(value in services for value in hosts.values()), hosts
    listeners = services["kafka"]["environment"]
    assert isinstance(listeners, dict)
    internal = re.search(r"INTERNAL://:(\d+)", str(listeners["KAFKA_LISTENERS"]))
    assert internal and environment["ONEX_KAFKA__PORT"] == internal.group(1)
