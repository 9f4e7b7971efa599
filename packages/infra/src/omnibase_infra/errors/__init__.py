"""Infrastructure errors: one tree under RuntimeHostError, raised with ModelInfraErrorContext.

Every message and context value is scrubbed of secrets when the error is built;
`sanitize` and `sanitize_mapping` do the same for any other text (DLQ reasons, labels).
"""

from omnibase_infra.errors._errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ProtocolConfigurationError,
    RuntimeHostError,
)
from omnibase_infra.models.errors import ModelInfraErrorContext
from omnibase_infra.observability import SanitizingLogFilter, sanitize, sanitize_mapping

__all__ = [
    "InfraAuthenticationError",
    "InfraConnectionError",
    "InfraTimeoutError",
    "InfraUnavailableError",
    "ModelInfraErrorContext",
    "ProtocolConfigurationError",
    "RuntimeHostError",
    "SanitizingLogFilter",
    "sanitize",
    "sanitize_mapping",
]
