"""The last good version of a file that was indexed and then broke.

A partner's edit that no longer validates must not take their resource out of the library: the
build keeps the version the index already holds (rebuilt from its stored fields, so a full
build keeps it too) and says so on every build until the file is fixed.
"""

from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index

from ..contract.problems import WARNING, Problem
from ..contract.validate import Resource
from . import manifest


class LastGood:
    """The resources of one generation, looked up by path when their file has broken."""

    def __init__(self, generation: Path | None, known: dict[str, manifest.Entry]) -> None:
        self._generation = generation
        self._known = known
        self._searcher = None

    def had(self, relpath: str) -> bool:
        entry = self._known.get(relpath)
        return entry is not None and not entry.rejected

    def restore(self, relpath: str) -> tuple[Resource, manifest.Entry, Problem] | None:
        """(resource as indexed, its manifest entry, a note) or None when there is none."""
        if self._generation is None or not self.had(relpath):
            return None
        if self._searcher is None:
            self._searcher = whoosh_index.open_dir(str(self._generation)).searcher()
        stored = self._searcher.document(path=relpath)
        if stored is None:
            return None
        note = Problem(
            relpath,
            1,
            "file",
            "its last good version stays in the library until the problems above are fixed",
            WARNING,
        )
        return resource_from_stored(stored), self._known[relpath], note

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def _split(value: str) -> list[str]:
    return [item for item in (value or "").split(",") if item]


def resource_from_stored(stored: dict) -> Resource:
    """A Resource equal to the one the stored fields of a document were written from."""
    language = stored["key"].rpartition("\x1f")[2]
    return Resource(
        path=stored["path"],
        sha=stored["sha"],
        id=stored["docid"],
        language=language,
        title=stored["title"],
        summary=stored.get("summary") or "",
        html=stored.get("html") or "",
        text=stored.get("text") or "",
        type=stored.get("type") or None,
        projects=_split(stored.get("project")),
        cities=_split(stored.get("city")),
        countries=_split(stored.get("country")),
        themes=_split(stored.get("theme")),
        steps=_split(stored.get("step")),
        date=stored.get("date") or None,
        source=stored.get("source") or None,
        publisher=stored.get("publisher") or None,
        accessed=stored.get("accessed") or None,
        language_declared=bool(stored.get("language_declared", True)),
        language_confidence=float(stored.get("language_confidence", 1.0)),
        aliases=_split(stored.get("alias")),
        attachments=[a["name"] for a in json.loads(stored.get("attachments") or "[]")],
        files=json.loads(stored.get("attachments") or "[]"),
    )
