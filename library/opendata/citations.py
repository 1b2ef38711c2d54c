"""Citations of resources in the formats reference managers read: BibTeX, RIS and CSL-JSON.

Works on any Resource with a `url` beside it (and a publisher and source when known); a whole
result set is the same records one after the other. Must not import Flask or the search side.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# format name -> (media type, file extension)
FORMATS = {
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
    "csl-json": ("application/vnd.citationstyles.csl+json", "json"),
}
BIBTEX_TYPES = {"report": "techreport", "toolkit": "manual", "policy": "techreport"}
RIS_TYPES = {"report": "RPRT", "toolkit": "GEN", "policy": "GOVDOC", "news-event": "NEWS"}
CSL_TYPES = {"report": "report", "policy": "report", "news-event": "article-newspaper"}
DEFAULT_PUBLISHER = "Roma Inclusion Library"


@dataclass(frozen=True)
class Citable:
    """What a citation needs, whichever view of a resource it comes from."""

    id: str
    language: str
    title: str
    summary: str
    type: str
    date: str
    url: str
    publisher: str = ""
    source: str = ""
    accessed: str = ""  # when the source was read
    themes: tuple[str, ...] = ()


def citable(resource, url: str) -> Citable:
    """A Citable from a Hit, Entry or Document."""
    return Citable(
        id=resource.id,
        language=resource.language,
        title=resource.title,
        summary=resource.summary,
        type=resource.type,
        date=resource.date,
        url=url,
        publisher=getattr(resource, "publisher", "") or "",
        source=getattr(resource, "source", "") or "",
        accessed=getattr(resource, "accessed", "") or "",
        themes=tuple(resource.themes),
    )


def _date_parts(date: str) -> list[int]:
    return [int(p) for p in (date or "").split("-") if p.isdigit()][:3]


# -- BibTeX ------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
_BIBTEX_REPLACE = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib(text: str) -> str:
    """Text safe inside BibTeX braces: special characters escaped, lines joined."""
    text = " ".join(str(text).split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACE.get(m[1], "\\" + m[1]), text)


def bibtex_key(item: Citable) -> str:
    year = _date_parts(item.date)[:1]
    base = re.sub(r"[^A-Za-z0-9]+", "-", item.id).strip("-") or "resource"
    return f"{base}-{item.language}" + (f"-{year[0]}" if year else "")


def bibtex(item: Citable) -> str:
    fields = [("title", "{" + _bib(item.title) + "}")]
    if item.publisher:
        fields.append(("author", "{" + _bib(item.publisher) + "}"))  # an organisation
        fields.append(("publisher", _bib(item.publisher)))
    parts = _date_parts(item.date)
    if parts:
        fields.append(("year", str(parts[0])))
    if len(parts) > 1:
        fields.append(("month", str(parts[1])))
    fields += [("language", _bib(item.language)), ("url", _bib(item.url))]
    if item.summary:
        fields.append(("abstract", _bib(item.summary)))
    if item.themes:
        fields.append(("keywords", _bib(", ".join(item.themes))))
    if item.source:
        fields.append(("note", _bib(f"Source: {item.source}")))
    kind = BIBTEX_TYPES.get(item.type, "misc")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(item)},\n{body}\n}}\n"


# -- RIS ---------------------------------------------------------------------------------------


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}\r\n"


def ris(item: Citable) -> str:
    lines = [_ris_line("TY", RIS_TYPES.get(item.type, "ELEC")), _ris_line("TI", item.title)]
    if item.publisher:
        lines += [_ris_line("AU", item.publisher), _ris_line("PB", item.publisher)]
    parts = _date_parts(item.date)
    if parts:
        lines.append(_ris_line("PY", str(parts[0])))
        padded = [f"{p:02d}" for p in parts[1:]] + [""] * (2 - len(parts[1:]))
        lines.append(_ris_line("DA", f"{parts[0]}/{padded[0]}/{padded[1]}/"))
    lines += [_ris_line("LA", item.language), _ris_line("UR", item.url)]
    if item.summary:
        lines.append(_ris_line("AB", item.summary))
    lines += [_ris_line("KW", theme) for theme in item.themes]
    if item.source:
        lines.append(_ris_line("N1", f"Source: {item.source}"))
    lines.append(_ris_line("ID", f"{item.id} ({item.language})"))
    return "".join(lines) + "ER  - \r\n"


# -- CSL-JSON ----------------------------------------------------------------------------------


def csl(item: Citable) -> dict:
    data = {
        "id": f"{item.id}@{item.language}",
        "type": CSL_TYPES.get(item.type, "document"),
        "title": item.title,
        "language": item.language,
        "URL": item.url,
    }
    if item.publisher:
        data["author"] = [{"literal": item.publisher}]
        data["publisher"] = item.publisher
    parts = _date_parts(item.date)
    if parts:
        data["issued"] = {"date-parts": [parts]}
    if item.summary:
        data["abstract"] = item.summary
    if item.themes:
        data["keyword"] = ", ".join(item.themes)
    if item.source:
        read = f" (read {item.accessed})" if item.accessed else ""
        data["note"] = f"Source: {item.source}{read}"
    return data


def csl_json(items) -> str:
    return json.dumps([csl(i) for i in items], ensure_ascii=False, indent=2)


def render(fmt: str, item: Citable) -> str:
    if fmt == "bibtex":
        return bibtex(item)
    if fmt == "ris":
        return ris(item)
    return csl_json([item]) + "\n"
