"""`onex run` on a sample node against the real broker: messages in, events out, endpoints,
JSON logs, dead letters, graceful SIGTERM and redelivery after a crash."""

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # type: ignore[import-untyped]
from host_process import GREETER, STARTUP_SECONDS, HostProcess
from omnibase_core.enums import EnumMessageCategory
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_infra.adapters.kafka import HEADER_ERROR_CLASS, KafkaEventBus, dead_letter_topic
from omnibase_infra.config import ModelOnexSettings
from onex_runtime_samples.greeter_effect.models import ModelGreetingRequested

pytestmark = pytest.mark.usefixtures("local_stack")

Envelope = ModelEventEnvelope[object]
GROUP = "greeter-effect.{topic}"
CANARY = b"canary-Secr3t-host-91d2"


def request(name: str, *, delay: float = 0.0, entity_id: str = "node-7") -> Envelope:
    return ModelEventEnvelope[object](
        message_type="ModelGreetingRequested",
        category=EnumMessageCategory.COMMAND,
        entity_id=entity_id,
        emitted_at=datetime.now(UTC),
        producer="test",
        payload=ModelGreetingRequested(name=name, delay_seconds=delay),
    )


def topics(env: str) -> tuple[str, str]:
    return f"{env}.onex.cmd.greeting-requested.v1", f"{env}.onex.evt.greeted.v1"


def http_get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""  # not listening yet, or too busy to answer in time


async def wait_ready(host: HostProcess) -> int:
    port = await asyncio.to_thread(lambda: host.port)
    async with asyncio.timeout(STARTUP_SECONDS):
        while (await asyncio.to_thread(http_get, port, "/ready", 5))[0] != 200:
            assert host.process.poll() is None, "exited:\n" + "".join(host.raw[-40:])
            await asyncio.sleep(0.05)
    return port


async def read(settings: ModelOnexSettings, topic: str, count: int) -> list[object]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=f"reader-{topic}-{count}-{id(settings)}-{datetime.now().timestamp()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=1000,
        heartbeat_interval_ms=100,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    records: list[object] = []
    try:
        # Joining the group, and the host's own (re)start when it is just starting.
        async with asyncio.timeout(STARTUP_SECONDS):
            while len(records) < count:
                for batch in (await consumer.getmany(timeout_ms=100)).values():
                    records.extend(batch)
    finally:
        await consumer.stop()
    return records


async def committed_offsets(settings: ModelOnexSettings, topic: str) -> list[int]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers,
        group_id=GROUP.format(topic=topic),
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        found = [await consumer.committed(TopicPartition(topic, p)) for p in range(3)]
    finally:
        await consumer.stop()
    return [offset for offset in found if offset is not None]


async def publish(settings: ModelOnexSettings, topic: str, envelope: Envelope) -> None:
    async with KafkaEventBus.from_settings(settings) as bus:
        await bus.publish(topic, envelope)


async def test_host_turns_a_request_into_its_event_and_serves_health_ready_metrics(
    start_host: Callable[[Path], HostProcess],
    host_env: dict[str, str],
    local_stack: ModelOnexSettings,
) -> None:
    requested, greeted = topics(host_env["ONEX_ENV"])
    host: HostProcess = start_host(GREETER)
    port = await wait_ready(host)
    sent = request("ada")

    await publish(local_stack, requested, sent)

    (record,) = await read(local_stack, greeted, 1)
    event = Envelope.model_validate_json(record.value)  # type: ignore[attr-defined]
    assert event.payload == {"name": "ada", "greeting": "Hello, ada!"}
    assert event.causation_id == sent.message_id
    assert event.correlation_id == sent.correlation_id
    assert event.producer == "greeter-effect"
    assert record.key == b"node-7"  # type: ignore[attr-defined]
    assert dict(record.headers)["message_type"] == b"ModelGreeted"  # type: ignore[attr-defined]
    logged = await asyncio.to_thread(
        host.wait_for_line, lambda line: line.get("message") == "greeting ada started"
    )
    assert logged["correlation_id"] == str(sent.correlation_id)
    assert logged["level"] == "INFO"

    status, body = await asyncio.to_thread(http_get, port, "/health")
    health = json.loads(body)
    assert status == 200
    assert health["node"] == "greeter-effect"
    assert health["fingerprint"].startswith("1.0.0:")
    status, body = await asyncio.to_thread(http_get, port, "/metrics")
    metrics = body.decode()
    assert status == 200
    assert f'onex_messages_processed_total{{topic="{requested}"}} 1.0' in metrics
    assert f'onex_handler_latency_seconds_count{{topic="{requested}"}} 1.0' in metrics
    assert 'onex_node_info{fingerprint="' + health["fingerprint"] in metrics
    assert host.terminate() == 0


async def test_host_dead_letters_bad_input_and_keeps_consuming(
    start_host: Callable[[Path], HostProcess],
    host_env: dict[str, str],
    local_stack: ModelOnexSettings,
) -> None:
    requested, greeted = topics(host_env["ONEX_ENV"])
    host: HostProcess = start_host(GREETER)
    await wait_ready(host)
    producer = AIOKafkaProducer(bootstrap_servers=local_stack.kafka.bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(requested, b"{broken password=" + CANARY, key=b"node-7")
        unknown = request("x").model_copy(update={"message_type": "ModelSomethingElse"})
        await producer.send_and_wait(requested, unknown.model_dump_json().encode(), key=b"node-7")
    finally:
        await producer.stop()
    await publish(local_stack, requested, request("after"))

    dead = await read(local_stack, dead_letter_topic(requested), 2)
    assert sorted(dict(r.headers)[HEADER_ERROR_CLASS] for r in dead) == [  # type: ignore[attr-defined]
        b"NodeRoutingError",
        b"ValidationError",
    ]
    (record,) = await read(local_stack, greeted, 1)
    assert Envelope.model_validate_json(record.value).payload["name"] == "after"  # type: ignore[attr-defined,index]
    assert host.terminate() == 0
    shown = "".join(host.raw) + "".join(r.value.decode() for r in dead)  # type: ignore[attr-defined]
    assert "Dead-lettered" in shown
    assert CANARY.decode() not in shown


async def test_sigterm_mid_handler_finishes_publishes_and_commits_then_exits_0(
    start_host: Callable[[Path], HostProcess],
    host_env: dict[str, str],
    local_stack: ModelOnexSettings,
) -> None:
    requested, greeted = topics(host_env["ONEX_ENV"])
    host: HostProcess = start_host(GREETER)
    await wait_ready(host)
    await publish(local_stack, requested, request("slow", delay=2.0))
    await asyncio.to_thread(
        host.wait_for_line, lambda line: line.get("message") == "greeting slow started"
    )

    code = await asyncio.to_thread(host.terminate)

    assert code == 0
    messages = [line.get("message") for line in host.lines]
    assert "greeting slow finished" in messages
    (record,) = await read(local_stack, greeted, 1)
    assert Envelope.model_validate_json(record.value).payload["name"] == "slow"  # type: ignore[attr-defined,index]
    assert await committed_offsets(local_stack, requested) == [1]


async def test_a_killed_host_gets_the_unfinished_message_again_after_restart(
    start_host: Callable[[Path], HostProcess],
    host_env: dict[str, str],
    local_stack: ModelOnexSettings,
) -> None:
    requested, greeted = topics(host_env["ONEX_ENV"])
    first: HostProcess = start_host(GREETER)
    await wait_ready(first)
    await publish(local_stack, requested, request("crash", delay=1.5))
    await asyncio.to_thread(
        first.wait_for_line, lambda line: line.get("message") == "greeting crash started"
    )
    first.kill()
    assert await committed_offsets(local_stack, requested) == []

    second: HostProcess = start_host(GREETER)
    (record,) = await read(local_stack, greeted, 1)
    assert Envelope.model_validate_json(record.value).payload["name"] == "crash"  # type: ignore[attr-defined,index]
    async with asyncio.timeout(STARTUP_SECONDS):
        while await committed_offsets(local_stack, requested) != [1]:
            await asyncio.sleep(0.1)
    assert second.terminate() == 0
