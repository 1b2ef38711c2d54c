"""Decoding contributed text files: UTF-8 first, then the legacy encodings partners still save in.

Owns which encodings are tried for which language and how a guess is checked. A file that is not
UTF-8 is decoded only when one candidate clearly reads as the file's language (declared in its
name or front matter): the letters of that language must appear and nothing that is not text may.
Otherwise the file is reported, never decoded with replacement characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Legacy encodings by script, the most common first.
CENTRAL = ("cp1250", "iso8859_2")
CYRILLIC = ("cp1251", "iso8859_5", "koi8_r")
GREEK = ("cp1253", "iso8859_7")
WESTERN = ("cp1252", "iso8859_15", "iso8859_1")
ROMANIAN = ("cp1250", "iso8859_2", "iso8859_16")
BY_LANGUAGE = {
    **dict.fromkeys(("cs", "sk", "hu", "pl", "sl", "hr", "bs"), CENTRAL),
    "ro": ROMANIAN,
    **dict.fromkeys(("bg", "ru", "sr", "mk", "uk"), CYRILLIC),
    "el": GREEK,
    **dict.fromkeys(("en", "es", "it", "fr", "de", "pt", "nl", "sv", "da", "no", "fi"), WESTERN),
}
ALL = tuple(dict.fromkeys((*CENTRAL, *CYRILLIC, *GREEK, *WESTERN, "iso8859_16")))

# Letters a text in the language can hardly do without (lower case: most text is).
LETTERS = {
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "pl": "ąćęłńóśźż",
    "sl": "čšž",
    "hr": "čćđšž",
    "bs": "čćđšž",
    "ro": "ăâîșțşţ",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώς",
    "es": "áéíóúñü",
    "it": "àèéìòù",
    "fr": "àâçéèêëîïôûùü",
    "de": "äöüß",
    "pt": "áâãàçéêíóôõú",
}
LANGUAGE_LINE = re.compile(rb"^language:\s*[\"']?([a-zA-Z]{2,3})[\"']?\s*$", re.MULTILINE)
NAME_SUFFIX = re.compile(r"\.([a-z]{2,3})\.md$")
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
MIN_LETTERS = 3  # a legacy guess must show at least this many letters of the language
MIN_SHARE = 0.8  # and they must be this share of its non-ASCII letters


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python's name: "utf-8", "utf-8-sig", "utf-16", "cp1250"…
    legacy: bool  # anything other than UTF-8 (with or without BOM)


class Undecodable(ValueError):
    """The bytes are not UTF-8 and no legacy encoding reads them with confidence."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def decode(data: bytes, relpath: str = "", language: str | None = None) -> Decoded:
    """The text of data. Raises Undecodable rather than guess."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", True)
        except UnicodeDecodeError as err:
            raise Undecodable("starts like UTF-16 but is not", err.start) from err
    try:
        if data.startswith(codecs.BOM_UTF8):
            return Decoded(data.decode("utf-8-sig"), "utf-8-sig", False)
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError as err:
        first_bad = err.start
    lang = language or _language_of(data, relpath)
    found = _legacy(data, lang)
    if found is None:
        byte = data[first_bad]
        raise Undecodable(
            f"not UTF-8 (byte 0x{byte:02x} at offset {first_bad}) and no legacy encoding reads "
            f"it as {'the language ' + repr(lang) if lang else 'a known language'}",
            first_bad,
        )
    return found


def _language_of(data: bytes, relpath: str) -> str | None:
    match = NAME_SUFFIX.search(relpath)
    if match:
        return match.group(1)
    head = data[:4000]
    match = LANGUAGE_LINE.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _legacy(data: bytes, lang: str | None) -> Decoded | None:
    if lang in BY_LANGUAGE:
        best = max(
            (_scored(data, enc, lang) for enc in BY_LANGUAGE[lang]),
            key=lambda found: found[0],
        )
        score, text, encoding = best
        wanted = min(MIN_LETTERS, sum(1 for b in data if b > 0x7F)) if lang in LETTERS else 0
        return Decoded(text, encoding, True) if score >= wanted and score >= 0 else None
    return _detected(data)


def _scored(data: bytes, encoding: str, lang: str) -> tuple[int, str, str]:
    """(how well the text reads as lang, text, encoding); below zero when it cannot be text."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return -1, "", encoding
    if NOT_TEXT.search(text.replace("\t", " ")):
        return -1, text, encoding
    letters = LETTERS.get(lang, "")
    letters = set(letters + letters.upper())
    foreign = [char for char in text if not char.isascii() and char.isalpha()]
    known = sum(1 for char in foreign if char in letters)
    if letters and known < MIN_SHARE * len(foreign):
        return -1, text, encoding
    return known, text, encoding


def _detected(data: bytes) -> Decoded | None:
    """Without a language, charset-normalizer's guess among the legacy encodings, if clean."""
    best = charset_normalizer.from_bytes(data, cp_isolation=list(ALL)).best()
    if best is None or best.chaos > 0.1:
        return None
    text = str(best)
    if NOT_TEXT.search(text.replace("\t", " ")):
        return None
    return Decoded(text, codecs.lookup(best.encoding).name.replace("-", "_"), True)


def save_as_utf8_tip(encoding: str) -> str:
    return (
        f"saved as {encoding.upper().replace('_', '-')}; it was read correctly, but save it as "
        "UTF-8 (in most editors: Save as… → Encoding: UTF-8) so every tool reads it the same way"
    )
