from pydantic import BaseModel, ConfigDict, model_validator

from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.fsm._paths import check_path
from omnibase_core.fsm.enum_fsm_guard_op import EnumFsmGuardOp

_UNARY = frozenset({EnumFsmGuardOp.IS_NULL, EnumFsmGuardOp.NOT_NULL})
_MEMBERSHIP = frozenset({EnumFsmGuardOp.IN, EnumFsmGuardOp.NOT_IN})


class ModelFsmGuard(BaseModel):
    """A condition on one event or state field: `field op value` (or `op value_from`).

    `value` is a literal; `value_from` is another field path, for comparisons such as
    `event.payload.sequence gt state.data.last_sequence`. `is_null`/`not_null` take no operand.
    A comparison that cannot be made (missing field, None, mismatched types) is false.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    op: EnumFsmGuardOp
    value: object = None
    value_from: str | None = None

    @model_validator(mode="after")
    def _check(self) -> "ModelFsmGuard":
        for name, path in (("field", self.field), ("value_from", self.value_from)):
            problem = check_path(path) if path is not None else None
            if problem:
                raise ContractFieldError((name,), problem)
        has_operand = "value" in self.model_fields_set or self.value_from is not None
        if self.op in _UNARY and has_operand:
            raise ContractFieldError(("op",), f"'{self.op}' takes no value or value_from")
        if self.op not in _UNARY and not has_operand:
            raise ContractFieldError(("value",), f"'{self.op}' needs a value or value_from")
        if "value" in self.model_fields_set and self.value_from is not None:
            raise ContractFieldError(("value_from",), "give either value or value_from, not both")
        if self.op in _MEMBERSHIP and self.value_from is None and not isinstance(self.value, list):
            raise ContractFieldError(("value",), f"'{self.op}' needs a list value")
        return self
