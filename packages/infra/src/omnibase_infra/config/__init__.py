"""Settings for every ONEX component: one source of ports, versions and paths.

Read once with `load_settings()`; every value can be overridden by an environment
variable `ONEX_<SECTION>__<FIELD>` (for example `ONEX_KAFKA__PORT=19092`).
"""

from omnibase_infra.config.enum_credentials_source import EnumCredentialsSource
from omnibase_infra.config.model_consul_settings import ModelConsulSettings
from omnibase_infra.config.model_kafka_settings import ModelKafkaSettings
from omnibase_infra.config.model_onex_settings import ModelOnexSettings, load_settings
from omnibase_infra.config.model_postgres_settings import ModelPostgresSettings
from omnibase_infra.config.model_registration_settings import ModelRegistrationSettings
from omnibase_infra.config.model_runtime_settings import ModelRuntimeSettings
from omnibase_infra.config.model_valkey_settings import ModelValkeySettings
from omnibase_infra.config.model_vault_settings import ModelVaultSettings

__all__ = [
    "EnumCredentialsSource",
    "ModelConsulSettings",
    "ModelKafkaSettings",
    "ModelOnexSettings",
    "ModelPostgresSettings",
    "ModelRegistrationSettings",
    "ModelRuntimeSettings",
    "ModelValkeySettings",
    "ModelVaultSettings",
    "load_settings",
]
