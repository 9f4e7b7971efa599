"""GET /registry/nodes and /registry/nodes/{node_id}: the node registry as JSON over HTTP."""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from urllib.parse import parse_qs
from uuid import UUID

from faststream.asgi import AsgiResponse
from omnibase_spi import ProtocolProjectionReader

from omnibase_infra.errors import RuntimeHostError
from omnibase_infra.observability import sanitize
from omnibase_infra.registration.model_node_registration import ModelNodeRegistration

Scope = MutableMapping[str, object]
Receive = Callable[[], Awaitable[MutableMapping[str, object]]]
Send = Callable[[MutableMapping[str, object]], Awaitable[None]]
Reader = ProtocolProjectionReader[ModelNodeRegistration]

REGISTRY_PATH = "/registry/nodes"
_MAX_LIMIT = 10_000


def registry_routes(
    reader: Callable[[], Awaitable[Reader]],
) -> list[tuple[str, "RegistryEndpoint"]]:
    """The registry routes for a runtime host (`routes` in a service's wiring.py).

    `reader()` returns the registry to read (resolved per request, e.g. from the container).
    """
    return [(REGISTRY_PATH, RegistryEndpoint(reader))]


class RegistryEndpoint:
    """Answers `GET /registry/nodes[?limit=N]` (every node) and `GET /registry/nodes/{id}`."""

    def __init__(self, reader: Callable[[], Awaitable[Reader]]) -> None:
        self._reader = reader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") not in ("GET", "HEAD"):
            response = AsgiResponse(b"method not allowed", 405, {"Allow": "GET, HEAD"})
        else:
            try:
                response = await self._respond(scope)
            except RuntimeHostError as error:
                response = _json({"error": f"registry unavailable: {sanitize(str(error))}"}, 503)
        await response(scope, receive, send)

    async def _respond(self, scope: Scope) -> AsgiResponse:
        rest = str(scope.get("path", "")).removeprefix(REGISTRY_PATH).strip("/")
        if not rest:
            limit = _limit(scope)
            if limit is None:
                return _json({"error": f"limit: give a whole number from 1 to {_MAX_LIMIT}"}, 400)
            nodes = await (await self._reader()).list_all(limit=limit)
            return _json({"count": len(nodes), "nodes": [_plain(node) for node in nodes]}, 200)
        try:
            node_id = UUID(rest)
        except ValueError:
            return _json({"error": "the node id in /registry/nodes/{node_id} is a UUID"}, 400)
        node = await (await self._reader()).get(str(node_id))
        if node is None:
            return _json({"error": f"no node {node_id} in the registry"}, 404)
        return _json(_plain(node), 200)


def _limit(scope: Scope) -> int | None:
    query = scope.get("query_string", b"")
    values = parse_qs(query.decode("latin-1") if isinstance(query, bytes) else "").get("limit")
    if not values:
        return 1000
    try:
        limit = int(values[-1])
    except ValueError:
        return None
    return limit if 1 <= limit <= _MAX_LIMIT else None


def _plain(node: ModelNodeRegistration) -> dict[str, object]:
    return node.model_dump(mode="json")


def _json(data: dict[str, object], status: int) -> AsgiResponse:
    return AsgiResponse(json.dumps(data).encode(), status, {"Content-Type": "application/json"})
