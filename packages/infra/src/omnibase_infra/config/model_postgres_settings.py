from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr


class ModelPostgresSettings(BaseModel):
    """Where PostgreSQL listens and which role and database ONEX uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 5432
    database: str = "onex"
    user: str = "onex"
    # Local development only; deployed services read the password from Vault.
    password: SecretStr = SecretStr("onex-local-dev")
    # The local stack's server binaries (Debian's PostgreSQL 15 by default).
    bin_dir: Path = Path("/usr/lib/postgresql/15/bin")
