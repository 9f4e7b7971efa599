from enum import StrEnum


class EnumCredentialsSource(StrEnum):
    """Where a service takes its credentials (PostgreSQL password, Consul token) from."""

    # Read from Vault at start through the Vault adapter, whose token is kept renewed.
    VAULT = "vault"
    # Taken from the settings as they are (ONEX_POSTGRES__PASSWORD, ONEX_CONSUL__TOKEN): unit
    # tests, or a deployment where Vault's agent renders them into the environment.
    SETTINGS = "settings"
