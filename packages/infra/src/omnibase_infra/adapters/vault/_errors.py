"""Turn what hvac and requests raise into ONEX infrastructure errors."""

import hvac.exceptions  # type: ignore[import-untyped]  # hvac ships no type information
import requests

from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    ModelInfraErrorContext,
    RuntimeHostError,
)

# Vault sealed or failing as a whole.
_OUTAGES: tuple[type[BaseException], ...] = (
    hvac.exceptions.VaultDown,
    hvac.exceptions.BadGateway,
    hvac.exceptions.InternalServerError,
)
_REFUSED = (hvac.exceptions.Forbidden, hvac.exceptions.Unauthorized)
VAULT_NOT_FOUND = "VAULT_NOT_FOUND"


def is_refused(error: BaseException) -> bool:
    """Whether Vault refused the token (expired, revoked or never valid)."""
    return isinstance(error, _REFUSED)


def translate(
    error: Exception, context: ModelInfraErrorContext, url: str
) -> RuntimeHostError | None:
    """The ONEX error for a failed Vault call (None for a bug, which passes unchanged).

    Lost connections, timeouts, a sealed Vault and 5xx answers become transient errors
    (they count against the breaker); a refused token or a 4xx answer means Vault is up.
    Messages never carry a token or a secret value.
    """
    operation = context.operation
    if isinstance(error, requests.exceptions.Timeout):
        return InfraTimeoutError(
            f"Vault at {url} did not answer {operation} in time; check that it is healthy "
            "or raise the adapter's timeout",
            context,
        )
    if isinstance(error, requests.exceptions.RequestException):
        return InfraConnectionError(
            f"Could not reach Vault at {url} for {operation} ({type(error).__name__}); "
            "start it (`onex infra up`) or fix ONEX_VAULT__HOST / ONEX_VAULT__PORT",
            context,
        )
    if is_refused(error):
        return InfraAuthenticationError(
            f"Vault refused the token for {operation} (expired, revoked, or without a policy "
            "for this path); check the configured auth method",
            context,
        )
    if isinstance(error, _OUTAGES):
        return InfraConnectionError(
            f"Vault is sealed or failing ({type(error).__name__}) for {operation}", context
        )
    if not isinstance(error, hvac.exceptions.VaultError):
        return None
    if isinstance(error, hvac.exceptions.InvalidPath):
        return RuntimeHostError(
            f"Vault has nothing at the path of {operation}", context, code=VAULT_NOT_FOUND
        )
    return RuntimeHostError(
        f"Vault rejected {operation} ({type(error).__name__}: {_reason(error)})",
        context,
        code="VAULT_REQUEST_REJECTED",
    )


def _reason(error: Exception) -> str:
    # hvac's message is Vault's error list, then the method and URL (no token, no body).
    errors = getattr(error, "errors", None)
    if isinstance(errors, list) and errors:
        return "; ".join(str(item) for item in errors)
    return str(error) or "no reason given"
