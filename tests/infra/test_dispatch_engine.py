"""MessageDispatchEngine: routing, fan-out, concurrency and error aggregation."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events.model_event_envelope import ModelEventEnvelope
from omnibase_infra.enums import EnumDispatchStatus
from omnibase_infra.errors import InfraTimeoutError, ProtocolConfigurationError, RuntimeHostError
from omnibase_infra.models.dispatch import ModelDispatchResult
from omnibase_infra.runtime import MessageDispatchEngine
from pydantic import BaseModel

TOPIC = "dev.onex.evt.node-introspection.v1"


class NodeIntrospected(BaseModel):
    node_id: str


def envelope(
    message_type: str = "NodeIntrospected",
    category: EnumMessageCategory = EnumMessageCategory.EVENT,
) -> ModelEventEnvelope[NodeIntrospected]:
    return ModelEventEnvelope.create(
        NodeIntrospected(node_id="n-1"),
        entity_id="n-1",
        producer="test",
        emitted_at=datetime(2026, 1, 1, tzinfo=UTC),
        category=category,
        message_type=message_type,
    )


class Recorder:
    """A dispatcher that records what it saw and returns a result with one output."""

    def __init__(self) -> None:
        self.seen: list[ModelEventEnvelope[object]] = []

    async def handle(self, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
        self.seen.append(envelope)
        output = envelope.child({"ack": True}, producer="recorder", emitted_at=envelope.emitted_at)
        return ModelDispatchResult(outputs=(output,))


class Failing:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    async def handle(self, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
        self.calls += 1
        raise self.error


class PlainResult:
    """A result that is not our model but has the protocol's shape."""

    succeeded = True
    outputs: Sequence[ModelEventEnvelope[object]] = ()


class PlainDispatcher:
    async def handle(self, envelope: ModelEventEnvelope[object]) -> PlainResult:
        return PlainResult()


async def test_routes_by_message_type_and_category() -> None:
    engine = MessageDispatchEngine()
    introspection, commands = Recorder(), Recorder()
    engine.register(introspection, message_types={"NodeIntrospected"}, name="introspection")
    engine.register(commands, category=EnumMessageCategory.COMMAND, name="commands")
    report = await engine.dispatch(envelope(), topic=TOPIC)
    assert report.status is EnumDispatchStatus.SUCCESS
    assert list(report.results) == ["introspection"]
    assert len(introspection.seen) == 1
    assert commands.seen == []
    await engine.dispatch(envelope("RegisterNode", EnumMessageCategory.COMMAND))
    assert len(commands.seen) == 1


async def test_routes_by_topic_glob() -> None:
    engine = MessageDispatchEngine()
    recorder = Recorder()
    engine.register(recorder, topic_pattern="*.onex.evt.node-introspection.v*")
    assert (await engine.dispatch(envelope(), topic=TOPIC)).succeeded
    other = await engine.dispatch(envelope(), topic="dev.onex.evt.node-heartbeat.v1")
    assert other.status is EnumDispatchStatus.NO_ROUTE
    no_topic = await engine.dispatch(envelope())
    assert no_topic.status is EnumDispatchStatus.NO_ROUTE
    assert len(recorder.seen) == 1


async def test_all_criteria_must_match() -> None:
    engine = MessageDispatchEngine()
    recorder = Recorder()
    engine.register(
        recorder,
        message_types=["NodeIntrospected"],
        category=EnumMessageCategory.EVENT,
        topic_pattern=TOPIC,
    )
    await engine.dispatch(envelope(category=EnumMessageCategory.COMMAND), topic=TOPIC)
    await engine.dispatch(envelope("Other"), topic=TOPIC)
    assert recorder.seen == []
    await engine.dispatch(envelope(), topic=TOPIC)
    assert len(recorder.seen) == 1


async def test_fans_out_to_every_match_and_collects_outputs_in_registration_order() -> None:
    engine = MessageDispatchEngine()
    first, second = Recorder(), Recorder()
    engine.register(first, category=EnumMessageCategory.EVENT, name="first")
    engine.register(second, message_types={"NodeIntrospected"}, name="second")
    message = envelope()
    report = await engine.dispatch(message, topic=TOPIC)
    assert list(report.results) == ["first", "second"]
    assert [out.causation_id for out in report.outputs] == [message.message_id] * 2
    assert report.envelope is message
    assert report.correlation_id == message.correlation_id


async def test_dispatchers_run_concurrently() -> None:
    started = asyncio.Event()
    both_running = asyncio.Event()
    running = 0

    class Rendezvous:
        async def handle(self, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
            nonlocal running
            running += 1
            if running == 2:
                both_running.set()
            started.set()
            await asyncio.wait_for(both_running.wait(), timeout=1)
            return ModelDispatchResult()

    engine = MessageDispatchEngine()
    engine.register(Rendezvous(), category=EnumMessageCategory.EVENT, name="a")
    engine.register(Rendezvous(), category=EnumMessageCategory.EVENT, name="b")
    report = await engine.dispatch(envelope())
    assert report.succeeded


async def test_a_failing_dispatcher_does_not_stop_the_others_and_is_reported() -> None:
    engine = MessageDispatchEngine()
    error = InfraTimeoutError("consul did not answer in 5s")
    failing, recorder = Failing(error), Recorder()
    engine.register(failing, category=EnumMessageCategory.EVENT, name="consul")
    engine.register(recorder, category=EnumMessageCategory.EVENT, name="postgres")
    report = await engine.dispatch(envelope())
    assert report.status is EnumDispatchStatus.FAILED
    assert not report.succeeded
    assert len(recorder.seen) == 1
    failure = report.failures["consul"]
    assert failure.exception is error
    assert failure.error_class == "InfraTimeoutError"
    assert failure.error_code == "INFRA_TIMEOUT_ERROR"
    assert report.results["postgres"].succeeded
    assert len(report.outputs) == 1
    with pytest.raises(ExceptionGroup) as caught:
        report.raise_for_errors()
    assert caught.value.exceptions == (error,)


async def test_engine_never_retries_a_dispatcher() -> None:
    engine = MessageDispatchEngine()
    failing = Failing(ConnectionResetError("reset by peer"))
    engine.register(failing, category=EnumMessageCategory.EVENT)
    report = await engine.dispatch(envelope())
    assert failing.calls == 1
    assert report.status is EnumDispatchStatus.FAILED


async def test_failure_messages_are_scrubbed_of_secrets() -> None:
    engine = MessageDispatchEngine()
    engine.register(
        Failing(RuntimeError("postgresql://onex:Canary1Pw@db/x refused")),
        category=EnumMessageCategory.EVENT,
    )
    report = await engine.dispatch(envelope())
    assert "Canary1Pw" not in report.model_dump_json()
    assert '"message_type":"NodeIntrospected"' in report.model_dump_json()
    assert report.failures["Failing"].error_message == "postgresql://onex:***@db/x refused"


async def test_cancellation_is_never_swallowed() -> None:
    class Cancelled:
        async def handle(self, envelope: ModelEventEnvelope[object]) -> ModelDispatchResult:
            raise asyncio.CancelledError

    engine = MessageDispatchEngine()
    engine.register(Cancelled(), category=EnumMessageCategory.EVENT)
    with pytest.raises(asyncio.CancelledError):
        await engine.dispatch(envelope())


async def test_no_route_is_a_typed_result_and_a_clear_error() -> None:
    engine = MessageDispatchEngine()
    engine.register(Recorder(), message_types={"Other"})
    report = await engine.dispatch(envelope(), topic=TOPIC)
    assert report.status is EnumDispatchStatus.NO_ROUTE
    assert report.results == {}
    with pytest.raises(RuntimeHostError, match="NodeIntrospected") as caught:
        report.raise_for_errors()
    assert caught.value.code == "DISPATCH_NO_ROUTE"
    assert caught.value.correlation_id == report.correlation_id


async def test_a_protocol_shaped_result_is_turned_into_a_model() -> None:
    engine = MessageDispatchEngine()
    engine.register(PlainDispatcher(), category=EnumMessageCategory.EVENT)
    report = await engine.dispatch(envelope())
    assert report.results["PlainDispatcher"] == ModelDispatchResult()


async def test_a_dispatcher_returning_garbage_is_a_failure_not_a_crash() -> None:
    class Broken:
        async def handle(self, envelope: ModelEventEnvelope[object]) -> None:
            return None

    engine = MessageDispatchEngine()
    engine.register(Broken(), category=EnumMessageCategory.EVENT)  # type: ignore[arg-type]  # deliberately wrong
    report = await engine.dispatch(envelope())
    assert report.failures["Broken"].error_class == "AttributeError"


async def test_registering_later_updates_the_routing_table() -> None:
    engine = MessageDispatchEngine()
    first, late = Recorder(), Recorder()
    engine.register(first, category=EnumMessageCategory.EVENT, name="first")
    await engine.dispatch(envelope())
    engine.register(late, category=EnumMessageCategory.EVENT, name="late")
    await engine.dispatch(envelope())
    assert (len(first.seen), len(late.seen)) == (2, 1)
    assert engine.dispatcher_names == ("first", "late")


def test_a_registration_must_say_what_it_matches() -> None:
    with pytest.raises(ProtocolConfigurationError, match="at least one of"):
        MessageDispatchEngine().register(Recorder())


def test_an_empty_message_type_set_is_rejected() -> None:
    with pytest.raises(ProtocolConfigurationError, match="message_types is empty"):
        MessageDispatchEngine().register(Recorder(), message_types=[])


def test_duplicate_names_and_non_dispatchers_are_rejected() -> None:
    engine = MessageDispatchEngine()
    engine.register(Recorder(), category=EnumMessageCategory.EVENT)
    with pytest.raises(ProtocolConfigurationError, match="already registered"):
        engine.register(Recorder(), category=EnumMessageCategory.EVENT)

    class NotADispatcher:
        def handle(self, envelope: object) -> None: ...

    with pytest.raises(ProtocolConfigurationError, match="async def handle"):
        engine.register(NotADispatcher(), category=EnumMessageCategory.EVENT)  # type: ignore[arg-type]  # deliberately wrong
