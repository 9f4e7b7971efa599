"""The one place that decides where a service's credentials come from."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from omnibase_core.container import ModelONEXContainer
from omnibase_spi import ProtocolSecretStore
from pydantic import SecretStr

from omnibase_infra.adapters.vault import VaultAdapter
from omnibase_infra.config import EnumCredentialsSource, ModelOnexSettings
from omnibase_infra.errors import RuntimeHostError


async def resolve_credentials(
    container: ModelONEXContainer, settings: ModelOnexSettings
) -> ModelOnexSettings:
    """`settings` with the credentials from their source; Vault's adapter joins `container`.

    The open adapter is registered as `VaultAdapter` and `ProtocolSecretStore`; it renews
    its token until the container closes.
    """
    if settings.credentials_source is EnumCredentialsSource.SETTINGS:
        return settings
    vault = await _open_vault(settings)
    resolved = await _read_credentials(vault, settings)
    container.register_factory(VaultAdapter, lambda _: vault)
    container.resolve(VaultAdapter)  # built by the container, so closed with it
    container.register_instance(ProtocolSecretStore, vault)
    return resolved


@asynccontextmanager
async def service_credentials(settings: ModelOnexSettings) -> AsyncIterator[ModelOnexSettings]:
    """`settings` with the credentials from their source, for the life of the block."""
    if settings.credentials_source is EnumCredentialsSource.SETTINGS:
        yield settings
        return
    vault = await _open_vault(settings)
    try:
        yield await _read_credentials(vault, settings)
    finally:
        await vault.close()


async def _open_vault(settings: ModelOnexSettings) -> VaultAdapter:
    """The Vault adapter, logged in and renewing its token (closed again if that fails)."""
    try:
        vault = VaultAdapter.from_settings(settings)
    except RuntimeHostError as error:
        raise _cannot_read(error, "") from error
    try:
        await vault.start()
    except BaseException as error:
        await vault.close()
        if isinstance(error, RuntimeHostError):
            raise _cannot_read(error, "") from error
        raise
    return vault


async def _read_credentials(vault: VaultAdapter, settings: ModelOnexSettings) -> ModelOnexSettings:
    paths = settings.vault
    try:
        password = await _read(vault, paths.postgres_secret_path, "password", "POSTGRES")
        token = await _read(vault, paths.consul_secret_path, "token", "CONSUL")
    except BaseException:
        await vault.close()
        raise
    return settings.model_copy(
        update={
            "postgres": settings.postgres.model_copy(update={"password": SecretStr(password)}),
            # An empty token: Consul without ACLs (the local stack).
            "consul": settings.consul.model_copy(
                update={"token": SecretStr(token) if token else None}
            ),
        }
    )


async def _read(vault: VaultAdapter, path: str, key: str, section: str) -> str:
    try:
        return await vault.read_secret_value(path, key)
    except RuntimeHostError as error:
        raise _cannot_read(error, f" (ONEX_VAULT__{section}_SECRET_PATH)") from error


def _cannot_read(error: RuntimeHostError, setting: str) -> RuntimeHostError:
    """The same kind of error, saying it stopped the start and which setting to look at."""
    return type(error)(
        f"cannot read the service credentials from Vault{setting}: {error.message}; "
        # Worded without `NAME=value`: the sanitizer hides the value of a credential key.
        "set ONEX_CREDENTIALS_SOURCE to `settings` to skip Vault (local development only)",
        error.infra_context,
        code=error.code,
    )
