class ContractFieldError(ValueError):
    """A contract section is invalid at a field inside it.

    Raised from Pydantic validators, so it reaches users inside a ValidationError; the contract
    loader reads `loc` (the path below the validated section) from the error's `ctx["error"]` to
    point at the exact line.
    """

    def __init__(self, loc: tuple[str | int, ...], reason: str) -> None:
        self.loc = loc
        self.reason = reason
        path = ".".join(str(part) for part in loc)
        super().__init__(f"{path}: {reason}" if path else reason)
