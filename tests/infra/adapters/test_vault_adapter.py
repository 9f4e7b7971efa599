"""The Vault adapter against the real local Vault dev server."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator

import hvac
import hvac.exceptions
import pytest
from omnibase_infra.adapters.vault import (
    ModelVaultAppRoleAuth,
    ModelVaultTokenAuth,
    VaultAdapter,
)
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.errors import InfraAuthenticationError, ProtocolConfigurationError
from omnibase_spi import ProtocolSecretStore

pytestmark = pytest.mark.usefixtures("local_stack")

POLICY = "onex-adapter-test"
POLICY_RULES = 'path "secret/*" { capabilities = ["create", "read", "update", "delete", "list"] }'


@pytest.fixture
def root(local_stack: ModelOnexSettings) -> Iterator[hvac.Client]:
    """An hvac client holding the dev server's root token, for setting the scene."""
    client = hvac.Client(
        url=local_stack.vault.url, token=local_stack.vault.token.get_secret_value(), timeout=5
    )
    client.sys.create_or_update_policy(name=POLICY, policy=POLICY_RULES)
    yield client
    client.adapter.close()


@pytest.fixture
async def vault(local_stack: ModelOnexSettings) -> AsyncIterator[VaultAdapter]:
    async with VaultAdapter.from_settings(local_stack) as adapter:
        yield adapter


@pytest.fixture
def path() -> str:
    return f"onex-test/{uuid.uuid4().hex}"


@pytest.fixture
def app_role(root: hvac.Client) -> "AppRoleFactory":
    if "approle/" not in root.sys.list_auth_methods()["data"]:
        root.sys.enable_auth_method("approle")
    return AppRoleFactory(root)


class AppRoleFactory:
    """Creates AppRole roles on the dev server and hands out their credentials."""

    def __init__(self, root: hvac.Client) -> None:
        self.root = root

    def __call__(
        self, *, token_ttl: str = "60s", token_max_ttl: str = "120s"
    ) -> ModelVaultAppRoleAuth:
        role = f"onex-test-{uuid.uuid4().hex[:8]}"
        self.root.auth.approle.create_or_update_approle(
            role, token_policies=[POLICY], token_ttl=token_ttl, token_max_ttl=token_max_ttl
        )
        role_id = self.root.auth.approle.read_role_id(role)["data"]["role_id"]
        secret_id = self.root.auth.approle.generate_secret_id(role)["data"]["secret_id"]
        return ModelVaultAppRoleAuth(role_id=role_id, secret_id=secret_id)


def child_token(root: hvac.Client, ttl: str) -> str:
    answer = root.auth.token.create(
        policies=[POLICY], ttl=ttl, renewable=True, explicit_max_ttl="120s"
    )
    return str(answer["auth"]["client_token"])


def token_alive(root: hvac.Client, token: str) -> bool:
    try:
        return int(root.auth.token.lookup(token)["data"]["ttl"]) > 0
    except (hvac.exceptions.Forbidden, hvac.exceptions.InvalidRequest):
        return False


async def test_secrets_round_trip_as_a_secret_store(vault: VaultAdapter, path: str) -> None:
    store: ProtocolSecretStore = vault
    assert isinstance(vault, ProtocolSecretStore)

    await store.write_secret(path, {"user": "onex", "password": "first"})
    assert await store.read_secret(path) == {"user": "onex", "password": "first"}
    await store.write_secret(path, {"password": "second"})
    assert await store.read_secret(path) == {"password": "second"}
    assert await vault.read_secret_value(path, "password") == "second"
    await vault.delete_secret(path)


async def test_missing_secrets_fail_closed(vault: VaultAdapter, path: str) -> None:
    with pytest.raises(ProtocolConfigurationError, match=f"no secret at secret/{path}"):
        await vault.read_secret(path)

    await vault.write_secret(path, {"user": "onex"})
    with pytest.raises(ProtocolConfigurationError, match="no 'password' entry"):
        await vault.read_secret_value(path, "password")

    await vault.delete_secret(path)
    with pytest.raises(ProtocolConfigurationError, match="no secret"):
        await vault.read_secret(path)
    await vault.ping()  # refusals are not outages


async def test_root_token_lookup_says_it_never_expires(vault: VaultAdapter) -> None:
    info = await vault.lookup_token()

    assert not info.expires
    assert "root" in info.policies


async def test_short_lived_token_is_renewed_before_it_expires(
    local_stack: ModelOnexSettings, root: hvac.Client, path: str
) -> None:
    kept, left_alone = child_token(root, "10s"), child_token(root, "10s")
    auth = ModelVaultTokenAuth(token=kept)

    # Renewed once less than 7.5 of its 10 s are left: a loaded machine has seconds to spare.
    async with VaultAdapter.from_settings(local_stack, auth=auth, renew_fraction=0.75) as vault:
        await asyncio.sleep(11)  # past the 10 s TTL both tokens were created with
        await vault.write_secret(path, {"still": "working"})
        assert await vault.read_secret(path) == {"still": "working"}
        assert (await vault.lookup_token()).ttl_seconds > 0

    assert token_alive(root, kept)
    assert not token_alive(root, left_alone)  # without renewal the same token would be dead
    root.secrets.kv.v2.delete_metadata_and_all_versions(path)


async def test_app_role_logs_in_again_when_its_token_is_revoked(
    local_stack: ModelOnexSettings, root: hvac.Client, app_role: AppRoleFactory, path: str
) -> None:
    async with VaultAdapter.from_settings(local_stack, auth=app_role()) as vault:
        first = await vault.lookup_token()
        assert POLICY in first.policies
        root.auth.token.revoke_accessor(first.accessor)

        await vault.write_secret(path, {"after": "revocation"})

        second = await vault.lookup_token()
        assert second.accessor != first.accessor
        assert await vault.read_secret(path) == {"after": "revocation"}
        await vault.delete_secret(path)


async def test_app_role_token_at_its_max_ttl_is_replaced_by_a_fresh_login(
    local_stack: ModelOnexSettings, app_role: AppRoleFactory, path: str
) -> None:
    auth = app_role(token_ttl="2s", token_max_ttl="2s")

    async with VaultAdapter.from_settings(local_stack, auth=auth) as vault:
        first = await vault.lookup_token()
        await asyncio.sleep(3.5)
        await vault.write_secret(path, {"fresh": "login"})
        assert (await vault.lookup_token()).accessor != first.accessor
        await vault.delete_secret(path)


async def test_bad_token_is_an_authentication_error_sent_once_and_never_shown(
    local_stack: ModelOnexSettings, caplog: pytest.LogCaptureFixture
) -> None:
    canary = f"canary-vault-token-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)

    with pytest.raises(InfraAuthenticationError) as caught:
        async with VaultAdapter.from_settings(local_stack, auth=ModelVaultTokenAuth(token=canary)):
            pass

    requests_sent = [
        r
        for r in caplog.records
        if r.name == "urllib3.connectionpool" and "HTTP/1.1" in r.getMessage()
    ]
    assert len(requests_sent) == 1  # not retried
    error = caught.value
    shown = f"{error} {error!r} {error.to_dict()} {error.__cause__} {caplog.text}"
    assert canary not in shown


async def test_wrong_app_role_secret_id_is_an_authentication_error_never_shown(
    local_stack: ModelOnexSettings, app_role: AppRoleFactory, caplog: pytest.LogCaptureFixture
) -> None:
    canary = f"canary-secret-id-{uuid.uuid4().hex}"
    auth = ModelVaultAppRoleAuth(role_id=app_role().role_id, secret_id=canary)
    vault = VaultAdapter.from_settings(local_stack, auth=auth)
    caplog.set_level(logging.DEBUG)

    for _ in range(2):
        with pytest.raises(InfraAuthenticationError, match="AppRole login") as caught:
            await vault.start()
    await vault.close()

    assert vault.circuit_state is EnumCircuitState.CLOSED  # Vault answered: not an outage
    error = caught.value
    assert canary not in f"{error} {error!r} {error.to_dict()} {caplog.text}"


async def test_secret_values_never_reach_errors_or_logs(
    vault: VaultAdapter, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    canary = f"canary-secret-value-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)

    await vault.write_secret(path, {"password": canary})
    assert await vault.read_secret_value(path, "password") == canary
    with pytest.raises(ProtocolConfigurationError) as caught:
        await vault.read_secret_value(path, "user")
    await vault.delete_secret(path)

    error = caught.value
    assert canary not in f"{error} {error!r} {error.to_dict()} {caplog.text}"
