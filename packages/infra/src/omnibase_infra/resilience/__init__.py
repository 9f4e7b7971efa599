"""Resilience for calls to external services: a circuit breaker and bounded retry.

Retry policies are the contract's `omnibase_core.contracts.ModelRetryPolicy`.
"""

from omnibase_infra.resilience._circuit_breaker import CircuitBreaker
from omnibase_infra.resilience._retry import (
    DEFAULT_MAX_TOTAL_SECONDS,
    DEFAULT_RETRY_POLICY,
    is_transient,
    retry_async,
)

__all__ = [
    "DEFAULT_MAX_TOTAL_SECONDS",
    "DEFAULT_RETRY_POLICY",
    "CircuitBreaker",
    "is_transient",
    "retry_async",
]
