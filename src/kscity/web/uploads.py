"""Uploaded notice files, ingested with the CLI's service: shared by the imports API and the imports page."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from kscity.app import App
from kscity.errors import InvalidInput
from kscity.services.ingest import ingest_paths


def ingest_uploads(kapp: App, files: list[UploadFile], *, source: str | None = None) -> dict[str, Any]:
    """Save the uploads to a scratch folder (size-limited), ingest them, and report under the uploaded names."""
    if not files:
        raise InvalidInput("no file was uploaded", "업로드된 파일이 없습니다")
    limit = kapp.settings.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="kscity-upload-") as tmp:
        saved: list[Path] = []
        for i, f in enumerate(files):
            name = Path(f.filename or f"upload-{i}").name or f"upload-{i}"
            target = Path(tmp) / f"{i:03d}-{name}"
            with target.open("wb") as out:
                shutil.copyfileobj(f.file, out, length=1024 * 1024)
            if target.stat().st_size > limit:
                raise InvalidInput(f"{name}: {target.stat().st_size:,} bytes is over the upload limit of {limit:,}",
                                   f"{name}: 업로드 한도({limit:,} 바이트)를 넘습니다")
            saved.append(target)
        # reported and recorded under the names uploaded: the scratch paths mean nothing to the user, and a
        # re-upload of the same file must find what it quarantined before
        names = {path: Path(f.filename or path.name).name or path.name for f, path in zip(files, saved, strict=True)}
        return ingest_paths(kapp, saved, source=source, names=names)
