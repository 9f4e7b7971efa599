"""Read the Consul ACL token from the secret store (Vault), failing closed."""

from omnibase_spi import ProtocolSecretStore
from pydantic import SecretStr

from omnibase_infra.errors import ProtocolConfigurationError


async def consul_token_from(
    secrets: ProtocolSecretStore, *, path: str = "onex/consul", key: str = "token"
) -> SecretStr:
    """The Consul ACL token stored at `path` under `key`; an error if it is missing."""
    stored = await secrets.read_secret(path)
    token = stored.get(key)
    if not token:
        raise ProtocolConfigurationError(
            f"the secret at {path!r} has no {key!r} entry for the Consul ACL token; "
            f"store it there (for example `vault kv put secret/{path} {key}=...`)",
            setting=f"{path}:{key}",
        )
    return SecretStr(token)
