"""HTTP adapter: one external service behind httpx, timeouts, a breaker and mapped statuses.

    async with HttpAdapter.from_url("http://127.0.0.1:8080", read_timeout_seconds=5) as api:
        nodes = (await api.get("/nodes", params={"limit": 10})).json()

A 2xx response is returned; anything else is raised:

| answer                         | error                      | breaker   | retried |
|--------------------------------|----------------------------|-----------|---------|
| 401, 403                       | InfraAuthenticationError   | no        | no      |
| 408, 504, read/write timeout   | InfraTimeoutError          | counts    | no      |
| connect or pool timeout        | InfraTimeoutError          | counts    | yes     |
| 429                            | InfraUnavailableError      | no        | no      |
| other 5xx, connection lost     | InfraConnectionError       | counts    | no      |
| connection refused             | InfraConnectionError       | counts    | yes     |
| 3xx (not followed), other 4xx  | HttpStatusError            | no        | no      |

Only requests that never left the process are retried (per the adapter's retry policy).

Other 4xx are `HttpStatusError` rather than `ProtocolConfigurationError`: a 404 or 409 is
often an expected answer the caller handles (`error.status_code`), not a broken setting.
URLs in errors and in httpx's request log carry no credentials and no query values.
"""

from omnibase_infra.adapters.http._adapter import (
    CORRELATION_HEADER,
    HttpAdapter,
    QueryParams,
    RequestOptions,
)
from omnibase_infra.adapters.http._safe_url import safe_url
from omnibase_infra.adapters.http.errors import HttpStatusError
from omnibase_infra.adapters.http.model_http_adapter_config import ModelHttpAdapterConfig

__all__ = [
    "CORRELATION_HEADER",
    "HttpAdapter",
    "HttpStatusError",
    "ModelHttpAdapterConfig",
    "QueryParams",
    "RequestOptions",
    "safe_url",
]
