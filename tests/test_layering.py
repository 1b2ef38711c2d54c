"""The layering of DESIGN.md §4, checked on the source: indexer never imports Flask or library;
on the web side only library/search.py imports Whoosh."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "indexer").rglob("*.py")), ids=lambda p: p.name)
def test_indexer_never_imports_the_web_side(path):
    assert not imported_modules(path) & {"flask", "flask_babel", "library", "werkzeug"}


@pytest.mark.parametrize("path", sorted((ROOT / "library").rglob("*.py")), ids=lambda p: p.name)
def test_only_search_module_imports_whoosh(path):
    if path.parent.name == "search" and path.name in ("postings.py", "storage.py"):
        assert "whoosh" in imported_modules(path)
    else:
        assert "whoosh" not in imported_modules(path)
