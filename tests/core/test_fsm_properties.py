"""Properties of the FSM fold over random machines and random event sequences."""

from hypothesis import given
from hypothesis import strategies as st
from omnibase_core.fsm import FsmEngine, ModelFsmDefinition, ModelFsmEvent, ModelFsmStep

TRIGGERS = ("t0", "t1", "t2")
Edge = tuple[str, str, str]


@st.composite
def definitions(draw: st.DrawFn) -> ModelFsmDefinition:
    """Valid machines: a spanning tree from s0 keeps every state reachable, extra edges add
    loops; transitions sharing (state, trigger) get exclusive `eq` guards."""
    states = [f"s{i}" for i in range(draw(st.integers(1, 6)))]
    trigger = st.sampled_from(TRIGGERS)
    edges: list[Edge] = [
        (draw(st.sampled_from(states[:i])), draw(trigger), state)
        for i, state in enumerate(states)
        if i
    ]
    edge = st.tuples(st.sampled_from(states), trigger, st.sampled_from(states))
    edges += draw(st.lists(edge, max_size=8))
    sources = {source for source, _, _ in edges}
    sinks = [state for state in states if state not in sources]
    terminal = draw(st.lists(st.sampled_from(sinks), unique=True)) if sinks else []
    return ModelFsmDefinition.model_validate(
        {
            "states": states,
            "initial": "s0",
            "terminal": terminal,
            "transitions": _transitions(draw, edges),
        }
    )


def _transitions(draw: st.DrawFn, edges: list[Edge]) -> list[dict[str, object]]:
    position: dict[tuple[str, str], int] = {}
    transitions: list[dict[str, object]] = []
    for source, trigger, target in edges:
        rank = position[(source, trigger)] = position.get((source, trigger), -1) + 1
        transition: dict[str, object] = {"from": source, "trigger": trigger, "to": target}
        transition["guards"] = [{"field": "event.payload.k", "op": "eq", "value": rank}]
        if draw(st.booleans()):
            transition["update"] = {"last_k": "event.payload.k"}
            transition["intents"] = [{"intent_type": "seen", "payload": {"k": "state.data.last_k"}}]
        transitions.append(transition)
    for transition, (source, trigger, _) in zip(transitions, edges, strict=True):
        if position[(source, trigger)] == 0 and draw(st.booleans()):
            transition["guards"] = []  # alone on its (state, trigger): may be unguarded
    return transitions


events = st.lists(
    st.builds(
        ModelFsmEvent,
        trigger=st.sampled_from((*TRIGGERS, "unknown")),
        payload=st.one_of(st.none(), st.fixed_dictionaries({}, optional={"k": st.integers(0, 3)})),
    ),
    max_size=40,
)


def run(engine: FsmEngine, sequence: list[ModelFsmEvent]) -> list[ModelFsmStep]:
    state, steps = engine.initial_state(), []
    for event in sequence:
        step = engine.apply(state, event)
        steps.append(step)
        state = step.new_state
    return steps


@given(definitions(), events)
def test_no_event_sequence_leaves_the_declared_states(
    fsm: ModelFsmDefinition, sequence: list[ModelFsmEvent]
) -> None:
    for step in run(FsmEngine(fsm), sequence):
        assert step.new_state.name in fsm.states


@given(definitions(), events)
def test_replaying_the_same_events_yields_the_same_states_and_intents(
    fsm: ModelFsmDefinition, sequence: list[ModelFsmEvent]
) -> None:
    assert run(FsmEngine(fsm), sequence) == run(FsmEngine(fsm), sequence)


@given(definitions(), events)
def test_rejected_events_do_not_change_the_state(
    fsm: ModelFsmDefinition, sequence: list[ModelFsmEvent]
) -> None:
    engine = FsmEngine(fsm)
    state = engine.initial_state()
    for event in sequence:
        step = engine.apply(state, event)
        if not step.accepted:
            assert step.new_state is state
            assert step.intents == ()
            assert step.transition is None
        state = step.new_state


@given(definitions(), events)
def test_every_accepted_step_follows_a_declared_transition(
    fsm: ModelFsmDefinition, sequence: list[ModelFsmEvent]
) -> None:
    engine = FsmEngine(fsm)
    state = engine.initial_state()
    for event in sequence:
        step = engine.apply(state, event)
        if step.transition is not None:
            assert step.transition in fsm.transitions
            assert state.name in step.transition.from_states
            assert step.transition.trigger == event.trigger
            assert step.new_state.name == step.transition.to
        state = step.new_state


@given(definitions(), events)
def test_a_terminal_state_is_never_left(
    fsm: ModelFsmDefinition, sequence: list[ModelFsmEvent]
) -> None:
    reached_terminal = False
    for step in run(FsmEngine(fsm), sequence):
        reached_terminal = reached_terminal or step.new_state.name in fsm.terminal
        if reached_terminal:
            assert step.new_state.name in fsm.terminal
