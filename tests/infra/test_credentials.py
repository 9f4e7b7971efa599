"""Where a service's credentials come from: read from the real Vault at start, renewed for the
life of the service, failing closed (never a default) and never shown."""

import asyncio
import logging
import socket
import uuid
from collections.abc import AsyncIterator, Iterator

import hvac  # type: ignore[import-untyped]  # hvac ships no type information
import hvac.exceptions  # type: ignore[import-untyped]  # (same package)
import pytest
from omnibase_core.container import ModelONEXContainer
from omnibase_infra.adapters.consul import ConsulAdapter
from omnibase_infra.adapters.postgres import PostgresPoolManager
from omnibase_infra.adapters.vault import VaultAdapter
from omnibase_infra.config import EnumCredentialsSource, ModelOnexSettings
from omnibase_infra.credentials import resolve_credentials, service_credentials
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    ProtocolConfigurationError,
    RuntimeHostError,
)
from omnibase_infra.local_infra import VaultServer
from omnibase_spi import ProtocolSecretStore
from pydantic import SecretStr

pytestmark = pytest.mark.usefixtures("local_stack")

MOUNT = "secret"
POLICY = "onex-test-credentials-read"
POLICY_RULES = 'path "secret/data/onex-test/*" { capabilities = ["read"] }'


def canary(kind: str) -> str:
    return f"canary-{kind}-{uuid.uuid4().hex[:12]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_vault(settings: ModelOnexSettings, **vault: object) -> ModelOnexSettings:
    return settings.model_copy(update={"vault": settings.vault.model_copy(update=vault)})


@pytest.fixture
def root(local_stack: ModelOnexSettings) -> Iterator[hvac.Client]:
    client = hvac.Client(
        url=local_stack.vault.url, token=local_stack.vault.token.get_secret_value(), timeout=5
    )
    client.sys.create_or_update_policy(name=POLICY, policy=POLICY_RULES)
    yield client
    client.adapter.close()


class Secrets:
    """Credentials written under a fresh path of the real Vault, and the settings naming them."""

    def __init__(self, root: hvac.Client, settings: ModelOnexSettings) -> None:
        self.root = root
        self.base = f"onex-test/{uuid.uuid4().hex}"
        self.password = canary("pg")
        self.token = canary("consul")
        # What the settings say: never what the service should end up using.
        decoy = settings.postgres.model_copy(update={"password": SecretStr(canary("decoy"))})
        self.settings = with_vault(
            settings.model_copy(update={"postgres": decoy}),
            postgres_secret_path=f"{self.base}/postgres",
            consul_secret_path=f"{self.base}/consul",
        )

    def write(self, name: str, data: dict[str, str]) -> None:
        self.root.secrets.kv.v2.create_or_update_secret(
            path=f"{self.base}/{name}", secret=data, mount_point=MOUNT
        )

    def delete(self) -> None:
        for name in ("postgres", "consul"):
            self.root.secrets.kv.v2.delete_metadata_and_all_versions(
                path=f"{self.base}/{name}", mount_point=MOUNT
            )

    @property
    def shown_nowhere(self) -> list[str]:
        decoy = self.settings.postgres.password.get_secret_value()
        return [self.password, self.token, decoy, self.settings.vault.token.get_secret_value()]


@pytest.fixture
def secrets(root: hvac.Client, local_stack: ModelOnexSettings) -> Iterator[Secrets]:
    written = Secrets(root, local_stack)
    written.write("postgres", {"password": written.password})
    written.write("consul", {"token": written.token})
    yield written
    written.delete()


@pytest.fixture
async def container() -> AsyncIterator[ModelONEXContainer]:
    built = ModelONEXContainer()
    yield built
    await built.aclose()


def assert_not_shown(error: BaseException, secrets: Secrets) -> None:
    shown = f"{error} {error!r} {error.__cause__!r}"
    if isinstance(error, RuntimeHostError):
        shown += str(error.to_dict())
    for value in secrets.shown_nowhere:
        assert value not in shown


async def test_vault_source_takes_the_password_and_token_from_vault_not_the_settings(
    secrets: Secrets, container: ModelONEXContainer
) -> None:
    assert secrets.settings.credentials_source is EnumCredentialsSource.VAULT  # the default

    resolved = await resolve_credentials(container, secrets.settings)

    assert resolved.postgres.password.get_secret_value() == secrets.password
    assert resolved.consul.token is not None
    assert resolved.consul.token.get_secret_value() == secrets.token
    unchanged = {"password"}
    assert resolved.postgres.model_dump(exclude=unchanged) == secrets.settings.postgres.model_dump(
        exclude=unchanged
    )
    # The adapters the wiring builds from the settings carry Vault's values.
    pool = PostgresPoolManager.from_settings(resolved)
    assert pool.config.password.get_secret_value() == secrets.password
    consul = ConsulAdapter.from_settings(resolved)
    assert consul.config.token is not None
    assert consul.config.token.get_secret_value() == secrets.token
    for value in (secrets.password, secrets.token):
        assert value not in repr(resolved) + str(resolved.model_dump())


async def test_the_open_vault_adapter_is_the_containers_secret_store(
    secrets: Secrets, container: ModelONEXContainer
) -> None:
    await resolve_credentials(container, secrets.settings)

    vault = container.resolve(VaultAdapter)
    assert container.resolve(ProtocolSecretStore) is vault
    assert await vault.read_secret_value(f"{secrets.base}/postgres", "password") == secrets.password


async def test_settings_source_never_asks_vault(
    local_stack: ModelOnexSettings, container: ModelONEXContainer
) -> None:
    settings = with_vault(local_stack, port=free_port()).model_copy(
        update={"credentials_source": EnumCredentialsSource.SETTINGS}
    )

    assert await resolve_credentials(container, settings) is settings
    async with service_credentials(settings) as resolved:
        assert resolved is settings
    assert not container.has(VaultAdapter)


async def test_the_local_seed_has_no_consul_token_which_means_none(
    local_stack: ModelOnexSettings, container: ModelONEXContainer
) -> None:
    resolved = await resolve_credentials(container, local_stack)

    assert resolved.consul.token is None
    assert resolved.postgres.password == local_stack.postgres.password


async def test_service_credentials_hold_vault_open_for_the_block_only(secrets: Secrets) -> None:
    async with service_credentials(secrets.settings) as resolved:
        assert resolved.postgres.password.get_secret_value() == secrets.password


async def test_a_missing_postgres_secret_fails_closed_naming_its_path_and_setting(
    secrets: Secrets, container: ModelONEXContainer
) -> None:
    settings = with_vault(secrets.settings, postgres_secret_path=f"{secrets.base}/nothing-here")

    with pytest.raises(ProtocolConfigurationError) as raised:
        await resolve_credentials(container, settings)

    message = str(raised.value)
    assert f"secret/{secrets.base}/nothing-here" in message
    assert "ONEX_VAULT__POSTGRES_SECRET_PATH" in message
    assert "\n" not in message
    assert_not_shown(raised.value, secrets)
    assert not container.has(VaultAdapter)


async def test_a_secret_without_its_key_fails_closed_naming_the_key(
    secrets: Secrets, container: ModelONEXContainer
) -> None:
    secrets.write("consul", {"acl": secrets.token})

    with pytest.raises(ProtocolConfigurationError) as raised:
        await resolve_credentials(container, secrets.settings)

    assert "'token'" in str(raised.value)
    assert "ONEX_VAULT__CONSUL_SECRET_PATH" in str(raised.value)
    assert_not_shown(raised.value, secrets)


async def test_unreachable_vault_fails_the_start_naming_where_it_looked(
    secrets: Secrets, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    settings = with_vault(secrets.settings, port=port)

    with caplog.at_level(logging.DEBUG), pytest.raises(InfraConnectionError) as raised:
        async with service_credentials(settings):
            pytest.fail("no credentials without Vault")

    message = str(raised.value)
    assert "cannot read the service credentials from Vault" in message
    assert f"127.0.0.1:{port}" in message
    assert "ONEX_VAULT__HOST" in message
    assert_not_shown(raised.value, secrets)
    for value in secrets.shown_nowhere:
        assert value not in caplog.text


async def test_a_refused_vault_token_is_an_authentication_error_that_hides_it(
    secrets: Secrets, container: ModelONEXContainer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = canary("vault-token")
    settings = with_vault(secrets.settings, token=SecretStr(wrong))

    with caplog.at_level(logging.DEBUG), pytest.raises(InfraAuthenticationError) as raised:
        await resolve_credentials(container, settings)

    assert wrong not in f"{raised.value} {raised.value.to_dict()} {caplog.text}"
    assert_not_shown(raised.value, secrets)


async def test_half_an_app_role_login_is_a_configuration_error(
    secrets: Secrets, container: ModelONEXContainer
) -> None:
    settings = with_vault(secrets.settings, role_id="some-role")

    with pytest.raises(ProtocolConfigurationError, match="ONEX_VAULT__SECRET_ID"):
        await resolve_credentials(container, settings)


async def test_app_role_settings_log_in_and_read_the_credentials(
    root: hvac.Client, secrets: Secrets, container: ModelONEXContainer
) -> None:
    enable_app_role(root)
    role = f"onex-test-credentials-{uuid.uuid4().hex[:8]}"
    root.auth.approle.create_or_update_approle(role, token_policies=[POLICY], token_ttl="1m")
    role_id = root.auth.approle.read_role_id(role)["data"]["role_id"]
    secret_id = root.auth.approle.generate_secret_id(role)["data"]["secret_id"]
    settings = with_vault(
        secrets.settings, role_id=role_id, secret_id=SecretStr(secret_id), token=SecretStr("")
    )
    try:
        resolved = await resolve_credentials(container, settings)
    finally:
        root.auth.approle.delete_role(role)

    assert resolved.postgres.password.get_secret_value() == secrets.password
    info = await container.resolve(VaultAdapter).lookup_token()
    assert POLICY in info.policies


def enable_app_role(root: hvac.Client) -> None:
    """Enable AppRole on the shared Vault (another test may have just done it)."""
    if "approle/" in root.sys.list_auth_methods()["data"]:
        return
    try:
        root.sys.enable_auth_method("approle")
    except hvac.exceptions.InvalidRequest as error:
        if "path is already in use" not in str(error):
            raise


async def test_the_vault_token_is_renewed_while_the_service_runs_and_not_after(
    root: hvac.Client, secrets: Secrets
) -> None:
    created = root.auth.token.create(policies=[POLICY], ttl="2s", renewable=True)["auth"]
    token = created["client_token"]
    settings = with_vault(secrets.settings, token=SecretStr(token))
    container = ModelONEXContainer()
    await resolve_credentials(container, settings)

    await asyncio.sleep(3.5)  # well past the token's first TTL
    assert token_alive(root, token), "the renewal task kept the token alive"

    await container.aclose()
    async with asyncio.timeout(10):
        while token_alive(root, token):
            await asyncio.sleep(0.2)


def token_alive(root: hvac.Client, token: str) -> bool:
    try:
        root.auth.token.lookup(token)
    except hvac.exceptions.Forbidden:
        return False
    return True


def test_the_local_seed_writes_the_configured_paths_once(
    root: hvac.Client, local_stack: ModelOnexSettings
) -> None:
    base = f"onex-test/{uuid.uuid4().hex}"
    settings = with_vault(
        local_stack, postgres_secret_path=f"{base}/postgres", consul_secret_path=f"{base}/consul"
    )
    try:
        VaultServer(settings).after_ready()
        first = read_secret(root, f"{base}/postgres")
        VaultServer(settings).after_ready()
        again = read_secret(root, f"{base}/postgres")
        consul = read_secret(root, f"{base}/consul")
    finally:
        for name in ("postgres", "consul"):
            root.secrets.kv.v2.delete_metadata_and_all_versions(
                path=f"{base}/{name}", mount_point=MOUNT
            )

    assert first["data"] == {"password": local_stack.postgres.password.get_secret_value()}
    assert again["metadata"]["version"] == first["metadata"]["version"] == 1
    assert consul["data"] == {"token": ""}


async def test_the_seeded_password_opens_the_local_postgres_role(
    local_stack: ModelOnexSettings,
) -> None:
    async with service_credentials(local_stack) as resolved:
        db = PostgresPoolManager.from_settings(resolved, min_pool_size=0, max_pool_size=1)
        async with db:
            assert await db.fetchval("SELECT current_user") == local_stack.postgres.user


def read_secret(root: hvac.Client, path: str) -> dict[str, dict[str, object]]:
    answer = root.secrets.kv.v2.read_secret_version(
        path=path, mount_point=MOUNT, raise_on_deleted_version=True
    )
    return dict(answer["data"])
