"""Resilience for calls to external services: a circuit breaker and bounded retry."""

from omnibase_infra.resilience._circuit_breaker import CircuitBreaker
from omnibase_infra.resilience._retry import DEFAULT_RETRY_POLICY, is_transient, retry_async
from omnibase_infra.resilience.model_retry_policy import ModelRetryPolicy

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "CircuitBreaker",
    "ModelRetryPolicy",
    "is_transient",
    "retry_async",
]
