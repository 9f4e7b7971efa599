"""redis-py's own retry, kept to its one useful job: replacing a connection the server closed."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis import exceptions as redis_errors
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

T = TypeVar("T")

FailureCallback = Callable[[Exception], object] | Callable[[Exception, int], object]


class StaleConnectionRetry(Retry):
    """One immediate retry on a lost connection; refused credentials are never repeated.

    A pooled connection the server has closed (restart, idle timeout, CLIENT KILL) fails
    its next command; redis-py then reconnects and repeats it once. Every longer wait is
    left to the adapter's retry policy and breaker, which see each real failure.
    """

    def __init__(self) -> None:
        super().__init__(NoBackoff(), retries=1)

    async def call_with_retry(
        self,
        do: Callable[[], Awaitable[T]],
        fail: FailureCallback,
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        def retryable(error: Exception) -> bool:
            if isinstance(error, redis_errors.AuthenticationError):
                return False
            return is_retryable is None or is_retryable(error)

        return await super().call_with_retry(
            do, fail, is_retryable=retryable, with_failure_count=with_failure_count
        )
