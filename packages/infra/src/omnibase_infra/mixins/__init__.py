"""Mixins that give adapters and nodes shared infrastructure behaviour."""

from omnibase_infra.mixins.mixin_async_circuit_breaker import MixinAsyncCircuitBreaker
from omnibase_infra.mixins.mixin_node_introspection import (
    MixinNodeIntrospection,
    with_introspection,
)

__all__ = [
    "MixinAsyncCircuitBreaker",
    "MixinNodeIntrospection",
    "with_introspection",
]
