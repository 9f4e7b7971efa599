"""Secret-free observability: text sanitization, a log filter and Prometheus metrics."""

from omnibase_infra.observability._log_filter import SanitizingLogFilter, install_log_sanitizer
from omnibase_infra.observability._sanitize import (
    REDACTED,
    is_sensitive_key,
    sanitize,
    sanitize_mapping,
    sanitize_value,
)
from omnibase_infra.observability.metrics import METRICS_REGISTRY, render_metrics, safe_label

__all__ = [
    "METRICS_REGISTRY",
    "REDACTED",
    "SanitizingLogFilter",
    "install_log_sanitizer",
    "is_sensitive_key",
    "render_metrics",
    "safe_label",
    "sanitize",
    "sanitize_mapping",
    "sanitize_value",
]
