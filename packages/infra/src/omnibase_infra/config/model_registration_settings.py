from pydantic import BaseModel, ConfigDict, Field


class ModelRegistrationSettings(BaseModel):
    """How long the registry waits for a node's ack and heartbeats, and how it claims timeouts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # An accepted node must acknowledge within this many seconds.
    ack_timeout_seconds: float = Field(default=30.0, gt=0)
    # Each heartbeat keeps a node alive this long: three missed beats at the default 30 s.
    liveness_timeout_seconds: float = Field(default=90.0, gt=0, le=86_400)
    # A timeout claimed but still not applied this long after (its emitter died between the
    # claim and the publish) is claimed and emitted again.
    reclaim_after_seconds: float = Field(default=60.0, gt=0)
    # At most this many timeouts of each kind are claimed per runtime tick.
    claim_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Node metadata keys copied into the Consul service meta (besides id, type, version and
    # contract fingerprint, which are always there).
    consul_meta_keys: tuple[str, ...] = ()
    # The registry effect carries out the intents of this many distinct nodes of a batch at
    # once (one node's intents stay in order); 1 is one Consul call at a time.
    effect_concurrency: int = Field(default=16, ge=1, le=256)
    # Registry queries (`onex nodes`, GET /registry/nodes) are cached in Valkey this long at
    # most; the reducer invalidates the cache on every change, so this is only a safety net.
    query_cache_ttl_seconds: float = Field(default=5.0, gt=0, le=3600)
