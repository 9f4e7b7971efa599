from enum import StrEnum


class EnumStepStatus(StrEnum):
    """How a workflow step ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"  # its last try raised
    TIMED_OUT = "timed_out"  # its last try ran past timeout_seconds
    CANCELLED = "cancelled"  # it was running when another step aborted the workflow
    SKIPPED = "skipped"  # it never started: a dependency failed or the workflow aborted
