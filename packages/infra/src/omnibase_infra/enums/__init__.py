"""Enums of the infrastructure layer."""

from omnibase_infra.enums.enum_circuit_state import EnumCircuitState
from omnibase_infra.enums.enum_dispatch_status import EnumDispatchStatus
from omnibase_infra.enums.enum_infra_transport_type import EnumInfraTransportType

__all__ = [
    "EnumCircuitState",
    "EnumDispatchStatus",
    "EnumInfraTransportType",
]
