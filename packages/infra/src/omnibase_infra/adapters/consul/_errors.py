"""Turn what aiohttp and python-consul2 raise into ONEX infrastructure errors."""

import json

import aiohttp
import consul.base  # type: ignore[import-untyped]  # python-consul2 ships no type information

from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    ModelInfraErrorContext,
    RuntimeHostError,
)


def translate(
    error: Exception, context: ModelInfraErrorContext, url: str
) -> RuntimeHostError | None:
    """The ONEX error for a failed Consul call (None for a bug, which passes unchanged).

    Lost connections, timeouts and 5xx answers become transient errors (they count
    against the breaker); a refused token or a 4xx answer means Consul is up.
    """
    operation = context.operation
    if isinstance(error, TimeoutError | consul.base.Timeout):
        return InfraTimeoutError(
            f"Consul at {url} did not answer {operation} in time; check that the agent is "
            "healthy or raise the adapter's timeout",
            context,
        )
    if isinstance(error, aiohttp.ClientError):
        return InfraConnectionError(
            f"Could not reach Consul at {url} for {operation} ({type(error).__name__}); "
            "start it (`onex infra up`) or fix ONEX_CONSUL__HOST / ONEX_CONSUL__PORT",
            context,
        )
    if isinstance(error, consul.base.ACLPermissionDenied | consul.base.ACLDisabled):
        return InfraAuthenticationError(
            f"Consul refused the ACL token for {operation}; check ONEX_CONSUL__TOKEN or the "
            "token stored in Vault",
            context,
        )
    if isinstance(error, json.JSONDecodeError):
        return InfraConnectionError(
            f"The server at {url} answered {operation} with something that is not Consul JSON; "
            "check ONEX_CONSUL__PORT",
            context,
        )
    if type(error) is consul.base.ConsulException:
        return InfraConnectionError(f"Consul failed {operation}: {error}", context)
    if isinstance(error, consul.base.ConsulException):
        return RuntimeHostError(
            f"Consul rejected {operation}: {error}", context, code="CONSUL_REQUEST_REJECTED"
        )
    return None
