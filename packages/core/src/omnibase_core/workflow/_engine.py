"""Executes a workflow DAG: each step starts as soon as its dependencies have succeeded."""

import asyncio
import time
from collections.abc import Mapping

from omnibase_core.errors import ModelOnexError
from omnibase_core.workflow._step import StepAction, StepProgress, run_step
from omnibase_core.workflow.enum_step_failure_strategy import EnumStepFailureStrategy
from omnibase_core.workflow.enum_step_status import EnumStepStatus
from omnibase_core.workflow.model_step_result import ModelStepResult
from omnibase_core.workflow.model_workflow_definition import ModelWorkflowDefinition
from omnibase_core.workflow.model_workflow_result import ModelWorkflowResult
from omnibase_core.workflow.model_workflow_step import ModelWorkflowStep


class WorkflowEngine:
    """Runs a `ModelWorkflowDefinition` with the async callables its steps name.

    `actions` maps each step's `action` to `async def action(inputs) -> output`; a step's
    inputs are the run's inputs plus the outputs of its dependencies, keyed by step name.
    """

    def __init__(self, definition: ModelWorkflowDefinition, actions: Mapping[str, StepAction]):
        missing = sorted({step.action for step in definition.steps} - set(actions))
        if missing:
            raise ModelOnexError(
                f"workflow actions not provided: {', '.join(missing)}; "
                f"provided: {', '.join(sorted(actions)) or 'none'}",
                code="WORKFLOW_ACTION_MISSING",
            )
        self._definition = definition
        self._actions = dict(actions)

    @property
    def definition(self) -> ModelWorkflowDefinition:
        """The definition this engine runs."""
        return self._definition

    async def run(self, inputs: Mapping[str, object] | None = None) -> ModelWorkflowResult:
        """Run every step once (with its retries) and return all their results."""
        started = time.monotonic()
        results = await _Run(self._definition, self._actions, dict(inputs or {})).execute()
        ordered = {step.name: results[step.name] for step in self._definition.steps}
        return ModelWorkflowResult(steps=ordered, duration_seconds=time.monotonic() - started)


class _Run:
    """The mutable bookkeeping of one run."""

    def __init__(
        self,
        definition: ModelWorkflowDefinition,
        actions: dict[str, StepAction],
        inputs: dict[str, object],
    ) -> None:
        self._actions = actions
        self._inputs = inputs
        self._steps = {step.name: step for step in definition.steps}
        self._waiting = dict(self._steps)
        self._running: dict[asyncio.Task[ModelStepResult], tuple[str, StepProgress]] = {}
        self._results: dict[str, ModelStepResult] = {}

    async def execute(self) -> dict[str, ModelStepResult]:
        try:
            self._advance()
            while self._running:
                done, _ = await asyncio.wait(self._running, return_when=asyncio.FIRST_COMPLETED)
                failure = self._collect(done)
                if failure is not None:
                    await self._abort(failure)
                    break
                self._advance()
        finally:
            await self._cancel_running("the workflow run was cancelled")
        return self._results

    def _advance(self) -> None:
        """Start every waiting step whose dependencies succeeded; skip those that cannot run."""
        progressed = True
        while progressed:
            progressed = False
            for name, step in list(self._waiting.items()):
                blocker = self._blocker(step)
                if blocker is None:
                    continue
                del self._waiting[name]
                progressed = True
                if blocker:
                    self._results[name] = _skipped(name, f"dependency {blocker!r} did not succeed")
                else:
                    self._start(step)

    def _blocker(self, step: ModelWorkflowStep) -> str | None:
        """'' when `step` can start, a dependency's name when it never can, None to wait."""
        for dependency in step.depends_on:
            result = self._results.get(dependency)
            if result is None:
                return None
            if result.status is not EnumStepStatus.SUCCEEDED:
                return dependency
        return ""

    def _start(self, step: ModelWorkflowStep) -> None:
        inputs = dict(self._inputs)
        inputs.update({name: self._results[name].output for name in step.depends_on})
        progress = StepProgress()
        action = self._actions[step.action]
        task = asyncio.create_task(run_step(step, action, inputs, progress), name=step.name)
        self._running[task] = (step.name, progress)

    def _collect(self, done: set[asyncio.Task[ModelStepResult]]) -> str | None:
        """Record finished steps; return the name of one that aborts the workflow, if any."""
        aborting = None
        for task in done:
            name, _ = self._running.pop(task)
            result = self._results[name] = task.result()
            step_failed = result.status is not EnumStepStatus.SUCCEEDED
            if step_failed and self._strategy(name) is EnumStepFailureStrategy.ABORT:
                aborting = aborting or name
        return aborting

    def _strategy(self, name: str) -> EnumStepFailureStrategy:
        return self._steps[name].on_failure

    async def _abort(self, failed: str) -> None:
        reason = f"workflow aborted: step {failed!r} did not succeed"
        await self._cancel_running(reason)
        for name in self._waiting:
            self._results[name] = _skipped(name, reason)
        self._waiting.clear()

    async def _cancel_running(self, reason: str) -> None:
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in tasks:
            name, progress = self._running.pop(task)
            if task.cancelled():
                self._results[name] = progress.result(name, EnumStepStatus.CANCELLED, reason)
            else:
                self._results[name] = task.result()


def _skipped(name: str, reason: str) -> ModelStepResult:
    return ModelStepResult(
        name=name, status=EnumStepStatus.SKIPPED, attempts=0, duration_seconds=0.0, error=reason
    )
