from pydantic import BaseModel, ConfigDict, SecretStr


class ModelVaultSettings(BaseModel):
    """Where Vault listens, which release is built locally, and the local dev token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8200
    version: str = "1.14.10"
    # The dev server's root token: for the local stack only, never for a deployment.
    token: SecretStr = SecretStr("onex-local-root")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
