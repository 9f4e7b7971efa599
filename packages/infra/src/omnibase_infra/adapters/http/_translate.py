"""httpx's exceptions and unwanted statuses as ONEX errors, naming the request safely."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from omnibase_infra.adapters.http._safe_url import safe_url
from omnibase_infra.adapters.http.errors import HttpStatusError
from omnibase_infra.errors import (
    InfraAuthenticationError,
    InfraConnectionError,
    InfraTimeoutError,
    InfraUnavailableError,
    ModelInfraErrorContext,
    ProtocolConfigurationError,
    RuntimeHostError,
)

# The request never left this process, so sending it again cannot do anything twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class _BadStatus(Exception):
    """A non-2xx answer on its way to translation; its text is safe to show."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.retry_after = _retry_after(response.headers.get("Retry-After"))
        self.request = f"{response.request.method} {safe_url(response.request.url)}"
        super().__init__(f"{self.request} answered {response.status_code} {response.reason_phrase}")


def raise_for_status(response: httpx.Response) -> None:
    """Raise (for translation) unless the response is a 2xx."""
    if not response.is_success:
        raise _BadStatus(response)


def was_not_sent(error: BaseException) -> bool:
    """Whether a failed call never reached the server, so it may be repeated."""
    return isinstance(error.__cause__, _NOT_SENT)


def translate_http_error(
    error: Exception, context: ModelInfraErrorContext
) -> RuntimeHostError | None:
    """Our error for an httpx error or an unwanted status; None for anything else."""
    if isinstance(error, _BadStatus):
        return _status_error(error, context)
    where = context.target_name
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return ProtocolConfigurationError(
            f"{where}: the request URL is invalid ({type(error).__name__}); check the path "
            "passed to the adapter and its base_url",
            context,
        )
    if not isinstance(error, httpx.HTTPError):
        return None
    request = _describe(error)
    if isinstance(error, httpx.TimeoutException):
        return InfraTimeoutError(
            f"{where}: {request} timed out ({type(error).__name__}); check the service's "
            "load or raise the adapter's timeouts",
            context,
        )
    if isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError | httpx.ProxyError):
        return InfraConnectionError(
            f"cannot reach {where}: {request} failed ({type(error).__name__}: {error}); "
            "check that the service runs and the adapter's base_url",
            context,
        )
    return RuntimeHostError(
        f"{where}: {request} failed ({type(error).__name__})", context, code="HTTP_ERROR"
    )


def _status_error(answer: _BadStatus, context: ModelInfraErrorContext) -> RuntimeHostError:
    where, status = context.target_name, answer.status_code
    said = f"{where}: {answer}"
    if status in {401, 403}:
        return InfraAuthenticationError(
            f"{said}; check the credentials or token the adapter sends. Not retried.", context
        )
    if status in {408, 504}:
        return InfraTimeoutError(f"{said}; the service or its upstream was too slow", context)
    if status == 429:
        return InfraUnavailableError(
            f"{said}; slow down and retry after the time it asks for",
            context,
            retry_after_seconds=answer.retry_after,
        )
    if status >= 500:
        return InfraConnectionError(f"{said}; the service is failing, retry later", context)
    return HttpStatusError(f"{said}", context, status_code=status)


def _describe(error: httpx.HTTPError) -> str:
    try:
        request = error.request
    except RuntimeError:  # raised by httpx when the error has no request attached
        return "the request"
    return f"{request.method} {safe_url(request.url)}"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), or None."""
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)
