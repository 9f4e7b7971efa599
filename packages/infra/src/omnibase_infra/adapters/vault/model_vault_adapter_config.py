from omnibase_core.contracts import ModelCircuitBreakerPolicy, ModelRetryPolicy
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from omnibase_infra.adapters.vault.model_vault_app_role_auth import ModelVaultAppRoleAuth
from omnibase_infra.adapters.vault.model_vault_token_auth import ModelVaultTokenAuth


class ModelVaultAdapterConfig(BaseModel):
    """Where Vault is, how the adapter logs in, and its timeouts, renewal and breaker."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8200, ge=1, le=65535)
    auth: ModelVaultTokenAuth | ModelVaultAppRoleAuth = ModelVaultTokenAuth(token=SecretStr(""))
    # Mount point of the KV version 2 secrets engine.
    kv_mount: str = Field(default="secret", min_length=1)
    # Bound on connecting and on waiting for each answer.
    timeout_seconds: float = Field(default=5.0, gt=0)
    # Renew the token once less than this fraction of its TTL is left.
    renew_fraction: float = Field(default=0.5, gt=0, lt=1)
    # Wait before trying again after a failed renewal or login.
    refresh_retry_seconds: float = Field(default=5.0, gt=0)
    circuit_breaker: ModelCircuitBreakerPolicy = ModelCircuitBreakerPolicy(
        threshold=5, reset_timeout_seconds=10.0
    )
    # Applied to reads only.
    retry: ModelRetryPolicy = ModelRetryPolicy()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def target_name(self) -> str:
        """`vault host:port`: how errors, logs and metrics name this server."""
        return f"vault {self.host}:{self.port}"
