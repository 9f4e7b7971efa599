from pydantic import BaseModel, ConfigDict, Field

from omnibase_infra.adapters.consul.model_consul_check import ModelConsulCheck

# Ids and names travel in URL paths and DNS names: keep them to a safe alphabet.
_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"


class ModelConsulServiceRegistration(BaseModel):
    """One service instance to register with the Consul agent under a stable id.

    Registering the same `service_id` again replaces the entry (no duplicate).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_id: str = Field(pattern=_NAME_PATTERN)
    service_name: str = Field(pattern=_NAME_PATTERN)
    address: str = Field(min_length=1)
    port: int = Field(ge=0, le=65535)
    tags: tuple[str, ...] = ()
    # Filtered through the adapter's allow-list before it reaches Consul.
    meta: dict[str, str] = Field(default_factory=dict)
    check: ModelConsulCheck | None = None

    @property
    def check_id(self) -> str:
        """The id of the service's check (the one `set_check_status` updates)."""
        return f"service:{self.service_id}"
