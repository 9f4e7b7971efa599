"""URLs as they may be shown: no user or password, query values hidden."""

import logging

import httpx

from omnibase_infra.observability import REDACTED, sanitize


def safe_url(url: httpx.URL | str) -> str:
    """`url` without credentials, fragment or query values (`?token=***`)."""
    parsed = httpx.URL(url)
    shown = str(parsed.copy_with(userinfo=b"", query=None, fragment=None))
    keys = list(dict.fromkeys(parsed.params.keys()))
    if keys:
        shown += "?" + "&".join(f"{key}={REDACTED}" for key in keys)
    return sanitize(shown)


class HttpxUrlFilter(logging.Filter):
    """Hides credentials and query values in the URLs httpx logs for every request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                safe_url(arg) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


_URL_FILTER = HttpxUrlFilter()


def scrub_httpx_log() -> None:
    """Put the URL filter on httpx's logger (once; a filter object is added only once)."""
    logging.getLogger("httpx").addFilter(_URL_FILTER)
