"""Models carried by infrastructure errors."""

from omnibase_infra.models.errors.model_infra_error_context import ModelInfraErrorContext

__all__ = ["ModelInfraErrorContext"]
