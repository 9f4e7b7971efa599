"""What a reducer contract's FSM does with the projection's data keys, checked against the table."""

from omnibase_core.contracts import ModelContract
from omnibase_core.fsm import ModelFsmTransition
from omnibase_core.models.generated import ModelNodeHeartbeat

from omnibase_infra.errors import ProtocolConfigurationError
from omnibase_infra.registration._rows import DATA_COLUMNS, HEARTBEAT_COLUMNS, TABLE

HEARTBEAT = ModelNodeHeartbeat.__name__
_STATE_DATA = "state.data."


def heartbeat_keys(contract: ModelContract, where: str) -> frozenset[str]:
    """The data keys the FSM's heartbeat transitions read or write.

    Refuses an FSM that updates a key with no column (it would be lost), or whose heartbeat
    transitions change the state or update more than the heartbeat columns (the narrow
    heartbeat UPDATE stores only those).
    """
    transitions = contract.fsm.transitions if contract.fsm else ()
    _refuse(
        where,
        {key for t in transitions for key in t.update} - DATA_COLUMNS.keys(),
        (f"updated, but {TABLE} has no column for it; update only {', '.join(DATA_COLUMNS)}"),
    )
    beats = [t for t in transitions if t.trigger == HEARTBEAT]
    moving = {state for t in beats for state in t.from_states if state != t.to}
    _refuse(
        where, moving, f"-> another state on {HEARTBEAT}; a heartbeat must leave the state as it is"
    )
    written = {key for t in beats for key in t.update}
    _refuse(
        where,
        written - set(HEARTBEAT_COLUMNS),
        (f"updated on {HEARTBEAT}; heartbeats may update only {', '.join(HEARTBEAT_COLUMNS)}"),
    )
    return frozenset(written | {key for t in beats for key in _reads(t)})


def _reads(transition: ModelFsmTransition) -> set[str]:
    paths = [guard.field for guard in transition.guards]
    paths += [guard.value_from for guard in transition.guards if guard.value_from]
    paths += [path for intent in transition.intents for path in intent.payload.values()]
    return {p[len(_STATE_DATA) :].split(".")[0] for p in paths if p.startswith(_STATE_DATA)}


def _refuse(where: str, found: set[str], why: str) -> None:
    if found:
        raise ProtocolConfigurationError(f"{where}: fsm: {', '.join(sorted(found))} {why}")
