"""Errors of the registration store (besides the shared `omnibase_infra.errors`)."""

from omnibase_infra.registration.errors.projection_conflict_error import ProjectionConflictError

__all__ = ["ProjectionConflictError"]
