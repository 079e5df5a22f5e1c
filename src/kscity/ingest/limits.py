"""Size limits on input files: whole-file maximum, and zip/gzip bomb guards while decompressing."""

from __future__ import annotations

import gzip
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GB = 1_000_000_000


@dataclass(frozen=True)
class Limits:
    """Configured maxima; the defaults refuse a 2 GB file and a zip that inflates more than 100×."""

    max_file_bytes: int = 2 * GB  # a file of this size or more is refused before it is read
    max_uncompressed_bytes: int = 4 * GB  # total bytes a .gz/.zip may inflate to
    max_compression_ratio: float = 200.0  # uncompressed / compressed, checked once past ratio_floor_bytes
    ratio_floor_bytes: int = 16 * 1024 * 1024  # small archives may compress very well; judge ratio above this
    max_xml_bytes: int = 200 * 1024 * 1024  # one XML notice is parsed whole, so keep it sane


class LimitExceeded(Exception):
    """An input breaks a size limit; the message says which, in English and Korean."""

    def __init__(self, message_en: str, message_ko: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ko = message_ko


def _mb(n: int | float) -> str:
    return f"{n / 1_000_000:,.0f} MB"


def check_file_size(path: Path, limits: Limits) -> None:
    """Refuse a file at or over the maximum size, judging by its size on disk only (nothing is read)."""
    size = os.stat(path).st_size
    if size >= limits.max_file_bytes:
        raise LimitExceeded(
            f"file is {_mb(size)}, at or over the limit of {_mb(limits.max_file_bytes)}; split it and retry",
            f"파일 크기 {_mb(size)}가 한도 {_mb(limits.max_file_bytes)} 이상입니다. 나누어 다시 올려 주십시오",
        )


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip whose declared members inflate beyond the total or the ratio limit (before reading any)."""
    total = 0
    compressed = 0
    for info in archive.infolist():
        total += info.file_size
        compressed += info.compress_size
    if total > limits.max_uncompressed_bytes:
        raise LimitExceeded(
            f"zip would inflate to {_mb(total)}, over the limit of {_mb(limits.max_uncompressed_bytes)}",
            f"zip 압축 해제 크기 {_mb(total)}가 한도 {_mb(limits.max_uncompressed_bytes)}를 넘습니다",
        )
    if total > limits.ratio_floor_bytes and total > limits.max_compression_ratio * max(compressed, 1):
        ratio = total / max(compressed, 1)
        raise LimitExceeded(
            f"zip compression ratio {ratio:,.0f}:1 is over the limit of {limits.max_compression_ratio:,.0f}:1 "
            "(a zip bomb?)",
            f"zip 압축률 {ratio:,.0f}:1이 한도 {limits.max_compression_ratio:,.0f}:1을 넘습니다 (압축 폭탄 의심)",
        )


class BoundedReader:
    """A binary reader over a decompressing stream that stops once the output breaks a limit.

    Declared sizes in archives can lie, so the bytes actually produced are counted as they are read,
    and compared with the compressed bytes consumed from the underlying file.
    """

    def __init__(self, inner: IO[bytes] | gzip.GzipFile, compressed_source: IO[bytes] | None, limits: Limits) -> None:
        self._inner = inner
        self._source = compressed_source
        self._limits = limits
        self.bytes_out = 0

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` decompressed bytes, raising LimitExceeded past a limit."""
        if size == 0:  # ijson probes the stream type with read(0)
            return b""
        chunk = self._inner.read(size if size > 0 else 1 << 20)
        self.bytes_out += len(chunk)
        limits = self._limits
        if self.bytes_out > limits.max_uncompressed_bytes:
            raise LimitExceeded(
                f"content inflates past the limit of {_mb(limits.max_uncompressed_bytes)}",
                f"압축 해제한 내용이 한도 {_mb(limits.max_uncompressed_bytes)}를 넘습니다",
            )
        if self._source is not None and self.bytes_out > limits.ratio_floor_bytes:
            consumed = max(self._source.tell(), 1)
            if self.bytes_out > limits.max_compression_ratio * consumed:
                raise LimitExceeded(
                    f"compression ratio over {limits.max_compression_ratio:,.0f}:1 (a zip bomb?); reading stopped "
                    f"after {_mb(self.bytes_out)}",
                    f"압축률이 {limits.max_compression_ratio:,.0f}:1을 넘어 읽기를 멈췄습니다 (압축 폭탄 의심)",
                )
        return chunk

    def close(self) -> None:
        """Close the decompressing stream."""
        self._inner.close()
