from typing import Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator


def _duration(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


class ModelConsulCheck(BaseModel):
    """A health check Consul keeps for a service: a TTL the service refreshes, or a URL it polls.

    Build one with `ModelConsulCheck.ttl(15)` or `ModelConsulCheck.http("http://host:port/health")`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ttl_seconds: float | None = Field(default=None, gt=0)
    http_url: HttpUrl | None = None
    interval_seconds: float = Field(default=10.0, gt=0)
    timeout_seconds: float = Field(default=5.0, gt=0)
    # Consul removes a service whose check stays critical this long (it rounds up to 1 minute).
    deregister_critical_after_seconds: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Self:
        if (self.ttl_seconds is None) == (self.http_url is None):
            raise ValueError("a Consul check needs exactly one of ttl_seconds or http_url")
        return self

    @classmethod
    def ttl(cls, seconds: float, *, deregister_after: float | None = None) -> Self:
        """A check that turns critical unless the service reports within `seconds`."""
        return cls(ttl_seconds=seconds, deregister_critical_after_seconds=deregister_after)

    @classmethod
    def http(
        cls,
        url: str,
        *,
        interval: float = 10.0,
        timeout: float = 5.0,
        deregister_after: float | None = None,
    ) -> Self:
        """A check that passes while GET `url` answers 2xx (Consul polls it every `interval`)."""
        return cls.model_validate(
            {
                "http_url": url,
                "interval_seconds": interval,
                "timeout_seconds": timeout,
                "deregister_critical_after_seconds": deregister_after,
            }
        )

    def to_consul(self, check_id: str, name: str) -> dict[str, object]:
        """The check definition as Consul's agent API expects it."""
        definition: dict[str, object] = {"CheckID": check_id, "Name": name}
        if self.ttl_seconds is not None:
            definition["TTL"] = _duration(self.ttl_seconds)
        else:
            definition["HTTP"] = str(self.http_url)
            definition["Interval"] = _duration(self.interval_seconds)
            definition["Timeout"] = _duration(self.timeout_seconds)
        if self.deregister_critical_after_seconds is not None:
            after = _duration(self.deregister_critical_after_seconds)
            definition["DeregisterCriticalServiceAfter"] = after
        return definition
