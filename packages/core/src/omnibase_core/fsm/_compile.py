"""Turns declared guards, updates and intents into plain functions, once per engine."""

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from omnibase_core.fsm.enum_fsm_guard_op import EnumFsmGuardOp as Op
from omnibase_core.fsm.model_fsm_event import ModelFsmEvent
from omnibase_core.fsm.model_fsm_guard import ModelFsmGuard
from omnibase_core.fsm.model_fsm_intent import ModelFsmIntent
from omnibase_core.fsm.model_fsm_intent_spec import ModelFsmIntentSpec
from omnibase_core.fsm.model_fsm_state import ModelFsmState
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition

Getter = Callable[[ModelFsmEvent, ModelFsmState], object]
Predicate = Callable[[ModelFsmEvent, ModelFsmState], bool]

_MISSING = object()
_BINARY: dict[Op, Callable[[object, object], object]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.LT: operator.lt,  # type: ignore[dict-item]
    Op.LE: operator.le,  # type: ignore[dict-item]
    Op.GT: operator.gt,  # type: ignore[dict-item]
    Op.GE: operator.ge,  # type: ignore[dict-item]
    Op.IN: lambda left, right: left in right,  # type: ignore[operator]
    Op.NOT_IN: lambda left, right: left not in right,  # type: ignore[operator]
}


@dataclass(frozen=True, slots=True)
class CompiledIntent:
    """An intent spec ready to fill: payload getters plus literal constants."""

    intent_type: str
    getters: tuple[tuple[str, Getter], ...]
    constants: Mapping[str, object]

    def build(self, event: ModelFsmEvent, state: ModelFsmState) -> ModelFsmIntent:
        payload = dict(self.constants)
        for key, get in self.getters:
            payload[key] = get(event, state)
        return ModelFsmIntent(intent_type=self.intent_type, payload=payload)


@dataclass(frozen=True, slots=True)
class CompiledTransition:
    """A transition with its guards, updates and intents as functions."""

    transition: ModelFsmTransition
    guards: tuple[Predicate, ...]
    updates: tuple[tuple[str, Getter], ...]
    intents: tuple[CompiledIntent, ...]


def compile_transition(transition: ModelFsmTransition) -> CompiledTransition:
    """Compile one declared transition."""
    return CompiledTransition(
        transition=transition,
        guards=tuple(compile_guard(guard) for guard in transition.guards),
        updates=tuple((key, compile_path(path)) for key, path in transition.update.items()),
        intents=tuple(compile_intent(spec) for spec in transition.intents),
    )


def compile_intent(spec: ModelFsmIntentSpec) -> CompiledIntent:
    """Compile one intent spec."""
    getters = tuple((key, compile_path(path)) for key, path in spec.payload.items())
    return CompiledIntent(spec.intent_type, getters, dict(spec.constants))


def compile_guard(guard: ModelFsmGuard) -> Predicate:
    """A predicate that is false, never raising, when the comparison cannot be made."""
    get = compile_path(guard.field)
    if guard.op is Op.IS_NULL:
        return lambda event, state: get(event, state) is None
    if guard.op is Op.NOT_NULL:
        return lambda event, state: get(event, state) is not None
    compare = _BINARY[guard.op]
    operand = _literal(guard.value) if guard.value_from is None else compile_path(guard.value_from)

    def check(event: ModelFsmEvent, state: ModelFsmState) -> bool:
        try:
            return bool(compare(get(event, state), operand(event, state)))
        except TypeError:
            return False

    return check


def _literal(value: object) -> Getter:
    return lambda event, state: value


def compile_path(path: str) -> Getter:
    """A getter for a checked path such as `event.payload.node_id`."""
    root, first, *rest = path.split(".")
    keys = tuple(rest)
    if root == "event":
        return lambda event, state: _follow(getattr(event, first), keys)
    return lambda event, state: _follow(getattr(state, first), keys)


def _follow(value: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        if type(value) is dict or isinstance(value, Mapping):
            value = value.get(key, _MISSING)
        else:
            value = getattr(value, key, _MISSING)
        if value is _MISSING:
            return None
    return value
