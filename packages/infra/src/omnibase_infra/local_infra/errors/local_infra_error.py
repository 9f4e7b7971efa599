from omnibase_core.errors import ModelOnexError


class LocalInfraError(ModelOnexError):
    """A local server could not be provisioned, started, probed or stopped.

    The message is one line a person can act on: what is wrong, what to do, and the
    server's log file when there is one.
    """

    default_code = "LOCAL_INFRA"

    def __str__(self) -> str:
        return self.message
