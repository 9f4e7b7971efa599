"""HttpAdapter against a real HTTP server on 127.0.0.1 started by the test."""

import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from omnibase_infra.adapters import ProtocolHealthProbe
from omnibase_infra.adapters.http import CORRELATION_HEADER, HttpAdapter, HttpStatusError
from omnibase_infra.enums import EnumCircuitState, EnumInfraTransportType
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ProtocolConfigurationError,
    RuntimeHostError,
)

NO_RETRY = ModelRetryPolicy(max_attempts=1)


@dataclass
class Served:
    """The test server's address and the paths it was asked for, in order."""

    url: str
    paths: list[str] = field(default_factory=list)

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.paths if urlsplit(seen).path == path)


class _Handler(BaseHTTPRequestHandler):
    """/health, /echo (what arrived, as JSON), /status/<code>, /slow?seconds=<s>."""

    protocol_version = "HTTP/1.1"
    served: Served

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_PUT(self) -> None:
        self._route()

    def do_DELETE(self) -> None:
        self._route()

    def _route(self) -> None:
        self.served.paths.append(self.path)
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path.startswith("/status/"):
            status = int(parts.path.removeprefix("/status/"))
            headers = {"Retry-After": "7"} if status == 429 else {}
            if 300 <= status < 400:
                headers["Location"] = "/health"
            self._answer(status, b"", headers)
        elif parts.path == "/slow":
            time.sleep(float(query["seconds"][0]))
            self._answer(200, b"late")
        elif parts.path == "/echo":
            self._answer(200, json.dumps(self._echo(query)).encode())
        elif parts.path == "/health":
            self._answer(200, b"ok")
        else:
            self._answer(404, b"")

    def _echo(self, query: dict[str, list[str]]) -> dict[str, object]:
        length = int(self.headers.get("Content-Length", 0))
        return {
            "method": self.command,
            "query": query,
            "headers": dict(self.headers.items()),
            "body": self.rfile.read(length).decode() if length else None,
        }

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads `served.paths` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timeout tests) breaks the pipe; that is expected."""


@pytest.fixture
def server() -> Iterator[Served]:
    handler = type("Handler", (_Handler,), {})
    httpd = _Server(("127.0.0.1", 0), handler)
    served = Served(url=f"http://127.0.0.1:{httpd.server_port}")
    handler.served = served
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield served
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
async def api(server: Served) -> AsyncIterator[HttpAdapter]:
    async with HttpAdapter.from_url(server.url, retry=NO_RETRY) as adapter:
        yield adapter


async def test_a_2xx_answer_is_returned_with_the_correlation_id_sent(api: HttpAdapter) -> None:
    correlation_id = uuid.uuid4()
    response = await api.get("/echo", params={"limit": 10}, correlation_id=correlation_id)
    posted = await api.post("/echo", json={"node": "a"})

    echo = response.json()
    assert echo["query"] == {"limit": ["10"]}
    assert echo["headers"][CORRELATION_HEADER] == str(correlation_id)
    assert json.loads(posted.json()["body"]) == {"node": "a"}
    assert uuid.UUID(posted.json()["headers"][CORRELATION_HEADER])


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (401, InfraAuthenticationError),
        (403, InfraAuthenticationError),
        (408, InfraTimeoutError),
        (504, InfraTimeoutError),
        (500, InfraConnectionError),
        (502, InfraConnectionError),
        (503, InfraConnectionError),
        (429, InfraUnavailableError),
        (400, HttpStatusError),
        (404, HttpStatusError),
        (409, HttpStatusError),
        (422, HttpStatusError),
        (302, HttpStatusError),
    ],
)
async def test_an_unwanted_status_is_raised_as_its_error_and_sent_once(
    api: HttpAdapter, server: Served, status: int, error_class: type[RuntimeHostError]
) -> None:
    with pytest.raises(error_class) as raised:
        await api.get(f"/status/{status}")

    assert type(raised.value) is error_class
    assert f"answered {status}" in raised.value.message
    assert raised.value.infra_context.transport_type is EnumInfraTransportType.HTTP
    assert server.hits(f"/status/{status}") == 1


async def test_a_client_error_carries_its_status_code(api: HttpAdapter) -> None:
    with pytest.raises(HttpStatusError) as raised:
        await api.delete("/status/409")

    assert raised.value.status_code == 409
    assert raised.value.code == "HTTP_STATUS_ERROR"


async def test_too_many_requests_says_when_to_come_back(api: HttpAdapter) -> None:
    with pytest.raises(InfraUnavailableError) as raised:
        await api.get("/status/429")

    assert raised.value.retry_after_seconds == 7


async def test_server_failures_open_the_breaker_and_client_errors_do_not(server: Served) -> None:
    breaker = ModelCircuitBreakerPolicy(threshold=2, reset_timeout_seconds=30)
    async with HttpAdapter.from_url(server.url, circuit_breaker=breaker) as api:
        for _ in range(3):
            with pytest.raises(HttpStatusError):
                await api.get("/status/404")
        assert api.circuit_state is EnumCircuitState.CLOSED
        for _ in range(2):
            with pytest.raises(InfraConnectionError):
                await api.get("/status/500")
        with pytest.raises(InfraUnavailableError) as refused:
            await api.get("/health")

    assert api.circuit_state is EnumCircuitState.OPEN
    assert refused.value.circuit_state is EnumCircuitState.OPEN
    assert server.hits("/health") == 0


async def test_a_slow_answer_is_a_timeout_and_is_not_sent_again(server: Served) -> None:
    retry = ModelRetryPolicy(max_attempts=3, backoff_seconds=0.01, max_backoff_seconds=0.02)
    async with HttpAdapter.from_url(server.url, retry=retry, read_timeout_seconds=0.2) as api:
        with pytest.raises(InfraTimeoutError) as raised:
            await api.get("/slow", params={"seconds": 1})
        with pytest.raises(InfraTimeoutError):
            await api.get("/slow", params={"seconds": 1}, timeout_seconds=0.1)

    assert "timed out" in raised.value.message
    assert server.hits("/slow") == 2


async def test_a_refused_connection_is_retried_then_a_connection_error(
    unused_tcp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    retry = ModelRetryPolicy(max_attempts=3, backoff_seconds=0.01, max_backoff_seconds=0.02)
    async with HttpAdapter.from_url(f"http://127.0.0.1:{unused_tcp_port}", retry=retry) as api:
        with caplog.at_level(logging.INFO), pytest.raises(InfraConnectionError) as raised:
            await api.post("/nodes", json={"node": "a"})

    retries = [record for record in caplog.records if record.getMessage().startswith("Retrying")]
    assert len(retries) == 2
    context = raised.value.infra_context
    assert context.target_name == f"http 127.0.0.1:{unused_tcp_port}"
    assert context.operation == "post"
    assert raised.value.code == "HTTP_CONNECTION_ERROR"


async def test_credentials_and_query_values_never_show(
    server: Served, caplog: pytest.LogCaptureFixture
) -> None:
    password, token, signature = (f"canary-{n}-{uuid.uuid4().hex}" for n in range(3))
    base_url = server.url.replace("http://", f"http://svc-user:{password}@")
    async with HttpAdapter.from_url(base_url, retry=NO_RETRY) as api:
        with caplog.at_level(logging.DEBUG):
            echo = (await api.get("/echo")).json()
            with pytest.raises(InfraConnectionError) as raised:
                await api.get("/status/500", params={"token": token, "sig": signature})

    assert echo["headers"]["Authorization"].startswith("Basic ")
    assert "/status/500?token=***&sig=***" in raised.value.message
    shown = "\n".join(
        [
            str(raised.value),
            repr(raised.value),
            str(raised.value.to_dict()),
            "".join(traceback.format_exception(raised.value)),
            caplog.text,
        ]
    )
    for secret in (password, token, signature):
        assert secret not in shown
    assert "HTTP Request: GET" in caplog.text  # httpx's own request log was checked too


async def test_configured_headers_go_with_every_request(server: Served) -> None:
    headers = {"X-Api-Key": "k-123"}
    async with HttpAdapter.from_url(server.url, headers=headers) as api:
        echo = (await api.get("/echo", headers={"X-Extra": "1"})).json()

    assert echo["headers"]["X-Api-Key"] == "k-123"
    assert echo["headers"]["X-Extra"] == "1"


async def test_ping_checks_the_health_path(api: HttpAdapter, server: Served) -> None:
    await api.ping()
    async with HttpAdapter.from_url(server.url, health_path="/missing") as broken:
        with pytest.raises(HttpStatusError):
            await broken.ping()

    assert isinstance(api, ProtocolHealthProbe)
    assert api.target_name == f"http {server.url.removeprefix('http://')}"


def test_a_base_url_must_be_absolute_http_and_is_not_echoed() -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    with pytest.raises(ProtocolConfigurationError, match="base_url") as raised:
        HttpAdapter.from_url(f"ftp://user:{canary}@example.test/")
    with pytest.raises(ProtocolConfigurationError, match="read_timeout_seconds"):
        HttpAdapter.from_url("http://127.0.0.1:1", read_timeout_seconds=0)

    assert canary not in str(raised.value) + "".join(traceback.format_exception(raised.value))
