import re
from typing import Annotated
from uuid import UUID

from omnibase_core.enums import EnumNodeKind
from omnibase_core.models.generated import EnumNodeType
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from omnibase_infra.observability import is_sensitive_key, sanitize

_SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$"
_KEY = re.compile(r"^[a-z][a-z0-9_.-]{0,62}$")
# scheme://host[:port][/path]: no user information and no query, so no credential fits.
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^@/\s?#]+(/[^\s?#]*)?$")
_MAX_URL = 2048
_MAX_METADATA_VALUE = 512


def _node_type(value: object) -> object:
    """Accept a contract's EnumNodeKind or the archetype in any letter case."""
    if isinstance(value, EnumNodeKind):
        return value.value
    return value.upper() if isinstance(value, str) else value


class ModelNodeIntrospectionConfig(BaseModel):
    """What `initialize_introspection` was given, checked: who the node is and how it reports.

    Endpoints and metadata are published to every reader of the introspection topic, so
    anything that could carry a credential (a URL with user or query, a secret-looking key or
    value) is refused here rather than published.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: UUID
    node_name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")
    node_type: Annotated[EnumNodeType, BeforeValidator(_node_type)]
    node_version: str = Field(pattern=_SEMVER)
    env: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    contract_fingerprint: str | None = Field(default=None, pattern=r"^\d+\.\d+\.\d+:[0-9a-f]{12}$")
    # At least 1 ms: heartbeat sequences start at the start time in ms (see NodeIntrospector).
    heartbeat_interval: float = Field(default=30.0, ge=0.001)
    exclude_prefixes: tuple[str, ...] = ()
    enable_registry_listener: bool = True
    cache_ttl: float = Field(default=300.0, ge=0)
    endpoints: dict[str, str] = Field(default_factory=dict, max_length=16)
    metadata: dict[str, str] = Field(default_factory=dict, max_length=32)
    include_signatures: bool = False

    @field_validator("endpoints")
    @classmethod
    def _check_endpoints(cls, endpoints: dict[str, str]) -> dict[str, str]:
        for key, url in endpoints.items():
            _check_key(key)
            if len(url) > _MAX_URL or not _URL.match(url):
                raise ValueError(
                    f"endpoint {key!r}: give scheme://host[:port][/path], at most {_MAX_URL} "
                    "characters, without user information or a query string"
                )
        return endpoints

    @field_validator("metadata")
    @classmethod
    def _check_metadata(cls, metadata: dict[str, str]) -> dict[str, str]:
        for key, value in metadata.items():
            _check_key(key)
            if is_sensitive_key(key) or sanitize(value) != value:
                raise ValueError(
                    f"metadata {key!r} looks like a secret or personal data; every consumer of "
                    "the topic reads introspection, so keep credentials and configuration out"
                )
            if len(value) > _MAX_METADATA_VALUE:
                raise ValueError(
                    f"metadata {key!r}: values hold at most {_MAX_METADATA_VALUE} characters"
                )
        return metadata


def _check_key(key: str) -> None:
    if not _KEY.match(key):
        raise ValueError(
            f"key {key[:64]!r}: use lower-case letters, digits, '_', '.', '-' (at most 63, "
            "starting with a letter)"
        )
