"""Problems found in contributed files, collected and reported together, never raised one by one."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file: where, which field, what is wrong and what to do."""

    path: str
    line: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{self.path}:{self.line}: {prefix}{self.field}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
