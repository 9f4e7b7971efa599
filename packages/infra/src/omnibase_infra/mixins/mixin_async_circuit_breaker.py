import asyncio
import time
from collections.abc import Callable
from uuid import UUID

from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.resilience import CircuitBreaker


class MixinAsyncCircuitBreaker:
    """Give a class a circuit breaker with the RULES.md method names; call them under the lock.

    The state lives in one composed `CircuitBreaker`; the `_circuit_breaker_*` attributes
    are read-only views of it.
    """

    _circuit_breaker: CircuitBreaker
    service_name: str

    def _init_circuit_breaker(
        self,
        threshold: int,
        reset_timeout: float,
        service_name: str,
        transport_type: EnumInfraTransportType,
        *,
        half_open_max_calls: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Set up the breaker: open after `threshold` failures, probe after `reset_timeout` s."""
        self.service_name = service_name
        self._circuit_breaker = CircuitBreaker(
            service_name=service_name,
            transport_type=transport_type,
            threshold=threshold,
            reset_timeout=reset_timeout,
            half_open_max_calls=half_open_max_calls,
            clock=clock,
        )

    @property
    def _circuit_breaker_lock(self) -> asyncio.Lock:
        return self._circuit_breaker.lock

    @property
    def _circuit_breaker_open(self) -> bool:
        return self._circuit_breaker.is_open

    @property
    def _circuit_breaker_failures(self) -> int:
        return self._circuit_breaker.failures

    @property
    def _circuit_breaker_open_until(self) -> float:
        return self._circuit_breaker.open_until

    @property
    def _circuit_breaker_state(self) -> EnumCircuitState:
        return self._circuit_breaker.state

    async def _check_circuit_breaker(
        self, operation: str, correlation_id: UUID | None = None
    ) -> None:
        """Raise `InfraUnavailableError` if the circuit refuses this call."""
        self._circuit_breaker.check(operation, correlation_id)

    async def _record_circuit_failure(
        self, operation: str, correlation_id: UUID | None = None
    ) -> None:
        """Count a failed call (may open the circuit)."""
        self._circuit_breaker.record_failure(operation, correlation_id)

    async def _reset_circuit_breaker(self) -> None:
        """Record a successful call: failures forgotten, circuit closed."""
        self._circuit_breaker.reset()
