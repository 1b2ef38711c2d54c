"""Search behaviour on the fixture library: every word, then any word; phrases, exclusions,
field filters, "did you mean", and themes reached through the vocabulary in any language."""

from __future__ import annotations

import pytest


def search(client, q, **params):
    return client.get("/api/search", query_string={"q": q, **params}).get_json()


def ids(data):
    return [r["id"] for r in data["results"]]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("vzdelavani romskych deti", "good/housing-karvina"),  # cs, no accents, other forms
        ("bydleni v Karvine", "good/housing-karvina"),
        ("общината", "good/school-sopot"),  # bg: the text says общините / Общината
        ("iskolakban", "good/iskola.hu"),
        ("școala", "good/scoala"),  # comma-below query, cedilla text
        ("mediador gitano", "good/nested/deep/mediadores"),
        ("vaccination", "good/detected"),
    ],
)
def test_inflected_and_unaccented_queries_find_the_document(client, q, expected):
    expected = expected.removesuffix(".hu")
    assert ids(search(client, q))[0] == expected


def test_all_words_must_match_before_any_word(client):
    data = search(client, "mediators Karviná")
    assert data["any_word"] is True  # no fixture has both words
    assert data["total"] >= 2
    assert search(client, "housing Karviná")["any_word"] is False


def test_quoted_phrase_must_appear_in_order(client):
    assert "good/housing-karvina" in ids(search(client, '"local support group"'))
    assert "good/housing-karvina" not in ids(search(client, '"group support local"'))


def test_excluded_words_remove_results(client):
    with_word = ids(search(client, "mediators"))
    without = ids(search(client, "mediators -vaccinations"))
    assert "good/detected" in with_word and "good/detected" not in without


def test_field_value_filters_in_the_query(client):
    data = search(client, "roma country:CZ")
    assert data["total"] >= 1
    assert all("CZ" in r["countries"] for r in data["results"])
    assert ids(search(client, "city:Karviná")) == ["good/housing-karvina"]


def test_did_you_mean_comes_from_the_library_words(client):
    assert search(client, "mdiators")["suggestion"] == "mediators"
    assert search(client, "vcinations")["suggestion"] == "vaccinations"
    # A typo the first letters already catch: the results come only from that looser match,
    # so the correction is offered when it finds at least as much through the word itself.
    typo = search(client, "mediatros")
    assert typo["total"] >= 1 and typo["suggestion"] == "mediators"
    assert typo["suggestion_total"] >= typo["total"]


def test_no_suggestion_for_words_that_exist_without_their_accents(client):
    assert search(client, "bydleni")["suggestion"] is None
    assert search(client, "mediators")["suggestion"] is None


@pytest.mark.parametrize("q", ["bydlení", "жилище", "lakhatás", "housing"])
def test_theme_words_in_any_language_reach_the_theme(client, q):
    data = search(client, q, per_page=50)
    assert data["theme_matches"] == ["housing"] or "housing" in data["theme_matches"]
    assert {"good/housing-karvina", "shared/explicit"} <= set(ids(data))


def test_text_matches_rank_above_theme_only_matches(client):
    data = search(client, "bydlení", per_page=50)
    flags = [r["theme_match_only"] for r in data["results"]]
    assert flags[0] is False and True in flags
    assert flags == sorted(flags)  # every text match comes before every theme-only match


def test_a_page_says_when_theme_matches_were_added(client):
    html = client.get("/en/search?q=bydlen%C3%AD").get_data(as_text=True)
    assert "Also showing resources on related themes" in html


def test_no_theme_matches_when_the_words_name_no_theme(client):
    assert search(client, "Karviná")["theme_matches"] == []


def test_serbian_and_bosnian_texts_get_croatian_inflection(content_copy, tmp_path):
    """A query in one case finds a Serbian or Bosnian text that has the words in another, and
    the snippet marks them: both languages are analysed by the Croatian (Serbian Snowball) rules."""
    from indexer.writing.build import build
    from library import create_app

    (content_copy / "good" / "grupe.sr.md").write_text(
        "---\ntitle: Mobilizacija u opštinama\n---\n"
        "Podrška radu akcionih grupa zajednice u deset opština tokom prve godine programa.\n",
        "utf-8",
    )
    (content_copy / "good" / "stanovi.bs.md").write_text(
        "---\ntitle: Socijalni stanovi\n---\n"
        "Grad je izgradio dvadeset socijalnih stanova za porodice iz romskih naselja.\n",
        "utf-8",
    )
    build(content_copy, tmp_path / "index", say=lambda _: None)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()

    found = search(client, "akciona grupa opština")  # the text has akcionih grupa … opština
    assert ids(found)[:1] == ["good/grupe"]
    assert "<mark>akcionih</mark>" in found["results"][0]["snippet"]
    assert ids(search(client, "socijalni stan romsko naselje"))[:1] == ["good/stanovi"]


def test_a_serbian_query_shows_the_serbian_version(content_copy, tmp_path):
    """A query read as Croatian (the analysis Serbian shares) prefers a resource's Serbian
    version to its English one when both match, as a Czech query prefers the Czech version."""
    from indexer.writing.build import build
    from library import create_app

    for lang, body in {
        "en": "Community action groups (akcione grupe zajednice) in Bujanovac met the mayors.",
        "sr": "Akcione grupe zajednice u Bujanovcu i Vranju sastale su se sa gradonačelnicima.",
    }.items():
        (content_copy / "good" / f"grupe.{lang}.md").write_text(
            f"---\ntitle: Bujanovac {lang}\n---\n{body}\n", "utf-8"
        )
    build(content_copy, tmp_path / "index", say=lambda _: None)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()

    found = search(client, "akcione grupe zajednice Bujanovac")
    assert ids(found)[:1] == ["good/grupe"]
    assert found["results"][0]["language"] == "sr"
    assert search(client, "community action groups Bujanovac")["results"][0]["language"] == "en"
    exported = client.get("/api/search.csv?q=akcione+grupe+zajednice+Bujanovac").get_data(True)
    assert "good/grupe" in exported and ",sr," in exported.splitlines()[1]

    # A Croatian version, when there is one, still comes before the Serbian one.
    (content_copy / "good" / "grupe.hr.md").write_text(
        "---\ntitle: Bujanovac hr\n---\nAkcione grupe zajednice u Bujanovcu, hrvatski.\n", "utf-8"
    )
    build(content_copy, tmp_path / "index", say=lambda _: None)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    found = search(client, "akcione grupe zajednice Bujanovac")
    assert found["results"][0]["language"] == "hr"
