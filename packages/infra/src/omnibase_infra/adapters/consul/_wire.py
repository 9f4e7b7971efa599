"""The shapes of Consul's JSON answers, read into our models."""

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from omnibase_infra.adapters.consul.enum_consul_check_status import EnumConsulCheckStatus
from omnibase_infra.adapters.consul.model_consul_service_instance import (
    ModelConsulServiceInstance,
)


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Node(_Wire):
    name: str = Field(alias="Node")
    address: str = Field(alias="Address")


class _Service(_Wire):
    id: str = Field(alias="ID")
    name: str = Field(alias="Service")
    address: str = Field("", alias="Address")
    port: int = Field(0, alias="Port")
    tags: list[str] | None = Field(None, alias="Tags")
    meta: dict[str, str] | None = Field(None, alias="Meta")


class _Check(_Wire):
    status: EnumConsulCheckStatus = Field(alias="Status")


class _HealthEntry(_Wire):
    node: _Node = Field(alias="Node")
    service: _Service = Field(alias="Service")
    checks: list[_Check] = Field(default_factory=list, alias="Checks")

    def to_instance(self) -> ModelConsulServiceInstance:
        return ModelConsulServiceInstance(
            service_id=self.service.id,
            service_name=self.service.name,
            address=self.service.address or self.node.address,
            port=self.service.port,
            tags=tuple(self.service.tags or ()),
            meta=self.service.meta or {},
            node=self.node.name,
            status=EnumConsulCheckStatus.worst([check.status for check in self.checks]),
        )


class _CatalogEntry(_Wire):
    node: str = Field(alias="Node")
    address: str = Field(alias="Address")
    service_id: str = Field(alias="ServiceID")
    service_name: str = Field(alias="ServiceName")
    service_address: str = Field("", alias="ServiceAddress")
    service_port: int = Field(0, alias="ServicePort")
    service_tags: list[str] | None = Field(None, alias="ServiceTags")
    service_meta: dict[str, str] | None = Field(None, alias="ServiceMeta")

    def to_instance(self) -> ModelConsulServiceInstance:
        return ModelConsulServiceInstance(
            service_id=self.service_id,
            service_name=self.service_name,
            address=self.service_address or self.address,
            port=self.service_port,
            tags=tuple(self.service_tags or ()),
            meta=self.service_meta or {},
            node=self.node,
        )


class _KeyValue(_Wire):
    value: bytes | None = Field(None, alias="Value")


_HEALTH = TypeAdapter(tuple[object, list[_HealthEntry]])
_CATALOG = TypeAdapter(tuple[object, list[_CatalogEntry] | None])
_SERVICES = TypeAdapter(tuple[object, dict[str, list[str]]])
_KV = TypeAdapter(tuple[object, _KeyValue | None])


def health_instances(answer: object) -> list[ModelConsulServiceInstance]:
    """Instances from `/v1/health/service/<name>` (python-consul2 gives `(index, entries)`)."""
    return [entry.to_instance() for entry in _HEALTH.validate_python(answer)[1]]


def catalog_instances(answer: object) -> list[ModelConsulServiceInstance]:
    """Instances from `/v1/catalog/service/<name>`."""
    return [entry.to_instance() for entry in _CATALOG.validate_python(answer)[1] or []]


def catalog_services(answer: object) -> dict[str, list[str]]:
    """Service names and their tags from `/v1/catalog/services`."""
    return _SERVICES.validate_python(answer)[1]


def kv_value(answer: object) -> bytes | None:
    """The value of a KV read, or None when the key does not exist."""
    entry = _KV.validate_python(answer)[1]
    return None if entry is None else (entry.value or b"")
