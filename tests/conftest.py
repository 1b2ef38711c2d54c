"""Shared fixtures: an index built once per session from tests/fixtures/content, then app/client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.writing.build import build
from library import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture(scope="session")
def fixture_content() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> tuple[Path, object]:
    """The fixture content indexed once: (index folder, build report)."""
    index_dir = tmp_path_factory.mktemp("index")
    report = build(FIXTURES, index_dir, say=lambda _: None)
    return index_dir, report


@pytest.fixture(scope="session")
def app(built_index, tmp_path_factory):
    index_dir, _ = built_index
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "CONTENT_DIR": str(FIXTURES),
            "DATA_DIR": str(tmp_path_factory.mktemp("data")),
        }
    )


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def content_copy(tmp_path) -> Path:
    """A writable copy of the fixture content, for build tests that edit files."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of the session's own (tests/postgres.py), started when first asked."""
    from tests.postgres import Server

    server = Server().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, monkeypatch) -> str:
    """The sharing tests run twice: on the SQLite default and on a new database of a real
    PostgreSQL server. The address goes where the site reads it (LIBRARY_DATABASE_URL), so
    apps and the commands they start use it; "" for SQLite."""
    if request.param == "sqlite":
        monkeypatch.delenv("LIBRARY_DATABASE_URL", raising=False)
        return ""
    url = request.getfixturevalue("postgres_server").new_database()
    monkeypatch.setenv("LIBRARY_DATABASE_URL", url)
    return url
