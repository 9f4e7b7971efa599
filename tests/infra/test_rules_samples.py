"""The RULES.md samples for errors, the circuit breaker and dispatchers run as written.

Each sample body below is copied verbatim from RULES.md; only the imports it leaves out,
the names it assumes (`request`, `e`, `correlation_id`, `DispatcherConfig`, `_do_handle`,
`_kafka_producer`) and lint/type comments are added around it.
"""

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from types import ModuleType, SimpleNamespace
from uuid import UUID, uuid4

import pytest
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import InfraConnectionError, InfraUnavailableError
from omnibase_infra.mixins import MixinAsyncCircuitBreaker
from omnibase_infra.models.dispatch import ModelDispatchResult
from omnibase_infra.runtime import MessageDispatchEngine, ProtocolMessageDispatcher
from pydantic import BaseModel

logger = logging.getLogger("rules_samples")
correlation_id = uuid4()


# --- "Error Context" ---------------------------------------------------------------------


def execute_query(request: SimpleNamespace) -> None:
    try:
        raise OSError("connection refused by postgresql://onex:Canary8Pw@db:5432/onex")
    except OSError as e:
        from omnibase_infra.errors import InfraConnectionError, ModelInfraErrorContext

        context = ModelInfraErrorContext(
            transport_type=EnumInfraTransportType.DATABASE,
            operation="execute_query",
            correlation_id=request.correlation_id,
        )
        raise InfraConnectionError("Failed to connect", context=context) from e


@pytest.mark.parametrize("given_id", [uuid4(), None])
def test_error_context_sample(given_id: UUID | None) -> None:
    with pytest.raises(InfraConnectionError) as caught:
        execute_query(SimpleNamespace(correlation_id=given_id))
    error = caught.value
    assert error.code == "DATABASE_CONNECTION_ERROR"
    assert isinstance(error.correlation_id, UUID)
    if given_id is not None:
        assert error.correlation_id == given_id
    assert error.context["operation"] == "execute_query"
    assert isinstance(error.__cause__, OSError)
    assert "Canary8Pw" not in repr(error.to_dict())


# --- "Circuit Breaker (MixinAsyncCircuitBreaker)" and "Configuration Guidelines" ----------


# fmt: off
class MyAdapter(MixinAsyncCircuitBreaker):
    def __init__(self, config):  # type: ignore[no-untyped-def]  # sample as written
        self._init_circuit_breaker(
            threshold=5, reset_timeout=60.0,
            service_name="my-service",
            transport_type=EnumInfraTransportType.HTTP,
        )

    async def connect(self):  # type: ignore[no-untyped-def]  # sample as written
        async with self._circuit_breaker_lock:
            await self._check_circuit_breaker("connect", correlation_id)
        # ... operation ...


class HighReliability(MixinAsyncCircuitBreaker):
    def __init__(self) -> None:
        # High-reliability service (strict failure tolerance)
        self._init_circuit_breaker(
            threshold=3,              # Open after 3 failures
            reset_timeout=120.0,      # 2 minutes recovery
            service_name="critical-service",
            transport_type=EnumInfraTransportType.DATABASE,
        )


class BestEffort(MixinAsyncCircuitBreaker):
    def __init__(self) -> None:
        # Best-effort service (lenient failure tolerance)
        self._init_circuit_breaker(
            threshold=10,             # Open after 10 failures
            reset_timeout=30.0,       # 30 seconds recovery
            service_name="cache-service",
            transport_type=EnumInfraTransportType.VALKEY,
        )
# fmt: on


async def test_adapter_sample_connects_until_the_circuit_opens() -> None:
    adapter = MyAdapter(config=None)  # type: ignore[no-untyped-call]  # untyped sample
    await adapter.connect()  # type: ignore[no-untyped-call]  # untyped sample
    async with adapter._circuit_breaker_lock:
        for _ in range(5):
            await adapter._record_circuit_failure("connect", correlation_id)
    with pytest.raises(InfraUnavailableError) as caught:
        await adapter.connect()  # type: ignore[no-untyped-call]  # untyped sample
    assert caught.value.circuit_state is EnumCircuitState.OPEN
    assert caught.value.infra_context.target_name == "my-service"


@pytest.mark.parametrize(("adapter_class", "threshold"), [(HighReliability, 3), (BestEffort, 10)])
async def test_configuration_guideline_samples(
    adapter_class: Callable[[], MixinAsyncCircuitBreaker], threshold: int
) -> None:
    adapter = adapter_class()
    async with adapter._circuit_breaker_lock:
        for _ in range(threshold - 1):
            await adapter._record_circuit_failure("op", correlation_id)
        assert adapter._circuit_breaker_open is False
        await adapter._record_circuit_failure("op", correlation_id)
        assert adapter._circuit_breaker_open is True


# --- "Integration with Error Recovery" and "Monitoring and Observability" -------------------


class FakeKafkaProducer:
    """Stands in for a Kafka producer in this unit test: fails `failures` times, then sends."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0
        self.sent: list[BaseModel] = []

    async def send(self, message: BaseModel) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError("broker 127.0.0.1:9092 not reachable")
        self.sent.append(message)


class KafkaPublisher(MixinAsyncCircuitBreaker):
    def __init__(self, producer: FakeKafkaProducer, threshold: int) -> None:
        self._kafka_producer = producer
        self._init_circuit_breaker(
            threshold=threshold,
            reset_timeout=60.0,
            service_name="kafka-publisher",
            transport_type=EnumInfraTransportType.KAFKA,
        )

    # fmt: off
    async def publish_with_retry(self, message: BaseModel) -> None:
        """Publish message with circuit breaker and retry logic."""
        correlation_id = uuid4()
        max_retries = 3

        for attempt in range(max_retries):
            # Check circuit breaker before each attempt
            async with self._circuit_breaker_lock:
                try:
                    await self._check_circuit_breaker("publish", correlation_id)
                except InfraUnavailableError:
                    # Circuit open - fail fast without retrying
                    raise

            try:
                # Attempt publish (outside lock for I/O)
                await self._kafka_producer.send(message)

                # Record success
                async with self._circuit_breaker_lock:
                    await self._reset_circuit_breaker()
                return  # Success

            except Exception as e:  # noqa: F841  # sample as written
                # Record failure
                async with self._circuit_breaker_lock:
                    await self._record_circuit_failure("publish", correlation_id)

                if attempt == max_retries - 1:
                    raise  # Last attempt failed

                # Exponential backoff before retry
                await asyncio.sleep(2 ** attempt)

    async def report_state(self, correlation_id: UUID) -> None:
        # Circuit breaker exposes state for monitoring (access under lock)
        async with self._circuit_breaker_lock:
            is_open = self._circuit_breaker_open           # bool: True if circuit open
            failure_count = self._circuit_breaker_failures  # int: consecutive failures
            open_until = self._circuit_breaker_open_until   # float: timestamp for auto-reset

        # Log state transitions for operational insights
        if is_open:
            logger.warning(
                "Circuit breaker opened",
                extra={
                    "service_name": self.service_name,
                    "failure_count": failure_count,
                    "open_until": open_until,
                    "correlation_id": str(correlation_id),
                },
            )
        # fmt: on


class Message(BaseModel):
    node_id: str


class _SampleAsyncio(ModuleType):
    """`asyncio` as the sample sees it: `sleep` records instead of waiting, the rest is real."""

    def __init__(self, real: ModuleType, waits: list[float]) -> None:
        super().__init__(real.__name__)
        self._real = real
        self._waits = waits

    async def sleep(self, seconds: float) -> None:
        self._waits.append(seconds)
        await self._real.sleep(0)

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


@pytest.fixture
def backoffs(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the sample's `asyncio.sleep` backoffs instead of waiting them out.

    Only the name `asyncio` of this module, which the sample calls, is replaced: tasks of
    other code on the session's shared event loop keep the real `asyncio.sleep`, so their
    sleeps are neither recorded nor cut short.
    """
    waits: list[float] = []
    monkeypatch.setattr(sys.modules[__name__], "asyncio", _SampleAsyncio(asyncio, waits))
    return waits


async def test_publish_with_retry_recovers_from_a_transient_failure(backoffs: list[float]) -> None:
    producer = FakeKafkaProducer(failures=1)
    publisher = KafkaPublisher(producer, threshold=3)
    await publisher.publish_with_retry(Message(node_id="n-1"))
    assert producer.sent == [Message(node_id="n-1")]
    assert backoffs == [1]
    assert publisher._circuit_breaker_failures == 0


async def test_publish_with_retry_opens_the_breaker_then_fails_fast(
    backoffs: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    producer = FakeKafkaProducer(failures=100)
    publisher = KafkaPublisher(producer, threshold=3)
    with pytest.raises(ConnectionError):
        await publisher.publish_with_retry(Message(node_id="n-1"))
    assert producer.attempts == 3
    assert backoffs == [1, 2]

    with pytest.raises(InfraUnavailableError) as caught:
        await publisher.publish_with_retry(Message(node_id="n-1"))
    assert producer.attempts == 3  # failed fast: the producer was not called again
    assert caught.value.retry_after_seconds is not None
    assert caught.value.retry_after_seconds > 0

    with caplog.at_level(logging.WARNING, logger="rules_samples"):
        await publisher.report_state(uuid4())
    [record] = [r for r in caplog.records if r.name == "rules_samples"]
    assert record.__dict__["service_name"] == "kafka-publisher"
    assert record.__dict__["failure_count"] == 3


# --- "Dispatcher Implementation Pattern" --------------------------------------------------


class DispatcherConfig(BaseModel):
    failure_threshold: int
    reset_timeout_seconds: float
    target_service: str
    transport_type: EnumInfraTransportType


class MyDispatcher(MixinAsyncCircuitBreaker, ProtocolMessageDispatcher):
    """Dispatcher with built-in circuit breaker resilience."""

    def __init__(self, config: DispatcherConfig):
        self._init_circuit_breaker(
            threshold=config.failure_threshold,
            reset_timeout=config.reset_timeout_seconds,
            service_name=f"dispatcher.{config.target_service}",
            transport_type=config.transport_type,
        )

    # NOTE: ModelEventEnvelope[object] is used instead of Any to satisfy ONEX "no Any types"
    # rule. Dispatchers must accept envelopes with any payload type since the dispatch
    # engine routes based on topic/category, not payload shape. Using `object` provides
    # the same flexibility as Any but with explicit semantics.
    async def handle(self, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
        """Handle message with circuit breaker protection."""
        async with self._circuit_breaker_lock:
            await self._check_circuit_breaker("handle", envelope.correlation_id)

        try:
            result = await self._do_handle(envelope)  # type: ignore[attr-defined]  # subclass
            async with self._circuit_breaker_lock:
                await self._reset_circuit_breaker()
            return result  # type: ignore[no-any-return]  # _do_handle comes from a subclass
        except Exception as e:  # noqa: F841  # sample as written
            async with self._circuit_breaker_lock:
                await self._record_circuit_failure("handle", envelope.correlation_id)
            raise


class ConsulDispatcher(MyDispatcher):
    """The sample completed: `_do_handle` calls a (fake) downstream service."""

    def __init__(self, config: DispatcherConfig, downstream: Callable[[], Awaitable[None]]):
        super().__init__(config)
        self.downstream = downstream

    async def _do_handle(self, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
        await self.downstream()
        return ModelDispatchResult()


def _envelope() -> ModelEventEnvelope[Message]:
    from datetime import UTC, datetime

    return ModelEventEnvelope.create(
        Message(node_id="n-1"), entity_id="n-1", producer="test", emitted_at=datetime.now(UTC)
    )


async def test_dispatcher_sample_owns_its_breaker_and_the_engine_reports_it() -> None:
    async def consul_down() -> None:
        raise ConnectionRefusedError("consul 127.0.0.1:8500 refused")

    config = DispatcherConfig(
        failure_threshold=2,
        reset_timeout_seconds=30.0,
        target_service="consul",
        transport_type=EnumInfraTransportType.CONSUL,
    )
    dispatcher = ConsulDispatcher(config, consul_down)
    engine = MessageDispatchEngine()
    engine.register(dispatcher, category=EnumMessageCategory.EVENT, name="consul")

    first = await engine.dispatch(_envelope())
    second = await engine.dispatch(_envelope())
    third = await engine.dispatch(_envelope())
    assert first.failures["consul"].error_class == "ConnectionRefusedError"
    assert second.failures["consul"].error_class == "ConnectionRefusedError"
    assert third.failures["consul"].error_class == "InfraUnavailableError"
    unavailable = third.failures["consul"].exception
    assert isinstance(unavailable, InfraUnavailableError)
    assert unavailable.infra_context.target_name == "dispatcher.consul"
    assert unavailable.correlation_id == third.correlation_id


async def test_dispatcher_sample_succeeds_when_its_service_is_up() -> None:
    async def consul_up() -> None:
        return None

    config = DispatcherConfig(
        failure_threshold=2,
        reset_timeout_seconds=30.0,
        target_service="consul",
        transport_type=EnumInfraTransportType.CONSUL,
    )
    engine = MessageDispatchEngine()
    engine.register(ConsulDispatcher(config, consul_up), message_types={"Message"})
    report = await engine.dispatch(_envelope())
    assert report.succeeded
