"""When to renew the Vault token: once less than a fraction of its TTL is left."""

from omnibase_infra.adapters.vault.model_vault_token_info import ModelVaultTokenInfo

# Never poll Vault faster than this, however short the token's TTL.
MIN_RENEWAL_DELAY_SECONDS = 0.5


def renewal_delay(info: ModelVaultTokenInfo, fraction: float) -> float | None:
    """Seconds until the token should be renewed, or None when it never expires.

    The token is due once its remaining TTL drops below `fraction` of the TTL it was
    created with (`fraction=0.5`: a 1 h token is renewed with 30 min left).
    """
    if not info.expires:
        return None
    due_in = info.ttl_seconds - fraction * info.creation_ttl_seconds
    return max(due_in, MIN_RENEWAL_DELAY_SECONDS)


def renewal_fell_short(info: ModelVaultTokenInfo, fraction: float) -> bool:
    """Whether a renewal left the token already due again (Vault capped it at its max TTL)."""
    return info.expires and info.ttl_seconds <= fraction * info.creation_ttl_seconds
