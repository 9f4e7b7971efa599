"""A logging filter that scrubs secrets from every record before any handler formats it."""

import logging

from omnibase_infra.observability._sanitize import sanitize, sanitize_value

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_FORMATTER = logging.Formatter()


class SanitizingLogFilter(logging.Filter):
    """Rewrite a record's message, `extra` fields, traceback and stack as secret-free text.

    Attach it to handlers (not loggers): a handler filter sees records propagated from
    every child logger. `install_log_sanitizer()` does that for the root logger's handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break the caller's log call
            message = f"{record.msg} (arguments did not fit the format)"
        record.msg = sanitize(message)
        record.args = None
        if record.exc_info:
            # The traceback includes chained causes (`raise ... from e`), whose messages
            # we do not control; format it once here and drop the live exception.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = sanitize(record.exc_text)
        if record.stack_info:
            record.stack_info = sanitize(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRIBUTES:
                setattr(record, name, sanitize_value(value))
        return True


def install_log_sanitizer(logger: logging.Logger | None = None) -> SanitizingLogFilter:
    """Add one shared `SanitizingLogFilter` to every handler of `logger` (root by default)."""
    target = logger or logging.getLogger()
    log_filter = next(
        (f for h in target.handlers for f in h.filters if isinstance(f, SanitizingLogFilter)),
        SanitizingLogFilter(),
    )
    for handler in target.handlers:
        if log_filter not in handler.filters:
            handler.addFilter(log_filter)
    return log_filter
