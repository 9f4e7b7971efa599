"""Errors only the PostgreSQL adapter raises (besides the shared `omnibase_infra.errors`)."""

from omnibase_infra.adapters.postgres.errors.postgres_query_error import PostgresQueryError

__all__ = ["PostgresQueryError"]
