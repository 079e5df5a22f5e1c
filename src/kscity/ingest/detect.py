"""Detect a file's format from its first bytes (never its name alone): JSON, XML, CSV, XLSX, gzip, zip, empty."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

Container = Literal["gzip", "zip", "xlsx", "plain"]
Payload = Literal["json", "xml", "csv", "empty", "unknown"]

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
UTF8_BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 4096


def sniff_payload(head: bytes) -> Payload:
    """Say what uncompressed bytes hold: JSON, XML, CSV-like text, nothing, or unknown."""
    text = head.removeprefix(UTF8_BOM).lstrip(b" \t\r\n")
    if not text:
        return "empty"
    first = text[:1]
    if first in (b"{", b"["):
        return "json"
    if first == b"<":
        return "xml"
    if b"\x00" in text[:1024]:
        return "unknown"
    try:
        sample = text[:1024].decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start >= len(text[:1024]) - 4:  # a multi-byte character cut by the sniff window
            sample = text[: exc.start].decode("utf-8")
        else:
            try:  # Korean spreadsheets save CSV as CP949 (EUC-KR)
                sample = text[:1024].decode("cp949", errors="strict")
            except UnicodeDecodeError:
                return "unknown"
    line = sample.splitlines()[0] if sample.splitlines() else ""
    if any(sep in line for sep in (",", "\t", ";")):
        return "csv"
    return "unknown"


def detect_container(path: Path) -> Container:
    """Say whether a file is gzip, zip (or XLSX, a zip with a workbook), or plain bytes."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic.startswith(GZIP_MAGIC):
        return "gzip"
    if magic in ZIP_MAGICS:
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "plain"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    return "plain"
