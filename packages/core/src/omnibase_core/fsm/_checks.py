"""Load-time checks of an FSM definition; each failure names the offending field."""

from collections import deque
from itertools import combinations
from typing import TYPE_CHECKING

from omnibase_core.errors.contract_field_error import ContractFieldError
from omnibase_core.fsm.enum_fsm_guard_op import EnumFsmGuardOp as Op
from omnibase_core.fsm.model_fsm_guard import ModelFsmGuard
from omnibase_core.fsm.model_fsm_transition import ModelFsmTransition

if TYPE_CHECKING:
    from omnibase_core.fsm.model_fsm_definition import ModelFsmDefinition

# Pairs of operators that can never both hold on the same field and the same operand.
_OPPOSITES = frozenset(
    frozenset(pair) for pair in ((Op.EQ, Op.NE), (Op.LT, Op.GE), (Op.LE, Op.GT), (Op.IN, Op.NOT_IN))
)
EXCLUSIVE_HINT = (
    "give each of them a guard on the same field that contradicts the other's "
    "(eq/ne or lt/ge or le/gt or in/not_in with the same operand, is_null/not_null, "
    "eq with different values, in with disjoint lists)"
)


def check_definition(fsm: "ModelFsmDefinition") -> None:
    """Raise ContractFieldError at the first problem found in `fsm`."""
    _check_names(fsm)
    _check_reachable(fsm)
    _check_conflicts(fsm.transitions)


def _check_names(fsm: "ModelFsmDefinition") -> None:
    known = set(fsm.states)
    declared = ", ".join(fsm.states)
    if fsm.initial not in known:
        raise ContractFieldError(
            ("initial",), f"unknown state {fsm.initial!r}; declared: {declared}"
        )
    for index, state in enumerate(fsm.terminal):
        if state not in known:
            raise ContractFieldError(
                ("terminal", index), f"unknown state {state!r}; declared: {declared}"
            )
    for index, transition in enumerate(fsm.transitions):
        for state in transition.from_states:
            if state not in known:
                reason = f"unknown state {state!r}; declared: {declared}"
                raise ContractFieldError(("transitions", index, "from"), reason)
            if state in fsm.terminal:
                reason = f"{state!r} is terminal: a terminal state has no outgoing transitions"
                raise ContractFieldError(("transitions", index, "from"), reason)
        if transition.to not in known:
            reason = f"unknown state {transition.to!r}; declared: {declared}"
            raise ContractFieldError(("transitions", index, "to"), reason)


def _check_reachable(fsm: "ModelFsmDefinition") -> None:
    targets: dict[str, set[str]] = {}
    for transition in fsm.transitions:
        for state in transition.from_states:
            targets.setdefault(state, set()).add(transition.to)
    reached, queue = {fsm.initial}, deque([fsm.initial])
    while queue:
        for target in targets.get(queue.popleft(), set()) - reached:
            reached.add(target)
            queue.append(target)
    unreachable = [state for state in fsm.states if state not in reached]
    if unreachable:
        index = fsm.states.index(unreachable[0])
        reason = (
            f"unreachable from initial state {fsm.initial!r}: {', '.join(unreachable)}; "
            "add a transition into them or remove them"
        )
        raise ContractFieldError(("states", index), reason)


def _check_conflicts(transitions: tuple[ModelFsmTransition, ...]) -> None:
    groups: dict[tuple[str, str], list[int]] = {}
    for index, transition in enumerate(transitions):
        for state in transition.from_states:
            groups.setdefault((state, transition.trigger), []).append(index)
    for (state, trigger), indexes in groups.items():
        for first, second in combinations(indexes, 2):
            if not _exclusive(transitions[first], transitions[second]):
                reason = (
                    f"can fire together with transitions.{first} on trigger {trigger!r} "
                    f"from state {state!r}: {EXCLUSIVE_HINT}"
                )
                raise ContractFieldError(("transitions", second), reason)


def _exclusive(first: ModelFsmTransition, second: ModelFsmTransition) -> bool:
    return any(_contradict(g, h) for g in first.guards for h in second.guards)


def _contradict(g: ModelFsmGuard, h: ModelFsmGuard) -> bool:
    """True when the two guards can never both hold (a sound, deliberately simple test)."""
    if g.field != h.field:
        return False
    ops = frozenset((g.op, h.op))
    if ops == {Op.IS_NULL, Op.NOT_NULL}:
        return True
    literal = g.value_from is None and h.value_from is None
    same_operand = g.value_from == h.value_from and (not literal or g.value == h.value)
    if same_operand and ops in _OPPOSITES:
        return True
    if not literal:
        return False
    if ops == {Op.EQ} and g.op == h.op:
        return bool(g.value != h.value)
    if ops == {Op.IN} and g.op == h.op:
        return _disjoint(g.value, h.value)
    if ops == {Op.EQ, Op.IN}:
        eq, member = (g, h) if g.op == Op.EQ else (h, g)
        return isinstance(member.value, list) and eq.value not in member.value
    return False


def _disjoint(first: object, second: object) -> bool:
    if not isinstance(first, list) or not isinstance(second, list):
        return False
    return not any(item in second for item in first)
