"""Partners' real outputs: attached and loose PDF, Word and OpenDocument files, legacy encodings."""

from __future__ import annotations

import pytest

from indexer.source import attachments
from indexer.writing.build import build, check
from library import create_app
from tests.documents import docx, odt, pdf

QUIET = {"say": lambda _: None}
RECORD = """---
title: Akční plán pro Ostravu
language: cs
cities: [ostrava]
aliases: [roma-net/ostrava-plan, good/plan]
attachments: [files/plan.pdf, files/zprava.docx, files/anotace.odt, files/bare.pdf,
  files/locked.pdf, files/missing.pdf, files/fake.pdf]
---
Město připravilo místní akční plán.
"""


@pytest.fixture()
def library(content_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("LIBRARY_CACHE_DIR", str(tmp_path / "cache"))
    files = content_copy / "good" / "files"
    files.mkdir()
    (content_copy / "good" / "plan.cs.md").write_text(RECORD, "utf-8")
    (files / "plan.pdf").write_bytes(
        pdf(["Local action plan for Ostrava", "Sewerage kanalizace for the Liscina settlement"])
    )
    (files / "zprava.docx").write_bytes(docx(["Hodnocení terénní práce v lokalitě Liščina"]))
    (files / "anotace.odt").write_bytes(odt(["Anotace: komunitní centrum a předškolní kluby"]))
    (files / "bare.pdf").write_bytes(pdf(["", ""]))
    (files / "locked.pdf").write_bytes(pdf(["Secret text of a locked plan"], encrypt="pw"))
    (files / "fake.pdf").write_bytes(b"MZ\x90\x00This is a program, not a PDF")
    loose = content_copy / "loose"
    loose.mkdir()
    (loose / "mediatori.docx").write_bytes(
        docx(
            ["Здравните медиатори в Сопот помагат на ромските семейства да посещават лекар."],
            title="Здравни медиатори в Сопот",
        )
    )
    legacy = content_copy / "legacy"
    legacy.mkdir()
    (legacy / "bydleni.cs.md").write_bytes(
        "---\r\ntitle: Sociální bydlení v Kladně\r\n---\r\nDostupné byty pro romské rodiny "
        "v Kladně, přidělované městem.\r\n".encode("cp1250")
    )
    (legacy / "obrazovanie.bg.md").write_bytes(
        "---\ntitle: Образование на ромските деца в Стара Загора\n---\nОбщината подкрепя "
        "записването в детска градина.\n".encode("cp1251")
    )
    index_dir = tmp_path / "index"
    report = build(content_copy, index_dir, **QUIET)
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(index_dir), "CONTENT_DIR": str(content_copy)}
    )
    return content_copy, index_dir, report, app.test_client()


def _search(client, q: str) -> dict:
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


def _problems(report, path: str) -> list[str]:
    return [str(p) for p in report.problems if p.path == path]


def test_attached_files_are_searchable_and_say_where_they_matched(library):
    _, _, report, client = library
    found = _search(client, "kanalizace")
    assert [h["id"] for h in found["results"]] == ["good/plan"]
    assert found["results"][0]["matched_in"] == {"file": "files/plan.pdf", "page": 2}
    assert "<mark>kanalizace</mark>" in found["results"][0]["snippet"]
    for q, name in (
        ("hodnoceni terenni prace", "files/zprava.docx"),
        ("komunitni centrum", "files/anotace.odt"),
    ):
        hits = _search(client, q)["results"]
        assert hits and hits[0]["id"] == "good/plan" and hits[0]["matched_in"]["file"] == name
    page = client.get("/en/search", query_string={"q": "kanalizace"}).get_data(as_text=True)
    assert "In files/plan.pdf, page 2:" in page


def test_broken_attachments_are_reported_and_the_record_is_still_indexed(library):
    _, _, report, client = library
    problems = "\n".join(_problems(report, "good/plan.cs.md"))
    assert "'files/bare.pdf' is a PDF without a text layer" in problems
    assert "'files/locked.pdf' is encrypted" in problems
    assert "'files/missing.pdf' no such file" in problems
    assert "'files/fake.pdf' is not a PDF" in problems
    assert not any(p.is_error for p in report.problems if p.path == "good/plan.cs.md")
    assert not _search(client, "secret locked")["results"]
    doc = client.get("/api/documents/good/plan").get_json()
    assert [f["name"] for f in doc["files"]] == [
        "files/plan.pdf",
        "files/zprava.docx",
        "files/anotace.odt",
    ]
    assert doc["files"][0]["pages"] == 2 and doc["files"][0]["type"] == "pdf"


def test_a_document_without_a_record_is_indexed_on_its_own(library):
    content, _, report, client = library
    hits = _search(client, "zdravni mediatori")["results"]
    assert hits and hits[0]["id"] == "loose/mediatori"
    doc = client.get("/api/documents/loose/mediatori").get_json()
    assert doc["title"] == "Здравни медиатори в Сопот" and doc["language"] == "bg"
    assert any("has no record" in p for p in _problems(report, "loose/mediatori.docx"))
    # the attached PDFs are part of their record, not resources of their own
    assert client.get("/api/documents/good/files/plan").status_code == 404
    listed = check(content)
    assert any("has no record" in p.message for p in listed.problems)


def test_legacy_encodings_keep_their_letters(library):
    _, _, report, client = library
    doc = client.get("/api/documents/legacy/bydleni").get_json()
    assert doc["title"] == "Sociální bydlení v Kladně"
    assert _search(client, "socialni bydleni kladno")["results"][0]["id"] == "legacy/bydleni"
    doc = client.get("/api/documents/legacy/obrazovanie").get_json()
    assert doc["title"] == "Образование на ромските деца в Стара Загора"
    assert any("CP1251" in p for p in _problems(report, "legacy/obrazovanie.bg.md"))


def test_downloads_serve_only_listed_files(library):
    content, _, _, client = library
    with client.get("/files/0/cs/good/plan") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data == (content / "good" / "files" / "plan.pdf").read_bytes()
        assert "sandbox" in response.headers["Content-Security-Policy"]
    with client.get("/files/1/cs/good/plan") as word:
        assert word.status_code == 200 and "attachment" in word.headers["Content-Disposition"]
    for bad in ("/files/7/cs/good/plan", "/files/0/en/good/plan", "/files/0/cs/../good/plan"):
        with client.get(bad) as response:
            assert response.status_code == 404, bad
    page = client.get("/cs/resources/good/plan").get_data(as_text=True)
    assert 'href="/files/0/cs/good/plan"' in page and "2 strany" in page


def test_changing_an_attachment_updates_its_record(library, monkeypatch):
    content, index_dir, _, client = library
    plan = content / "good" / "files" / "plan.pdf"
    plan.write_bytes(pdf(["Revised plan: vodovod for the Liscina settlement"]))
    report = build(content, index_dir, **QUIET)
    assert report.mode == "incremental" and report.changed == 1
    assert [h["id"] for h in _search(client, "vodovod")["results"]] == ["good/plan"]
    assert not _search(client, "kanalizace")["results"]
    # the record goes: its PDF now stands alone
    (content / "good" / "plan.cs.md").unlink()
    build(content, index_dir, **QUIET)
    assert [h["id"] for h in _search(client, "vodovod")["results"]] == ["good/files/plan"]


def test_an_unchanged_file_is_never_extracted_twice(library, monkeypatch):
    content, index_dir, _, _ = library

    def refuse(*args, **kwargs):
        raise AssertionError("extracted again")

    monkeypatch.setattr(attachments, "extract", refuse)
    report = build(content, index_dir, full=True, **QUIET)
    assert report.mode == "full" and report.rejected == 5


def test_show_prints_what_the_indexer_understood(library, capsys):
    from indexer.__main__ import main

    content, _, _, _ = library
    code = main(["show", str(content / "good" / "plan.cs.md"), "--content", str(content)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Status: indexed as 'good/plan' in 'cs'" in out
    assert "files/plan.pdf: PDF" in out and "2 pages" in out
    assert "Language: cs (declared); the text reads as cs" in out
    assert "is a PDF without a text layer" in out


def test_an_earlier_id_redirects_to_the_resource(library):
    _, _, report, client = library
    response = client.get("/cs/resources/roma-net/ostrava-plan?language=cs")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/cs/resources/good/plan?language=cs")
    assert client.get("/cs/resources/roma-net/no-such-thing").status_code == 404
    # its own id among its aliases changes nothing
    assert client.get("/cs/resources/good/plan").status_code == 200


def test_show_names_a_file_the_indexer_does_not_read(library, capsys):
    from indexer.__main__ import main

    content, _, _, _ = library
    (content / "good" / "README.md").write_text("# Notes for this folder\n", "utf-8")
    code = main(["show", str(content / "good" / "README.md"), "--content", str(content)])
    assert code == 1 and "not read by the indexer" in capsys.readouterr().out
