"""What every adapter shares: calls pass its circuit breaker and fail as our errors only."""

from abc import abstractmethod
from collections.abc import Awaitable, Callable
from typing import ClassVar, TypeVar
from uuid import UUID, uuid4

from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy

from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import ModelInfraErrorContext, RuntimeHostError
from omnibase_infra.mixins import MixinAsyncCircuitBreaker
from omnibase_infra.resilience import is_transient, retry_async

T = TypeVar("T")


class GuardedAdapter(MixinAsyncCircuitBreaker):
    """Base of the adapters: one breaker per target, library errors translated to ours.

    The breaker counts only lost connections and timeouts. Any answer from the server,
    even a refusal (bad credentials, a failed query, a 404), shows it is up and closes it.
    """

    transport_type: ClassVar[EnumInfraTransportType]

    def _init_guard(
        self, target_name: str, breaker: ModelCircuitBreakerPolicy, retry: ModelRetryPolicy
    ) -> None:
        self._target_name = target_name
        self._retry_policy = retry
        self._init_circuit_breaker(
            threshold=breaker.threshold,
            reset_timeout=breaker.reset_timeout_seconds,
            service_name=target_name,
            transport_type=self.transport_type,
            half_open_max_calls=breaker.half_open_max_calls,
        )

    @property
    def target_name(self) -> str:
        """The service and address this adapter talks to, safe to show in errors and labels."""
        return self._target_name

    @property
    def circuit_state(self) -> EnumCircuitState:
        """Where this adapter's breaker stands (for `/ready`, dashboards and tests)."""
        return self._circuit_breaker_state

    @abstractmethod
    def _translate(
        self, error: Exception, context: ModelInfraErrorContext
    ) -> RuntimeHostError | None:
        """Our error for a client library's error, or None to let it pass unchanged."""

    def _error_context(
        self, operation: str, correlation_id: UUID | None, **extra: object
    ) -> ModelInfraErrorContext:
        return ModelInfraErrorContext(
            transport_type=self.transport_type,
            operation=operation,
            correlation_id=correlation_id,
            target_name=self._target_name,
            **extra,
        )

    async def _guarded(
        self,
        operation: str,
        call: Callable[[], Awaitable[T]],
        correlation_id: UUID | None = None,
    ) -> T:
        """Await `call()` if the breaker lets it through, counting the outcome."""
        # The error context (scrubbed of secrets, ~0.1-0.2 ms) is built only on failure:
        # every adapter call passes here, and most succeed.
        correlation_id = correlation_id or uuid4()
        async with self._circuit_breaker_lock:
            await self._check_circuit_breaker(operation, correlation_id)
        try:
            result = await call()
        except RuntimeHostError:
            raise  # an inner guarded call already counted it
        except Exception as error:
            translated = self._translate(error, self._error_context(operation, correlation_id))
            if translated is None:
                raise
            await self._count_outcome(translated, operation, correlation_id)
            raise translated from error
        await self._count_outcome(None, operation, correlation_id)
        return result

    async def _retried(
        self,
        operation: str,
        call: Callable[[], Awaitable[T]],
        correlation_id: UUID | None = None,
        *,
        retry_if: Callable[[BaseException], bool] = is_transient,
    ) -> T:
        """`_guarded` with the adapter's retry policy; use only where a repeat is harmless."""

        async def attempt() -> T:
            # A named coroutine function: tenacity would not await a lambda's coroutine.
            return await self._guarded(operation, call, correlation_id)

        return await retry_async(
            attempt,
            policy=self._retry_policy,
            operation=f"{self._target_name} {operation}",
            correlation_id=correlation_id,
            retry_if=retry_if,
        )

    async def _count_outcome(
        self, error: RuntimeHostError | None, operation: str, correlation_id: UUID
    ) -> None:
        async with self._circuit_breaker_lock:
            if error is not None and error.transient:
                await self._record_circuit_failure(operation, correlation_id)
            else:
                await self._reset_circuit_breaker()
