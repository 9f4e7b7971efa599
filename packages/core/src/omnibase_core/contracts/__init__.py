"""The contract.yaml schema, its loader, JSON Schema export and fingerprint."""

from omnibase_core.contracts._loader import check_contracts, load_contract
from omnibase_core.contracts._schema import (
    contract_json_schema,
    render_contract_schema,
    write_contract_schema,
)
from omnibase_core.contracts.model_circuit_breaker_policy import ModelCircuitBreakerPolicy
from omnibase_core.contracts.model_contract import ModelContract
from omnibase_core.contracts.model_contract_version import ModelContractVersion
from omnibase_core.contracts.model_effect_operation import ModelEffectOperation
from omnibase_core.contracts.model_handler_route import ModelHandlerRoute
from omnibase_core.contracts.model_handler_routing import ModelHandlerRouting
from omnibase_core.contracts.model_message_binding import ModelMessageBinding
from omnibase_core.contracts.model_resilience_policy import ModelResiliencePolicy
from omnibase_core.contracts.model_retry_policy import ModelRetryPolicy

__all__ = [
    "ModelCircuitBreakerPolicy",
    "ModelContract",
    "ModelContractVersion",
    "ModelEffectOperation",
    "ModelHandlerRoute",
    "ModelHandlerRouting",
    "ModelMessageBinding",
    "ModelResiliencePolicy",
    "ModelRetryPolicy",
    "check_contracts",
    "contract_json_schema",
    "load_contract",
    "render_contract_schema",
    "write_contract_schema",
]
