"""Cell and row checks shared by the reference loaders; every failure is a ReferenceFileError."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from kscity.reference.errors import ReferenceFileError

Directory = Traversable | str | os.PathLike[str] | None

LINES_KEY = "__lines__"
LINE_KEY = "__line__"


class Cell:
    """Where a value sits (file, line, field), with typed readers that raise on bad values."""

    def __init__(self, file: str, line: int, field: str, raw: object) -> None:
        self.file, self.line, self.field, self.raw = file, line, field, raw

    def fail(self, message: str) -> ReferenceFileError:
        """Build the error for this cell."""
        return ReferenceFileError(self.file, self.line, self.field, message)

    def text(self, *, required: bool = True) -> str:
        """A string; empty only when not required."""
        raw = self.raw
        if raw is None:
            value = ""
        elif isinstance(raw, bool):
            raise self.fail(f"expected text, got {raw!r}")
        elif isinstance(raw, (str, int, float)):
            value = str(raw).strip()
        elif isinstance(raw, (date, datetime)):
            value = raw.isoformat()
        else:
            raise self.fail(f"expected text, got {raw!r}")
        if required and not value:
            raise self.fail("expected a value, got nothing")
        return value

    def optional_text(self) -> str | None:
        """A string or None when empty."""
        value = self.text(required=False)
        return value or None

    def pattern(self, regex: str, description: str, *, required: bool = True) -> str:
        """A string matching a regular expression."""
        value = self.text(required=required)
        if value and not re.fullmatch(regex, value):
            raise self.fail(f"expected {description}, got {value!r}")
        return value

    def choice(self, allowed: Sequence[str], *, required: bool = True) -> str:
        """One of the allowed strings (empty allowed when not required)."""
        value = self.text(required=required)
        if value and value not in allowed:
            raise self.fail(f"expected one of {', '.join(allowed)}, got {value!r}")
        return value

    def integer(self, *, low: int | None = None, high: int | None = None) -> int:
        """An integer within [low, high]."""
        raw = self.raw
        if isinstance(raw, bool):
            raise self.fail(f"expected an integer, got {raw!r}")
        if isinstance(raw, int):
            value = raw
        else:
            text = self.text()
            if not re.fullmatch(r"-?\d+", text):
                raise self.fail(f"expected an integer, got {text!r}")
            value = int(text)
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(f"expected an integer from {low} to {high}, got {value}")
        return value

    def optional_integer(self, *, low: int | None = None, high: int | None = None) -> int | None:
        """An integer or None when empty."""
        if self.raw is None or (isinstance(self.raw, str) and not self.raw.strip()):
            return None
        return self.integer(low=low, high=high)

    def number(self, *, positive: bool = False) -> float:
        """A finite number (strictly positive when asked)."""
        raw = self.raw
        if isinstance(raw, bool):
            raise self.fail(f"expected a number, got {raw!r}")
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            text = self.text()
            try:
                value = float(text)
            except ValueError:
                raise self.fail(f"expected a number, got {text!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail(f"expected a finite number, got {raw!r}")
        if positive and value <= 0:
            raise self.fail(f"expected a positive number, got {raw!r}")
        return value

    def optional_number(self) -> float | None:
        """A number or None when empty."""
        if self.raw is None or (isinstance(self.raw, str) and not self.raw.strip()):
            return None
        return self.number()

    def boolean(self) -> bool:
        """true/false (CSV text or YAML booleans)."""
        if isinstance(self.raw, bool):
            return self.raw
        text = self.text()
        if text not in ("true", "false"):
            raise self.fail(f"expected one of true, false, got {text!r}")
        return text == "true"

    def string_list(self) -> tuple[str, ...]:
        """A YAML list of non-empty strings (missing means empty)."""
        if self.raw is None:
            return ()
        if not isinstance(self.raw, list):
            raise self.fail(f"expected a list, got {self.raw!r}")
        out = []
        for item in self.raw:
            if not isinstance(item, (str, int)) or isinstance(item, bool) or not str(item).strip():
                raise self.fail(f"expected a list of text, got item {item!r}")
            out.append(str(item).strip())
        return tuple(out)


def read_csv(text: str, file: str, columns: Sequence[str]) -> Iterator[dict[str, Cell]]:
    """Yield each data row of a CSV file as cells keyed by column, checking the header first."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ReferenceFileError(file, 1, "(header)", "file is empty") from None
    header = [h.lstrip("\ufeff") for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ReferenceFileError(file, 1, missing[0], "column missing from the header")
    extra = [h for h in header if h not in columns]
    if extra:
        raise ReferenceFileError(file, 1, extra[0], "unknown column")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ReferenceFileError(file, line, "(row)", f"expected {len(header)} cells, got {len(row)}")
        yield {name: Cell(file, line, name, value) for name, value in zip(header, row, strict=True)}


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records the line of every mapping and of each of its values."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[LINES_KEY] = {
        str(key_node.value): value_node.start_mark.line + 1 for key_node, value_node in node.value
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, file: str) -> dict[str, Any]:
    """Parse a YAML document (top level must be a mapping), keeping line numbers."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ReferenceFileError(file, line, "(yaml)", str(exc).splitlines()[0]) from None
    if not isinstance(data, dict):
        raise ReferenceFileError(file, 1, "(document)", "expected a mapping at the top level")
    return data


class Node:
    """A YAML mapping with its file and lines, giving Cells for its keys."""

    def __init__(self, file: str, data: object, line: int, where: str) -> None:
        if not isinstance(data, dict):
            raise ReferenceFileError(file, line, where, f"expected a mapping, got {data!r}")
        self.file, self.data, self.where = file, data, where
        self.line: int = data.get(LINE_KEY, line)
        self.lines: dict[str, int] = data.get(LINES_KEY, {})

    def keys(self) -> set[str]:
        """The keys present, without the line bookkeeping."""
        return {str(k) for k in self.data if k not in (LINE_KEY, LINES_KEY)}

    def only(self, allowed: Sequence[str]) -> None:
        """Reject keys outside the allowed set."""
        for key in sorted(self.keys()):
            if key not in allowed:
                raise ReferenceFileError(self.file, self.lines.get(key, self.line), key, "unknown key")

    def cell(self, key: str, *, required: bool = True) -> Cell:
        """The cell for a key; a missing required key is an error."""
        if required and key not in self.data:
            raise ReferenceFileError(self.file, self.line, key, "missing key")
        return Cell(self.file, self.lines.get(key, self.line), key, self.data.get(key))

    def children(self, key: str) -> list[Node]:
        """The list of mappings under a key."""
        raw = self.data.get(key)
        line = self.lines.get(key, self.line)
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise ReferenceFileError(self.file, line, key, f"expected a list, got {raw!r}")
        return [Node(self.file, item, line, key) for item in raw]

    def mapping(self, key: str) -> Node:
        """The mapping under a key (empty when missing)."""
        raw = self.data.get(key, {})
        return Node(self.file, raw if raw is not None else {}, self.lines.get(key, self.line), key)


def root(directory: Directory) -> Traversable:
    """The directory to read: the package's own reference files unless one is given."""
    if directory is None:
        return files("kscity.reference")
    if isinstance(directory, (str, os.PathLike)):
        return Path(directory)
    return directory


def read_text(directory: Directory, name: str) -> str:
    """The UTF-8 text of one reference file."""
    try:
        return root(directory).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReferenceFileError(name, 0, "(file)", "file not found") from None


def unique(seen: set[object], key: object, cell: Cell) -> None:
    """Reject a key already seen in the file."""
    if key in seen:
        raise cell.fail(f"duplicate {key!r}")
    seen.add(key)
