"""The Consul adapter: service registration, TTL/HTTP checks, health and catalogue, KV."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Self
from uuid import UUID

import aiohttp

from omnibase_infra.adapters._config import build_config
from omnibase_infra.adapters._guard import GuardedAdapter
from omnibase_infra.adapters.consul import _wire
from omnibase_infra.adapters.consul._errors import translate
from omnibase_infra.adapters.consul._meta import filter_meta
from omnibase_infra.adapters.consul._transport import ConsulClient
from omnibase_infra.adapters.consul.enum_consul_check_status import EnumConsulCheckStatus
from omnibase_infra.adapters.consul.model_consul_adapter_config import ModelConsulAdapterConfig
from omnibase_infra.adapters.consul.model_consul_check import ModelConsulCheck
from omnibase_infra.adapters.consul.model_consul_service_instance import (
    ModelConsulServiceInstance,
)
from omnibase_infra.adapters.consul.model_consul_service_registration import (
    ModelConsulServiceRegistration,
)
from omnibase_infra.config import ModelOnexSettings
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import InfraConnectionError, ModelInfraErrorContext, RuntimeHostError
from omnibase_infra.observability import sanitize

_CHECK_ENDPOINTS = {
    EnumConsulCheckStatus.PASSING: "ttl_pass",
    EnumConsulCheckStatus.WARNING: "ttl_warn",
    EnumConsulCheckStatus.CRITICAL: "ttl_fail",
}


class ConsulAdapter(GuardedAdapter):
    """Registers services with a Consul agent and reads health, the catalogue and KV.

    `async with ConsulAdapter.from_settings(settings) as consul: ...`. Every request has a
    total timeout and passes the adapter's circuit breaker; failures surface as
    `InfraConnectionError`, `InfraTimeoutError`, `InfraAuthenticationError` or, while the
    breaker is open, `InfraUnavailableError`. The ACL token (settings, or
    `token=await vault.read_secret_value(...)`) is sent as a header only.
    """

    transport_type = EnumInfraTransportType.CONSUL

    def __init__(self, config: ModelConsulAdapterConfig) -> None:
        self.config = config
        self._session: aiohttp.ClientSession | None = None
        self._client: ConsulClient | None = None
        self._init_guard(config.target_name, config.circuit_breaker, config.retry)

    @classmethod
    def from_settings(cls, settings: ModelOnexSettings, **overrides: object) -> Self:
        """An adapter for `settings.consul`, with any config field overridden by keyword."""
        consul = settings.consul
        base = {"host": consul.host, "port": consul.port, "token": consul.token}
        return cls(
            build_config(ModelConsulAdapterConfig, base, overrides, env_prefix="ONEX_CONSUL__")
        )

    async def start(self) -> None:
        """Create the pooled HTTP session (inside the event loop that will use it)."""
        if self._session is not None:
            return
        timeout = aiohttp.ClientTimeout(total=self.config.timeout_seconds)
        session = aiohttp.ClientSession(timeout=timeout)
        token = self.config.token.get_secret_value() if self.config.token else None
        try:
            self._client = ConsulClient(self.config.url, session, token)
        except BaseException:
            await session.close()
            raise
        self._session = session

    async def close(self) -> None:
        """Close the HTTP session; `start()` opens a new one."""
        session, self._session, self._client = self._session, None, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when the agent answers and its cluster has a leader; raise why not."""
        leader = await self._call("ping", lambda c: c.status.leader(), correlation_id)
        if not leader:
            raise InfraConnectionError(
                f"Consul at {self.config.url} answers but has no cluster leader yet",
                self._error_context("ping", correlation_id),
            )

    async def register(
        self,
        registration: ModelConsulServiceRegistration,
        *,
        correlation_id: UUID | None = None,
    ) -> None:
        """Register (or replace) a service instance with its check; meta is allow-listed."""
        check = registration.check
        await self._call(
            "register_service",
            lambda c: c.agent.service.register(
                registration.service_name,
                service_id=registration.service_id,
                address=registration.address,
                port=registration.port,
                tags=list(registration.tags),
                meta=filter_meta(registration.meta, self.config.meta_keys),
                check=check.to_consul(registration.check_id, registration.service_name)
                if check
                else None,
            ),
            correlation_id,
        )

    async def register_service(
        self,
        *,
        service_id: str,
        service_name: str,
        address: str,
        port: int,
        tags: Sequence[str] = (),
        meta: Mapping[str, str] | None = None,
        health_check_url: str | None = None,
        correlation_id: UUID | None = None,
    ) -> None:
        """Register an instance, with an HTTP check on `health_check_url` if given."""
        registration = ModelConsulServiceRegistration(
            service_id=service_id,
            service_name=service_name,
            address=address,
            port=port,
            tags=tuple(tags),
            meta=dict(meta or {}),
            check=ModelConsulCheck.http(health_check_url) if health_check_url else None,
        )
        await self.register(registration, correlation_id=correlation_id)

    async def deregister_service(
        self, service_id: str, *, correlation_id: UUID | None = None
    ) -> None:
        """Remove an instance and its checks (no error if it is already gone)."""
        await self._call(
            "deregister_service",
            lambda c: c.agent.service.deregister(service_id),
            correlation_id,
        )

    async def set_check_status(
        self,
        service_id: str,
        status: EnumConsulCheckStatus,
        *,
        note: str | None = None,
        check_id: str | None = None,
        correlation_id: UUID | None = None,
    ) -> None:
        """Report a TTL check as passing, warning or critical (this also resets its TTL)."""
        check_id = check_id or f"service:{service_id}"
        clean_note = sanitize(note) if note else None
        endpoint = _CHECK_ENDPOINTS[status]
        updated = await self._call(
            f"check_{status.value}",
            lambda c: getattr(c.agent.check, endpoint)(check_id, notes=clean_note),
            correlation_id,
        )
        if updated is not True:
            raise RuntimeHostError(
                f"Consul has no TTL check {check_id!r}; register the service with "
                "ModelConsulCheck.ttl(...) first",
                self._error_context(f"check_{status.value}", correlation_id, check_id=check_id),
                code="CONSUL_CHECK_NOT_FOUND",
            )

    async def healthy_instances(
        self, service_name: str, *, correlation_id: UUID | None = None
    ) -> list[ModelConsulServiceInstance]:
        """Instances of `service_name` whose checks all pass (`/v1/health/service`)."""
        answer = await self._call(
            "health_service",
            lambda c: c.health.service(service_name, passing=True),
            correlation_id,
            retried=True,
        )
        return _wire.health_instances(answer)

    async def catalog_instances(
        self, service_name: str, *, correlation_id: UUID | None = None
    ) -> list[ModelConsulServiceInstance]:
        """Every registered instance of `service_name`, healthy or not."""
        answer = await self._call(
            "catalog_service",
            lambda c: c.catalog.service(service_name),
            correlation_id,
            retried=True,
        )
        return _wire.catalog_instances(answer)

    async def catalog_services(self, *, correlation_id: UUID | None = None) -> dict[str, list[str]]:
        """Every service name in the catalogue with its tags."""
        answer = await self._call(
            "catalog_services", lambda c: c.catalog.services(), correlation_id, retried=True
        )
        return _wire.catalog_services(answer)

    async def list_service_ids(
        self, service_name: str, *, correlation_id: UUID | None = None
    ) -> list[str]:
        """The ids of the registered instances of `service_name`."""
        instances = await self.catalog_instances(service_name, correlation_id=correlation_id)
        return [instance.service_id for instance in instances]

    async def kv_get(self, key: str, *, correlation_id: UUID | None = None) -> bytes | None:
        """The value stored at `key`, or None when there is no such key."""
        key = key.lstrip("/")
        answer = await self._call("kv_get", lambda c: c.kv.get(key), correlation_id, retried=True)
        return _wire.kv_value(answer)

    async def kv_put(
        self, key: str, value: bytes | str, *, correlation_id: UUID | None = None
    ) -> None:
        """Store `value` at `key`, replacing what was there."""
        key = key.lstrip("/")
        await self._call("kv_put", lambda c: c.kv.put(key, value), correlation_id)

    async def kv_delete(self, key: str, *, correlation_id: UUID | None = None) -> None:
        """Delete `key` (no error if it does not exist)."""
        key = key.lstrip("/")
        await self._call("kv_delete", lambda c: c.kv.delete(key), correlation_id)

    async def _call(
        self,
        operation: str,
        request: Callable[[ConsulClient], Awaitable[object]],
        correlation_id: UUID | None,
        *,
        retried: bool = False,
    ) -> object:
        """Send one request through the breaker (and the retry policy when `retried`)."""
        client = self._client
        if client is None:
            raise RuntimeHostError(
                f"{self.target_name} is not started for {operation}; use `async with` "
                "or `await adapter.start()`",
                self._error_context(operation, correlation_id),
                code="ADAPTER_NOT_STARTED",
            )
        guard = self._retried if retried else self._guarded
        return await guard(operation, lambda: request(client), correlation_id)

    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        return translate(error, context, self.config.url)
