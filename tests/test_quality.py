"""Search quality around the matching: function words, Latin-typed Bulgarian and Greek,
suggestions that help, the reader's language first, and a resource page that shows its title
once."""

from __future__ import annotations

import pytest

from indexer.language import analysis


def search(client, q: str, **params) -> dict:
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200
    return response.get_json()


def ids(data: dict) -> list[str]:
    return [r["id"] for r in data["results"]]


@pytest.mark.parametrize(
    ("lang", "native", "typed"),
    [
        ("bg", "общините", "obshtinite"),
        ("bg", "общините", "obstinite"),
        ("bg", "училищата", "uchilishtata"),
        ("bg", "жилища", "zhilishta"),
        ("bg", "ромските", "romskite"),
        ("el", "εκπαίδευση", "ekpaideusi"),
        ("el", "εκπαίδευσης", "ekpedefsi"),
        ("el", "δήμος", "dimos"),
    ],
)
def test_latin_typed_words_meet_their_native_forms(lang, native, typed):
    indexed = set(analysis.terms(lang, native, "latin"))
    asked = set(analysis.terms(lang, typed, "latin", mode="query"))
    assert indexed & asked


def test_latin_keys_only_for_words_of_another_script():
    assert analysis.terms("bg", "ROMACT", "latin") == []  # already matched as typed
    assert analysis.terms("bg", "общините", "latin", mode="query") == []
    assert analysis.terms("cs", "obshtinite", "latin", mode="query") == []


def test_bulgarian_typed_in_latin_letters_finds_the_cyrillic_resource(client):
    for q in ("obshtinata", "uchilishtata sopot", "romskite detsa"):
        assert "good/school-sopot" in ids(search(client, q)), q


def test_exact_matches_rank_before_latin_typed_ones(client):
    data = search(client, "roma")
    languages = [r["language"] for r in data["results"]]
    assert languages and languages[0] != "bg"  # the Latin word matches Bulgarian only by key


def test_function_words_do_not_decide_or_cross_languages(client):
    alone = search(client, "bydlení")
    with_small = search(client, "bydlení ve")
    assert ids(with_small) == ids(alone) and not with_small["any_word"]
    # English 'the' must not be required, nor make Czech 've' into English 'have'.
    assert search(client, "the bydlení")["total"] == alone["total"]


def test_a_query_of_function_words_only_still_searches(client):
    data = search(client, "pro")
    assert data["total"] >= 1


def test_function_words_are_not_highlighted(client):
    data = search(client, "bydlení ve")
    snippets = " ".join(r["snippet"] for r in data["results"])
    assert "<mark>ve</mark>" not in snippets and "<mark>" in snippets


def test_suggestion_finds_more_and_says_how_many(client):
    data = search(client, "mdiators")
    assert data["suggestion"] == "mediators"
    assert data["suggestion_total"] > data["total"]


def test_no_suggestion_when_it_would_not_help(client):
    data = search(client, "bydlení ve")
    assert data["suggestion"] is None and data["suggestion_total"] is None


def test_suggestion_keeps_the_words_that_matched(client):
    data = search(client, "bydlení romskéé")
    if data["suggestion"] is not None:
        assert data["suggestion"].startswith("bydlení ")


def test_the_version_in_the_query_language_is_shown(client):
    data = search(client, "sociální bydlení karviná", ui="en")
    karvina = [r for r in data["results"] if r["id"] == "good/housing-karvina"]
    assert karvina and karvina[0]["language"] == "cs"
    data = search(client, "social housing karvina", ui="cs")
    karvina = [r for r in data["results"] if r["id"] == "good/housing-karvina"]
    assert karvina and karvina[0]["language"] == "en"


def test_a_first_heading_that_repeats_the_title_is_dropped():
    from library.pages.presenter import without_title

    body = '<h1 id="c-x">Social housing in Karviná</h1>\n<p>Text</p>'
    assert without_title(body, "Social housing in Karviná") == "<p>Text</p>"
    assert without_title(body, "Another title") == body
    second = "<h2>Social  housing in <em>Karvina</em>.</h2><p>x</p>"
    assert without_title(second, "Social housing in Karviná") == "<p>x</p>"
    later = "<p>Intro</p><h1>Social housing in Karviná</h1>"
    assert without_title(later, "Social housing in Karviná") == later


def test_resource_page_has_one_main_heading(client):
    page = client.get("/en/resources/good/housing-karvina?language=en").get_data(as_text=True)
    assert page.count("<h1") == 1
