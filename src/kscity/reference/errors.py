"""The one error the reference reader raises: a bad cell, named by file, line and field."""

from __future__ import annotations


class ReferenceFileError(ValueError):
    """A shipped reference file has a row that breaks its rules."""

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{file} line {line}, field {field}: {message}")
