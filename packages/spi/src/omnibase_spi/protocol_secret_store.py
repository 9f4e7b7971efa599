from collections.abc import Mapping
from typing import Protocol, runtime_checkable


@runtime_checkable
class ProtocolSecretStore(Protocol):
    """Reads and writes secrets (credentials) by path; values never appear in errors or logs."""

    async def read_secret(self, path: str) -> Mapping[str, str]:
        """The key/value pairs stored at `path`."""
        ...

    async def write_secret(self, path: str, data: Mapping[str, str]) -> None:
        """Store `data` at `path`, replacing what was there."""
        ...
