from pydantic import BaseModel, ConfigDict, SecretStr


class ModelVaultTokenAuth(BaseModel):
    """Authenticate to Vault with a fixed token (by default the one in the Vault settings).

    A rejected token cannot be replaced, so requests that Vault refuses fail at once.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: SecretStr
