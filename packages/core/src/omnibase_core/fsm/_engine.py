"""The table-driven FSM engine: a pure fold of events into states."""

from collections.abc import Iterable
from typing import NamedTuple

from omnibase_core.fsm._compile import CompiledTransition, FsmView, compile_transition
from omnibase_core.fsm.enum_fsm_rejection import EnumFsmRejection
from omnibase_core.fsm.model_fsm_definition import ModelFsmDefinition
from omnibase_core.fsm.model_fsm_event import ModelFsmEvent
from omnibase_core.fsm.model_fsm_intent import ModelFsmIntent
from omnibase_core.fsm.model_fsm_state import ModelFsmState
from omnibase_core.fsm.model_fsm_step import ModelFsmStep
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition


class FsmFired(NamedTuple):
    """A transition that fired: the next state, its intents and the declared transition."""

    new_state: ModelFsmState
    intents: tuple[ModelFsmIntent, ...]
    transition: ModelFsmTransition


class FsmEngine:
    """Runs a `ModelFsmDefinition`: `apply(state, event)` returns the next step.

    Pure and deterministic: no I/O, no clock, no mutation of its inputs. An event the machine
    cannot take (late, duplicate, unknown) is a rejection in the returned step, never an
    exception, and leaves the state as it was. `fire(state, trigger, payload)` is the same
    fold without the event and step models, for hot paths such as a reducer's.
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
        fired = self.fire(state, event.trigger, event.payload)
        if isinstance(fired, EnumFsmRejection):
            reason = f"{fired.value}: trigger {event.trigger!r} in state {state.name!r}"
            return ModelFsmStep(
                new_state=state, intents=(), transition=None, rejection=fired, reason=reason
            )
        return ModelFsmStep(
            new_state=fired.new_state,
            intents=fired.intents,
            transition=fired.transition,
            rejection=None,
            reason=None,
        )

    def fire(
        self, state: ModelFsmState, trigger: str, payload: object
    ) -> FsmFired | EnumFsmRejection:
        """Fold the event `trigger` carrying `payload` into `state`: what fired, or why not."""
        name = state.name
        candidates = self._table.get((name, trigger))
        if candidates is None:
            return self._why_no_transition(name)
        view: FsmView = (trigger, payload, name, state.data)
        for candidate in candidates:
            if candidate.holds(view):
                return _fire(candidate, state, view)
        return EnumFsmRejection.GUARD_FAILED

    def fold(
        self, events: Iterable[ModelFsmEvent], state: ModelFsmState | None = None
    ) -> ModelFsmState:
        """Apply `events` in order from `state` (default: initial); return the last state."""
        current = state if state is not None else self.initial_state()
        for event in events:
            current = self.apply(current, event).new_state
        return current

    def _why_no_transition(self, name: str) -> EnumFsmRejection:
        if name in self._terminal:
            return EnumFsmRejection.TERMINAL_STATE
        if name not in self._states:
            return EnumFsmRejection.UNKNOWN_STATE
        return EnumFsmRejection.UNKNOWN_TRIGGER


def _fire(candidate: CompiledTransition, state: ModelFsmState, view: FsmView) -> FsmFired:
    # Updates and intents read the state as it was before the transition.
    _trigger, _payload, name, data = view
    target = candidate.to
    if candidate.updates:
        updated = dict(data)
        for key, get in candidate.updates:
            updated[key] = get(view)
        new_state = ModelFsmState(name=target, data=updated)
    elif target == name:
        new_state = state
    else:
        new_state = ModelFsmState(name=target, data=data)
    intents = tuple(intent.build(view) for intent in candidate.intents) if candidate.intents else ()
    return FsmFired(new_state, intents, candidate.transition)
