from uuid import UUID

from omnibase_core.errors.model_contract_issue import ModelContractIssue
from omnibase_core.errors.model_onex_error import ModelOnexError


class ContractValidationError(ModelOnexError):
    """A contract was rejected; `issues` lists every problem found, each with file and line."""

    default_code = "ONEX_CONTRACT_INVALID"

    def __init__(
        self,
        issues: list[ModelContractIssue],
        *,
        correlation_id: UUID | None = None,
    ) -> None:
        self.issues = list(issues)
        count = len(self.issues)
        heading = f"{count} problem{'s' if count != 1 else ''} in contract"
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(
            f"{heading}:\n{lines}",
            correlation_id=correlation_id,
            context={"files": sorted({issue.file for issue in self.issues}), "count": count},
        )
