"""Interface translations: every catalog complete, placeholders intact, the .pot up to date.

The catalogs live in library/translations; `make extract` regenerates messages.pot from the code
and templates (mapping in library/babel.cfg) and merges it into every <lang>/messages.po.
"""

from __future__ import annotations

import gettext
import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from library.config import ROOT, Config

TRANSLATIONS = ROOT / "library" / "translations"
MAPPING = ROOT / "library" / "babel.cfg"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = [lang for lang in Config.UI_LANGUAGES if lang != Config.DEFAULT_UI_LANGUAGE]
FIX = "run `make extract`, then translate the new strings in every catalog"

# A %-conversion: either a literal "%%" (no name) or a named placeholder such as %(num)s.
CONVERSION = re.compile(r"%(?:%|\((?P<name>\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")


def catalog_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


@cache
def load(path: Path, locale: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def messages(catalog) -> list:
    return [m for m in catalog if m.id]


def key(message) -> tuple:
    return (message.context, message.id)


def show(k: tuple) -> str:
    context, msgid = k
    text = " / ".join(msgid) if isinstance(msgid, tuple) else msgid
    return repr(text) + (f" (context {context!r})" if context else "")


def placeholders(text: str) -> set[str]:
    return {m["name"] for m in CONVERSION.finditer(text) if m["name"]}


def strings(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


@cache
def extracted() -> dict[tuple, set[str]]:
    """What `pybabel extract -F library/babel.cfg` finds now: {(context, msgid): {files}}."""
    with MAPPING.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(MAPPING))
    found: dict[tuple, set[str]] = {}
    for filename, _lineno, msgid, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.setdefault((context, msgid), set()).add(filename)
    return found


# -- the catalogs ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_exists(lang):
    assert catalog_path(lang).is_file(), (
        f"no catalog for {lang}: run `pybabel init -i {POT.relative_to(ROOT)} "
        f"-d {TRANSLATIONS.relative_to(ROOT)} -l {lang}` and translate it"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_and_not_fuzzy(lang):
    catalog = load(catalog_path(lang), lang)
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy"
    fuzzy = [show(key(m)) for m in messages(catalog) if m.fuzzy]
    untranslated = [
        show(key(m)) for m in messages(catalog) if not all(s.strip() for s in strings(m.string))
    ]
    assert not (fuzzy or untranslated), (
        f"{lang}: untranslated: {', '.join(untranslated) or '-'}; "
        f"fuzzy (to review): {', '.join(fuzzy) or '-'}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_match_the_language(lang):
    catalog = load(catalog_path(lang), lang)
    for message in messages(catalog):
        if isinstance(message.id, tuple):
            assert len(strings(message.string)) == catalog.num_plurals, (
                f"{lang}: {show(key(message))} needs {catalog.num_plurals} plural forms"
            )
    problems = [f"{show(key(m))}: {'; '.join(map(str, errors))}" for m, errors in catalog.check()]
    assert not problems, f"{lang}: " + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    catalog = load(catalog_path(lang), lang)
    wrong = []
    for message in messages(catalog):
        expected = set().union(*(placeholders(s) for s in strings(message.id)))
        for translation in strings(message.string):
            if placeholders(translation) != expected:
                wrong.append(f"{show(key(message))} -> {translation!r}")
            elif "%" in "".join(strings(message.id)):
                # Templates always apply `%`: a lone "%" must be written "%%" as in the msgid.
                try:
                    translation % dict.fromkeys(expected, 1)
                except (ValueError, TypeError, KeyError) as err:
                    wrong.append(f"{show(key(message))} -> {translation!r} ({err})")
    assert not wrong, f"{lang}: placeholders differ from the msgid:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_formats_every_count(lang):
    """Compiled as `make` does, each plural message renders for typical counts."""
    buffer = io.BytesIO()
    write_mo(buffer, load(catalog_path(lang), lang))
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    for message in messages(load(catalog_path(lang), lang)):
        if isinstance(message.id, tuple):
            singular, plural = message.id
            names = placeholders(singular) | placeholders(plural)
            for n in (0, 1, 2, 3, 5, 11, 21, 101, 1000):
                text = compiled.ngettext(singular, plural, n) % dict.fromkeys(names, n)
                assert text not in message.id, f"{lang}: {singular!r} untranslated for {n}"
                if "num" in names:
                    assert str(n) in text, f"{lang}: {singular!r} drops the count: {text!r}"


# -- the template and the code agree ---------------------------------------------------------


def test_mapping_reads_only_the_app():
    files = set().union(*extracted().values())
    assert files, "babel.cfg extracts nothing"
    outside = sorted(f for f in files if not f.startswith(("library/", "templates/")))
    assert not outside, f"babel.cfg must only read library/ and templates/, not {outside}"


def differences(what: str, have: set[tuple]) -> str:
    """'' when `have` holds exactly the strings the code uses now, else what to do about it."""
    now = extracted()
    new = sorted(f"  {show(k)} in {', '.join(sorted(now[k]))}" for k in now.keys() - have)
    gone = sorted(f"  {show(k)}" for k in have - now.keys())
    if not (new or gone):
        return ""
    lines = [f"{what} is out of date with the code and templates; {FIX}."]
    if new:
        lines += [f"Strings used but missing from {what}:", *new]
    if gone:
        lines += [f"Strings in {what} that are no longer used:", *gone]
    return "\n".join(lines)


def test_pot_is_up_to_date():
    problem = differences("messages.pot", {key(m) for m in messages(load(POT))})
    assert not problem, problem


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_matches_the_code(lang):
    catalog = load(catalog_path(lang), lang)
    problem = differences(f"the {lang} catalog", {key(m) for m in messages(catalog)})
    assert not problem, problem


def test_templates_translate_escape_and_follow_a_forced_locale(tmp_path):
    from flask import g
    from flask_babel import force_locale

    from library import create_app

    app = create_app({"INDEX_DIR": str(tmp_path / "index"), "DATA_DIR": str(tmp_path / "data")})
    page = app.jinja_env.from_string(
        '{{ _("Results for “%(q)s”", q=q) }}|{{ ngettext("%(num)s resource found", '
        '"%(num)s resources found", n) }}|{{ _("100%% sure") }}'
    )
    unescaped = app.jinja_env.from_string(
        '{% autoescape false %}{{ _("Results for “%(q)s”", q=q) }}{% endautoescape %}'
    )
    with app.test_request_context("/cs/search"):
        g.ui_language = "cs"
        czech = page.render(q="<b>x</b>", n=3)
        title, count, literal = czech.split("|")
        assert "&lt;b&gt;x&lt;/b&gt;" in title and "<b>" not in czech
        assert title.startswith("Výsledky pro") and count == "Nalezeny 3 materiály"
        assert literal == "100% sure"  # "%%" reads "%" even without variables
        assert "<b>x</b>" in unescaped.render(q="<b>x</b>")
        with force_locale("en"):
            english = page.render(q="roma", n=1)
            assert english == "Results for “roma”|1 resource found|100% sure"
        assert page.render(q="<b>x</b>", n=3) == czech  # back to the request's language
