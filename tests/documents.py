"""Real PDF, DOCX and ODT files for tests, made on the spot (no binary fixtures in the tree)."""

from __future__ import annotations

import io
import zlib


def pdf(pages: list[str], title: str = "", encrypt: str | None = None) -> bytes:
    """A valid PDF with one text line per page (Latin-1 text, Helvetica), or with no text layer
    at all when a page is the empty string."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        if not text:
            continue
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 50 780 Td ({escaped}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    if encrypt:
        writer.encrypt(encrypt, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(paragraphs: list[str], title: str = "") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt(paragraphs: list[str], title: str = "") -> bytes:
    from odf import dc, opendocument, text

    document = opendocument.OpenDocumentText()
    for line in paragraphs:
        document.text.addElement(text.P(text=line))
    if title:
        document.meta.addElement(dc.Title(text=title))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def compressed(data: bytes) -> bytes:
    return zlib.compress(data)
