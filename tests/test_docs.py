"""The docs stay complete: docs/cli.md is regenerated from the CLI and must match; every command, page and
source note is documented (the idea of datasette's tests/test_docs.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDES = [DOCS / "user-guide.en.md", DOCS / "user-guide.ko.md"]


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _gen()
COMMANDS = GEN.command_paths()


def test_cli_reference_is_current() -> None:
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == GEN.render(), "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"


@pytest.mark.parametrize("path", COMMANDS)
def test_every_command_has_help_and_a_section(path: str) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    section = re.search(rf"^#+ `{re.escape(path)}`\n\n    {re.escape(path)}.*\n\n(.+)", text, re.M)
    assert section, f"{path} has no section in docs/cli.md"
    assert not section.group(1).startswith(("|", "#")), f"{path} has no help text: give the command a docstring"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_user_guides_cover_every_command_and_page(guide: Path) -> None:
    text = guide.read_text(encoding="utf-8")
    top_level = sorted({" ".join(p.split()[:2]) for p in COMMANDS})
    missing = [c for c in top_level if f"`{c}" not in text]
    assert not missing, f"{guide.name} does not describe {missing}"
    base = (ROOT / "src" / "kscity" / "web" / "templates" / "base.html").read_text(encoding="utf-8")
    pages = re.findall(r'\("(/[a-z/]+)", _\(', base)
    assert pages, "the navigation in base.html was not found"
    missing = [p for p in pages if f"`{p}`" not in text]
    assert not missing, f"{guide.name} does not describe the pages {missing}"


def test_data_sources_link_every_source_note() -> None:
    text = (DOCS / "data-sources.md").read_text(encoding="utf-8")
    notes = [*(ROOT / "src" / "kscity" / "reference").rglob("SOURCES.md"),
             *(ROOT / "src" / "kscity" / "reference").rglob("README.md"),
             ROOT / "src" / "kscity" / "web" / "static" / "vendor" / "README.md"]
    for note in notes:
        link = "../" + note.relative_to(ROOT).as_posix()
        assert f"]({link})" in text, f"docs/data-sources.md does not link {link}"
        assert note.is_file()


def test_deployment_names_every_setting() -> None:
    from kscity.settings import Settings

    text = (DOCS / "deployment.md").read_text(encoding="utf-8")
    names = [f"KSCITY_{n.upper()}" for n in Settings.model_fields if n != "shared_data_dir"]
    missing = [n for n in names if n not in text]
    assert not missing, f"docs/deployment.md does not explain {missing}"
    for needed in ("kscity init", "--workers", "kscity.web.asgi:app", "KSCITY_SMTP_FROM"):
        assert needed in text
