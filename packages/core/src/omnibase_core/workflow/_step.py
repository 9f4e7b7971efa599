"""Runs one step: each try bounded by the step's timeout, retried with capped backoff."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from omnibase_core.workflow.enum_step_status import EnumStepStatus
from omnibase_core.workflow.model_step_result import ModelStepResult
from omnibase_core.workflow.model_workflow_step import ModelWorkflowStep

StepAction = Callable[[dict[str, object]], Awaitable[object]]


@dataclass
class StepProgress:
    """How far a step got, readable even after its task is cancelled."""

    attempts: int = 0
    started_at: float = field(default_factory=time.monotonic)

    def result(
        self, step: str, status: EnumStepStatus, error: str | None = None, output: object = None
    ) -> ModelStepResult:
        return ModelStepResult(
            name=step,
            status=status,
            attempts=self.attempts,
            duration_seconds=time.monotonic() - self.started_at,
            error=error,
            output=output,
        )


async def run_step(
    step: ModelWorkflowStep, action: StepAction, inputs: dict[str, object], progress: StepProgress
) -> ModelStepResult:
    """Try `action` up to `max_attempts` times; the last failure decides the status."""
    status, error = EnumStepStatus.FAILED, ""
    for attempt in range(1, step.retries.max_attempts + 1):
        if attempt > 1:
            await asyncio.sleep(step.retries.delay_before(attempt))
        progress.attempts = attempt
        try:
            async with asyncio.timeout(step.timeout_seconds) as deadline:
                output = await action(inputs)
        except TimeoutError as exc:
            if deadline.expired():
                status, error = EnumStepStatus.TIMED_OUT, f"timed out after {step.timeout_seconds}s"
            else:
                status, error = EnumStepStatus.FAILED, _describe(exc)
        except Exception as exc:  # a step may fail in any way; its result records how
            status, error = EnumStepStatus.FAILED, _describe(exc)
        else:
            return progress.result(step.name, EnumStepStatus.SUCCEEDED, output=output)
    return progress.result(step.name, status, error=f"{error} (attempt {progress.attempts})")


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
