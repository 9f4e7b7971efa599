"""Turns declared guards, updates and intents into plain functions, once per engine."""

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from omnibase_core.fsm.enum_fsm_guard_op import EnumFsmGuardOp as Op
from omnibase_core.fsm.model_fsm_guard import ModelFsmGuard
from omnibase_core.fsm.model_fsm_intent import ModelFsmIntent
from omnibase_core.fsm.model_fsm_intent_spec import ModelFsmIntentSpec
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition

# What field paths read: the event's trigger and payload, the state's name and data, read
# from the models once per event (a plain tuple: it is built for every event).
FsmView = tuple[str, object, str, Mapping[str, object]]
_VIEW_FIELDS = ("trigger", "payload", "name", "data")  # the paths' second part


Getter = Callable[[FsmView], object]
Predicate = Callable[[FsmView], bool]

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

    def build(self, view: FsmView) -> ModelFsmIntent:
        payload = dict(self.constants)
        for key, get in self.getters:
            payload[key] = get(view)
        return ModelFsmIntent(intent_type=self.intent_type, payload=payload)


@dataclass(frozen=True, slots=True)
class CompiledTransition:
    """A transition with its guards, updates and intents as functions."""

    transition: ModelFsmTransition
    to: str
    guards: tuple[Predicate, ...]
    updates: tuple[tuple[str, Getter], ...]
    intents: tuple[CompiledIntent, ...]

    def holds(self, view: FsmView) -> bool:
        """Whether every guard holds."""
        for guard in self.guards:  # noqa: SIM110 - all(<generator>) costs more per event
            if not guard(view):
                return False
        return True


def compile_transition(transition: ModelFsmTransition) -> CompiledTransition:
    """Compile one declared transition."""
    return CompiledTransition(
        transition=transition,
        to=transition.to,
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
    at, keys = _locate(guard.field)
    if guard.op is Op.IS_NULL:
        return lambda view: _follow(view[at], keys) is None
    if guard.op is Op.NOT_NULL:
        return lambda view: _follow(view[at], keys) is not None
    compare = _BINARY[guard.op]
    if guard.value_from is None:
        value = guard.value

        def check_value(view: FsmView) -> bool:
            try:
                return bool(compare(_follow(view[at], keys), value))
            except TypeError:
                return False

        return check_value
    other_at, other_keys = _locate(guard.value_from)

    def check_field(view: FsmView) -> bool:
        try:
            return bool(compare(_follow(view[at], keys), _follow(view[other_at], other_keys)))
        except TypeError:
            return False

    return check_field


def compile_path(path: str) -> Getter:
    """A getter for a checked path such as `event.payload.node_id` or `state.data.health`."""
    at, keys = _locate(path)
    if not keys:
        return operator.itemgetter(at)
    return lambda view: _follow(view[at], keys)


def _locate(path: str) -> tuple[int, tuple[str, ...]]:
    """Where a path starts in the view and the keys it follows from there."""
    _root, first, *keys = path.split(".")
    return _VIEW_FIELDS.index(first), tuple(keys)


def _follow(value: object, keys: tuple[str, ...]) -> object:
    """Read `keys` in turn as mapping keys or attributes; a missing one yields None."""
    for key in keys:
        mapping = _MAPPING_TYPES.get(type(value))
        if mapping is None:
            mapping = _MAPPING_TYPES[type(value)] = isinstance(value, Mapping)
        value = value.get(key, _MISSING) if mapping else getattr(value, key, _MISSING)  # type: ignore[attr-defined]
        if value is _MISSING:
            return None
    return value


# Whether values of a type are mappings (read by key) or objects (read by attribute):
# isinstance(x, Mapping) is an ABC check, too slow to repeat for every field read.
_MAPPING_TYPES: dict[type, bool] = {dict: True}
