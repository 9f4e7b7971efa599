from pydantic import BaseModel, ConfigDict, Field, SecretStr


class ModelVaultSettings(BaseModel):
    """Where Vault listens, how services log in, and where their credentials are kept."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8200
    # The newest MPL-2.0 release whose published api/sdk modules build and run it (1.14.x do not).
    version: str = "1.13.2"
    # The local server's root-policy token (created under this id at start): local stack only.
    token: SecretStr = SecretStr("onex-local-root")
    # AppRole login, used instead of the token when both are set (the adapter logs in again
    # when its token dies).
    role_id: str | None = None
    secret_id: SecretStr | None = None
    # KV v2 secrets (mount `secret`) the services read at start: `password` and `token`.
    postgres_secret_path: str = Field(default="onex/postgres", min_length=1)
    consul_secret_path: str = Field(default="onex/consul", min_length=1)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
