from datetime import UTC, datetime
from typing import ClassVar

from omnibase_core.container import ModelONEXContainer
from omnibase_core.enums import EnumNodeKind, EnumNodeOutputType
from omnibase_core.errors import NodeOutputError, WorkflowFailedError
from omnibase_core.models.events import ModelEventEnvelope
from omnibase_core.nodes._context import HandlerContext
from omnibase_core.nodes._node_base import NodeBase
from omnibase_core.nodes.model_handler_output import ModelHandlerOutput
from omnibase_core.nodes.protocol_node_handler import ProtocolNodeHandler
from omnibase_core.workflow import (
    EnumStepFailureStrategy,
    EnumStepStatus,
    ModelWorkflowResult,
    StepAction,
    WorkflowEngine,
)

Envelope = ModelEventEnvelope[object]


class NodeOrchestrator(NodeBase):
    """Coordinates work: decides from messages and the injected `now`, emits events and commands.

    A consumed message goes to its handler in `handler_routing`; with a `workflow` in the
    contract, a message without a handler runs the workflow, whose step actions are handler
    classes too (`context.inputs` holds the outputs of a step's dependencies). The events and
    commands of the steps that succeeded are emitted together, in step order.
    """

    kind: ClassVar[EnumNodeKind] = EnumNodeKind.ORCHESTRATOR
    outputs: ClassVar[frozenset[EnumNodeOutputType]] = frozenset(
        {EnumNodeOutputType.EVENT, EnumNodeOutputType.COMMAND}
    )

    def __init__(self, container: ModelONEXContainer) -> None:
        super().__init__(container)
        self._actions: dict[str, ProtocolNodeHandler] = {
            name: action(self._handler_container())
            for name, action in self._resolved.actions.items()
        }

    def _clock(self, now: datetime | None) -> datetime | None:
        if now is None:
            return datetime.now(UTC)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware (UTC)")
        return now

    async def _dispatch(
        self, envelope: Envelope, now: datetime | None, projection: object
    ) -> ModelHandlerOutput:
        workflow = self.contract.workflow
        if workflow is None or envelope.message_type in self._handlers:
            return await super()._dispatch(envelope, now, projection)
        context = HandlerContext(contract=self.contract, envelope=envelope, now=self._clock(now))
        actions = {
            name: self._step(handler, envelope, context) for name, handler in self._actions.items()
        }
        result = await WorkflowEngine(workflow, actions).run()
        self._raise_if_aborted(result, envelope)
        return _merge(result, [step.name for step in workflow.steps])

    def _step(
        self, handler: ProtocolNodeHandler, envelope: Envelope, context: HandlerContext
    ) -> StepAction:
        async def action(inputs: dict[str, object]) -> object:
            output: object = await handler.handle(envelope, context.for_step(inputs))
            if not isinstance(output, ModelHandlerOutput):
                raise NodeOutputError(
                    f"{type(handler).__name__}.handle returned {type(output).__name__}, "
                    "not ModelHandlerOutput",
                    correlation_id=envelope.correlation_id,
                )
            extra = output.output_types - self.outputs
            if extra:
                self._output_error(envelope, f"a workflow step returned {sorted(extra)}")
            return output

        return action

    def _raise_if_aborted(self, result: ModelWorkflowResult, envelope: Envelope) -> None:
        workflow = self.contract.workflow
        strategies = {step.name: step.on_failure for step in workflow.steps} if workflow else {}
        failed = {
            name: step
            for name, step in result.steps.items()
            if step.status in (EnumStepStatus.FAILED, EnumStepStatus.TIMED_OUT)
            and strategies[name] is EnumStepFailureStrategy.ABORT
        }
        if failed:
            reasons = "; ".join(f"{name}: {step.error}" for name, step in failed.items())
            raise WorkflowFailedError(
                f"{self.name}: workflow aborted ({reasons})",
                correlation_id=envelope.correlation_id,
                context={name: step.status.value for name, step in result.steps.items()},
            )


def _merge(result: ModelWorkflowResult, order: list[str]) -> ModelHandlerOutput:
    outputs = [result.outputs[name] for name in order if name in result.outputs]
    steps = [output for output in outputs if isinstance(output, ModelHandlerOutput)]
    return ModelHandlerOutput(
        events=tuple(event for step in steps for event in step.events),
        commands=tuple(command for step in steps for command in step.commands),
    )
