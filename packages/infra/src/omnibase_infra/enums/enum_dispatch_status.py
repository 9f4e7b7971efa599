from enum import StrEnum


class EnumDispatchStatus(StrEnum):
    """Outcome of dispatching one message: handled, failed, or nobody registered for it."""

    SUCCESS = "success"
    FAILED = "failed"
    NO_ROUTE = "no_route"
