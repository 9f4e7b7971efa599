"""python-consul2 over one pooled aiohttp session.

The library builds every Consul API call (paths, payloads, PUT deregistration); its own aio
transport opens a session per request and warns from `__del__`, so this module plugs a
pooled session with a total timeout into the library's `HTTPClient` seam instead.
"""

import warnings
from collections.abc import Callable

import aiohttp
import consul.base  # type: ignore[import-untyped]  # python-consul2 ships no type information

# python-consul2 warns about two API groups we never call each time a client is built.
_CONSTRUCTION_WARNINGS = (
    r"Consul 1\.4\.0 deprecates the legacy ACL",
    r"1\.6\.0\+: The discovery chain API",
)


class _PooledHTTPClient(consul.base.HTTPClient):  # type: ignore[misc]  # untyped base class
    """python-consul2's transport, served by one shared aiohttp session."""

    def __init__(self, base_uri: str, session: aiohttp.ClientSession) -> None:
        self.base_uri = base_uri
        self._session = session

    async def _request(
        self,
        callback: Callable[[object], object],
        method: str,
        path: str,
        params: object,
        data: object,
        headers: dict[str, str] | None,
    ) -> object:
        url = self.uri(path, params)
        async with self._session.request(method, url, data=data, headers=headers) as response:
            content = await response.read()
        body = content.decode("utf-8", errors="replace")
        return callback(consul.base.Response(response.status, response.headers, body, content))

    async def get(
        self,
        callback: Callable[[object], object],
        path: str,
        params: object = None,
        headers: dict[str, str] | None = None,
    ) -> object:
        return await self._request(callback, "GET", path, params, None, headers)

    async def put(
        self,
        callback: Callable[[object], object],
        path: str,
        params: object = None,
        data: object = "",
        headers: dict[str, str] | None = None,
    ) -> object:
        return await self._request(callback, "PUT", path, params, data, headers)

    async def delete(
        self,
        callback: Callable[[object], object],
        path: str,
        params: object = None,
        data: object = "",
        headers: dict[str, str] | None = None,
    ) -> object:
        return await self._request(callback, "DELETE", path, params, data, headers)

    async def post(
        self,
        callback: Callable[[object], object],
        path: str,
        params: object = None,
        data: object = "",
        headers: dict[str, str] | None = None,
    ) -> object:
        return await self._request(callback, "POST", path, params, data, headers)


class ConsulClient(consul.base.Consul):  # type: ignore[misc]  # untyped base class
    """A python-consul2 client bound to our session, address and token (not the CONSUL_* env)."""

    def __init__(self, base_uri: str, session: aiohttp.ClientSession, token: str | None) -> None:
        self._transport = _PooledHTTPClient(base_uri, session)
        with warnings.catch_warnings():
            for message in _CONSTRUCTION_WARNINGS:
                warnings.filterwarnings("ignore", message=message, category=DeprecationWarning)
            super().__init__()
        # The library prefers CONSUL_HTTP_TOKEN from the environment; settings decide here.
        self.token = token

    def http_connect(self, *args: object, **kwargs: object) -> _PooledHTTPClient:
        return self._transport
