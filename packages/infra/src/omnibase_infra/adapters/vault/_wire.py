"""Read hvac's answers (plain dicts) into our types, keeping only what we need."""

from pydantic import ValidationError

from omnibase_infra.adapters.vault.model_vault_token_info import ModelVaultTokenInfo
from omnibase_infra.errors import ProtocolConfigurationError, RuntimeHostError


def secret_data(answer: object) -> dict[str, str] | None:
    """The key/value pairs of a KV v2 read, or None when the answer holds no data."""
    body = answer.get("data") if isinstance(answer, dict) else None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return None
    not_text = sorted(str(key) for key, value in data.items() if not isinstance(value, str))
    if not_text:
        raise ProtocolConfigurationError(
            f"the secret holds non-text values under {not_text}; store every value as a string",
            setting="secret",
        )
    return {str(key): value for key, value in data.items()}


def token_info(answer: object) -> ModelVaultTokenInfo:
    """Read a token lookup, taking only the fields we keep (never the token itself)."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        raise RuntimeHostError("Vault answered the token lookup without data")
    try:
        return ModelVaultTokenInfo(
            accessor=data.get("accessor") or "",
            ttl_seconds=data.get("ttl") or 0,
            creation_ttl_seconds=data.get("creation_ttl") or 0,
            renewable=bool(data.get("renewable")),
            policies=tuple(data.get("policies") or ()),
            expire_time=data.get("expire_time"),
        )
    except ValidationError as error:
        # `from None`: pydantic's message would repeat the lookup's values.
        raise RuntimeHostError(
            f"Vault's token lookup had an unexpected shape ({error.error_count()} problems)"
        ) from None
