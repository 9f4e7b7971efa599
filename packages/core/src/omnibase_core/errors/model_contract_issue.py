from pydantic import BaseModel, ConfigDict


class ModelContractIssue(BaseModel):
    """One problem found in a contract: where it is, what is wrong and what to do."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None
    field: str
    reason: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}: {self.field}: {self.reason}"
        return f"{text}; {self.hint}" if self.hint else text
