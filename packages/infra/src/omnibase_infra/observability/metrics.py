"""Prometheus metrics of the infrastructure layer, all in one registry served on `/metrics`."""

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest

from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.observability._sanitize import sanitize

__all__ = [
    "CIRCUIT_BREAKER_STATE",
    "CIRCUIT_BREAKER_TRANSITIONS",
    "CIRCUIT_STATE_VALUES",
    "METRICS_REGISTRY",
    "render_metrics",
    "safe_label",
]

# The process-wide default registry: it already carries the process and platform
# collectors, and every ONEX module registers into it.
METRICS_REGISTRY: CollectorRegistry = REGISTRY

CIRCUIT_STATE_VALUES: dict[EnumCircuitState, int] = {
    EnumCircuitState.CLOSED: 0,
    EnumCircuitState.HALF_OPEN: 1,
    EnumCircuitState.OPEN: 2,
}

CIRCUIT_BREAKER_TRANSITIONS = Counter(
    "onex_circuit_breaker_transitions",
    "Circuit breaker state changes.",
    ["service", "from_state", "to_state"],
    registry=METRICS_REGISTRY,
)
CIRCUIT_BREAKER_STATE = Gauge(
    "onex_circuit_breaker_state",
    "Current circuit breaker state: 0 closed, 1 half-open, 2 open.",
    ["service"],
    registry=METRICS_REGISTRY,
)

_MAX_LABEL_LENGTH = 120


def safe_label(value: str) -> str:
    """Make a metric label value secret-free and short (labels are never secrets)."""
    return sanitize(value)[:_MAX_LABEL_LENGTH]


def render_metrics(registry: CollectorRegistry = METRICS_REGISTRY) -> bytes:
    """The Prometheus text exposition of `registry`, ready to serve on `/metrics`."""
    return generate_latest(registry)
