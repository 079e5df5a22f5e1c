"""Loading the shipped reference data into the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kscity.app import App
from kscity.reference.errors import ReferenceFileError
from kscity.services.reference_load import load_reference
from kscity.store.tables.reference import CountryRow, PlanTaskRow, ReferenceLoadRow


def count(app: App, table: type) -> int:
    with app.read() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_load_twice_changes_nothing(kapp: App) -> None:
    with kapp.transaction() as s:
        first = load_reference(session=s)
    assert all(f.changed for f in first)
    with kapp.read() as s:
        stamps = {r.file: r.loaded_at for r in s.scalars(select(ReferenceLoadRow))}
    with kapp.transaction() as s:
        second = load_reference(session=s)
    assert not any(f.changed for f in second)
    with kapp.read() as s:
        assert stamps == {r.file: r.loaded_at for r in s.scalars(select(ReferenceLoadRow))}
    assert count(kapp, CountryRow) == 249


def test_officer_task_status_survives_a_changed_reload(kapp: App, tmp_path: Path) -> None:
    with kapp.transaction() as s:
        load_reference(session=s)
    with kapp.transaction() as s:
        s.get(PlanTaskRow, 3).status = "done"  # type: ignore[union-attr]
    copy = tmp_path / "ref"
    shutil.copytree(str(files("kscity.reference")), copy)
    (copy / "tasks.yaml").write_text((copy / "tasks.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                     encoding="utf-8")
    with kapp.transaction() as s:
        report = {f.file: f.changed for f in load_reference(session=s, directory=copy)}
    assert report["tasks"] is True
    with kapp.read() as s:
        assert s.get(PlanTaskRow, 3).status == "done"  # type: ignore[union-attr]


def test_bad_row_names_file_line_field_and_leaves_database_as_it_was(kapp: App, tmp_path: Path) -> None:
    copy = tmp_path / "ref"
    shutil.copytree(str(files("kscity.reference")), copy)
    path = copy / "countries.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[5].split(",")
    cells[header.index("income_group")] = "XX"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError) as err, kapp.transaction() as s:
        load_reference(session=s, directory=copy)
    msg = str(err.value)
    assert "countries.csv" in msg and "line 6" in msg and "income_group" in msg
    assert count(kapp, CountryRow) == 0 and count(kapp, ReferenceLoadRow) == 0
