"""Nothing outside: ids, file names and addresses never become paths outside the content and
index folders, neither while building nor while serving.

A secret file lies next to the content and index folders; contributed files point at it in
every way a path can be written (ids, attachments, file names), and the site is asked for it
through every kind of address. An audit hook records every file this process opens meanwhile:
the secret and anything named like a system file must never be among them, and its text must
never appear in an answer.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer.writing.build import build
from library import create_app

SECRET = "TOP-SECRET-SENTINEL-4711"
HOSTILE_IDS = [
    "../../etc/passwd",
    "../secret",
    "/abs",
    "/etc/passwd",
    "a\\b",
    "..\\..\\secret",
    "%2e%2e/secret",
    "good/../../secret",
    "./secret",
    "~/secret",
    "secret\x00.md",
]
_opened: list[str] = []
_recording = [False]


def _audit(event: str, args: tuple) -> None:
    if _recording[0] and event == "open" and isinstance(args[0], str | bytes):
        _opened.append(args[0] if isinstance(args[0], str) else args[0].decode("latin-1"))


sys.addaudithook(_audit)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, fixture_content):
    root = tmp_path_factory.mktemp("paths")
    (root / "secret").write_text(SECRET)
    (root / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n")
    content = root / "content"
    shutil.copytree(fixture_content, content)
    folder = content / "paths"
    folder.mkdir()
    for n, hostile in enumerate(HOSTILE_IDS):
        id_line = f'id: "{hostile.encode("unicode_escape").decode()}"'
        (folder / f"id-{n}.en.md").write_text(
            f"---\n{id_line}\ntitle: Hostile id {n}\nattachments: [{hostile!r}, ../../secret]\n"
            f"---\nA file whose id is {hostile!r}. [link](../../secret)\n",
            "utf-8",
        )
    for name in ("a\\b.en.md", "%2e%2e.en.md", "..dots.en.md", " space.en.md"):
        (folder / name).write_text(f"---\ntitle: File named {name}\n---\nBody.\n", "utf-8")
    index = root / "index"
    before = set(root.rglob("*"))
    _opened.clear()
    _recording[0] = True
    try:
        build(content, index, say=lambda _: None, workers=1)
    finally:
        _recording[0] = False
    built = {"opened": list(_opened), "created": set(root.rglob("*")) - before}
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CONTENT_DIR": str(content)})
    return root, content, index, app, built


def _outside(paths: list[str], root: Path) -> list[str]:
    """Opened paths that lead to the secret (beside the folders) or to a system file."""
    secrets = {str(root / "secret"), str(root / "secret.md")}
    return [p for p in paths if str(Path(p).resolve()) in secrets or "passwd" in p]


def test_building_opens_nothing_outside_and_writes_only_the_index(hostile_site):
    root, _, index, _, built = hostile_site
    assert built["opened"], "the audit hook saw no file at all"
    assert _outside(built["opened"], root) == []
    assert built["created"] and all(p.is_relative_to(index) for p in built["created"])


def test_the_index_folder_holds_only_generations(hostile_site):
    _, _, index, _, _ = hostile_site
    from indexer.writing.store import PROFILES_CACHE

    for path in index.iterdir():
        expected = ("current", ".build.lock", PROFILES_CACHE)
        assert path.name in expected or path.name.startswith("gen-"), path


def _addresses() -> list[str]:
    urls = []
    for hostile in [*HOSTILE_IDS, "..%2f..%2fsecret", "%2e%2e%2f%2e%2e%2fsecret", "....//secret"]:
        encoded = quote(hostile, safe="/%")
        urls += [
            f"/en/resources/{encoded}",
            f"/api/documents/{encoded}",
            f"/en/resources/x?language={quote(hostile)}",
            f"/static/{encoded}",
            f"/en/cities/{quote(hostile, safe='')}",
            f"/{encoded}",
        ]
    return urls


@pytest.mark.parametrize("url", _addresses())
def test_no_address_reads_outside(hostile_site, url):
    root, _, _, app, _ = hostile_site
    client = app.test_client()
    _opened.clear()
    _recording[0] = True
    try:
        response = client.get(url, follow_redirects=True)
        body = response.get_data()
        response.close()
    finally:
        _recording[0] = False
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    assert SECRET.encode() not in body
    assert b"root:x:0:0" not in body
    assert _outside(_opened, root) == []


def test_hostile_ids_are_refused_or_kept_inside(hostile_site):
    """No id the site serves climbs out or starts at the root; a hostile front-matter id is
    refused (a backslash in a file's own name is only a character, on this system)."""
    _, _, _, app, _ = hostile_site
    client = app.test_client()
    ids = [h["id"] for h in client.get("/api/search?per_page=100").get_json()["results"]]
    assert ids
    for doc_id in ids:
        assert ".." not in doc_id.replace("\\", "/").split("/"), doc_id
        assert not doc_id.startswith(("/", "\\", "~")) and "\x00" not in doc_id, doc_id
        assert doc_id not in HOSTILE_IDS
        response = client.get(f"/api/documents/{quote(doc_id)}")
        assert response.status_code == 200 and response.get_json()["id"] == doc_id
