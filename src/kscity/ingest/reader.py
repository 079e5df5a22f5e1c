"""read_file: one entry point for every input file; detects the format by content and yields items with a summary."""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import zipfile
from collections.abc import Callable, Generator, Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

from kscity.ingest.detect import SNIFF_BYTES, UTF8_BOM, detect_container, sniff_payload
from kscity.ingest.items import Accepted, FileSummary, FxLookup, ReadError, ReadItem, Rejected, content_hash, snippet_of
from kscity.ingest.limits import BoundedReader, LimitExceeded, Limits, check_file_size, check_zip
from kscity.ingest.ocds import OcdsReader
from kscity.ingest.tabular import TableReader, csv_rows, load_mapping, xlsx_rows
from kscity.ingest.ted import XmlRefused, notice_from_xml, parse_xml, payload_of
from kscity.ingest.validate import SchemaChecker

Opener = Callable[[], IO[bytes]]


class _Raw(io.RawIOBase):
    """Adapts any `read(n)` stream (a BoundedReader, a zip member) to io so it can be buffered and closed."""

    def __init__(self, inner: BoundedReader | IO[bytes], closers: tuple[IO[bytes], ...] = ()) -> None:
        self._inner = inner
        self._closers = closers

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Into the buffer: straight from the file when the inner stream can (a plain file), else through a read
        (a BoundedReader, which counts what it inflates). A 1 MiB bytes object per read, copied over and freed,
        cost the reading process a page fault per page and a second copy of every byte."""
        if isinstance(self._inner, io.BufferedReader):
            return self._inner.readinto(buffer)
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
            for handle in self._closers:
                handle.close()
        super().close()


def _buffered(inner: BoundedReader | IO[bytes], *closers: IO[bytes]) -> IO[bytes]:
    stream = io.BufferedReader(_Raw(inner, closers), buffer_size=1 << 20)
    if stream.peek(3)[:3] == UTF8_BOM:  # yajl does not accept a byte-order mark
        stream.read(3)
    return stream


@lru_cache(maxsize=4)
def _schema(path: str) -> SchemaChecker:
    return SchemaChecker(Path(path))


class FileRead:
    """Iterator of ReadItems for one file; `summary` holds the format and counts once iteration ends."""

    def __init__(
        self,
        path: Path,
        *,
        source: str | None,
        schema_path: Path | None,
        fx: FxLookup | None,
        limits: Limits,
        mapping_path: Path | None,
        name: str | None = None,
    ) -> None:
        self.path = path
        self.name = name or str(path)  # how messages name the file (an upload: the name it was uploaded under)
        self.source, self.fx, self.limits, self.mapping_path = source, fx, limits, mapping_path
        self.schema = _schema(str(schema_path)) if schema_path else None
        self.summary = FileSummary(path=self.name)
        self._items = self._count(self._read())

    def __iter__(self) -> Iterator[ReadItem]:
        return self

    def __next__(self) -> ReadItem:
        return next(self._items)

    def close(self) -> None:
        """Stop reading early and close the file now (iterating to the end closes it too)."""
        self._items.close()

    def __enter__(self) -> FileRead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _count(self, items: Iterator[ReadItem]) -> Generator[ReadItem, None, None]:
        for item in items:
            if isinstance(item, Accepted):
                self.summary.accepted += 1
            else:
                self.summary.rejected += 1
            yield item

    def _fail(self, position: str, en: str, ko: str, label: str | None = None, snippet: str = "") -> Rejected:
        where = f"{label or self.name} › {position}" if position != "file" else (label or self.name)
        error = ReadError(where, en, ko)
        self.summary.errors.append(error)
        return Rejected(position=position, errors=(error,), snippet=snippet)

    def _read(self) -> Iterator[ReadItem]:
        path = self.path
        try:
            if not path.is_file():
                yield self._fail("file", "no such file", "파일이 없습니다")
                return
            check_file_size(path, self.limits)
            if os.stat(path).st_size == 0:
                self.summary.format = "empty"
                yield self._fail("file", "the file is empty (0 bytes)", "파일이 비어 있습니다 (0바이트)")
                return
            container = detect_container(path)
            if container == "zip":
                yield from self._zip(path)
            elif container == "xlsx":
                with zipfile.ZipFile(path) as archive:
                    check_zip(archive, self.limits)
                self.summary.format = "xlsx"
                mapping = load_mapping(self._mapping_for(path))
                table = TableReader(self.name, mapping, self.source, self.fx, self.summary)
                yield from table.rows(xlsx_rows(path, mapping.sheet))
            elif container == "gzip":

                def opener() -> IO[bytes]:
                    raw = open(path, "rb")  # noqa: SIM115 - closed by the buffered wrapper
                    return _buffered(BoundedReader(gzip.GzipFile(fileobj=raw), raw, self.limits), raw)

                yield from self._payload(opener, self.name, "gzip")
            else:
                yield from self._payload(lambda: _buffered(open(path, "rb")), self.name, "")  # noqa: SIM115
        except LimitExceeded as exc:
            yield self._fail("file", exc.message_en, exc.message_ko)
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            yield self._fail("file", f"cannot read the file: {exc}", f"파일을 읽을 수 없습니다: {exc}")

    def _mapping_for(self, path: Path) -> Path | None:
        if self.mapping_path:
            return self.mapping_path
        sibling = path.with_name(path.name.split(".")[0] + ".mapping.yaml")
        return sibling if sibling.is_file() else None

    def _zip(self, path: Path) -> Iterator[ReadItem]:
        formats: list[str] = []
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, self.limits)
            for info in archive.infolist():
                if info.is_dir():
                    continue

                def opener(name: str = info.filename) -> IO[bytes]:
                    member = archive.open(name)
                    # the member's own compressed stream position is not exposed; bound total output only
                    return _buffered(BoundedReader(member, None, self.limits))

                before = self.summary.format
                for item in self._payload(opener, f"{self.name}!{info.filename}", "zip"):
                    yield dataclasses.replace(item, position=f"{info.filename} › {item.position}")
                formats.append(self.summary.format)
                self.summary.format = before
        self.summary.format = "zip of " + (", ".join(sorted(set(formats))) or "nothing")

    def _payload(self, opener: Opener, label: str, wrapper: str) -> Iterator[ReadItem]:
        with opener() as handle:
            head = handle.read(SNIFF_BYTES)
        kind = sniff_payload(head)
        suffix = f" ({wrapper})" if wrapper else ""
        if kind == "json":
            reader = OcdsReader(label, self.source or "ocds", self.fx, self.schema, self.summary, suffix=suffix)
            yield from reader.read(opener)
            if not self.summary.format.endswith(suffix):  # not OCDS after all: named before the shape was known
                self.summary.format += suffix
        elif kind == "xml":
            yield self._xml(opener, label)
            self.summary.format += suffix
        elif kind == "csv":
            self.summary.format = "csv" + suffix
            mapping = load_mapping(self._mapping_for(self.path))
            table = TableReader(label, mapping, self.source, self.fx, self.summary)
            with opener() as handle:
                yield from table.rows(csv_rows(handle))
        elif kind == "empty":
            self.summary.format = "empty" + suffix
            yield self._fail("file", "the file holds only white space", "파일에 공백만 있습니다", label)
        else:
            self.summary.format = "unknown" + suffix
            yield self._fail(
                "file",
                "not a format kscity reads: expected OCDS JSON, TED XML, CSV or XLSX",
                "kscity가 읽는 형식이 아닙니다: OCDS JSON, TED XML, CSV, XLSX 중 하나여야 합니다",
                label,
                snippet_of(head),
            )

    def _xml(self, opener: Opener, label: str) -> ReadItem:
        with opener() as handle:
            data = handle.read(self.limits.max_xml_bytes + 1)
        self.summary.format = "xml"
        if len(data) > self.limits.max_xml_bytes:
            return self._fail("notice", "XML notice is over the size limit", "XML 공고가 크기 한도를 넘습니다", label)
        try:
            flavour, notice = notice_from_xml(parse_xml(data), source=self.source, fx=self.fx)
        except XmlRefused as exc:
            return self._fail("notice", exc.message_en, exc.message_ko, label, snippet_of(data))
        self.summary.format = flavour
        payload = payload_of(notice, flavour)
        return Accepted(notice, payload, notice.ocid, notice.source.notice_id, content_hash(data), "notice")


def read_file(
    path: str | Path,
    *,
    source: str | None = None,
    schema_path: str | Path | None = None,
    fx: FxLookup | None = None,
    limits: Limits | None = None,
    mapping_path: str | Path | None = None,
    name: str | None = None,
) -> FileRead:
    """Read one file (OCDS JSON/.gz/.zip, TED XML, CSV/XLSX) lazily; iterate for items, then see `.summary`.
    `name`: how messages name the file (default: its path)."""
    return FileRead(
        Path(path),
        source=source,
        schema_path=Path(schema_path) if schema_path else None,
        fx=fx,
        limits=limits or Limits(),
        mapping_path=Path(mapping_path) if mapping_path else None,
        name=name,
    )
