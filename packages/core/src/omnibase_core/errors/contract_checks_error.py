from omnibase_core.errors.contract_field_error import ContractFieldError


class ContractChecksError(ValueError):
    """Several contract fields are invalid at once; raised from validators like ContractFieldError.

    The contract loader turns each entry of `problems` into its own issue with a line number.
    """

    def __init__(self, problems: list[ContractFieldError]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
