"""The table-driven FSM engine: a pure fold of events into states."""

from collections.abc import Iterable

from omnibase_core.fsm._compile import CompiledTransition, compile_transition
from omnibase_core.fsm.enum_fsm_rejection import EnumFsmRejection
from omnibase_core.fsm.model_fsm_definition import ModelFsmDefinition
from omnibase_core.fsm.model_fsm_event import ModelFsmEvent
from omnibase_core.fsm.model_fsm_state import ModelFsmState
from omnibase_core.fsm.model_fsm_step import ModelFsmStep


class FsmEngine:
    """Runs a `ModelFsmDefinition`: `apply(state, event)` returns the next step.

    Pure and deterministic: no I/O, no clock, no mutation of its inputs. An event the machine
    cannot take (late, duplicate, unknown) is a rejection in the returned step, never an
    exception, and leaves the state as it was.
    """

    __slots__ = ("_definition", "_states", "_table", "_terminal")

    def __init__(self, definition: ModelFsmDefinition) -> None:
        self._definition = definition
        self._states = frozenset(definition.states)
        self._terminal = frozenset(definition.terminal)
        table: dict[tuple[str, str], list[CompiledTransition]] = {}
        for transition in definition.transitions:
            compiled = compile_transition(transition)
            for state in transition.from_states:
                table.setdefault((state, transition.trigger), []).append(compiled)
        self._table = {key: tuple(value) for key, value in table.items()}

    @property
    def definition(self) -> ModelFsmDefinition:
        """The definition this engine runs."""
        return self._definition

    def initial_state(self, data: dict[str, object] | None = None) -> ModelFsmState:
        """The state a new machine starts in."""
        return ModelFsmState(name=self._definition.initial, data=data or {})

    def is_terminal(self, state: ModelFsmState) -> bool:
        """True when no event can move `state` any more."""
        return state.name in self._terminal

    def apply(self, state: ModelFsmState, event: ModelFsmEvent) -> ModelFsmStep:
        """Fold one event into `state`."""
        candidates = self._table.get((state.name, event.trigger))
        if candidates is None:
            return self._reject(state, event, self._why_no_transition(state))
        for candidate in candidates:
            if all(guard(event, state) for guard in candidate.guards):
                return _fire(candidate, state, event)
        return self._reject(state, event, EnumFsmRejection.GUARD_FAILED)

    def fold(
        self, events: Iterable[ModelFsmEvent], state: ModelFsmState | None = None
    ) -> ModelFsmState:
        """Apply `events` in order from `state` (default: initial); return the last state."""
        current = state if state is not None else self.initial_state()
        for event in events:
            current = self.apply(current, event).new_state
        return current

    def _why_no_transition(self, state: ModelFsmState) -> EnumFsmRejection:
        if state.name in self._terminal:
            return EnumFsmRejection.TERMINAL_STATE
        if state.name not in self._states:
            return EnumFsmRejection.UNKNOWN_STATE
        return EnumFsmRejection.UNKNOWN_TRIGGER

    @staticmethod
    def _reject(state: ModelFsmState, event: ModelFsmEvent, why: EnumFsmRejection) -> ModelFsmStep:
        reason = f"{why.value}: trigger {event.trigger!r} in state {state.name!r}"
        return ModelFsmStep(
            new_state=state, intents=(), transition=None, rejection=why, reason=reason
        )


def _fire(
    candidate: CompiledTransition, state: ModelFsmState, event: ModelFsmEvent
) -> ModelFsmStep:
    target = candidate.transition.to
    if candidate.updates:
        data = dict(state.data)
        for key, get in candidate.updates:
            data[key] = get(event, state)
        new_state = ModelFsmState(name=target, data=data)
    elif target == state.name:
        new_state = state
    else:
        new_state = ModelFsmState(name=target, data=state.data)
    intents = tuple(intent.build(event, state) for intent in candidate.intents)
    return ModelFsmStep(
        new_state=new_state,
        intents=intents,
        transition=candidate.transition,
        rejection=None,
        reason=None,
    )
