"""Retry: transient failures are retried with growing, jittered waits; nothing else is."""

import asyncio
import time

import pytest
from omnibase_core.contracts import ModelRetryPolicy
from omnibase_infra.enums import EnumCircuitState
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ProtocolConfigurationError,
)
from omnibase_infra.resilience import is_transient, retry_async
from pydantic import BaseModel, ValidationError


class Flaky:
    """Fails with the given errors in turn, then returns 'ok'."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class Sleeps:
    """Records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


FAST = ModelRetryPolicy(max_attempts=4, backoff_seconds=0.1, multiplier=2.0, max_backoff_seconds=10)


def _validation_error() -> ValidationError:
    class Strict(BaseModel):
        port: int

    try:
        Strict.model_validate({"port": "not a port"})
    except ValidationError as error:
        return error
    raise AssertionError("unreachable")


async def test_transient_errors_are_retried_until_success() -> None:
    call = Flaky(InfraConnectionError("down"), InfraTimeoutError("slow"), ConnectionResetError())
    sleeps = Sleeps()
    assert await retry_async(call, policy=FAST, sleep=sleeps) == "ok"
    assert call.calls == 4


async def test_waits_grow_exponentially_without_jitter() -> None:
    policy = FAST.model_copy(update={"jitter": False})
    sleeps = Sleeps()
    await retry_async(
        Flaky(*(InfraConnectionError("down") for _ in range(3))), policy=policy, sleep=sleeps
    )
    assert sleeps.waits == pytest.approx([0.1, 0.2, 0.4])


async def test_jitter_draws_each_wait_between_zero_and_the_backoff() -> None:
    policy = ModelRetryPolicy(
        max_attempts=20, backoff_seconds=1, multiplier=1, max_backoff_seconds=1
    )
    sleeps = Sleeps()
    await retry_async(Flaky(*(TimeoutError() for _ in range(19))), policy=policy, sleep=sleeps)
    assert len(sleeps.waits) == 19
    assert all(0 <= wait <= 1 for wait in sleeps.waits)
    assert len(set(sleeps.waits)) > 1


async def test_waits_are_capped_at_max_backoff() -> None:
    policy = ModelRetryPolicy(
        max_attempts=6, backoff_seconds=1, max_backoff_seconds=2.5, jitter=False
    )
    sleeps = Sleeps()
    await retry_async(Flaky(*(TimeoutError() for _ in range(5))), policy=policy, sleep=sleeps)
    assert sleeps.waits == [1, 2, 2.5, 2.5, 2.5]


async def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    last = InfraTimeoutError("third timeout")
    call = Flaky(InfraTimeoutError("1"), InfraTimeoutError("2"), last, InfraTimeoutError("4"))
    policy = ModelRetryPolicy(max_attempts=3, backoff_seconds=0, jitter=False)
    with pytest.raises(InfraTimeoutError) as caught:
        await retry_async(call, policy=policy, sleep=Sleeps())
    assert caught.value is last
    assert call.calls == 3


async def test_total_time_is_bounded() -> None:
    # Unbounded, these 20 attempts would wait 19 x 0.1 s; the 0.25 s budget allows 2 waits.
    policy = ModelRetryPolicy(max_attempts=20, backoff_seconds=0.1, multiplier=1, jitter=False)
    call = Flaky(*(ConnectionRefusedError() for _ in range(20)))
    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        await retry_async(call, policy=policy, max_total_seconds=0.25, sleep=asyncio.sleep)
    assert time.monotonic() - started < 1.0
    assert 1 <= call.calls <= 3


@pytest.mark.parametrize(
    "error",
    [
        InfraAuthenticationError("bad credentials"),
        ProtocolConfigurationError("bad setting"),
        InfraUnavailableError("open", retry_after_seconds=5, circuit_state=EnumCircuitState.OPEN),
        _validation_error(),
        ValueError("a bug"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_non_transient_errors_fail_on_the_first_attempt(error: Exception) -> None:
    call = Flaky(error)
    sleeps = Sleeps()
    with pytest.raises(type(error)):
        await retry_async(call, policy=FAST, sleep=sleeps)
    assert call.calls == 1
    assert sleeps.waits == []


def test_is_transient_classifies_errors() -> None:
    assert is_transient(InfraConnectionError("x"))
    assert is_transient(InfraTimeoutError("x"))
    assert is_transient(TimeoutError())
    assert is_transient(ConnectionResetError())
    assert not is_transient(InfraUnavailableError("x"))
    assert not is_transient(InfraAuthenticationError("x"))
    assert not is_transient(_validation_error())


async def test_a_custom_predicate_replaces_the_default() -> None:
    call = Flaky(KeyError("cache miss"))
    result = await retry_async(
        call, policy=FAST, retry_if=lambda e: isinstance(e, KeyError), sleep=Sleeps()
    )
    assert result == "ok"


async def test_retry_logs_carry_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    call = Flaky(InfraConnectionError("x"), ConnectionError("postgresql://u:Canary3Pw@h/db"))
    with caplog.at_level("INFO", logger="omnibase_infra.resilience"):
        await retry_async(call, policy=FAST, sleep=Sleeps(), operation="query")
    assert len(caplog.records) == 2
    assert "Canary3Pw" not in caplog.text
    assert all("Canary3Pw" not in repr(vars(r)) for r in caplog.records)


async def test_a_lambda_returning_a_coroutine_is_retried_like_a_coroutine_function() -> None:
    flaky = Flaky(InfraConnectionError("refused"))
    sleeps = Sleeps()

    result = await retry_async(lambda: flaky(), policy=FAST, sleep=sleeps)

    assert result == "ok"
    assert flaky.calls == 2
