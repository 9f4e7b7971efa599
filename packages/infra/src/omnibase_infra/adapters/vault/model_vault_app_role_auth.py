from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ModelVaultAppRoleAuth(BaseModel):
    """Authenticate to Vault through AppRole; the adapter logs in again when its token dies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role_id: str = Field(min_length=1)
    secret_id: SecretStr
    mount_point: str = "approle"
