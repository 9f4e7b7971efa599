"""The workflow engine runs real async steps: parallel, timed out, retried, aborted, skipped.

Concurrency is proven with events two steps wait for each other on (a serial engine would
time them out), never with wall-clock assertions.
"""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from omnibase_core.errors import ModelOnexError
from omnibase_core.workflow import (
    EnumStepStatus,
    ModelWorkflowDefinition,
    ModelWorkflowResult,
    StepAction,
    WorkflowEngine,
)

SUCCEEDED, FAILED = EnumStepStatus.SUCCEEDED, EnumStepStatus.FAILED
TIMED_OUT, CANCELLED, SKIPPED = (
    EnumStepStatus.TIMED_OUT,
    EnumStepStatus.CANCELLED,
    EnumStepStatus.SKIPPED,
)


def workflow(*steps: dict[str, object]) -> ModelWorkflowDefinition:
    return ModelWorkflowDefinition.model_validate({"steps": list(steps)})


def step(name: str, *depends_on: str, **options: object) -> dict[str, object]:
    return {"name": name, "action": name, "depends_on": list(depends_on), **options}


def returning(value: object) -> StepAction:
    async def action(inputs: dict[str, object]) -> object:
        return value

    return action


def failing(message: str) -> StepAction:
    async def action(inputs: dict[str, object]) -> object:
        raise RuntimeError(message)

    return action


def waiting_for(started: asyncio.Event, other: asyncio.Event) -> StepAction:
    """Signal `started`, then finish only once `other` has been signalled."""

    async def action(inputs: dict[str, object]) -> object:
        started.set()
        await other.wait()
        return "done"

    return action


async def hang(inputs: dict[str, object]) -> object:
    await asyncio.Event().wait()
    return None


def statuses(result: ModelWorkflowResult) -> dict[str, EnumStepStatus]:
    return {name: step.status for name, step in result.steps.items()}


async def test_dependents_receive_their_dependencies_outputs_and_run_inputs() -> None:
    seen: dict[str, dict[str, object]] = {}

    def recording(name: str, value: object) -> StepAction:
        async def action(inputs: dict[str, object]) -> object:
            seen[name] = inputs
            return value

        return action

    definition = workflow(step("a"), step("b", "a"), step("c", "a"), step("d", "b", "c"))
    actions = {name: recording(name, name.upper()) for name in "abcd"}
    result = await WorkflowEngine(definition, actions).run({"event": "E"})
    assert result.succeeded
    assert list(result.steps) == ["a", "b", "c", "d"]
    assert seen["a"] == {"event": "E"}
    assert seen["d"] == {"event": "E", "b": "B", "c": "C"}
    assert result.outputs == {"a": "A", "b": "B", "c": "C", "d": "D"}


async def test_a_step_starts_only_after_all_its_dependencies_finished() -> None:
    log: list[str] = []

    def sleeping(name: str, seconds: float) -> StepAction:
        async def action(inputs: dict[str, object]) -> object:
            log.append(f"{name}:start")
            await asyncio.sleep(seconds)
            log.append(f"{name}:end")
            return seconds

        return action

    definition = workflow(step("a"), step("b"), step("c", "a", "b"))
    actions = {"a": sleeping("a", 0.03), "b": sleeping("b", 0.01), "c": sleeping("c", 0)}
    result = await WorkflowEngine(definition, actions).run()
    assert result.succeeded
    assert log.index("c:start") > max(log.index("a:end"), log.index("b:end"))
    assert result.outputs["c"] == 0


async def test_independent_steps_run_at_the_same_time() -> None:
    b_started, c_started = asyncio.Event(), asyncio.Event()
    definition = workflow(step("b", timeout_seconds=5), step("c", timeout_seconds=5))
    actions = {"b": waiting_for(b_started, c_started), "c": waiting_for(c_started, b_started)}
    result = await WorkflowEngine(definition, actions).run()
    assert statuses(result) == {"b": SUCCEEDED, "c": SUCCEEDED}


async def test_a_step_starts_when_its_own_dependencies_finish_not_a_whole_wave() -> None:
    # slow waits for `late` to start; late depends only on fast. A wave-by-wave engine would
    # hold late back until slow finished, and slow would time out.
    slow_started, late_started = asyncio.Event(), asyncio.Event()
    definition = workflow(step("fast"), step("slow", timeout_seconds=5), step("late", "fast"))
    actions = {
        "fast": returning(1),
        "slow": waiting_for(slow_started, late_started),
        "late": waiting_for(late_started, slow_started),
    }
    result = await WorkflowEngine(definition, actions).run()
    assert statuses(result) == {"fast": SUCCEEDED, "slow": SUCCEEDED, "late": SUCCEEDED}


async def test_failing_step_is_retried_until_it_succeeds() -> None:
    calls: list[int] = []

    async def flaky(inputs: dict[str, object]) -> object:
        calls.append(len(calls) + 1)
        if len(calls) < 3:
            raise ConnectionError("refused")
        return "ok"

    retries = {"max_attempts": 3, "backoff_seconds": 0.01, "max_backoff_seconds": 0.02}
    result = await WorkflowEngine(workflow(step("flaky", retries=retries)), {"flaky": flaky}).run()
    outcome = result.steps["flaky"]
    assert (outcome.status, outcome.attempts, outcome.output) == (SUCCEEDED, 3, "ok")
    assert calls == [1, 2, 3]


async def test_step_fails_after_its_last_attempt_with_the_error_text() -> None:
    retries = {"max_attempts": 2, "backoff_seconds": 0.01}
    definition = workflow(step("bad", retries=retries))
    result = await WorkflowEngine(definition, {"bad": failing("boom")}).run()
    outcome = result.steps["bad"]
    assert (outcome.status, outcome.attempts) == (FAILED, 2)
    assert outcome.error == "RuntimeError: boom (attempt 2)"
    assert not result.succeeded


async def test_step_past_its_timeout_is_timed_out_and_retried() -> None:
    retries = {"max_attempts": 2, "backoff_seconds": 0}
    definition = workflow(step("stuck", timeout_seconds=0.05, retries=retries))
    result = await WorkflowEngine(definition, {"stuck": hang}).run()
    outcome = result.steps["stuck"]
    assert (outcome.status, outcome.attempts) == (TIMED_OUT, 2)
    assert outcome.error is not None and "timed out after 0.05s" in outcome.error


async def test_timeout_then_success_on_retry_succeeds() -> None:
    tries: list[int] = []

    async def slow_once(inputs: dict[str, object]) -> object:
        tries.append(1)
        if len(tries) == 1:
            await asyncio.Event().wait()
        return "second"

    retries = {"max_attempts": 2, "backoff_seconds": 0}
    definition = workflow(step("s", timeout_seconds=0.05, retries=retries))
    result = await WorkflowEngine(definition, {"s": slow_once}).run()
    assert (result.steps["s"].status, result.steps["s"].output) == (SUCCEEDED, "second")


async def test_timeout_error_raised_by_the_step_itself_is_a_failure_not_a_timeout() -> None:
    async def raises_timeout(inputs: dict[str, object]) -> object:
        raise TimeoutError("upstream")

    result = await WorkflowEngine(workflow(step("t")), {"t": raises_timeout}).run()
    assert result.steps["t"].status is FAILED
    assert result.steps["t"].error == "TimeoutError: upstream (attempt 1)"


async def test_abort_cancels_running_steps_and_skips_the_rest() -> None:
    cancelled = asyncio.Event()
    long_started = asyncio.Event()

    async def long(inputs: dict[str, object]) -> object:
        long_started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        return None

    async def fail_after_long_started(inputs: dict[str, object]) -> object:
        await long_started.wait()
        raise RuntimeError("broken")

    definition = workflow(
        step("bad"), step("long"), step("after_long", "long"), step("after_bad", "bad")
    )
    actions: dict[str, StepAction] = {
        "bad": fail_after_long_started,
        "long": long,
        "after_long": returning(1),
        "after_bad": returning(2),
    }
    result = await WorkflowEngine(definition, actions).run()
    assert statuses(result) == {
        "bad": FAILED,
        "long": CANCELLED,
        "after_long": SKIPPED,
        "after_bad": SKIPPED,
    }
    assert cancelled.is_set()
    assert result.steps["after_long"].error == "workflow aborted: step 'bad' did not succeed"
    assert result.steps["long"].attempts == 1


async def test_continue_skips_only_the_dependents_of_the_failed_step() -> None:
    definition = workflow(
        step("bad", on_failure="continue"),
        step("child", "bad"),
        step("grandchild", "child"),
        step("other"),
        step("other_child", "other"),
    )
    actions: dict[str, StepAction] = {
        "bad": failing("nope"),
        "child": returning(1),
        "grandchild": returning(2),
        "other": returning(3),
        "other_child": returning(4),
    }
    result = await WorkflowEngine(definition, actions).run()
    assert statuses(result) == {
        "bad": FAILED,
        "child": SKIPPED,
        "grandchild": SKIPPED,
        "other": SUCCEEDED,
        "other_child": SUCCEEDED,
    }
    assert result.steps["child"].error == "dependency 'bad' did not succeed"
    assert result.steps["grandchild"].error == "dependency 'child' did not succeed"


async def test_cancelling_the_run_cancels_its_running_steps() -> None:
    started, stopped = asyncio.Event(), asyncio.Event()

    async def long(inputs: dict[str, object]) -> object:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()
        return None

    run = asyncio.create_task(WorkflowEngine(workflow(step("long")), {"long": long}).run())
    await started.wait()
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert stopped.is_set()


def test_missing_action_is_reported_when_the_engine_is_built() -> None:
    actions: dict[str, Callable[[dict[str, object]], Awaitable[object]]] = {"a": returning(1)}
    with pytest.raises(ModelOnexError, match="workflow actions not provided: b; provided: a"):
        WorkflowEngine(workflow(step("a"), step("b", "a")), actions)
