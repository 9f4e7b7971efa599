"""The Vault adapter: KV v2 secrets, token lookup and renewal, re-authentication."""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Self, TypeVar
from uuid import UUID

import hvac  # type: ignore[import-untyped]  # hvac ships no type information
import hvac.exceptions  # type: ignore[import-untyped]  # (same package)

from omnibase_infra.adapters._config import build_config
from omnibase_infra.adapters._guard import GuardedAdapter
from omnibase_infra.adapters.vault._errors import VAULT_NOT_FOUND, is_refused, translate
from omnibase_infra.adapters.vault._renewal import renewal_delay, renewal_fell_short
from omnibase_infra.adapters.vault._wire import secret_data, token_info
from omnibase_infra.adapters.vault.model_vault_adapter_config import ModelVaultAdapterConfig
from omnibase_infra.adapters.vault.model_vault_app_role_auth import ModelVaultAppRoleAuth
from omnibase_infra.adapters.vault.model_vault_token_auth import ModelVaultTokenAuth
from omnibase_infra.adapters.vault.model_vault_token_info import ModelVaultTokenInfo
from omnibase_infra.config import ModelOnexSettings, ModelVaultSettings
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    ModelInfraErrorContext,
    ProtocolConfigurationError,
    RuntimeHostError,
)

T = TypeVar("T")
logger = logging.getLogger(__name__)


class VaultAdapter(GuardedAdapter):
    """Reads and writes KV v2 secrets and keeps its Vault token alive.

    `async with VaultAdapter.from_settings(settings) as vault: await vault.read_secret(p)`.
    Entering logs in, checks the token, and starts a background task that renews it once
    less than `renew_fraction` of its TTL is left; with AppRole the adapter also logs in
    again when its token expires or is revoked. hvac is synchronous: every call runs in a
    worker thread. A missing secret is an error, never a default; no token or secret value
    reaches an error or a log line.
    """

    transport_type = EnumInfraTransportType.VAULT

    def __init__(self, config: ModelVaultAdapterConfig) -> None:
        self.config = config
        self.token_info: ModelVaultTokenInfo | None = None
        fixed = config.auth.token if isinstance(config.auth, ModelVaultTokenAuth) else None
        # An explicit token (even "") keeps hvac from reading VAULT_TOKEN or ~/.vault-token.
        self._client = hvac.Client(
            url=config.url,
            token=fixed.get_secret_value() if fixed else "",
            timeout=config.timeout_seconds,
        )
        self._logged_in = fixed is not None
        # Bumped by every login, so callers refused with an old token log in only once.
        self._login_generation = 0
        self._login_lock = asyncio.Lock()
        self._refresher: asyncio.Task[None] | None = None
        self._init_guard(config.target_name, config.circuit_breaker, config.retry)

    @classmethod
    def from_settings(cls, settings: ModelOnexSettings, **overrides: object) -> Self:
        """An adapter for `settings.vault` (AppRole when its role and secret ids are set, else
        the token), any config field overridden by keyword."""
        vault = settings.vault
        base = {"host": vault.host, "port": vault.port, "auth": _auth_from(vault)}
        return cls(
            build_config(ModelVaultAdapterConfig, base, overrides, env_prefix="ONEX_VAULT__")
        )

    async def start(self, *, correlation_id: UUID | None = None) -> None:
        """Log in, check the token, and start keeping it fresh in the background."""
        await self.lookup_token(correlation_id=correlation_id)
        if self._refresher is None:
            self._refresher = asyncio.create_task(self._keep_token_fresh(), name="vault-token")

    async def close(self) -> None:
        """Stop the renewal task and close the HTTP connections."""
        refresher, self._refresher = self._refresher, None
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
        await asyncio.to_thread(self._client.adapter.close)

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when Vault answers, initialized and unsealed; raise why not."""
        status = await self._blocking("ping", lambda c: c.sys.read_seal_status(), correlation_id)
        if not (isinstance(status, dict) and status.get("initialized")) or status.get("sealed"):
            raise InfraConnectionError(
                f"Vault at {self.config.url} answers but is sealed or not initialized",
                self._error_context("ping", correlation_id),
            )

    async def read_secret(self, path: str, *, correlation_id: UUID | None = None) -> dict[str, str]:
        """The key/value pairs of the latest version of the KV v2 secret at `path`."""
        mount = self.config.kv_mount
        try:
            answer = await self._call(
                "read_secret",
                lambda c: c.secrets.kv.v2.read_secret_version(
                    path=path, mount_point=mount, raise_on_deleted_version=True
                ),
                correlation_id,
                retried=True,
            )
        except RuntimeHostError as error:
            if error.code == VAULT_NOT_FOUND:
                raise self._missing(path, correlation_id) from None
            raise
        data = secret_data(answer)
        if data is None:
            raise self._missing(path, correlation_id)
        return data

    async def read_secret_value(
        self, path: str, key: str, *, correlation_id: UUID | None = None
    ) -> str:
        """One value of the secret at `path`; an error when the secret or the key is missing."""
        data = await self.read_secret(path, correlation_id=correlation_id)
        if key not in data:
            raise self._missing(path, correlation_id, key=key)
        return data[key]

    async def write_secret(
        self, path: str, data: Mapping[str, str], *, correlation_id: UUID | None = None
    ) -> None:
        """Store `data` as the new version of the KV v2 secret at `path`."""
        secret, mount = dict(data), self.config.kv_mount
        await self._call(
            "write_secret",
            lambda c: c.secrets.kv.v2.create_or_update_secret(
                path=path, secret=secret, mount_point=mount
            ),
            correlation_id,
        )

    async def delete_secret(self, path: str, *, correlation_id: UUID | None = None) -> None:
        """Delete every version of the secret at `path` (no error if there is none)."""
        mount = self.config.kv_mount
        await self._call(
            "delete_secret",
            lambda c: c.secrets.kv.v2.delete_metadata_and_all_versions(
                path=path, mount_point=mount
            ),
            correlation_id,
        )

    async def lookup_token(self, *, correlation_id: UUID | None = None) -> ModelVaultTokenInfo:
        """What Vault knows about the adapter's token: TTL, renewability, policies."""
        answer = await self._call(
            "lookup_token", lambda c: c.auth.token.lookup_self(), correlation_id, retried=True
        )
        self.token_info = token_info(answer)
        return self.token_info

    async def renew_token(self, *, correlation_id: UUID | None = None) -> ModelVaultTokenInfo:
        """Renew the token for the TTL it was created with; returns its new state."""
        info = self.token_info or await self.lookup_token(correlation_id=correlation_id)
        increment = info.creation_ttl_seconds or None
        await self._call(
            "renew_token", lambda c: c.auth.token.renew_self(increment=increment), correlation_id
        )
        return await self.lookup_token(correlation_id=correlation_id)

    @property
    def _can_log_in(self) -> bool:
        return isinstance(self.config.auth, ModelVaultAppRoleAuth)

    async def _keep_token_fresh(self) -> None:
        """Renew (or log in again) whenever the token is due, until the adapter closes."""
        while True:
            try:
                if not await self._refresh_when_due():
                    return
            except RuntimeHostError as error:
                if isinstance(error, InfraAuthenticationError) and not self._can_log_in:
                    logger.error("Vault no longer accepts the configured token; renewal stopped")
                    return
                logger.warning(
                    "Could not refresh the Vault token (%s); trying again in %.1fs",
                    error.code,
                    self.config.refresh_retry_seconds,
                )
                await asyncio.sleep(self.config.refresh_retry_seconds)

    async def _refresh_when_due(self) -> bool:
        """Sleep until the token is due, then refresh it; False when nothing more can be done."""
        delay = renewal_delay(await self.lookup_token(), self.config.renew_fraction)
        if delay is None:
            return False
        await asyncio.sleep(delay)
        info = await self.lookup_token()
        if info.renewable:
            info = await self.renew_token()
            logger.info("Renewed the Vault token; %ds left", info.ttl_seconds)
            if not renewal_fell_short(info, self.config.renew_fraction):
                return True
        if self._can_log_in:
            await self._login(None, stale=self._login_generation)
            return True
        logger.warning(
            "The Vault token cannot be renewed any further and a fixed token cannot log in "
            "again; it expires in %ds",
            info.ttl_seconds,
        )
        return False

    async def _call(
        self,
        operation: str,
        request: Callable[[hvac.Client], T],
        correlation_id: UUID | None,
        *,
        retried: bool = False,
    ) -> T:
        """Run `request`, logging in again once when Vault refuses a token AppRole can replace."""
        if not self._logged_in:
            await self._login(correlation_id, stale=self._login_generation)
        generation = self._login_generation
        try:
            return await self._blocking(operation, request, correlation_id, retried=retried)
        except InfraAuthenticationError:
            if not self._can_log_in:
                raise
            logger.info("Vault refused the token for %s; logging in again", operation)
        await self._login(correlation_id, stale=generation)
        return await self._blocking(operation, request, correlation_id, retried=retried)

    async def _blocking(
        self,
        operation: str,
        request: Callable[[hvac.Client], T],
        correlation_id: UUID | None,
        *,
        retried: bool = False,
    ) -> T:
        """The one place a blocking hvac call runs: in a worker thread, behind the breaker."""
        guard = self._retried if retried else self._guarded
        return await guard(
            operation, lambda: asyncio.to_thread(request, self._client), correlation_id
        )

    async def _login(self, correlation_id: UUID | None, *, stale: int) -> None:
        """Replace the token of generation `stale` through AppRole (once for many callers)."""
        auth = self.config.auth
        if not isinstance(auth, ModelVaultAppRoleAuth):
            self._logged_in = True
            return
        async with self._login_lock:
            if self._login_generation != stale:
                return
            try:
                await self._blocking("login", lambda c: _app_role_login(c, auth), correlation_id)
            except RuntimeHostError as error:
                cause = error.__cause__
                if cause is not None and (
                    is_refused(cause) or isinstance(cause, hvac.exceptions.InvalidRequest)
                ):
                    raise InfraAuthenticationError(
                        "Vault refused the AppRole login; check the role id and secret id",
                        self._error_context("login", correlation_id),
                    ) from None
                raise
            self._logged_in = True
            self._login_generation += 1
        logger.info("Logged in to Vault through AppRole (mount %s)", auth.mount_point)

    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        return translate(error, context, self.config.url)

    def _missing(
        self, path: str, correlation_id: UUID | None, *, key: str | None = None
    ) -> ProtocolConfigurationError:
        what = f"no {key!r} entry in the secret" if key else "no secret"
        mount = self.config.kv_mount
        return ProtocolConfigurationError(
            f"Vault has {what} at {mount}/{path}; write it first "
            f"(for example `vault kv put {mount}/{path} ...`)",
            self._error_context("read_secret", correlation_id, secret_path=path),
        )


def _auth_from(vault: ModelVaultSettings) -> ModelVaultTokenAuth | ModelVaultAppRoleAuth:
    """How the settings say to log in: AppRole with both ids, the token with neither."""
    if vault.role_id is None and vault.secret_id is None:
        return ModelVaultTokenAuth(token=vault.token)
    if not vault.role_id or vault.secret_id is None:
        raise ProtocolConfigurationError(
            "ONEX_VAULT__ROLE_ID and ONEX_VAULT__SECRET_ID log in through AppRole together; "
            "set both, or neither to use ONEX_VAULT__TOKEN",
            setting="vault.role_id",
        )
    return ModelVaultAppRoleAuth(role_id=vault.role_id, secret_id=vault.secret_id)


def _app_role_login(client: hvac.Client, auth: ModelVaultAppRoleAuth) -> object:
    """Log in through AppRole (blocking); wrong credentials always raise `Forbidden`."""
    try:
        return client.auth.approle.login(
            role_id=auth.role_id,
            secret_id=auth.secret_id.get_secret_value(),
            mount_point=auth.mount_point,
            use_token=True,
        )
    except hvac.exceptions.InternalServerError as error:
        # Some Vault releases answer a wrong role id or secret id with a 500.
        if any("invalid" in str(reason).lower() for reason in error.errors or ()):
            raise hvac.exceptions.Forbidden("invalid AppRole credentials") from None
        raise
