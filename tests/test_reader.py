"""Search quality, second round: corrections from every language's own words whatever the
interface language, the reader's version of a resource, the title shown once, one name per
field."""

from __future__ import annotations

import pytest

from library.pages.presenter import repeats, without_title
from library.search.suggest import distance, possible, query_language


@pytest.mark.parametrize(
    "typed, meant, ui",
    [
        ("spolupracvoalo", "spolupracovalo", "en"),  # two letters swapped, Czech
        ("vzdělávánní", "vzdělávání", "en"),  # a doubled letter
        ("csaldáokkal", "családokkal", "cs"),  # Hungarian under the Czech interface
        ("familille", "familiile", "en"),  # Romanian
    ],
)
def test_a_typo_is_corrected_from_its_own_language_whatever_the_interface(client, typed, meant, ui):
    data = client.get("/api/search", query_string={"q": typed, "ui": ui}).json
    assert data["suggestion"] == meant
    assert data["suggestion_total"] >= 1


def test_a_correction_never_changes_the_script(client):
    data = client.get("/api/search", query_string={"q": "училищаа", "ui": "en"}).json
    assert data["suggestion"] is None or all(
        "\u0400" <= c <= "\u04ff" for c in data["suggestion"] if c.isalpha()
    )


def test_an_empty_page_always_offers_a_way_on(client):
    html = client.get("/en/search?q=zzqqxx&theme=housing").get_data(as_text=True)
    assert "remove a filter" in html.lower() or "Remove filter" in html


def test_letters_decide_the_language_of_a_word():
    assert possible("cs", ["mediátoři"]) and not possible("ro", ["mediátoři"])
    assert not possible("cs", ["școală"]) and possible("ro", ["școală"])
    assert possible("bg", ["училище"]) and not possible("el", ["училище"])
    assert distance("evrposká", "evropská") == 1  # a swap is one edit
    assert distance("nmezeti", "nemzeti") == 1


def test_the_reader_gets_the_query_language_then_the_interface_then_english(client):
    czech = client.get("/api/search?q=bydlení romských rodin&ui=en").json["results"]
    assert czech[0]["id"] == "good/housing-karvina" and czech[0]["language"] == "cs"
    english = client.get("/api/search?q=housing Roma families&ui=cs").json["results"]
    assert english[0]["language"] == "en"
    # Filtered by theme only, no words: the interface language's version where one exists.
    browsing = client.get("/api/search?theme=housing&ui=cs").json["results"]
    karvina = next(r for r in browsing if r["id"] == "good/housing-karvina")
    assert karvina["language"] == "cs"
    in_english = client.get("/api/search?theme=housing&ui=hu").json["results"]
    assert next(r for r in in_english if r["id"] == "good/housing-karvina")["language"] == "en"


def test_query_language_between_related_languages_follows_the_interface(app):
    from library.search_ext import service_of

    snap = service_of(app).snapshot()
    assert query_language(snap, ["bydlení"], "sk") == "cs"  # only Czech documents know it


def test_the_title_is_shown_once_when_the_first_heading_shortens_it():
    title = "ROMA-NET: evropská města spolupracují (URBACT II, 2009–2013)"
    body = "<h1>ROMA-NET: evropská města spolupracují</h1><p>Text.</p>"
    assert without_title(body, title) == "<p>Text.</p>"
    assert repeats("Housing", "Housing") and not repeats("Housing", "Housing in Karviná")
    assert not repeats("Context", "Context of the Brno project")  # one word is a section


def test_documents_name_the_programme_as_search_results_do(client):
    doc = client.get("/api/documents/good/housing-karvina").json
    hit = client.get("/api/search?q=Karviná").json["results"][0]
    assert doc["project"] == hit["project"] == "roma-net"
    assert doc["projects"] == hit["projects"]


def test_suggestions_as_you_type_match_unaccented_and_inflected_prefixes(client):
    def labels(q, ui="en"):
        data = client.get("/api/suggest", query_string={"q": q, "ui": ui}).json
        return [(s["kind"], s["label"], s.get("language")) for s in data["suggestions"]]

    assert ("city", "Karviná", None) in labels("karv", "cs")  # no accent typed
    titles = [label for kind, label, _ in labels("socialni bydl", "cs") if kind == "title"]
    assert titles == ["Sociální bydlení pro romské rodiny v Karviné"]  # the cs version first
    inflected = [lang for kind, _, lang in labels("bydlením", "cs") if kind == "title"]
    assert inflected == ["cs"]  # 'bydlením' reaches 'bydlení' through its stem
    assert ("theme", "Housing", None) in labels("hous") or any(
        kind == "theme" for kind, _, _ in labels("hous")
    )
    assert labels("x") == [] or all(len(label) for _, label, _ in labels("x"))
    assert client.get("/api/suggest?q=" + "a" * 101).status_code == 400
    # A hostile title is data: the label is plain text in JSON (the script sets it as text).
    script = client.get("/api/suggest", query_string={"q": "<script>"}).json
    hostile = [s for s in script["suggestions"] if s["value"] == "good/hostile"]
    assert hostile and hostile[0]["url"] == "/en/resources/good/hostile?language=en"


def test_an_empty_page_names_the_ways_on(client):
    html = client.get("/en/search?q=bydleni+zzqq&country=BG").get_data(as_text=True)
    ways = html.split('class="ways-on"')[1].split("</ul>")[0]
    assert 'href="/en/search?q=bydleni+zzqq"' in ways  # without the filters
    assert 'href="/en/themes/housing"' in ways  # the theme the words name
    assert 'href="/en/themes/"' in ways


def test_a_facet_the_index_predates_is_served_empty(app):
    """A generation built before a facet existed keeps serving until the next build."""
    from library.search_ext import service_of

    table = service_of(app).snapshot().facet("added-after-this-index")
    assert table.values == [] and table.docs_of("x").size == 0
