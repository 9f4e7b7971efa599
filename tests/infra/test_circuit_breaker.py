"""The circuit breaker: opens at the threshold, probes in HALF_OPEN, closes on success."""

import logging
from uuid import uuid4

import pytest
from omnibase_core.contracts import ModelCircuitBreakerPolicy
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import InfraUnavailableError, ProtocolConfigurationError
from omnibase_infra.mixins import MixinAsyncCircuitBreaker
from omnibase_infra.observability import render_metrics
from omnibase_infra.resilience import CircuitBreaker
from prometheus_client import REGISTRY


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_breaker(
    clock: FakeClock, *, threshold: int = 3, half_open_max_calls: int = 1, name: str = ""
) -> CircuitBreaker:
    return CircuitBreaker(
        service_name=name or f"svc-{uuid4().hex[:8]}",
        transport_type=EnumInfraTransportType.HTTP,
        threshold=threshold,
        reset_timeout=30.0,
        half_open_max_calls=half_open_max_calls,
        clock=clock,
    )


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.check("call")
        breaker.record_failure("call")


def test_breaker_stays_closed_below_the_threshold() -> None:
    breaker = make_breaker(FakeClock())
    fail(breaker, 2)
    breaker.check("call")
    assert breaker.state is EnumCircuitState.CLOSED
    assert breaker.failures == 2


def test_success_forgets_earlier_failures() -> None:
    breaker = make_breaker(FakeClock())
    fail(breaker, 2)
    breaker.reset()
    fail(breaker, 2)
    assert breaker.state is EnumCircuitState.CLOSED


def test_breaker_opens_at_the_threshold_and_refuses_calls_with_context() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock, name="payments")
    fail(breaker, 3)
    assert breaker.state is EnumCircuitState.OPEN
    assert breaker.open_until == clock.now + 30.0
    clock.now += 10.0
    correlation_id = uuid4()
    with pytest.raises(InfraUnavailableError) as caught:
        breaker.check("charge", correlation_id)
    error = caught.value
    assert error.circuit_state is EnumCircuitState.OPEN
    assert error.retry_after_seconds == pytest.approx(20.0)
    assert error.correlation_id == correlation_id
    assert error.infra_context.operation == "charge"
    assert error.infra_context.target_name == "payments"
    assert error.infra_context.transport_type is EnumInfraTransportType.HTTP


def test_after_reset_timeout_only_the_allowed_trial_calls_pass() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock, half_open_max_calls=2)
    fail(breaker, 3)
    clock.now += 30.0
    breaker.check("trial-1")
    breaker.check("trial-2")
    assert breaker.state is EnumCircuitState.HALF_OPEN
    with pytest.raises(InfraUnavailableError) as caught:
        breaker.check("third")
    assert caught.value.circuit_state is EnumCircuitState.HALF_OPEN
    assert caught.value.retry_after_seconds is not None
    assert caught.value.retry_after_seconds > 0


def test_one_failed_trial_reopens_at_once() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.now += 30.0
    breaker.check("trial")
    breaker.record_failure("trial")
    assert breaker.state is EnumCircuitState.OPEN
    assert breaker.open_until == clock.now + 30.0
    with pytest.raises(InfraUnavailableError):
        breaker.check("again")


def test_successful_trial_closes_the_circuit() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.now += 30.0
    breaker.check("trial")
    breaker.reset()
    assert breaker.state is EnumCircuitState.CLOSED
    assert breaker.failures == 0
    for _ in range(5):
        breaker.check("normal")


def test_a_trial_that_never_reports_back_does_not_wedge_the_circuit() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.now += 30.0
    breaker.check("lost-trial")  # its caller is cancelled and never records an outcome
    with pytest.raises(InfraUnavailableError):
        breaker.check("waiting")
    clock.now += 30.0
    breaker.check("next-trial")


@pytest.mark.parametrize(
    ("setting", "value"), [("threshold", 0), ("reset_timeout", 0.0), ("half_open_max_calls", 0)]
)
def test_invalid_settings_are_a_configuration_error_naming_the_setting(
    setting: str, value: float
) -> None:
    kwargs: dict[str, float] = {"threshold": 3, "reset_timeout": 1.0, "half_open_max_calls": 1}
    kwargs[setting] = value
    with pytest.raises(ProtocolConfigurationError, match=setting):
        CircuitBreaker(
            service_name="x",
            transport_type=EnumInfraTransportType.HTTP,
            threshold=int(kwargs["threshold"]),
            reset_timeout=kwargs["reset_timeout"],
            half_open_max_calls=int(kwargs["half_open_max_calls"]),
        )


def test_a_breaker_can_be_built_from_a_contract_policy() -> None:
    clock = FakeClock()
    policy = ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=7, half_open_max_calls=2)
    breaker = CircuitBreaker.from_policy(
        policy, service_name="vault", transport_type=EnumInfraTransportType.VAULT, clock=clock
    )
    fail(breaker, 2)
    assert breaker.open_until == clock.now + 7
    clock.now += 7
    breaker.check("trial-1")
    breaker.check("trial-2")
    with pytest.raises(InfraUnavailableError):
        breaker.check("trial-3")


def _transitions(service: str, from_state: str, to_state: str) -> float:
    value = REGISTRY.get_sample_value(
        "onex_circuit_breaker_transitions_total",
        {"service": service, "from_state": from_state, "to_state": to_state},
    )
    return value or 0.0


def test_transitions_are_counted_and_state_is_a_gauge() -> None:
    clock = FakeClock()
    name = f"metrics-{uuid4().hex[:8]}"
    breaker = make_breaker(clock, name=name)
    fail(breaker, 3)
    clock.now += 30.0
    breaker.check("trial")
    assert REGISTRY.get_sample_value("onex_circuit_breaker_state", {"service": name}) == 1
    breaker.reset()
    assert _transitions(name, "closed", "open") == 1
    assert _transitions(name, "open", "half_open") == 1
    assert _transitions(name, "half_open", "closed") == 1
    assert REGISTRY.get_sample_value("onex_circuit_breaker_state", {"service": name}) == 0
    assert f'onex_circuit_breaker_state{{service="{name}"}} 0.0' in render_metrics().decode()


def test_metric_labels_and_logs_never_carry_secrets(caplog: pytest.LogCaptureFixture) -> None:
    breaker = make_breaker(FakeClock(), name="postgresql://onex:Canary5Pw@db:5432/x")
    with caplog.at_level(logging.INFO, logger="omnibase_infra.resilience"):
        fail(breaker, 3)
    assert breaker.state is EnumCircuitState.OPEN
    assert "Canary5Pw" not in render_metrics().decode()
    assert caplog.records
    for record in caplog.records:
        assert "Canary5Pw" not in record.getMessage()
        assert "Canary5Pw" not in repr(vars(record))


def test_transitions_are_logged_with_the_correlation_id(caplog: pytest.LogCaptureFixture) -> None:
    breaker = make_breaker(FakeClock(), name="logged-svc")
    correlation_id = uuid4()
    with caplog.at_level(logging.INFO, logger="omnibase_infra.resilience"):
        for _ in range(3):
            breaker.check("query", correlation_id)
            breaker.record_failure("query", correlation_id)
    [record] = [r for r in caplog.records if "logged-svc" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert record.__dict__["correlation_id"] == str(correlation_id)
    assert record.__dict__["to_state"] == "open"
    assert record.__dict__["failure_count"] == 3


class Adapter(MixinAsyncCircuitBreaker):
    def __init__(self, clock: FakeClock) -> None:
        self._init_circuit_breaker(
            threshold=2,
            reset_timeout=5.0,
            service_name="adapter",
            transport_type=EnumInfraTransportType.CONSUL,
            clock=clock,
        )


async def test_mixin_attributes_mirror_the_breaker_under_the_lock() -> None:
    clock = FakeClock()
    adapter = Adapter(clock)
    correlation_id = uuid4()
    async with adapter._circuit_breaker_lock:
        await adapter._check_circuit_breaker("connect", correlation_id)
        await adapter._record_circuit_failure("connect", correlation_id)
        assert adapter._circuit_breaker_failures == 1
        assert adapter._circuit_breaker_open is False
        await adapter._record_circuit_failure("connect", correlation_id)
        assert adapter._circuit_breaker_open is True
        assert adapter._circuit_breaker_open_until == clock.now + 5.0
        assert adapter._circuit_breaker_state is EnumCircuitState.OPEN
        with pytest.raises(InfraUnavailableError):
            await adapter._check_circuit_breaker("connect", correlation_id)
    clock.now += 5.0
    async with adapter._circuit_breaker_lock:
        await adapter._check_circuit_breaker("connect", correlation_id)
        await adapter._reset_circuit_breaker()
        assert adapter._circuit_breaker_open is False
        assert adapter._circuit_breaker_failures == 0
    assert adapter.service_name == "adapter"
