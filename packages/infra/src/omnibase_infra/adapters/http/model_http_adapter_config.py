import httpx
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from pydantic import BaseModel, ConfigDict, Field, field_validator


class ModelHttpAdapterConfig(BaseModel):
    """One external HTTP service: where it is, how long to wait, how to back off."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Requests take paths relative to it; credentials in it become a Basic auth header.
    base_url: str = Field(repr=False)
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    read_timeout_seconds: float = Field(default=30.0, gt=0)
    write_timeout_seconds: float = Field(default=30.0, gt=0)
    # Waiting for a free pooled connection when all are busy.
    pool_timeout_seconds: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    max_keepalive_connections: int = Field(default=20, ge=0)
    # Sent with every request (an API token, for example); never shown.
    headers: dict[str, str] = Field(default_factory=dict, repr=False)
    follow_redirects: bool = False
    verify_tls: bool = True
    # What `ping()` asks for; any 2xx answer means healthy.
    health_path: str = "/health"
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy(
        threshold=5, reset_timeout_seconds=10.0
    )
    # Applied only when the connection could not be made, so the request was never sent.
    retry: ModelRetryPolicy = ModelRetryPolicy()

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        try:
            url = httpx.URL(value)
        except httpx.InvalidURL:
            raise ValueError("not a valid URL") from None
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError("must be an absolute http:// or https:// URL")
        return value

    @property
    def target_name(self) -> str:
        """`http host:port`: how errors, logs and metrics name this service."""
        url = httpx.URL(self.base_url)
        port = url.port or (443 if url.scheme == "https" else 80)
        return f"http {url.host}:{port}"
