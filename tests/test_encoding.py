"""Text files saved in legacy encodings are read with their letters intact, or reported."""

from __future__ import annotations

import codecs

import pytest

from indexer.source.encoding import Undecodable, decode
from indexer.source.readers import SourceFile, read

CZECH = (
    "---\ntitle: Bydlení v Karviné\nlanguage: cs\n---\n"
    "Příliš žluťoučký kůň úpěl ďábelské ódy. Sociální bydlení pro romské rodiny v Ostravě.\n"
)
SLOVAK = "---\ntitle: Rómske deti\n---\nĽudia v Košiciach podporujú školy; ťažké časy, mäso.\n"
BULGARIAN = (
    "---\ntitle: Образование в Сопот\nlanguage: bg\n---\n"
    "Община Сопот подкрепя ромските деца в училище чрез здравни медиатори.\n"
)
GREEK = "---\ntitle: Στέγαση Ρομά\n---\nΟ δήμος στηρίζει τις οικογένειες Ρομά στη στέγαση.\n"


@pytest.mark.parametrize(
    "name, text, encoding",
    [
        ("a.cs.md", CZECH, "cp1250"),
        ("a.cs.md", CZECH, "iso8859_2"),
        ("a.md", CZECH, "cp1250"),  # the language from the front matter
        ("a.sk.md", SLOVAK, "cp1250"),
        ("a.sk.md", SLOVAK, "iso8859_2"),
        ("a.bg.md", BULGARIAN, "cp1251"),
        ("a.bg.md", BULGARIAN, "iso8859_5"),
        ("a.md", BULGARIAN, "cp1251"),
        ("a.el.md", GREEK, "cp1253"),
    ],
)
def test_legacy_encodings_are_read_with_letters_intact(name, text, encoding):
    found = decode(text.encode(encoding), name)
    assert found.text == text and found.legacy
    assert codecs.lookup(found.encoding).name == codecs.lookup(encoding).name


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (b"", "utf-16")])
def test_byte_order_marks_and_crlf(tmp_path, bom, encoding):
    path = tmp_path / "a.cs.md"
    data = CZECH.replace("\n", "\r\n").encode(encoding)
    path.write_bytes(bom + data)
    doc, problems = read(SourceFile("a.cs.md", path))
    assert doc is not None and doc.meta["title"] == "Bydlení v Karviné"
    assert "\r" not in doc.body and "žluťoučký" in doc.body
    legacy = [p for p in problems if p.field == "file"]
    assert bool(legacy) == (encoding == "utf-16")  # UTF-8 with a BOM is UTF-8
    if legacy:
        assert "UTF-16" in legacy[0].message and "save it as UTF-8" in legacy[0].message


def test_a_legacy_file_is_indexed_with_a_warning_naming_the_encoding(tmp_path):
    path = tmp_path / "a.bg.md"
    path.write_bytes(BULGARIAN.encode("cp1251"))
    doc, problems = read(SourceFile("a.bg.md", path))
    assert doc.meta["title"] == "Образование в Сопот"
    assert [p.is_error for p in problems] == [False]
    assert "CP1251" in problems[0].message


def test_bytes_that_read_as_no_language_are_reported_not_replaced(tmp_path):
    noise = bytes(range(0x80, 0x100)) * 4
    with pytest.raises(Undecodable):
        decode(b"---\ntitle: x\n---\n" + noise, "a.cs.md")
    path = tmp_path / "a.cs.md"
    path.write_bytes(b"---\ntitle: x\n---\n" + noise)
    doc, problems = read(SourceFile("a.cs.md", path))
    assert doc is None and problems[0].is_error and "not UTF-8" in problems[0].message
    # Czech declared, Cyrillic bytes: no Czech reading, so not decoded at all
    with pytest.raises(Undecodable):
        decode(BULGARIAN.replace("language: bg", "language: cs").encode("cp1251"), "a.md")
