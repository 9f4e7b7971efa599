"""Errors only the HTTP adapter raises (besides the shared `omnibase_infra.errors`)."""

from omnibase_infra.adapters.http.errors.http_status_error import HttpStatusError

__all__ = ["HttpStatusError"]
