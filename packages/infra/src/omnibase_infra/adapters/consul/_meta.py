"""Service meta for Consul: only allow-listed keys, values cut to Consul's length limit."""

import logging
import re
from collections.abc import Mapping

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


def meta_key_problem(key: str) -> str | None:
    """Why Consul would refuse `key` as a meta key, or None when it is fine."""
    if len(key) > META_KEY_MAX_LENGTH or _META_KEY.fullmatch(key) is None:
        return f"use 1-{META_KEY_MAX_LENGTH} letters, digits, '-' or '_'"
    if key.startswith(_RESERVED_PREFIX):
        return f"the {_RESERVED_PREFIX!r} prefix is reserved by Consul"
    return None


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


def _cut(value: str) -> str:
    encoded = value.encode()
    if len(encoded) <= META_VALUE_MAX_BYTES:
        return value
    return encoded[:META_VALUE_MAX_BYTES].decode(errors="ignore")
