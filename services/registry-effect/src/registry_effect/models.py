"""The messages the effect's contract names."""

from omnibase_core.models.generated import ModelConsulRegistrationResult

__all__ = ["ModelConsulRegistrationResult"]
