import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, model_validator

from omnibase_core.contracts._checks import cross_check
from omnibase_core.contracts._refs import SEMVER, DottedRef
from omnibase_core.contracts.model_contract_version import ModelContractVersion
from omnibase_core.contracts.model_effect_operation import ModelEffectOperation
from omnibase_core.contracts.model_handler_routing import ModelHandlerRouting
from omnibase_core.contracts.model_message_binding import ModelMessageBinding
from omnibase_core.contracts.model_resilience_policy import ModelResiliencePolicy
from omnibase_core.contracts.model_retry_policy import ModelRetryPolicy
from omnibase_core.enums import EnumNodeKind
from omnibase_core.fsm import ModelFsmDefinition
from omnibase_core.workflow import ModelWorkflowDefinition


class ModelContract(BaseModel):
    """A node's `contract.yaml`: what it is, what it reads and writes, and how it behaves.

    Unknown keys are errors. Sections are tied to archetypes: `fsm` for reducers, `workflow`
    for orchestrators, `effects` for effect nodes; compute and reducer nodes take no
    `dependencies` (they perform no I/O).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9]*([-_][a-z0-9]+)*$")
    node_type: EnumNodeKind
    contract_version: ModelContractVersion
    node_version: str = Field(pattern=SEMVER)
    description: str = ""
    consumes: tuple[ModelMessageBinding, ...] = ()
    produces: tuple[ModelMessageBinding, ...] = ()
    handler_routing: ModelHandlerRouting | None = None
    dependencies: tuple[DottedRef, ...] = ()
    fsm: ModelFsmDefinition | None = None
    workflow: ModelWorkflowDefinition | None = None
    effects: tuple[ModelEffectOperation, ...] = ()
    resilience: ModelResiliencePolicy = ModelResiliencePolicy()

    @model_validator(mode="after")
    def _cross_check(self) -> "ModelContract":
        cross_check(self)
        return self

    @property
    def fingerprint(self) -> str:
        """`<node_version>:<first 12 hex of sha256>` of the validated contract's canonical JSON."""
        canonical = json.dumps(
            self.model_dump(mode="json", by_alias=True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return f"{self.node_version}:{digest[:12]}"

    def effect_policy(self, operation: str) -> ModelResiliencePolicy | None:
        """The timeout, retry and breaker settings of one effect operation (None: undeclared)."""
        op = next((item for item in self.effects if item.operation == operation), None)
        if op is None:
            return None
        defaults = self.resilience
        retry = op.retry or defaults.retry
        if not op.idempotent:
            retry = ModelRetryPolicy(max_attempts=1)
        return ModelResiliencePolicy(
            timeout_seconds=op.timeout_seconds or defaults.timeout_seconds,
            retry=retry,
            circuit_breaker=op.circuit_breaker or defaults.circuit_breaker,
        )
