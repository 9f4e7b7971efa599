"""How `onex nodes` shows the registry: heartbeat ages, endpoints, and what a session hides."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from omnibase_infra.cli.cli_nodes import age, current, endpoints_text, registry_table
from omnibase_infra.registration import EnumRegistrationState, ModelNodeRegistration
from rich.console import Console

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def registration(
    state: EnumRegistrationState, *, updated: datetime = NOW, beat: datetime | None = None
) -> ModelNodeRegistration:
    return ModelNodeRegistration(
        node_id=uuid4(),
        state=state,
        name="orders-effect",
        node_type="EFFECT",
        node_version="1.2.0",
        endpoints={
            "health": "http://127.0.0.1:8090/health",
            "ready": "http://127.0.0.1:8090/ready",
        },
        last_heartbeat_at=beat,
        version=1,
        created_at=updated,
        updated_at=updated,
    )


def test_heartbeat_ages_read_in_the_largest_whole_unit() -> None:
    ages = [age(NOW - timedelta(seconds=s), NOW) for s in (0, 59, 60, 7200, 3 * 86_400)]
    assert ages == ["0s ago", "59s ago", "1m ago", "2h ago", "3d ago"]
    assert age(None, NOW) == "-"
    assert age(NOW + timedelta(seconds=2), NOW) == "0s ago"  # a clock slightly ahead


def test_endpoints_on_one_origin_are_shown_once() -> None:
    same = {"health": "http://127.0.0.1:8085/health", "metrics": "http://127.0.0.1:8085/metrics"}
    apart = {"api": "http://10.0.0.7:80/v1", "health": "http://127.0.0.1:8085/health"}

    assert endpoints_text(same) == "http://127.0.0.1:8085/{health,metrics}"
    assert endpoints_text({"health": same["health"]}) == "http://127.0.0.1:8085/health"
    assert endpoints_text(apart) == "api http://10.0.0.7:80/v1\nhealth http://127.0.0.1:8085/health"
    assert endpoints_text({}) == "-"


def test_a_session_view_hides_nodes_gone_before_it_started() -> None:
    start = NOW - timedelta(minutes=1)
    live_old = registration(EnumRegistrationState.ACTIVE, updated=start - timedelta(hours=1))
    gone_old = registration(EnumRegistrationState.DEREGISTERED, updated=start - timedelta(hours=1))
    gone_now = registration(EnumRegistrationState.LIVENESS_EXPIRED, updated=NOW)

    assert current([live_old, gone_old, gone_now], start) == [live_old, gone_now]
    assert current([live_old, gone_old, gone_now], None) == [live_old, gone_old, gone_now]


def test_the_table_has_one_row_per_node_with_its_state_and_heartbeat_age() -> None:
    rows = [
        registration(EnumRegistrationState.ACTIVE, beat=NOW - timedelta(seconds=4)),
        registration(EnumRegistrationState.LIVENESS_EXPIRED, beat=NOW - timedelta(minutes=2)),
    ]
    console = Console(width=200, record=True)

    console.print(registry_table(rows, NOW))

    text = console.export_text()
    assert "ONEX node registry: 2 nodes, 1 active" in text
    lines = [line for line in text.splitlines() if "orders-effect" in line]
    assert "active" in lines[0] and "4s ago" in lines[0] and "effect" in lines[0]
    assert "liveness_expired" in lines[1] and "2m ago" in lines[1]
    assert "http://127.0.0.1:8090/{health,ready}" in lines[0]
