"""Vault: KV v2 secrets, token lookup and renewal, re-authentication through AppRole.

`async with VaultAdapter.from_settings(load_settings()) as vault:` then
`await vault.read_secret("onex/postgres")`; pass
`auth=ModelVaultAppRoleAuth(role_id=..., secret_id=...)` to log in through AppRole.
Implements `omnibase_spi.ProtocolSecretStore`.
"""

from omnibase_infra.adapters.vault._adapter import VaultAdapter
from omnibase_infra.adapters.vault._renewal import renewal_delay
from omnibase_infra.adapters.vault.model_vault_adapter_config import ModelVaultAdapterConfig
from omnibase_infra.adapters.vault.model_vault_app_role_auth import ModelVaultAppRoleAuth
from omnibase_infra.adapters.vault.model_vault_token_auth import ModelVaultTokenAuth
from omnibase_infra.adapters.vault.model_vault_token_info import ModelVaultTokenInfo

__all__ = [
    "ModelVaultAdapterConfig",
    "ModelVaultAppRoleAuth",
    "ModelVaultTokenAuth",
    "ModelVaultTokenInfo",
    "VaultAdapter",
    "renewal_delay",
]
