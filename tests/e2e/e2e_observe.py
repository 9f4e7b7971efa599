"""Plain readers of what the services did (no ONEX code): Consul's HTTP API behind a counting
proxy, rows of the projection, records on Kafka topics; and waiting for a condition."""

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID, uuid4

import asyncpg
import httpx
from aiohttp import ClientSession, web
from aiokafka import AIOKafkaConsumer, ConsumerRecord  # type: ignore[import-untyped]
from omnibase_core.models.events import ModelEventEnvelope
from pydantic import ValidationError

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T | None]], *, timeout: float = 30.0, what: str = "condition"
) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: not met within {timeout} s"
        await asyncio.sleep(0.05)


class ConsulProxy:
    """An HTTP proxy in front of a Consul agent that counts the writes (PUTs) per service id.

    The services are pointed at the proxy, so every write they make to Consul is counted;
    reads made through `consul` go to the agent directly. It serves from its own thread and
    event loop: its connections live as long as the services', not as long as one test.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.writes: Counter[str] = Counter()
        # ("register" | "deregister", service id) in the order Consul accepted them.
        self.log: list[tuple[str, str]] = []
        self.port = 0
        self._session: ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="consul-proxy", daemon=True)

    def writes_for(self, service_id: object) -> int:
        return self.writes[str(service_id)]

    def log_for(self, service_id: object) -> list[str]:
        return [kind for kind, sid in list(self.log) if sid == str(service_id)]

    async def start(self) -> None:
        self._thread.start()
        await asyncio.to_thread(self._ready.wait, 10)
        assert self.port, "the Consul proxy did not start"

    async def close(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        await asyncio.to_thread(self._thread.join, 10)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        async with ClientSession() as self._session:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.port = runner.addresses[0][1]
            self._ready.set()
            await self._stopping.wait()
            await runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        async with self._session.request(
            request.method, self.upstream + request.path_qs, data=body, headers=headers
        ) as answer:
            payload = await answer.read()
            status = answer.status
            content_type = answer.headers.get("Content-Type")
        if request.method == "PUT" and status == 200:
            kind, service_id = _write_of(request.path, body)
            self.writes[service_id] += 1
            self.log.append((kind, service_id))
        return web.Response(status=status, body=payload, headers=_content(content_type))


def _write_of(path: str, body: bytes) -> tuple[str, str]:
    if path.startswith("/v1/agent/service/register"):
        definition = {key.lower(): value for key, value in json.loads(body).items()}
        return "register", str(definition.get("id"))
    return path.rsplit("/", 2)[-2], path.rsplit("/", 1)[-1]


def _content(content_type: str | None) -> dict[str, str]:
    return {"Content-Type": content_type} if content_type else {}


@dataclass(frozen=True)
class ConsulEntry:
    """A service instance as the Consul agent reports it."""

    service: str
    address: str
    port: int
    tags: list[str]
    meta: dict[str, str]


class ConsulReader:
    """The agent's view of a service instance, read with plain HTTP."""

    def __init__(self, url: str) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=5.0)

    async def service(self, service_id: object) -> ConsulEntry | None:
        answer = await self.client.get(f"/v1/agent/service/{service_id}")
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        found = answer.json()
        return ConsulEntry(
            found["Service"], found["Address"], found["Port"], found["Tags"], found["Meta"]
        )

    async def registered(self, service_id: object) -> ConsulEntry | None:
        return await self.service(service_id)

    async def gone(self, service_id: object) -> bool:
        return await self.service(service_id) is None

    async def deregister(self, service_id: object) -> None:
        (await self.client.put(f"/v1/agent/service/deregister/{service_id}")).raise_for_status()

    async def aclose(self) -> None:
        await self.client.aclose()


class Projection:
    """Rows of `node_registrations`, read with plain SQL."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def row(self, node_id: object) -> asyncpg.Record | None:
        return await self.pool.fetchrow(
            "SELECT * FROM node_registrations WHERE node_id = $1", _uuid(node_id)
        )

    async def state(self, node_id: object) -> str | None:
        row = await self.row(node_id)
        return None if row is None else str(row["state"])

    async def reaches(
        self, node_id: object, state: str, *, timeout: float = 30.0
    ) -> asyncpg.Record:
        async def check() -> asyncpg.Record | None:
            row = await self.row(node_id)
            return row if row is not None and row["state"] == state else None

        return await eventually(check, timeout=timeout, what=f"{node_id} {state}")

    async def count(self, node_id: object) -> int:
        found = await self.pool.fetchval(
            "SELECT count(*) FROM node_registrations WHERE node_id = $1", _uuid(node_id)
        )
        return int(found)


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


@asynccontextmanager
async def topic_reader(bootstrap: str, *topics: str) -> AsyncIterator["TopicReader"]:
    """A plain consumer of `topics` from their beginning (own group, nothing committed)."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-reader-{uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        session_timeout_ms=1500,
        heartbeat_interval_ms=150,
        fetch_max_wait_ms=10,
        metadata_max_age_ms=500,
    )
    await consumer.start()
    try:
        yield TopicReader(consumer)
    finally:
        await consumer.stop()


class TopicReader:
    """Records read so far; `until` reads more until a condition on them holds."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.records: list[ConsumerRecord] = []

    async def until(
        self, done: Callable[[list[ConsumerRecord]], T | None], *, timeout: float = 30.0
    ) -> T:
        deadline = time.monotonic() + timeout
        while True:
            result = done(self.records)
            if result:
                return result
            assert time.monotonic() < deadline, "expected records did not arrive in time"
            for batch in (await self.consumer.getmany(timeout_ms=100)).values():
                self.records.extend(batch)


Envelope = ModelEventEnvelope[dict[str, object]]


def envelope_of(record: ConsumerRecord) -> Envelope:
    """A record's envelope with its payload left as JSON data."""
    return Envelope.model_validate_json(record.value)


def envelopes(records: Iterable[ConsumerRecord]) -> Iterator[Envelope]:
    """The envelopes among `records`, skipping records that are none (bad-input tests)."""
    for record in records:
        with suppress(ValidationError):
            yield envelope_of(record)
