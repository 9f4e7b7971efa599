"""The local Vault server: KV v2 round trip, the settings token as root, the seeded secrets."""

import uuid
from collections.abc import Iterator

import hvac
import pytest
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.local_infra import VaultServer


@pytest.fixture
def vault(local_stack: ModelOnexSettings) -> Iterator[hvac.Client]:
    client = hvac.Client(
        url=local_stack.vault.url, token=local_stack.vault.token.get_secret_value(), timeout=5
    )
    yield client
    client.adapter.close()


def _read(vault: hvac.Client, path: str) -> dict[str, object]:
    answer = vault.secrets.kv.v2.read_secret_version(
        path=path, mount_point="secret", raise_on_deleted_version=True
    )
    return dict(answer["data"])


def test_server_runs_the_release_from_the_settings(
    local_stack: ModelOnexSettings, vault: hvac.Client
) -> None:
    health = vault.sys.read_health_status(method="GET")

    assert health["version"] == local_stack.vault.version
    assert health["initialized"] is True
    assert health["sealed"] is False


def test_kv_v2_secret_written_reads_back_with_its_version(vault: hvac.Client) -> None:
    path = f"onex-test/{uuid.uuid4().hex}"

    vault.secrets.kv.v2.create_or_update_secret(
        path=path, secret={"user": "svc"}, mount_point="secret"
    )
    vault.secrets.kv.v2.create_or_update_secret(
        path=path, secret={"user": "svc2"}, mount_point="secret"
    )

    read = _read(vault, path)
    assert read["data"] == {"user": "svc2"}
    assert isinstance(read["metadata"], dict)
    assert read["metadata"]["version"] == 2
    vault.secrets.kv.v2.delete_metadata_and_all_versions(path=path, mount_point="secret")


def test_settings_token_is_the_root_token(vault: hvac.Client) -> None:
    looked_up = vault.auth.token.lookup_self()["data"]

    assert looked_up["policies"] == ["root"]
    assert looked_up["expire_time"] is None
    assert vault.is_authenticated()


def test_an_unknown_token_is_refused(local_stack: ModelOnexSettings) -> None:
    stranger = hvac.Client(url=local_stack.vault.url, token="not-the-root-token", timeout=5)

    assert not stranger.is_authenticated()
    stranger.adapter.close()


def test_local_credentials_are_seeded(local_stack: ModelOnexSettings, vault: hvac.Client) -> None:
    postgres = _read(vault, local_stack.vault.postgres_secret_path)["data"]
    consul = _read(vault, local_stack.vault.consul_secret_path)["data"]

    assert postgres == {"password": local_stack.postgres.password.get_secret_value()}
    token = local_stack.consul.token
    assert consul == {"token": token.get_secret_value() if token else ""}


def test_seeding_again_leaves_unchanged_secrets_alone(
    local_stack: ModelOnexSettings, vault: hvac.Client
) -> None:
    path = local_stack.vault.postgres_secret_path
    before = _read(vault, path)["metadata"]

    VaultServer(local_stack).after_ready()

    assert _read(vault, path)["metadata"] == before
