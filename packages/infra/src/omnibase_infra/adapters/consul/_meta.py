"""Service meta for Consul: only allow-listed keys, values cut to Consul's length limit."""

import logging
import re
from collections.abc import Iterable, Mapping

from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.observability import sanitize

logger = logging.getLogger(__name__)

# Consul's own limits on service meta (it refuses a registration that breaks them).
META_MAX_PAIRS = 64
META_KEY_MAX_LENGTH = 128
META_VALUE_MAX_BYTES = 512
_META_KEY = re.compile(r"[A-Za-z0-9_-]+")
_RESERVED_PREFIX = "consul-"

DEFAULT_CONSUL_META_KEYS = frozenset(
    {"node_id", "node_type", "node_version", "contract_fingerprint", "env"}
)


def meta_allow_list(keys: Iterable[str]) -> frozenset[str]:
    """Check an allow-list once: every key must be one Consul accepts."""
    allowed = frozenset(keys)
    if len(allowed) > META_MAX_PAIRS:
        raise ProtocolConfigurationError(
            f"the Consul meta allow-list has {len(allowed)} keys; Consul keeps at most "
            f"{META_MAX_PAIRS}",
            setting="meta_keys",
        )
    for key in sorted(allowed):
        if not _is_valid_key(key):
            raise ProtocolConfigurationError(
                f"Consul meta key {sanitize(key)!r} is invalid: use 1-{META_KEY_MAX_LENGTH} "
                f"letters, digits, '-' or '_', not starting with {_RESERVED_PREFIX!r}",
                setting="meta_keys",
            )
    return allowed


def filter_meta(meta: Mapping[str, str], allowed: frozenset[str]) -> dict[str, str]:
    """Keep the allow-listed keys of `meta`, each value cut to Consul's 512-byte limit."""
    dropped = sorted(key for key in meta if key not in allowed)
    if dropped:
        logger.info(
            "Dropped %d Consul meta key(s) not in the allow-list: %s",
            len(dropped),
            ", ".join(sanitize(key) for key in dropped),
        )
    return {key: _cut(value) for key, value in meta.items() if key in allowed}


def _is_valid_key(key: str) -> bool:
    return (
        len(key) <= META_KEY_MAX_LENGTH
        and _META_KEY.fullmatch(key) is not None
        and not key.startswith(_RESERVED_PREFIX)
    )


def _cut(value: str) -> str:
    encoded = value.encode()
    if len(encoded) <= META_VALUE_MAX_BYTES:
        return value
    return encoded[:META_VALUE_MAX_BYTES].decode(errors="ignore")
