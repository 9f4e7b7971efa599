"""`/health`, `/ready` and `/metrics`: small ASGI endpoints served beside the broker."""

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence

from faststream.asgi import AsgiResponse
from prometheus_client import CONTENT_TYPE_LATEST

from omnibase_infra.adapters import ProtocolHealthProbe
from omnibase_infra.observability import render_metrics, sanitize

Scope = MutableMapping[str, object]
Message = MutableMapping[str, object]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]
_PING_SECONDS = 3.0


class Readiness:
    """Ready when the app started, every consumer joined its group and every probe answers."""

    def __init__(self, joined: Callable[[], bool]) -> None:
        self._joined = joined
        self.started = False
        self.probes: Sequence[ProtocolHealthProbe] = ()

    async def check(self) -> tuple[bool, dict[str, object]]:
        """Whether the node is ready, and why (consumers, each dependency)."""
        consumers = self.started and self._joined()
        answers = await asyncio.gather(*(_ping(probe) for probe in self.probes))
        dependencies = {
            probe.target_name: answer for probe, answer in zip(self.probes, answers, strict=True)
        }
        ready = consumers and all(answer == "ok" for answer in answers)
        return ready, {"ready": ready, "consumers_joined": consumers, "dependencies": dependencies}


async def _ping(probe: ProtocolHealthProbe) -> str:
    try:
        async with asyncio.timeout(_PING_SECONDS):
            await probe.ping()
    except Exception as error:
        return f"{type(error).__name__}: {sanitize(str(error))}"
    return "ok"


class _Endpoint:
    """A GET-only ASGI endpoint built from a coroutine returning the response."""

    def __init__(self, respond: Callable[[], Awaitable[AsgiResponse]]) -> None:
        self._respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") not in ("GET", "HEAD"):
            response = AsgiResponse(b"method not allowed", 405, {"Allow": "GET, HEAD"})
        else:
            response = await self._respond()
        await response(scope, receive, send)


def http_routes(identity: dict[str, str], readiness: Readiness) -> list[tuple[str, _Endpoint]]:
    """The routes of a node: liveness with its identity, readiness, Prometheus metrics."""

    async def health() -> AsgiResponse:
        return _json({"status": "ok", **identity}, 200)

    async def ready() -> AsgiResponse:
        ok, details = await readiness.check()
        return _json(details, 200 if ok else 503)

    async def metrics() -> AsgiResponse:
        return AsgiResponse(render_metrics(), 200, {"Content-Type": CONTENT_TYPE_LATEST})

    return [
        ("/health", _Endpoint(health)),
        ("/ready", _Endpoint(ready)),
        ("/metrics", _Endpoint(metrics)),
    ]


class RoutedApp:
    """The node's app plus extra routes; an extra route serves its path and every path below it.

    (`/registry/nodes` also answers `/registry/nodes/<id>`; the node's own routes match exactly.)
    """

    def __init__(self, app: AsgiApp, routes: Sequence[tuple[str, AsgiApp]] = ()) -> None:
        self.app = app
        self.routes = [(path.rstrip("/"), route) for path, route in routes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http":
            path = str(scope.get("path", ""))
            for prefix, route in self.routes:
                if path == prefix or path.startswith(prefix + "/"):
                    await route(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _json(data: dict[str, object], status: int) -> AsgiResponse:
    return AsgiResponse(json.dumps(data).encode(), status, {"Content-Type": "application/json"})
