from enum import StrEnum


class EnumStepFailureStrategy(StrEnum):
    """What the workflow does when a step fails for good."""

    ABORT = "abort"  # cancel the running steps and skip every step not yet started
    CONTINUE = "continue"  # skip only the steps that depend on the failed one
