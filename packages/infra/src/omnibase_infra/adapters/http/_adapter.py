"""One external HTTP service behind a pooled httpx client, timeouts and a circuit breaker."""

from collections.abc import Mapping
from typing import Self, TypedDict, Unpack
from uuid import UUID, uuid4

import httpx

from omnibase_infra.adapters._config import build_config
from omnibase_infra.adapters._guard import GuardedAdapter
from omnibase_infra.adapters.http._safe_url import scrub_httpx_log
from omnibase_infra.adapters.http._translate import (
    raise_for_status,
    translate_http_error,
    was_not_sent,
)
from omnibase_infra.adapters.http.model_http_adapter_config import ModelHttpAdapterConfig
from omnibase_infra.enums import EnumInfraTransportType
from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError

CORRELATION_HEADER = "X-Correlation-ID"

QueryParams = Mapping[str, str | int | float | bool]


class RequestOptions(TypedDict, total=False):
    """What one request may carry besides its method and URL."""

    params: QueryParams
    json: object
    content: bytes | str
    headers: Mapping[str, str]
    timeout_seconds: float
    correlation_id: UUID | None


class HttpAdapter(GuardedAdapter):
    """Requests to one HTTP service; any non-2xx answer is raised as an ONEX error.

    Every request carries `X-Correlation-ID`. A request is repeated (per the retry policy)
    only when the connection could not be made, so it was never sent.
    """

    transport_type = EnumInfraTransportType.HTTP

    def __init__(self, config: ModelHttpAdapterConfig) -> None:
        self.config = config
        self._client: httpx.AsyncClient | None = None
        self._init_guard(config.target_name, config.circuit_breaker, config.retry)
        scrub_httpx_log()

    @classmethod
    def from_url(cls, base_url: str, **overrides: object) -> Self:
        """An adapter for the service at `base_url`, with any config field overridden."""
        config = build_config(
            ModelHttpAdapterConfig, {"base_url": base_url}, overrides, env_prefix="ONEX_"
        )
        return cls(config)

    async def __aenter__(self) -> Self:
        self._http()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every pooled connection."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def ping(self, *, correlation_id: UUID | None = None) -> None:
        """Return when `health_path` answers 2xx; raise the reason otherwise."""
        await self.request(
            "GET",
            self.config.health_path,
            timeout_seconds=self.config.connect_timeout_seconds,
            correlation_id=correlation_id,
        )

    async def request(
        self, method: str, url: str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """Send one request (`url` relative to `base_url`) and return its 2xx response."""
        correlation_id = options.get("correlation_id") or uuid4()
        client = self._http()

        async def send() -> httpx.Response:
            request = client.build_request(
                method,
                url,
                params=options.get("params"),
                json=options.get("json"),
                content=options.get("content"),
                headers={**options.get("headers", {}), CORRELATION_HEADER: str(correlation_id)},
                timeout=self._timeout(options.get("timeout_seconds")),
            )
            response = await client.send(request)
            raise_for_status(response)
            return response

        return await self._retried(method.lower(), send, correlation_id, retry_if=was_not_sent)

    async def get(self, url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """`request("GET", url, ...)`."""
        return await self.request("GET", url, **options)

    async def post(self, url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """`request("POST", url, ...)`."""
        return await self.request("POST", url, **options)

    async def put(self, url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """`request("PUT", url, ...)`."""
        return await self.request("PUT", url, **options)

    async def delete(self, url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """`request("DELETE", url, ...)`."""
        return await self.request("DELETE", url, **options)

    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        return translate_http_error(error, context)

    def _timeout(self, total: float | None) -> httpx.Timeout:
        config = self.config
        if total is not None:
            return httpx.Timeout(total, pool=config.pool_timeout_seconds)
        return httpx.Timeout(
            connect=config.connect_timeout_seconds,
            read=config.read_timeout_seconds,
            write=config.write_timeout_seconds,
            pool=config.pool_timeout_seconds,
        )

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            config = self.config
            base_url = httpx.URL(config.base_url)
            auth = None
            if base_url.userinfo:
                # Credentials go in a header, so the URL httpx logs and reports carries none.
                auth = httpx.BasicAuth(base_url.username, base_url.password)
                base_url = base_url.copy_with(userinfo=b"")
            self._client = httpx.AsyncClient(
                base_url=base_url,
                auth=auth,
                headers=config.headers,
                timeout=self._timeout(None),
                limits=httpx.Limits(
                    max_connections=config.max_connections,
                    max_keepalive_connections=config.max_keepalive_connections,
                ),
                follow_redirects=config.follow_redirects,
                verify=config.verify_tls,
            )
        return self._client
