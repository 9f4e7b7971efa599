from enum import StrEnum


class EnumConsulCheckStatus(StrEnum):
    """The status of a Consul health check, from best to worst."""

    PASSING = "passing"
    WARNING = "warning"
    CRITICAL = "critical"

    @classmethod
    def worst(cls, statuses: "list[EnumConsulCheckStatus]") -> "EnumConsulCheckStatus":
        """The worst of `statuses` (an instance is as healthy as its worst check)."""
        order = list(cls)
        return max(statuses, key=order.index, default=cls.PASSING)
