"""Vendored front-end files are present, licensed, and nothing makes the browser leave the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kscity.web.render import STATIC_DIR, TEMPLATES_DIR

VENDOR = STATIC_DIR / "vendor"

# file → the licence file that must sit in the same package folder
VENDORED: dict[str, str] = {
    "krds-uiux/krds.min.css": "krds-uiux/LICENSE",
    "pretendard-gov/pretendard-gov.css": "pretendard-gov/LICENSE.txt",
    "pretendard-gov/woff2-subset/PretendardGOV-Regular.subset.woff2": "pretendard-gov/LICENSE.txt",
    "pretendard-gov/woff2-subset/PretendardGOV-SemiBold.subset.woff2": "pretendard-gov/LICENSE.txt",
    "pretendard-gov/woff2-subset/PretendardGOV-Bold.subset.woff2": "pretendard-gov/LICENSE.txt",
    "htmx.org/htmx.min.js": "htmx.org/LICENSE",
    "echarts/echarts.min.js": "echarts/LICENSE",
}

CDN = re.compile(r"https?://(cdn\.|unpkg|cdnjs|fonts\.googleapis|jsdelivr)", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
TEMPLATE_ASSET = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


@pytest.mark.parametrize(("path", "licence"), VENDORED.items())
def test_vendored_file_exists_with_licence(path: str, licence: str) -> None:
    file = VENDOR / path
    assert file.is_file() and file.stat().st_size > 0, path
    assert (VENDOR / licence).is_file(), f"no licence beside {path}"
    assert (VENDOR / licence).read_text(encoding="utf-8").strip()


def test_every_vendor_folder_has_a_licence_and_is_listed_in_readme() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for folder in (p for p in VENDOR.iterdir() if p.is_dir()):
        assert any(folder.glob("LICENSE*")), folder.name
        assert f"`{folder.name}/`" in readme, f"{folder.name} missing from vendor/README.md"


def test_no_source_maps_vendored() -> None:
    assert not list(VENDOR.rglob("*.map"))


def _text_files(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes]


def test_no_cdn_url_in_static_or_templates() -> None:
    offenders = []
    for file in _text_files(STATIC_DIR, (".css", ".js", ".html")) + _text_files(TEMPLATES_DIR, (".html",)):
        text = file.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{file.name}: {m.group(0)}" for m in CDN.finditer(text)]
    assert not offenders


def test_css_urls_are_local_and_resolve() -> None:
    problems = []
    for css in _text_files(STATIC_DIR, (".css",)):
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8")):
            target = match.group(1).strip()
            if target.startswith("data:"):
                continue
            if re.match(r"^[a-z]+:|^//", target, re.I):
                problems.append(f"{css.name}: remote {target}")
            elif not (css.parent / target.split("#")[0].split("?")[0]).is_file():
                problems.append(f"{css.name}: missing {target}")
    assert not problems, problems[:20]


def test_templates_load_no_remote_assets() -> None:
    remote = []
    for template in _text_files(TEMPLATES_DIR, (".html",)):
        for match in TEMPLATE_ASSET.finditer(template.read_text(encoding="utf-8")):
            if re.match(r"^(https?:)?//", match.group(1)):
                remote.append(f"{template.name}: {match.group(1)}")
    assert not remote


def test_static_files_referenced_by_base_template_exist() -> None:
    base = (TEMPLATES_DIR / "base.html").read_text(encoding="utf-8")
    macros = (TEMPLATES_DIR / "_macros.html").read_text(encoding="utf-8")
    referenced = re.findall(r"static_url\('([^']+)'\)", base + macros)
    assert referenced
    for path in referenced:
        assert (STATIC_DIR / path).is_file(), path
