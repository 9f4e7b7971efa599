"""A circuit breaker for calls to one external service: CLOSED -> OPEN -> HALF_OPEN -> CLOSED."""

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Self
from uuid import UUID

from omnibase_core.contracts import ModelCircuitBreakerPolicy

from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import (
    InfraUnavailableError,
    ModelInfraErrorContext,
    ProtocolConfigurationError,
)
from omnibase_infra.observability.metrics import (
    CIRCUIT_BREAKER_STATE,
    CIRCUIT_BREAKER_TRANSITIONS,
    CIRCUIT_STATE_VALUES,
    safe_label,
)

logger = logging.getLogger(__name__)

# While a trial call is in flight, other callers are told to come back after this long.
_TRIAL_RETRY_AFTER_SECONDS = 1.0


class CircuitBreaker:
    """Counts consecutive failures and refuses calls for a while once there are too many.

    After `threshold` consecutive failures the circuit opens for `reset_timeout` seconds;
    then up to `half_open_max_calls` trial calls pass. A trial failure re-opens it at once,
    a success closes it. The methods never await, so each runs atomically on the event
    loop; `lock` lets callers group a check and a read (the RULES.md usage pattern).
    """

    def __init__(
        self,
        *,
        service_name: str,
        transport_type: EnumInfraTransportType,
        threshold: int = 5,
        reset_timeout: float = 60.0,
        half_open_max_calls: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _require(threshold >= 1, "threshold", threshold, "at least 1 failure")
        _require(reset_timeout > 0, "reset_timeout", reset_timeout, "more than 0 seconds")
        _require(half_open_max_calls >= 1, "half_open_max_calls", half_open_max_calls, "at least 1")
        self.service_name = service_name
        self.transport_type = transport_type
        self.threshold = threshold
        self.reset_timeout = reset_timeout
        self.half_open_max_calls = half_open_max_calls
        self.lock = asyncio.Lock()
        self.state = EnumCircuitState.CLOSED
        self.failures = 0
        self.open_until = 0.0
        self._clock = clock
        self._trial_calls = 0
        self._trials_started_at = 0.0
        self._label = safe_label(service_name)
        CIRCUIT_BREAKER_STATE.labels(service=self._label).set(CIRCUIT_STATE_VALUES[self.state])

    @classmethod
    def from_policy(
        cls,
        policy: ModelCircuitBreakerPolicy,
        *,
        service_name: str,
        transport_type: EnumInfraTransportType,
        clock: Callable[[], float] = time.monotonic,
    ) -> Self:
        """A breaker with the settings of a contract's `circuit_breaker` section."""
        return cls(
            service_name=service_name,
            transport_type=transport_type,
            threshold=policy.threshold,
            reset_timeout=policy.reset_timeout_seconds,
            half_open_max_calls=policy.half_open_max_calls,
            clock=clock,
        )

    @property
    def is_open(self) -> bool:
        """True while calls are restricted (OPEN, or HALF_OPEN probing)."""
        return self.state is not EnumCircuitState.CLOSED

    def check(self, operation: str, correlation_id: UUID | None = None) -> None:
        """Let a call through, or raise `InfraUnavailableError` saying when to come back."""
        if self.state is EnumCircuitState.CLOSED:
            return
        now = self._clock()
        if self.state is EnumCircuitState.OPEN:
            if now < self.open_until:
                raise self._unavailable(operation, correlation_id, self.open_until - now)
            self._move_to(EnumCircuitState.HALF_OPEN, correlation_id)
        if now - self._trials_started_at >= self.reset_timeout:
            # Trials that never reported back (cancelled callers) must not wedge the circuit.
            self._trial_calls = 0
            self._trials_started_at = now
        if self._trial_calls >= self.half_open_max_calls:
            retry_after = min(_TRIAL_RETRY_AFTER_SECONDS, self.reset_timeout)
            raise self._unavailable(operation, correlation_id, retry_after)
        self._trial_calls += 1

    def record_failure(self, operation: str, correlation_id: UUID | None = None) -> None:
        """Count a failed call; open the circuit at the threshold or on a failed trial."""
        self.failures += 1
        if self.state is EnumCircuitState.HALF_OPEN or (
            self.state is EnumCircuitState.CLOSED and self.failures >= self.threshold
        ):
            self.open_until = self._clock() + self.reset_timeout
            self._move_to(EnumCircuitState.OPEN, correlation_id, operation=operation)

    def reset(self, correlation_id: UUID | None = None) -> None:
        """Record a success: forget the failures and close the circuit."""
        self.failures = 0
        self._trial_calls = 0
        if self.state is not EnumCircuitState.CLOSED:
            self._move_to(EnumCircuitState.CLOSED, correlation_id)

    def _move_to(
        self,
        new_state: EnumCircuitState,
        correlation_id: UUID | None,
        operation: str | None = None,
    ) -> None:
        old_state, self.state = self.state, new_state
        if new_state is EnumCircuitState.HALF_OPEN:
            self._trial_calls = 0
            self._trials_started_at = self._clock()
        CIRCUIT_BREAKER_TRANSITIONS.labels(
            service=self._label, from_state=old_state.value, to_state=new_state.value
        ).inc()
        CIRCUIT_BREAKER_STATE.labels(service=self._label).set(CIRCUIT_STATE_VALUES[new_state])
        logger.log(
            logging.WARNING if new_state is EnumCircuitState.OPEN else logging.INFO,
            "Circuit breaker for %s: %s -> %s",
            self._label,
            old_state.value,
            new_state.value,
            extra={
                "service_name": self._label,
                "from_state": old_state.value,
                "to_state": new_state.value,
                "failure_count": self.failures,
                "operation": operation,
                "correlation_id": str(correlation_id) if correlation_id else None,
            },
        )

    def _unavailable(
        self, operation: str, correlation_id: UUID | None, retry_after: float
    ) -> InfraUnavailableError:
        context = ModelInfraErrorContext(
            transport_type=self.transport_type,
            operation=operation,
            correlation_id=correlation_id,
            target_name=self.service_name,
        )
        return InfraUnavailableError(
            f"{self.service_name} is unavailable (circuit {self.state.value}); "
            f"retry in {retry_after:.1f}s",
            context,
            retry_after_seconds=max(retry_after, 0.001),
            circuit_state=self.state,
        )


def _require(ok: bool, name: str, value: object, expected: str) -> None:
    if not ok:
        raise ProtocolConfigurationError(
            f"circuit breaker setting {name}={value!r} is invalid: use {expected}",
            setting=name,
        )
