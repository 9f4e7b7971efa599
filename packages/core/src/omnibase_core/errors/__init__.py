"""The ONEX error base every package's errors derive from."""

from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.errors.model_onex_error import ModelOnexError

__all__ = ["ContractFieldError", "ModelOnexError"]
