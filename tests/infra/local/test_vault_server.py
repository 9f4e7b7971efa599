"""A private Vault server: the first start initialises it, later starts unseal it with its key."""

import json
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from omnibase_infra.config import ModelOnexSettings, ModelVaultSettings
from omnibase_infra.local_infra import LocalInfraError, VaultServer, start_stack, stop_stack
from pydantic import SecretStr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _quiet(_line: str) -> None:
    return None


@pytest.fixture
def private(tmp_path: Path) -> Iterator[ModelOnexSettings]:
    """A Vault of its own in a temporary state folder on a free port, started; stopped after."""
    settings = ModelOnexSettings(
        state_dir=tmp_path / ".onex",
        vault=ModelVaultSettings(port=_free_port(), token=SecretStr("private-vault-token")),
    )
    start_stack(settings, _quiet, ["vault"])
    yield settings
    stop_stack(settings, _quiet, ["vault"])


def _restart(settings: ModelOnexSettings) -> None:
    stop_stack(settings, _quiet, ["vault"])
    start_stack(settings, _quiet, ["vault"])


def _api(settings: ModelOnexSettings, token: str | None = None) -> httpx.Client:
    headers = {"X-Vault-Token": token or settings.vault.token.get_secret_value()}
    return httpx.Client(base_url=f"{settings.vault.url}/v1/", headers=headers, timeout=5.0)


def _keys(settings: ModelOnexSettings) -> dict[str, str]:
    stored: dict[str, str] = json.loads((_key_path(settings)).read_text())
    return stored


def _key_path(settings: ModelOnexSettings) -> Path:
    return settings.state_dir / "vault" / "unseal-keys.json"


def _root_policy_tokens(settings: ModelOnexSettings) -> int:
    with _api(settings) as vault:
        accessors = vault.request("LIST", "auth/token/accessors").json()["data"]["keys"]
        policies = [
            vault.post("auth/token/lookup-accessor", json={"accessor": accessor}).json()["data"]
            for accessor in accessors
        ]
    return sum("root" in looked_up["policies"] for looked_up in policies)


def test_first_start_keeps_the_unseal_key_in_a_private_file(private: ModelOnexSettings) -> None:
    key_path = _key_path(private)

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_path.parent.stat().st_mode) == 0o700
    assert set(_keys(private)) == {"unseal_key", "initial_root_token"}
    assert (private.state_dir / "vault" / "data").is_dir()


def test_settings_token_is_a_root_token_that_never_expires(private: ModelOnexSettings) -> None:
    with _api(private) as vault:
        looked_up = vault.get("auth/token/lookup-self").json()["data"]

    assert looked_up["policies"] == ["root"]
    assert looked_up["expire_time"] is None
    assert looked_up["orphan"] is True


def test_initial_root_token_is_revoked(private: ModelOnexSettings) -> None:
    with _api(private, _keys(private)["initial_root_token"]) as vault:
        assert vault.get("auth/token/lookup-self").status_code == httpx.codes.FORBIDDEN
    assert _root_policy_tokens(private) == 1


def test_kv_v2_is_mounted_at_secret_and_the_credentials_are_seeded(
    private: ModelOnexSettings,
) -> None:
    with _api(private) as vault:
        mount = vault.get("sys/mounts").json()["data"]["secret/"]
        seeded = vault.get(f"secret/data/{private.vault.postgres_secret_path}").json()

    assert mount["type"] == "kv" and mount["options"]["version"] == "2"
    assert seeded["data"]["data"] == {"password": private.postgres.password.get_secret_value()}


def test_log_holds_neither_the_unseal_key_nor_a_token(private: ModelOnexSettings) -> None:
    log = (private.state_dir / "logs" / "vault.log").read_text()
    secrets = [*_keys(private).values(), private.vault.token.get_secret_value()]

    assert "Vault server started" in log
    assert [secret for secret in secrets if secret in log] == []


def test_restart_unseals_with_the_stored_key_and_keeps_the_secrets(
    private: ModelOnexSettings,
) -> None:
    with _api(private) as vault:
        vault.post("secret/data/kept", json={"data": {"value": "still here"}}).raise_for_status()

    _restart(private)

    with _api(private) as vault:
        kept = vault.get("secret/data/kept").json()["data"]["data"]
        health = httpx.get(f"{private.vault.url}/v1/sys/health", timeout=5.0).json()
    assert kept == {"value": "still here"}
    assert health["initialized"] is True and health["sealed"] is False
    assert _root_policy_tokens(private) == 1


def test_a_new_settings_token_is_created_through_a_root_token_generated_and_revoked(
    private: ModelOnexSettings,
) -> None:
    changed = private.model_copy(
        update={"vault": private.vault.model_copy(update={"token": SecretStr("changed-token")})}
    )
    stop_stack(private, _quiet, ["vault"])

    start_stack(changed, _quiet, ["vault"])

    with _api(changed) as vault:
        assert vault.get("auth/token/lookup-self").json()["data"]["policies"] == ["root"]
    # The old settings token and the new one; the generated root token is gone again.
    assert _root_policy_tokens(changed) == 2


def test_a_sealed_vault_is_unsealed_by_the_next_start(private: ModelOnexSettings) -> None:
    with _api(private) as vault:
        vault.put("sys/seal").raise_for_status()
    assert _sealed(private) is True

    start_stack(private, _quiet, ["vault"])

    assert _sealed(private) is False


def _sealed(settings: ModelOnexSettings) -> bool:
    answer = httpx.get(f"{settings.vault.url}/v1/sys/seal-status", timeout=5.0).json()
    sealed: bool = answer["sealed"]
    return sealed


def test_a_lost_unseal_key_file_is_one_clear_error_without_secrets(
    private: ModelOnexSettings,
) -> None:
    secrets = [*_keys(private).values(), private.vault.token.get_secret_value()]
    stop_stack(private, _quiet, ["vault"])
    _key_path(private).unlink()

    with pytest.raises(LocalInfraError) as raised:
        start_stack(private, _quiet, ["vault"])

    message = str(raised.value)
    assert str(_key_path(private)) in message and "onex infra down vault --wipe" in message
    assert [secret for secret in secrets if secret in message] == []


def test_readiness_probe_is_false_when_nothing_answers(tmp_path: Path) -> None:
    settings = ModelOnexSettings(
        state_dir=tmp_path / ".onex", vault=ModelVaultSettings(port=_free_port())
    )

    assert VaultServer(settings).is_ready() is False


def test_logs_left_by_the_former_dev_server_are_deleted_at_start(tmp_path: Path) -> None:
    settings = ModelOnexSettings(
        state_dir=tmp_path / ".onex", vault=ModelVaultSettings(port=_free_port())
    )
    logs = settings.state_dir / "logs"
    logs.mkdir(parents=True)
    banner = "==> Vault server started!\nUnseal Key: a2V5\nRoot Token: old-dev-token\n"
    (logs / "vault.log").write_text(banner)
    (logs / "vault.log.1").write_text(banner)

    try:
        start_stack(settings, _quiet, ["vault"])
    finally:
        stop_stack(settings, _quiet, ["vault"])

    left = [path.name for path in logs.iterdir() if "old-dev-token" in path.read_text()]
    assert left == []
    assert "Vault server started" in (logs / "vault.log").read_text()


def test_readiness_probe_of_a_sealed_vault_with_a_broken_key_file_does_not_raise(
    private: ModelOnexSettings,
) -> None:
    with _api(private) as vault:
        vault.put("sys/seal").raise_for_status()
    _key_path(private).write_text("{not json")

    assert VaultServer(private).is_ready() is True
    assert _sealed(private) is True
