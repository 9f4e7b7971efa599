from typing import Protocol, TypeVar, runtime_checkable

StateT_contra = TypeVar("StateT_contra", contravariant=True)
EventT_contra = TypeVar("EventT_contra", contravariant=True)
StepT_co = TypeVar("StepT_co", covariant=True)


@runtime_checkable
class ProtocolReducer(Protocol[StateT_contra, EventT_contra, StepT_co]):
    """A pure fold: applies one event to a state and says what follows (no I/O, no clock).

    `omnibase_core.fsm.FsmEngine` is one: `ProtocolReducer[ModelFsmState, ModelFsmEvent,
    ModelFsmStep]`, whose step holds the new state and the intents to emit.
    """

    def apply(self, state: StateT_contra, event: EventT_contra) -> StepT_co:
        """The outcome of `event` in `state`."""
        ...
