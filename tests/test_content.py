"""The shipped library: every file valid, every field documented for partners."""

from __future__ import annotations

from pathlib import Path

from indexer.contract.fields import FIELD_NAMES
from indexer.contract.vocabulary import load
from indexer.writing.build import check

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def test_shipped_content_passes_check():
    report = check(CONTENT)
    assert report.ok, "\n".join(str(p) for p in report.problems if p.is_error)
    assert report.documents >= 60
    assert report.languages >= 9


def test_authoring_guide_documents_every_field():
    from indexer.contract.profiles import PROFILE_FIELD_NAMES

    guide = (CONTENT / "README.md").read_text("utf-8")
    missing = [name for name in FIELD_NAMES if f"`{name}`" not in guide]
    assert not missing, f"content/README.md does not describe: {missing}"
    missing = [n for n in PROFILE_FIELD_NAMES if f"`{n}`" not in guide and n not in ("lat", "lon")]
    assert not missing, f"content/README.md does not describe the profile fields: {missing}"
    assert "`lat`, `lon`" in guide


def test_there_is_a_template_for_every_type():
    vocab, problems = load(CONTENT)
    assert not problems
    templates = {p.stem for p in (CONTENT / "_templates").glob("*.md")}
    assert set(vocab.types) <= templates


def test_vocabulary_labels_cover_the_interface_languages():
    from library.config import Config

    vocab, _ = load(CONTENT)
    for kind in ("themes", "types", "steps"):
        for term in vocab.kind(kind).values():
            missing = set(Config.UI_LANGUAGES) - set(term.labels)
            assert not missing, f"{kind}/{term.slug} has no label in {sorted(missing)}"
