from enum import StrEnum


class EnumInfraTransportType(StrEnum):
    """The kind of external system an adapter talks to; drives error codes and metric labels."""

    DATABASE = "db"
    KAFKA = "kafka"
    HTTP = "http"
    CONSUL = "consul"
    VAULT = "vault"
    VALKEY = "valkey"
