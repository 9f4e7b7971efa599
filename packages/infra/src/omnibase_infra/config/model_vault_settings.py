from pydantic import BaseModel, ConfigDict, SecretStr


class ModelVaultSettings(BaseModel):
    """Where Vault listens, which release is built locally, and the local dev token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8200
    # The newest MPL-2.0 release whose published api/sdk modules build and run it (1.14.x do not).
    version: str = "1.13.2"
    # The dev server's root token: for the local stack only, never for a deployment.
    token: SecretStr = SecretStr("onex-local-root")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
