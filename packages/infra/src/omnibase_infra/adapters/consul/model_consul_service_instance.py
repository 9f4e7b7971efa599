from pydantic import BaseModel, ConfigDict, Field

from omnibase_infra.adapters.consul.enum_consul_check_status import EnumConsulCheckStatus


class ModelConsulServiceInstance(BaseModel):
    """A registered service instance as Consul reports it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_id: str
    service_name: str
    address: str
    port: int
    tags: tuple[str, ...] = ()
    meta: dict[str, str] = Field(default_factory=dict)
    node: str
    # The worst of its checks; None when read from the catalogue, which carries no health.
    status: EnumConsulCheckStatus | None = None
