"""The Consul adapter: service registration, TTL/HTTP checks, health and catalogue, KV."""

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Self
from uuid import UUID

import aiohttp
from pydantic import SecretStr

from omnibase_infra.adapters.consul import _wire
from omnibase_infra.adapters.consul._errors import is_outage, translate
from omnibase_infra.adapters.consul._meta import (
    DEFAULT_CONSUL_META_KEYS,
    filter_meta,
    meta_allow_list,
)
from omnibase_infra.adapters.consul._transport import ConsulClient
from omnibase_infra.adapters.consul.enum_consul_check_status import EnumConsulCheckStatus
from omnibase_infra.adapters.consul.model_consul_check import ModelConsulCheck
from omnibase_infra.adapters.consul.model_consul_service_instance import (
    ModelConsulServiceInstance,
)
from omnibase_infra.adapters.consul.model_consul_service_registration import (
    ModelConsulServiceRegistration,
)
from omnibase_infra.config import ModelConsulSettings
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import (
    ModelInfraErrorContext,
    ProtocolConfigurationError,
    RuntimeHostError,
)
from omnibase_infra.mixins import MixinAsyncCircuitBreaker
from omnibase_infra.observability import sanitize

_CONSUL = EnumInfraTransportType.CONSUL
_CHECK_ENDPOINTS = {
    EnumConsulCheckStatus.PASSING: "ttl_pass",
    EnumConsulCheckStatus.WARNING: "ttl_warn",
    EnumConsulCheckStatus.CRITICAL: "ttl_fail",
}


class ConsulAdapter(MixinAsyncCircuitBreaker):
    """Registers services with a Consul agent and reads health, the catalogue and KV.

    Use it as `async with ConsulAdapter(settings.consul) as consul: ...`. Every call has a
    total timeout and goes through the adapter's circuit breaker; failures surface as
    `InfraConnectionError`, `InfraTimeoutError`, `InfraAuthenticationError` or, while the
    breaker is open, `InfraUnavailableError`. The ACL token is sent as a header only.
    """

    def __init__(
        self,
        settings: ModelConsulSettings,
        *,
        token: SecretStr | None = None,
        timeout_seconds: float = 5.0,
        meta_keys: Iterable[str] = DEFAULT_CONSUL_META_KEYS,
        breaker_threshold: int = 5,
        breaker_reset_seconds: float = 30.0,
    ) -> None:
        if timeout_seconds <= 0:
            raise ProtocolConfigurationError(
                f"Consul timeout_seconds={timeout_seconds} is invalid: use more than 0",
                setting="timeout_seconds",
            )
        self.settings = settings
        self.meta_keys = meta_allow_list(meta_keys)
        self._token = token or settings.token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._client: ConsulClient | None = None
        self._init_circuit_breaker(
            threshold=breaker_threshold,
            reset_timeout=breaker_reset_seconds,
            service_name=f"consul@{settings.host}:{settings.port}",
            transport_type=_CONSUL,
        )

    async def open(self) -> None:
        """Create the pooled HTTP session (must run inside the event loop that will use it)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            token = self._token.get_secret_value() if self._token else None
            self._client = ConsulClient(self.settings.url, self._session, token)

    async def close(self) -> None:
        """Close the HTTP session; the adapter can be opened again afterwards."""
        session, self._session, self._client = self._session, None, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def ping(self, *, correlation_id: UUID | None = None) -> bool:
        """True when the agent answers and its cluster has a leader."""
        try:
            leader = await self._call("ping", lambda c: c.status.leader(), correlation_id)
        except RuntimeHostError:
            return False
        return isinstance(leader, str) and leader != ""

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
                meta=filter_meta(registration.meta, self.meta_keys),
                check=check.to_consul(registration.check_id, registration.service_name)
                if check
                else None,
            ),
            correlation_id,
            target=registration.service_id,
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
            target=service_id,
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
            target=check_id,
        )
        if updated is not True:
            raise RuntimeHostError(
                f"Consul has no TTL check {check_id!r}; register the service with "
                "ModelConsulCheck.ttl(...) first",
                self._context(f"check_{status.value}", correlation_id, check_id),
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
            target=service_name,
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
            target=service_name,
        )
        return _wire.catalog_instances(answer)

    async def catalog_services(self, *, correlation_id: UUID | None = None) -> dict[str, list[str]]:
        """Every service name in the catalogue with its tags."""
        answer = await self._call(
            "catalog_services", lambda c: c.catalog.services(), correlation_id
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
        answer = await self._call("kv_get", lambda c: c.kv.get(key), correlation_id, target=key)
        return _wire.kv_value(answer)

    async def kv_put(
        self, key: str, value: bytes | str, *, correlation_id: UUID | None = None
    ) -> None:
        """Store `value` at `key`, replacing what was there."""
        key = key.lstrip("/")
        await self._call("kv_put", lambda c: c.kv.put(key, value), correlation_id, target=key)

    async def kv_delete(self, key: str, *, correlation_id: UUID | None = None) -> None:
        """Delete `key` (no error if it does not exist)."""
        key = key.lstrip("/")
        await self._call("kv_delete", lambda c: c.kv.delete(key), correlation_id, target=key)

    async def _call(
        self,
        operation: str,
        request: Callable[[ConsulClient], Awaitable[object]],
        correlation_id: UUID | None,
        *,
        target: str | None = None,
    ) -> object:
        """Run one Consul request through the breaker; translate whatever goes wrong."""
        client = self._require_client(operation, correlation_id)
        async with self._circuit_breaker_lock:
            await self._check_circuit_breaker(operation, correlation_id)
        try:
            answer = await request(client)
        except Exception as error:
            async with self._circuit_breaker_lock:
                if is_outage(error):
                    await self._record_circuit_failure(operation, correlation_id)
                else:
                    await self._reset_circuit_breaker()
            context = self._context(operation, correlation_id, target)
            raise translate(error, context, self.settings.url) from error
        async with self._circuit_breaker_lock:
            await self._reset_circuit_breaker()
        return answer

    def _require_client(self, operation: str, correlation_id: UUID | None) -> ConsulClient:
        if self._client is None:
            raise RuntimeHostError(
                f"ConsulAdapter is not open for {operation}; use `async with ConsulAdapter(...)`",
                self._context(operation, correlation_id),
                code="ADAPTER_NOT_OPEN",
            )
        return self._client

    def _context(
        self, operation: str, correlation_id: UUID | None, target: str | None = None
    ) -> ModelInfraErrorContext:
        return ModelInfraErrorContext(
            transport_type=_CONSUL,
            operation=operation,
            correlation_id=correlation_id,
            target_name=target or self.service_name,
        )
