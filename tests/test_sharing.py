"""Sharing through the site: the form, the durable queue, editors, publishing, and every
refusal (forged forms, wrong passwords, too many attempts, bad uploads, unsafe paths, pages
without signing in, an unusable data folder). The journey in a real browser is in
test_sharing_browser.py; the kill test runs the real `python app.py`."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from library import create_app
from library.config import ROOT
from library.sharing import db, publish, ratelimit, uploads

PASSWORD = "correct horse battery"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
STARTED_RE = re.compile(r'name="started" value="([^"]+)"')


# -- helpers shared with the browser and kill tests ------------------------------------------


def minimal_pdf(text: str = "Hello") -> bytes:
    """A valid one-page PDF with one line of text, its cross-reference table computed."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def form_values(client, path: str) -> dict:
    """The hidden values a page's form carries (CSRF token, start stamp)."""
    html = client.get(path).get_data(as_text=True)
    values = {"csrf_token": TOKEN_RE.search(html).group(1)}
    started = STARTED_RE.search(html)
    if started:
        values["started"] = started.group(1)
    return values


def add_editor(data_dir: Path, name: str = "anna") -> None:
    result = subprocess.run(
        [sys.executable, "-m", "library", "users", "add", name],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=command_env(data_dir),
        check=False,
    )
    assert result.returncode == 0, result.stderr


def command_env(data_dir: Path) -> dict:
    """What `python -m library` needs to find this data folder and its database."""
    return {
        "LIBRARY_DATA_DIR": str(data_dir),
        "LIBRARY_DATABASE_URL": db.url_of(data_dir),
        "PATH": "/usr/bin:/bin",
    }


PRACTICE = {
    "title": "Komunitní centrum v Karviné",
    "summary": "Město otevřelo komunitní centrum pro romské rodiny.",
    "type": "good-practice",
    "themes": ["housing"],
    "cities": ["karvina"],
    "date": "2019-05",
    "language": "cs",
    "body": "## Co jsme udělali\n\nTerénní pracovníci pomáhali rodinám s bydlením.",
}


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture()
def share_app(tmp_path, built_index, content_copy, database):
    index_dir, _ = built_index
    return create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "CONTENT_DIR": str(content_copy),
            "DATA_DIR": str(tmp_path / "data"),
            "SHARE_MIN_FILL_SECONDS": 0,
            "SHARE_BUILD_AFTER_PUBLISH": False,
        }
    )


@pytest.fixture()
def share(share_app):
    return share_app.test_client()


def send(client, ui: str = "cs", files=(), **fields):
    data = form_values(client, f"/{ui}/share") | PRACTICE | fields
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/{ui}/share", data=data, content_type="multipart/form-data")


def rows(share_app, sql: str, *args) -> list:
    """Rows from the app's sharing database (SQLite or PostgreSQL), as plain tuples."""
    with db.connect(Path(share_app.config["DATA_DIR"])) as conn:
        return [tuple(row) for row in conn.execute(sql, args).fetchall()]


def signed_in(share_app, client):
    add_editor(Path(share_app.config["DATA_DIR"]))
    data = form_values(client, "/editor/login") | {"name": "anna", "password": PASSWORD}
    response = client.post("/editor/login", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


# -- the form --------------------------------------------------------------------------------


@pytest.mark.parametrize("ui", ["en", "cs", "bg", "hu", "ro", "es", "sk", "it", "el"])
def test_share_page_in_every_interface_language(share, ui):
    response = share.get(f"/{ui}/share")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{ui}">' in html
    for name in ("title", "summary", "type", "project", "cities", "countries", "themes"):
        assert f'name="{name}"' in html
    for name in ("steps", "date", "source", "language", "body", "attachments"):
        assert f'name="{name}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "style=" not in html and "<script>" not in html


def test_choices_carry_labels_in_the_interface_language(share):
    html = share.get("/cs/share").get_data(as_text=True)
    assert '<option value="CZ">Česko</option>' in html
    assert 'value="housing"> Bydlení</label>' in html


def test_submission_is_stored_with_its_attachment_and_tracked(share, share_app):
    response = send(share, files=[("zprava.pdf", minimal_pdf())])
    assert response.status_code == 303
    location = response.headers["Location"]
    token = location.rsplit("/", 1)[-1]
    assert location == f"/cs/share/{token}" and len(token) >= 40
    [(state, fields)] = rows(share_app, "SELECT state, fields FROM submissions")
    assert state == "received" and "Karviné" in fields
    [(name, stored, kind)] = rows(share_app, "SELECT name, stored, kind FROM attachments")
    assert (name, kind) == ("zprava.pdf", "pdf")
    path = Path(share_app.config["DATA_DIR"]) / "uploads" / stored
    assert path.read_bytes() == minimal_pdf()
    assert rows(share_app, "SELECT action, actor FROM audit") == [("submitted", "submitter")]
    page = share.get(location).get_data(as_text=True)
    assert "Přijato" in page and "zprava.pdf" in page


def test_errors_stand_next_to_the_field_with_the_suggestion(share, share_app):
    response = send(share, themes=["hausing"], date="2019-13")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<strong>Témata:</strong> unknown theme" in html
    assert "Měli jste na mysli „Bydlení“?" in html or "“Bydlení”" in html
    assert "<strong>Datum:</strong>" in html
    assert rows(share_app, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_preview_button_renders_sanitised_markdown_without_script(share):
    data = form_values(share, "/en/share") | {
        "action": "preview",
        "body": "**bold** <script>alert(1)</script> [x](javascript:alert(1))",
    }
    html = share.post("/en/share", data=data).get_data(as_text=True)
    preview = html.split('class="body share-preview-body">', 1)[1].split("</section>", 1)[0]
    assert "<strong>bold</strong>" in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert "&lt;script&gt;alert(1)" in html  # the text itself stays in its field, escaped


def test_preview_endpoint_answers_json_for_the_script(share):
    token = form_values(share, "/en/share")["csrf_token"]
    response = share.post(
        "/en/share/preview",
        data={"body": "# Hi\n\n<img src=x onerror=alert(1)>"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert "onerror" not in response.json["html"] and "Hi" in response.json["html"]


# -- refusals --------------------------------------------------------------------------------


def test_a_forged_form_without_or_with_a_wrong_token_is_refused(share, share_app):
    share.get("/en/share")
    forged = PRACTICE | {"started": "x"}
    assert share.post("/en/share", data=forged).status_code == 400
    assert share.post("/en/share", data=forged | {"csrf_token": "guess"}).status_code == 400
    assert share.post("/editor/login", data={"name": "a", "password": "b"}).status_code == 400
    assert rows(share_app, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_a_wrong_password_does_not_sign_in(share, share_app):
    add_editor(Path(share_app.config["DATA_DIR"]))
    data = form_values(share, "/editor/login") | {"name": "anna", "password": "wrong password"}
    response = share.post("/editor/login", data=data)
    assert response.status_code == 401
    assert share.get("/editor/").status_code == 303
    data["name"] = "nobody"
    assert share.post("/editor/login", data=data).status_code == 401


def test_too_many_sign_in_attempts_get_429(share, share_app):
    limit, _ = ratelimit.LIMITS["login"]
    data = form_values(share, "/editor/login") | {"name": "anna", "password": "wrong password"}
    codes = [share.post("/editor/login", data=data).status_code for _ in range(limit + 1)]
    assert codes == [401] * limit + [429]
    # Counted in the database, so another process (a fresh client and app) sees it too.
    other = create_app(dict(share_app.config)).test_client()
    data = form_values(other, "/editor/login") | {"name": "anna", "password": PASSWORD}
    assert other.post("/editor/login", data=data).status_code == 429


def test_too_many_submissions_get_429(share):
    limit, _ = ratelimit.LIMITS["submit"]
    codes = [send(share, title=f"Practice {n}").status_code for n in range(limit + 1)]
    assert codes == [303] * limit + [429]


def test_an_oversized_file_is_refused(share, share_app, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 2000)
    big = minimal_pdf() + b"%" + b"x" * 3000
    response = send(share, files=[("big.pdf", big)])
    assert response.status_code == 422
    assert "big.pdf" in response.get_data(as_text=True)
    assert rows(share_app, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_a_request_over_the_total_limit_gets_413(share, share_app, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 50_000)
    response = send(share, files=[("big.pdf", minimal_pdf() + b"%" + b"x" * 60_000)])
    assert response.status_code == 413
    assert rows(share_app, "SELECT COUNT(*) FROM submissions") == [(0,)]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00program"),
        ("report.pdf", b"<!doctype html><html><body>not a pdf</body></html>"),
        ("report.docx", _zip({"readme.txt": b"just a zip"})),
        ("report.odt", _zip({"mimetype": b"application/zip", "content.xml": b"<x/>"})),
        ("notes.txt", b"\xff\xfe\x00\x00binary"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_a_disguised_upload_is_refused(share, share_app, name, data):
    response = send(share, files=[(name, data)])
    assert response.status_code == 422
    assert "its content was checked" in response.get_data(as_text=True) or "obsah" in (
        response.get_data(as_text=True)
    )
    assert rows(share_app, "SELECT COUNT(*) FROM attachments") == [(0,)]


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("a.pdf", minimal_pdf(), "pdf"),
        ("a.docx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "docx"),
        ("a.odt", _zip({"mimetype": uploads.ODT_MIMETYPE, "content.xml": b"<x/>"}), "odt"),
        ("a.txt", "Zpráva o projektu".encode(), "txt"),
        ("a.html", b"<!DOCTYPE html><html><p>x</p></html>", "html"),
        ("no-extension", minimal_pdf(), "pdf"),
    ],
)
def test_real_documents_are_accepted_by_content(name, data, kind):
    [upload] = uploads.check([(name, data)])
    assert upload.kind == kind and upload.name.endswith(f".{kind}")


def test_editor_pages_need_signing_in(share, share_app):
    send(share)
    for path in ("/editor/", "/editor/submissions/1", "/editor/submissions/1/edit"):
        response = share.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/editor/login")
    token = form_values(share, "/editor/login")["csrf_token"]
    for action in ("publish", "decline", "request-changes", "edit"):
        path = f"/editor/submissions/1/{action}"
        data = {"csrf_token": token, "message": "x"}
        assert share.post(path, data=data).status_code == 401, path
        assert share.post(path).status_code == 401, path
    assert rows(share_app, "SELECT state FROM submissions") == [("received",)]


def test_signing_in_never_redirects_off_the_editor_pages(share, share_app):
    add_editor(Path(share_app.config["DATA_DIR"]))
    data = form_values(share, "/editor/login") | {"name": "anna", "password": PASSWORD}
    response = share.post("/editor/login", data=data | {"next": "//evil.example/editor/"})
    assert response.headers["Location"] == "/editor/"


# -- unsafe paths ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["../../etc/x", "/etc/x", "a\\b", "a\x00b", "con", "..", "a/b", "A B", ""]
)
def test_unsafe_slugs_are_refused(slug):
    with pytest.raises(publish.UnsafePath):
        publish.check_slug(slug)


@pytest.mark.parametrize("relative", ["../x.md", "shared/../../x", "/etc/passwd", "a\\b", "."])
def test_paths_outside_the_content_folder_are_refused(tmp_path, relative):
    with pytest.raises(publish.UnsafePath):
        publish.inside(tmp_path, relative)


def test_slug_from_a_hostile_title_stays_inside():
    assert publish.slugify("../../etc/x") == "etc-x"
    assert publish.slugify("Škola pro všechny v Košicích") == "skola-pro-vsechny-v-kosicich"
    assert publish.slugify("...") == "practice"


def _publish(client, submission_id: int = 1):
    token = form_values(client, f"/editor/submissions/{submission_id}")["csrf_token"]
    return client.post(f"/editor/submissions/{submission_id}/publish", data={"csrf_token": token})


def test_a_traversal_slug_is_refused_and_publishing_stays_in_content(share, share_app, tmp_path):
    send(share, title="../../etc/x", files=[("../../x.pdf", minimal_pdf())])
    signed_in(share_app, share)
    data = (
        form_values(share, "/editor/submissions/1/edit")
        | PRACTICE
        | {
            "title": "../../etc/x",
            "slug": "../../etc/x",
        }
    )
    response = share.post("/editor/submissions/1/edit", data=data)
    assert response.status_code == 422
    assert _publish(share).status_code == 303
    content = Path(share_app.config["CONTENT_DIR"])
    written = sorted(p.relative_to(content).as_posix() for p in content.rglob("*x*"))
    assert "shared/etc-x.cs.md" in written and "shared/etc-x/x.pdf" in written
    assert not (tmp_path / "etc").exists() and not (content.parent / "etc").exists()
    text = (content / "shared" / "etc-x.cs.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ../../etc/x\n")
    assert "attachments:\n- etc-x/x.pdf\n" in text


def test_a_taken_slug_gets_a_number(share, share_app):
    content = Path(share_app.config["CONTENT_DIR"])
    (content / "shared").mkdir()
    (content / "shared" / "komunitni-centrum-v-karvine.en.md").write_text("---\ntitle: x\n---\n")
    send(share)
    signed_in(share_app, share)
    assert _publish(share).status_code == 303
    assert (content / "shared" / "komunitni-centrum-v-karvine-2.cs.md").is_file()
    assert rows(share_app, "SELECT state, published_path FROM submissions") == [
        ("published", "shared/komunitni-centrum-v-karvine-2.cs.md")
    ]


# -- review ----------------------------------------------------------------------------------


def test_editor_sees_the_resource_page_findings_duplicates_and_history(share, share_app):
    send(
        share, title="Bydlení v Karviné", contact_organisation="Město Karviná", contact_public="yes"
    )
    signed_in(share_app, share)
    html = share.get("/editor/submissions/1").get_data(as_text=True)
    assert '<article class="resource" lang="cs">' in html  # resource.html's own markup
    assert "Bydlení v Karviné" in html and "Město Karviná" in html
    assert "housing-karvina" in html  # a similar resource already in the library
    assert 'data-action="submitted"' in html
    token = form_values(share, "/editor/submissions/1")["csrf_token"]
    share.post(
        "/editor/submissions/1/request-changes",
        data={"csrf_token": token, "message": "Add the year."},
    )
    share.post("/editor/submissions/1/decline", data={"csrf_token": token, "message": "Dup."})
    actions = rows(share_app, "SELECT action, actor, note FROM audit ORDER BY id")
    assert actions == [
        ("submitted", "submitter", ""),
        ("changes requested", "anna", "Add the year."),
        ("declined", "anna", "Dup."),
    ]


def test_contact_details_are_published_only_with_consent(share, share_app):
    content = Path(share_app.config["CONTENT_DIR"])
    send(share, title="Bez souhlasu", contact_email="a@example.org")
    send(share, title="Se souhlasem", contact_email="b@example.org", contact_public="yes")
    signed_in(share_app, share)
    _publish(share, 1)
    _publish(share, 2)
    assert "a@example.org" not in (content / "shared" / "bez-souhlasu.cs.md").read_text()
    assert "b@example\\.org" in (content / "shared" / "se-souhlasem.cs.md").read_text()


# -- an unusable data folder -----------------------------------------------------------------


def _search_only_client(built_index, fixture_content, data_dir, database_url: str = ""):
    """A test client of the built index, with sharing's data where it may not work."""
    index_dir, _ = built_index
    settings = {
        "TESTING": True,
        "INDEX_DIR": str(index_dir),
        "CONTENT_DIR": str(fixture_content),
        "DATA_DIR": str(data_dir),
    }
    if database_url:
        settings["DATABASE_URL"] = database_url
    return create_app(settings).test_client()


def test_search_works_and_sharing_says_unavailable_without_a_database(
    tmp_path, built_index, fixture_content
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    client = _search_only_client(built_index, fixture_content, blocker / "data")
    assert client.get("/en/search?q=roma").status_code == 200
    assert client.get("/en/").status_code == 200
    response = client.get("/en/share")
    assert response.status_code == 503
    assert "Sharing is unavailable" in response.get_data(as_text=True)
    assert client.get("/editor/login").status_code == 503


@pytest.mark.parametrize(
    "url",
    ["mysql://library@db/roma", "postgresql://library:secret@127.0.0.1:1/nowhere"],
    ids=["not-postgresql", "unreachable"],
)
def test_a_database_address_that_cannot_be_used_turns_sharing_off_not_search(
    tmp_path, built_index, fixture_content, url, caplog
):
    client = _search_only_client(built_index, fixture_content, tmp_path / "data", url)
    assert client.get("/en/search?q=roma").status_code == 200
    assert client.get("/en/share").status_code == 503
    assert client.get("/editor/login").status_code == 503
    logged = caplog.text
    assert "sharing is unavailable" in logged and "secret" not in logged  # no password shown


def test_secret_key_is_made_once_and_private(share_app):
    path = Path(share_app.config["DATA_DIR"]) / "secret_key"
    assert path.stat().st_mode & 0o777 == 0o600
    again = create_app({"DATA_DIR": share_app.config["DATA_DIR"]})
    assert again.config["SECRET_KEY"] == share_app.config["SECRET_KEY"] == path.read_text()


def test_session_cookie_flags(share):
    share.get("/en/share")
    cookie = share.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.secure
    assert cookie.same_site == "Lax"


def test_a_form_sent_too_quickly_or_with_the_honeypot_is_not_stored(share, share_app):
    share_app.config["SHARE_MIN_FILL_SECONDS"] = 3600
    response = send(share)
    assert response.status_code == 422
    assert "Zkontrolujte prosím formulář" in response.get_data(as_text=True)
    share_app.config["SHARE_MIN_FILL_SECONDS"] = 0
    assert send(share, website="http://spam.example").status_code == 400
    assert send(share, started="forged").status_code == 422
    assert rows(share_app, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_only_a_submission_with_changes_requested_can_be_corrected(share, share_app):
    location = send(share).headers["Location"]
    data = form_values(share, "/cs/share") | PRACTICE | {"summary": "Nové shrnutí."}
    assert share.post(location, data=data).status_code == 409
    signed_in(share_app, share)
    token = form_values(share, "/editor/submissions/1")["csrf_token"]
    share.post(
        "/editor/submissions/1/request-changes", data={"csrf_token": token, "message": "Rok?"}
    )
    page = share.get(location).get_data(as_text=True)
    assert "Rok?" in page and 'name="body"' in page
    data |= form_values(share, location)  # signing in started a new session and token
    assert share.post(location, data=data).status_code == 303
    [(state, fields)] = rows(share_app, "SELECT state, fields FROM submissions")
    assert state == "received" and "Nové shrnutí." in fields
    assert share.get("/cs/share/not-a-token").status_code == 404


def test_users_add_refuses_a_short_password(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "library", "users", "add", "anna"],
        input="short\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"LIBRARY_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2 and "at least" in result.stderr


def test_nothing_outside_sharing_imports_it():
    """The read-only search side never depends on sharing; only the app factory and the
    command line wire it in."""
    import ast

    allowed = {ROOT / "library" / "__init__.py", ROOT / "library" / "__main__.py"}
    offenders = []
    for path in sorted((ROOT / "library").rglob("*.py")):
        if "sharing" in path.parts or path in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any("sharing" in name.split(".") for name in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"these modules import library.sharing: {offenders}"


def test_an_editor_edits_the_submission_and_chooses_its_file_name(share, share_app):
    send(share)
    signed_in(share_app, share)
    data = form_values(share, "/editor/submissions/1/edit") | PRACTICE
    data |= {"title": "Centrum v Karviné", "slug": "centrum-karvina"}
    assert share.post("/editor/submissions/1/edit", data=data).status_code == 303
    assert _publish(share).status_code == 303
    content = Path(share_app.config["CONTENT_DIR"])
    text = (content / "shared" / "centrum-karvina.cs.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Centrum v Karviné\n")
    assert [a for (a,) in rows(share_app, "SELECT action FROM audit ORDER BY id")] == [
        "submitted",
        "edited",
        "published",
    ]
    assert share.post("/editor/submissions/1/edit", data=data).status_code == 409


def test_the_preview_endpoint_needs_the_token(share):
    share.get("/en/share")
    assert share.post("/en/share/preview", data={"body": "x"}).status_code == 400


def test_practice_rows_are_added_without_script_and_published(share, share_app):
    """The form offers one blank row of results and of funding; "Add a row" shows the form
    again with the filled row kept and a new blank one; the published file carries them."""
    html = share.get("/en/share").get_data(as_text=True)
    assert 'name="results-0-indicator"' in html and 'name="results-1-indicator"' not in html
    rows_filled = {
        "results-0-indicator": "families rehoused",
        "results-0-value": "40",
        "results-0-year": "2012",
        "funding-0-title": "Housing for all",
        "funding-0-amount": "120 000",
        "funding-0-currency": "EUR",
        "funding-0-status": "approved",
        "period_start": "2010-07",
        "lead": "City of Karviná",
        "partners": "Local support group\nSchools",
        "evidence": "promising",
        "evidence_by": "An evaluator",
    }
    data = form_values(share, "/en/share") | PRACTICE | rows_filled | {"action": "preview"}
    again = share.post("/en/share", data=data).get_data(as_text=True)
    assert 'name="results-1-indicator"' in again and 'value="families rehoused"' in again
    assert 'name="funding-1-title"' in again
    wrong = send(share, ui="en", **(rows_filled | {"funding-0-currency": "EURO"}))
    assert wrong.status_code == 422 and "EURO" in wrong.get_data(as_text=True)
    assert send(share, ui="en", title="Rows kept", **rows_filled).status_code == 303
    signed_in(share_app, share)
    _publish(share, 1)
    content = Path(share_app.config["CONTENT_DIR"])
    (published,) = (content / "shared").glob("rows-kept.*.md")
    from indexer.contract.validate import validate
    from indexer.contract.vocabulary import load as load_vocabulary
    from indexer.source.readers import SourceFile, read

    doc, _ = read(SourceFile(published.relative_to(content).as_posix(), published))
    resource, problems = validate(doc, load_vocabulary(content)[0])
    assert not [p for p in problems if p.field in ("results", "funding", "evidence")]
    assert resource.results == [{"indicator": "families rehoused", "value": 40, "year": 2012}]
    assert resource.funding[0]["amount"] == 120000 and resource.funding[0]["currency"] == "EUR"
    assert resource.evidence == {"level": "promising", "by": "An evaluator"}
    assert resource.partners == ["Local support group", "Schools"]
