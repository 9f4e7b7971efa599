"""Consul: register services with TTL/HTTP checks, query health and the catalogue, use KV.

`async with ConsulAdapter.from_settings(load_settings()) as consul:` then `await consul.register(
ModelConsulServiceRegistration(..., check=ModelConsulCheck.ttl(15)))`,
`await consul.set_check_status(service_id, EnumConsulCheckStatus.PASSING)`,
`await consul.healthy_instances(name)`. Implements `omnibase_spi.ProtocolServiceDiscovery`.
"""

from omnibase_infra.adapters.consul._adapter import ConsulAdapter
from omnibase_infra.adapters.consul._meta import (
    DEFAULT_CONSUL_META_KEYS,
    META_KEY_MAX_LENGTH,
    META_MAX_PAIRS,
    META_VALUE_MAX_BYTES,
    filter_meta,
)
from omnibase_infra.adapters.consul.enum_consul_check_status import EnumConsulCheckStatus
from omnibase_infra.adapters.consul.model_consul_adapter_config import ModelConsulAdapterConfig
from omnibase_infra.adapters.consul.model_consul_check import ModelConsulCheck
from omnibase_infra.adapters.consul.model_consul_service_instance import (
    ModelConsulServiceInstance,
)
from omnibase_infra.adapters.consul.model_consul_service_registration import (
    ModelConsulServiceRegistration,
)

__all__ = [
    "DEFAULT_CONSUL_META_KEYS",
    "META_KEY_MAX_LENGTH",
    "META_MAX_PAIRS",
    "META_VALUE_MAX_BYTES",
    "ConsulAdapter",
    "EnumConsulCheckStatus",
    "ModelConsulAdapterConfig",
    "ModelConsulCheck",
    "ModelConsulServiceInstance",
    "ModelConsulServiceRegistration",
    "filter_meta",
]
