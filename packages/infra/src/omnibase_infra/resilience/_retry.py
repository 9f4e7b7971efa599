"""Retry transient infrastructure failures with jittered exponential backoff (tenacity inside)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

import pydantic
from omnibase_core.contracts import ModelRetryPolicy
from omnibase_core.errors import ModelOnexError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential,
    wait_random_exponential,
)

from omnibase_infra.errors import InfraUnavailableError
from omnibase_infra.observability import sanitize

T = TypeVar("T")
logger = logging.getLogger(__name__)

DEFAULT_RETRY_POLICY = ModelRetryPolicy()
DEFAULT_MAX_TOTAL_SECONDS = 60.0


def is_transient(error: BaseException) -> bool:
    """Whether another attempt may succeed: lost connections and timeouts, nothing else.

    Never transient: bad credentials, bad configuration, validation errors, and an open
    circuit breaker (`InfraUnavailableError`), which must fail fast.
    """
    if isinstance(error, InfraUnavailableError | pydantic.ValidationError):
        return False
    if isinstance(error, ModelOnexError):
        return error.transient
    return isinstance(error, ConnectionError | TimeoutError)


async def retry_async(
    call: Callable[[], Awaitable[T]],
    *,
    policy: ModelRetryPolicy = DEFAULT_RETRY_POLICY,
    max_total_seconds: float = DEFAULT_MAX_TOTAL_SECONDS,
    operation: str = "call",
    correlation_id: UUID | None = None,
    retry_if: Callable[[BaseException], bool] = is_transient,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Await `call()`, retrying it per `policy` while `retry_if(error)`; re-raise the last error.

    `policy` is the contract's retry section (attempts, exponential backoff, full jitter);
    no retry starts whose wait would end more than `max_total_seconds` after the first try.
    """

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.info(
            "Retrying %s after %s (attempt %d of %d)",
            operation,
            type(error).__name__,
            state.attempt_number,
            policy.max_attempts,
            extra={
                "operation": operation,
                "attempt": state.attempt_number,
                "error": sanitize(str(error)),
                "correlation_id": str(correlation_id) if correlation_id else None,
            },
        )

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.max_attempts) | stop_before_delay(max_total_seconds),
        wait=_wait_for(policy),
        retry=retry_if_exception(retry_if),
        before_sleep=log_retry,
        sleep=sleep,
        reraise=True,
    )

    async def attempt() -> T:
        # A named coroutine function: tenacity would treat a lambda returning an awaitable
        # as a plain function and hand back the awaitable untried.
        return await call()

    return await retrying(attempt)


def _wait_for(policy: ModelRetryPolicy) -> wait_exponential:
    """Backoff per the policy; with jitter the wait is drawn from 0 up to it (full jitter)."""
    kind = wait_random_exponential if policy.jitter else wait_exponential
    return kind(
        multiplier=policy.backoff_seconds,
        exp_base=policy.multiplier,
        max=policy.max_backoff_seconds,
    )
