"""Running sharing: editors' accounts from the command line, backups taken while the site
serves and restored into a fresh data folder, publishing as a git commit, and files that
survive a preview (pending uploads)."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from library.sharing import db, pending
from tests.test_sharing import PASSWORD, PRACTICE, form_values, minimal_pdf, rows, send
from tests.test_sharing_mail import library_command, make_app, sign_in

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL

UPLOAD_FORM_RE = r'name="upload_form" value="([^"]+)"'


@pytest.fixture()
def share_app(tmp_path, built_index, content_copy):
    return make_app(tmp_path, built_index, content_copy)


@pytest.fixture()
def data_dir(share_app) -> Path:
    return Path(share_app.config["DATA_DIR"])


def users(data_dir: Path, *args: str, password: str = ""):
    return library_command(data_dir, "users", *args, stdin=password + "\n" if password else "")


def query(folder: Path, sql: str) -> list:
    """Rows of a backup's database copy (always one SQLite file)."""
    conn = sqlite3.connect(folder / db.DB_FILE)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def stored_rows(data_dir: Path, sql: str) -> list:
    """Rows of a data folder's database, SQLite or PostgreSQL."""
    with db.connect(data_dir) as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


def another_database(request, database: str) -> str:
    """A second, empty database on the same engine ("" for a new SQLite file)."""
    return request.getfixturevalue("postgres_server").new_database() if database else ""


# -- editors' accounts -----------------------------------------------------------------------


def test_users_add_list_reset_and_remove(share_app, data_dir):
    assert users(data_dir, "add", "anna", "--email", "anna@example.org", password=PASSWORD)
    assert users(data_dir, "add", "boris", password=PASSWORD).returncode == 0  # no address
    listed = users(data_dir, "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == ["anna\tanna@example.org", "boris\t-"]
    client = share_app.test_client()
    sign_in(client, "anna")
    assert client.get("/editor/").status_code == 200

    new_password = "another long password"
    assert users(data_dir, "reset", "anna", password=new_password).returncode == 0
    assert client.get("/editor/").status_code == 303  # the old session has ended
    data = form_values(client, "/editor/login") | {"name": "anna", "password": PASSWORD}
    assert client.post("/editor/login", data=data).status_code == 401
    data |= {"password": new_password}
    assert client.post("/editor/login", data=data).status_code == 303
    assert client.get("/editor/").status_code == 200
    assert rows(share_app, "SELECT email FROM editors WHERE name = 'anna'") == [
        ("anna@example.org",)
    ]  # a new password keeps the address

    assert users(data_dir, "remove", "anna").returncode == 0
    assert client.get("/editor/").status_code == 303  # signed out at the next request
    data |= form_values(client, "/editor/login")  # signing out ended the session's token
    assert client.post("/editor/login", data=data).status_code == 401
    assert users(data_dir, "list").stdout.splitlines() == ["boris\t-"]


@pytest.mark.parametrize(
    "args, password, message",
    [
        (("remove", "nobody"), "", "no editor 'nobody'"),
        (("reset", "nobody"), PASSWORD, "no editor 'nobody'"),
        (("reset", "boris"), "short", "at least"),
        (("add", "carla", "--email", "not-an-address"), PASSWORD, "not an e-mail address"),
        (("add", "carla", "--language", "xx"), PASSWORD, "--language is one of"),
    ],
)
def test_users_commands_refuse_what_they_cannot_do(data_dir, args, password, message):
    assert users(data_dir, "add", "boris", password=PASSWORD).returncode == 0
    result = users(data_dir, *args, password=password)
    assert result.returncode == 2 and message in result.stderr
    assert users(data_dir, "list").stdout.splitlines() == ["boris\t-"]


def test_an_old_database_gets_the_new_columns(tmp_path, database):
    old = tmp_path / "old"
    old.mkdir()
    db.configure(old, database)
    with db.connect(old) as conn:
        conn.execute(
            "CREATE TABLE editors (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
            "created REAL NOT NULL)"
        )
        conn.execute("INSERT INTO editors VALUES ('anna', 'x', 0)")
    db.prepare(old)
    with db.connect(old) as conn:
        assert {"email", "language"} <= set(db.columns(conn, "editors"))
    assert users(old, "list").stdout.splitlines() == ["anna\t-"]


# -- backups ---------------------------------------------------------------------------------


def test_a_backup_taken_while_serving_restores_into_a_fresh_data_folder(
    request, tmp_path, share_app, data_dir, built_index, content_copy, database
):
    client = share_app.test_client()
    assert users(data_dir, "add", "anna", password=PASSWORD).returncode == 0
    pdf, text = minimal_pdf("Karvina"), b"Notes of the community centre.\n"
    first = send(client, files=[("zprava.pdf", pdf), ("notes.txt", text)]).headers["Location"]
    locations = [first]
    writing = threading.Event()

    def keep_submitting() -> None:  # the site keeps serving while the backup is taken
        other = share_app.test_client()
        while not writing.is_set():
            n = len(locations)  # a new client address each time: 20 an hour per address
            other.environ_base["REMOTE_ADDR"] = f"10.0.{n // 250}.{n % 250 + 1}"
            response = send(other, title=f"Praxe {n}", files=[("a.txt", text)])
            locations.append(response.headers["Location"])

    writer = threading.Thread(target=keep_submitting)
    writer.start()
    time.sleep(0.3)
    backup_dir = tmp_path / "backup"
    made = library_command(data_dir, "backup", str(backup_dir))
    writing.set()
    writer.join()
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Backed up ")
    [(backed_up,)] = query(backup_dir, "SELECT COUNT(*) FROM submissions")
    assert 1 <= backed_up <= len(locations)
    assert library_command(data_dir, "backup", str(backup_dir)).returncode == 2  # not empty

    fresh, fresh_url = tmp_path / "fresh", another_database(request, database)
    elsewhere = {"LIBRARY_DATABASE_URL": fresh_url}
    restored = library_command(fresh, "restore", str(backup_dir), env=elsewhere)
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {backed_up} submissions" in restored.stdout
    again = library_command(fresh, "restore", str(backup_dir), env=elsewhere)
    assert again.returncode == 2  # holds data
    forced = library_command(fresh, "restore", str(backup_dir), "--force", env=elsewhere)
    assert forced.returncode == 0, forced.stderr
    assert (fresh / "secret_key").read_text() == (data_dir / "secret_key").read_text()

    app = make_app(
        tmp_path / "again", built_index, content_copy, DATA_DIR=str(fresh), DATABASE_URL=fresh_url
    )
    again = app.test_client()
    tokens = [t for (t,) in stored_rows(fresh, "SELECT token FROM submissions ORDER BY id")]
    assert len(tokens) == backed_up and f"/cs/share/{tokens[0]}" == first
    for token in tokens:
        assert again.get(f"/cs/share/{token}").status_code == 200, token
    assert "zprava.pdf" in again.get(first).get_data(as_text=True)
    for stored, name in stored_rows(fresh, "SELECT stored, name FROM attachments"):
        assert (fresh / "uploads" / stored).is_file(), name
    sign_in(again, "anna")
    for number, data in ((1, pdf), (2, text)):
        with again.get(f"/editor/submissions/1/files/{number}") as response:
            assert response.data == data
    # new submissions are numbered after the restored ones
    assert send(again, title="After the restore").status_code == 303
    [(newest,)] = stored_rows(fresh, "SELECT MAX(id) FROM submissions")
    assert newest == backed_up + 1


def test_a_backup_moves_a_library_between_sqlite_and_postgresql(
    request, tmp_path, built_index, content_copy, database
):
    """Under each engine, the library comes from the other one: SQLite to PostgreSQL (what a
    network does when it adds a second web server) and back."""
    source_url = "" if database else another_database(request, "postgresql")
    source = make_app(
        tmp_path / "a", built_index, content_copy, DATA_DIR=str(tmp_path / "a"),
        DATABASE_URL=source_url,
    )  # fmt: skip
    client = source.test_client()
    locations = [
        send(client, title=f"Praxe {n}", files=[("n.txt", b"notes %d" % n)]).headers["Location"]
        for n in range(3)
    ]
    assert users(tmp_path / "a", "add", "anna", "--email", "a@example.org", password=PASSWORD)
    assert library_command(tmp_path / "a", "backup", str(tmp_path / "backup")).returncode == 0

    target = tmp_path / "b"
    moved = library_command(
        target, "restore", str(tmp_path / "backup"), env={"LIBRARY_DATABASE_URL": database}
    )
    assert moved.returncode == 0, moved.stderr
    app = make_app(tmp_path / "b", built_index, content_copy, DATA_DIR=str(target))
    assert db.engine(target) == ("postgresql" if database else "sqlite")
    visitor = app.test_client()
    for location in locations:
        assert visitor.get(location).status_code == 200
    assert users(target, "list").stdout.splitlines() == ["anna\ta@example.org"]
    assert stored_rows(target, "SELECT COUNT(*) FROM attachments") == [(3,)]


def test_a_damaged_or_unfinished_backup_is_not_restored(tmp_path, share_app, data_dir):
    send(share_app.test_client(), files=[("zprava.pdf", minimal_pdf())])
    backup_dir = tmp_path / "backup"
    assert library_command(data_dir, "backup", str(backup_dir)).returncode == 0
    (stored,) = list((backup_dir / "uploads").iterdir())
    stored.write_bytes(b"%PDF-1.4 changed")
    result = library_command(tmp_path / "fresh", "restore", str(backup_dir))
    assert result.returncode == 2 and "differs from the backup" in result.stderr
    (backup_dir / "backup.json").unlink()
    result = library_command(tmp_path / "fresh", "restore", str(backup_dir))
    assert result.returncode == 2 and "not a finished backup" in result.stderr
    assert not (tmp_path / "fresh" / "uploads").exists() or not any(
        (tmp_path / "fresh" / "uploads").iterdir()
    )


# -- publishing into a git work tree ---------------------------------------------------------


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


def test_publishing_commits_the_file_with_the_editor_as_author(share_app, data_dir):
    content = Path(share_app.config["CONTENT_DIR"])
    git(content, "init", "--quiet")
    git(content, "add", ".")
    git(
        content, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "-qm", "x"
    )
    (content / "vocabulary.yml").write_text(
        (content / "vocabulary.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )  # someone's unfinished change, which must stay out of the commit
    assert users(data_dir, "add", "anna", "--email", "anna@example.org", password=PASSWORD)
    client = share_app.test_client()
    send(client, files=[("zprava.pdf", minimal_pdf())])
    sign_in(client)
    token = form_values(client, "/editor/submissions/1")["csrf_token"]
    response = client.post("/editor/submissions/1/publish", data={"csrf_token": token})
    assert response.status_code == 303
    log = git(content, "log", "-1", "--format=%an <%ae>%n%s", "--name-only")
    assert log.splitlines()[:2] == [
        "anna <anna@example.org>",
        "Publish shared/komunitni-centrum-v-karvine.cs.md",
    ]
    assert sorted(log.split("\n\n")[-1].split()) == [
        "shared/komunitni-centrum-v-karvine.cs.md",
        "shared/komunitni-centrum-v-karvine/zprava.pdf",
    ]
    assert git(content, "status", "--porcelain").split() == ["M", "vocabulary.yml"]


def test_a_content_folder_inside_another_work_tree_is_not_committed(tmp_path, share_app, data_dir):
    content = Path(share_app.config["CONTENT_DIR"])
    git(tmp_path, "init", "--quiet")  # content/ is a folder of this tree, not its top
    assert users(data_dir, "add", "anna", password=PASSWORD).returncode == 0
    client = share_app.test_client()
    send(client)
    sign_in(client)
    token = form_values(client, "/editor/submissions/1")["csrf_token"]
    assert client.post("/editor/submissions/1/publish", data={"csrf_token": token}).status_code
    assert (content / "shared" / "komunitni-centrum-v-karvine.cs.md").is_file()
    assert git(tmp_path, "log", "--oneline", "--all") == ""


# -- files kept across a preview -------------------------------------------------------------


def post_form(client, path: str, files=(), **fields):
    data = form_values(client, path) | fields
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(path, data=data, content_type="multipart/form-data")


def upload_form(html: str) -> str:
    import re

    return re.search(UPLOAD_FORM_RE, html).group(1)


def test_files_chosen_before_a_preview_are_attached_without_choosing_them_again(
    share_app, data_dir
):
    client = share_app.test_client()
    pdf, text = minimal_pdf("Kept"), b"Dropped on purpose.\n"
    files = [("zprava.pdf", pdf), ("drop.txt", text)]
    shown = post_form(client, "/cs/share", files=files, action="preview", **PRACTICE)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "zprava.pdf" in html and "drop.txt" in html
    token = upload_form(html)
    [(drop_id,)] = rows(share_app, "SELECT id FROM pending_uploads WHERE name = 'drop.txt'")
    assert f'name="remove_pending" value="{drop_id}"' in html
    # a validation error: the file chosen with it is kept too, the ticked one goes
    wrong = post_form(
        client, "/cs/share", files=[("more.txt", b"More.\n")],
        upload_form=token, remove_pending=str(drop_id), **(PRACTICE | {"date": "2019-13"}),
    )  # fmt: skip
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and upload_form(html) == token
    assert "zprava.pdf" in html and "more.txt" in html and "drop.txt" not in html
    sent = post_form(client, "/cs/share", upload_form=token, **PRACTICE)
    assert sent.status_code == 303
    assert rows(share_app, "SELECT name, size FROM attachments ORDER BY id") == [
        ("zprava.pdf", len(pdf)),
        ("more.txt", 6),
    ]
    assert rows(share_app, "SELECT COUNT(*) FROM pending_uploads") == [(0,)]
    stored = [s for (s,) in rows(share_app, "SELECT stored FROM attachments ORDER BY id")]
    assert (data_dir / "uploads" / stored[0]).read_bytes() == pdf
    assert len(list((data_dir / "uploads").iterdir())) == 2  # drop.txt's file is deleted
    assert "zprava.pdf" in client.get(sent.headers["Location"]).get_data(as_text=True)


def test_kept_files_count_against_the_limits_and_are_cleaned_after_a_day(share_app, data_dir):
    client = share_app.test_client()
    files = [(f"f{n}.txt", b"text\n") for n in range(4)]
    html = post_form(client, "/en/share", files=files, action="preview").get_data(as_text=True)
    token = upload_form(html)
    too_many = [("g1.txt", b"x\n"), ("g2.txt", b"y\n")]
    refused = post_form(client, "/en/share", files=too_many, action="preview", upload_form=token)
    assert "Too many files" in refused.get_data(as_text=True)
    assert rows(share_app, "SELECT COUNT(*) FROM pending_uploads") == [(4,)]
    assert pending.clean(data_dir, now=time.time() + 2 * pending.KEEP_SECONDS) == 4
    assert rows(share_app, "SELECT COUNT(*) FROM pending_uploads") == [(0,)]
    assert not list((data_dir / "uploads").iterdir())


def test_a_forged_form_token_is_replaced_and_another_form_files_stay_apart(share_app):
    client = share_app.test_client()
    html = post_form(
        client, "/en/share", files=[("mine.txt", b"mine\n")], action="preview"
    ).get_data(as_text=True)
    other = share_app.test_client()
    forged = post_form(other, "/en/share", action="preview", upload_form="../../etc/passwd")
    assert "mine.txt" not in forged.get_data(as_text=True)
    assert upload_form(forged.get_data(as_text=True)) != upload_form(html)


def test_a_correction_keeps_its_new_files_and_removals_across_a_preview(share_app, data_dir):
    client = share_app.test_client()
    location = send(client, files=[("old.txt", b"Old version.\n")]).headers["Location"]
    assert users(data_dir, "add", "anna", password=PASSWORD).returncode == 0
    sign_in(client)
    token = form_values(client, "/editor/submissions/1")["csrf_token"]
    client.post(
        "/editor/submissions/1/request-changes", data={"csrf_token": token, "message": "New?"}
    )
    [(old_id,)] = rows(share_app, "SELECT id FROM attachments")
    shown = post_form(
        client, location, files=[("new.txt", b"New version.\n")], action="preview",
        remove=str(old_id), **PRACTICE,
    )  # fmt: skip
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "new.txt" in html
    assert f'name="remove" value="{old_id}" checked' in html
    sent = post_form(
        client, location, upload_form=upload_form(html), remove=str(old_id), **PRACTICE
    )
    assert sent.status_code == 303
    assert rows(share_app, "SELECT name FROM attachments") == [("new.txt",)]
