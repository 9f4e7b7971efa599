"""Results of routing messages to dispatchers."""

from omnibase_infra.models.dispatch.model_dispatch_report import ModelDispatchReport
from omnibase_infra.models.dispatch.model_dispatch_result import ModelDispatchResult

__all__ = ["ModelDispatchReport", "ModelDispatchResult"]
