from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from omnibase_infra.config.enum_credentials_source import EnumCredentialsSource
from omnibase_infra.config.model_consul_settings import ModelConsulSettings
from omnibase_infra.config.model_kafka_settings import ModelKafkaSettings
from omnibase_infra.config.model_postgres_settings import ModelPostgresSettings
from omnibase_infra.config.model_registration_settings import ModelRegistrationSettings
from omnibase_infra.config.model_runtime_settings import ModelRuntimeSettings
from omnibase_infra.config.model_valkey_settings import ModelValkeySettings
from omnibase_infra.config.model_vault_settings import ModelVaultSettings


def _find_project_root() -> Path:
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "justfile").is_file() and (candidate / "packages").is_dir():
            return candidate
    return here


class ModelOnexSettings(BaseSettings):
    """All ONEX settings: environment name, local paths and one section per server."""

    model_config = SettingsConfigDict(
        env_prefix="ONEX_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    env: str = "dev"
    # Services read the PostgreSQL password and the Consul token from Vault at start
    # (omnibase_infra.credentials); `settings` uses the values below as they are.
    credentials_source: EnumCredentialsSource = EnumCredentialsSource.VAULT
    # Data and logs of the local stack (git-ignored, inside the project).
    state_dir: Path = Field(default_factory=lambda: _find_project_root() / ".onex")
    # Downloaded jars and built binaries, shared by every clone on this machine.
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "onex")
    kafka: ModelKafkaSettings = ModelKafkaSettings()
    postgres: ModelPostgresSettings = ModelPostgresSettings()
    valkey: ModelValkeySettings = ModelValkeySettings()
    consul: ModelConsulSettings = ModelConsulSettings()
    vault: ModelVaultSettings = ModelVaultSettings()
    runtime: ModelRuntimeSettings = ModelRuntimeSettings()
    registration: ModelRegistrationSettings = ModelRegistrationSettings()


def load_settings() -> ModelOnexSettings:
    """Read settings from defaults overridden by `ONEX_*` environment variables."""
    return ModelOnexSettings()
