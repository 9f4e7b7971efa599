from typing import ClassVar

from omnibase_infra.errors import RuntimeHostError


class ProjectionConflictError(RuntimeHostError):
    """Another writer changed a projection row first; the whole batch is rolled back and retried."""

    default_code: ClassVar[str] = "PROJECTION_CONFLICT"
    transient: ClassVar[bool] = True
