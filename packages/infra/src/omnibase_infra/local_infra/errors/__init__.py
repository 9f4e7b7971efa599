"""Errors of the local stack: one class, one clear line each."""

from omnibase_infra.local_infra.errors.local_infra_error import LocalInfraError

__all__ = ["LocalInfraError"]
