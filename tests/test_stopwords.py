"""Stopwords: function words per language, matched with or without diacritics; content words
(also those that fold to a function word) are never stopwords."""

from __future__ import annotations

import pytest

from indexer.language import analysis
from indexer.language.stopwords import (
    FOLDED_STOPWORDS,
    STOPWORDS,
    fold,
    is_stopword,
    stopword_languages,
)

CODES = ("cs", "sk", "bg", "hu", "ro", "es", "it", "el", "en", "pl", "hr", "sl", "de", "fr", "pt")


def test_every_language_has_a_list():
    assert set(CODES) == set(analysis.LANGUAGES) == set(STOPWORDS) == set(FOLDED_STOPWORDS)
    for lang in CODES:
        assert 80 <= len(STOPWORDS[lang]) <= 220, lang


@pytest.mark.parametrize("lang", CODES)
def test_lists_are_lower_case_single_words(lang):
    for word in STOPWORDS[lang]:
        assert word == word.lower() and word.strip() and " " not in word, word


@pytest.mark.parametrize(
    "lang, words",
    [
        ("cs", ["a", "ve", "na", "že", "který", "jsou", "byl", "se", "jejich"]),
        ("sk", ["a", "vo", "sú", "ktorý", "že", "bol", "sa"]),
        ("bg", ["и", "на", "за", "от", "че", "се", "са", "които", "това", "ѝ"]),
        ("hu", ["a", "az", "és", "hogy", "nem", "van", "amely", "szerint"]),
        ("ro", ["și", "în", "de", "pentru", "care", "este", "sunt", "lor"]),
        ("es", ["el", "la", "de", "y", "que", "para", "está", "más"]),
        ("it", ["il", "della", "nelle", "e", "è", "che", "per", "sono"]),
        ("el", ["και", "το", "της", "των", "για", "στους", "είναι", "ότι"]),
        ("en", ["the", "and", "of", "for", "is", "are", "which", "their"]),
        ("pl", ["i", "w", "na", "że", "się", "jest", "który", "oraz"]),
        ("hr", ["i", "u", "je", "su", "koji", "što", "će", "između"]),
        ("sl", ["in", "v", "je", "so", "ki", "da", "že", "tudi"]),
        ("de", ["der", "die", "und", "für", "mit", "ist", "wird", "dass"]),
        ("fr", ["le", "les", "des", "à", "où", "pour", "est", "sont"]),
        ("pt", ["o", "os", "da", "em", "não", "é", "são", "pelo"]),
    ],
)
def test_function_words(lang, words):
    for word in words:
        assert is_stopword(lang, word), (lang, word)
        assert is_stopword(lang, word.upper()), (lang, word.upper())
        assert lang in stopword_languages(word)


@pytest.mark.parametrize(
    "lang, typed",
    [
        ("cs", "ze"),  # že, and the preposition ze
        ("cs", "pri"),
        ("cs", "jiz"),
        ("sk", "ked"),
        ("sk", "podla"),
        ("ro", "si"),
        ("ro", "in"),
        ("ro", "pana"),
        ("hu", "es"),
        ("hu", "altal"),
        ("pl", "sie"),
        ("pl", "miedzy"),
        ("hr", "izmedu"),
        ("de", "fur"),
        ("fr", "ou"),
        ("pt", "nao"),
        ("el", "ειναι"),
        ("el", "στουσ"),  # final sigma folded as analysis.fold does
        ("es", "mas"),
    ],
)
def test_typed_without_diacritics_matches(lang, typed):
    assert is_stopword(lang, typed)


@pytest.mark.parametrize(
    "lang, word",
    [
        ("cs", "roma"),
        ("cs", "škola"),
        ("cs", "byt"),  # a flat; být is left out on purpose
        ("sk", "byt"),
        ("sk", "rómske"),
        ("en", "housing"),
        ("en", "roma"),
        ("en", "it"),  # IT
        ("en", "us"),  # US
        ("en", "who"),  # WHO
        ("fr", "école"),
        ("fr", "été"),
        ("el", "σχολείο"),
        ("el", "ρομά"),
        ("bg", "училище"),
        ("bg", "роми"),
        ("ro", "fata"),  # fată, a girl; față is left out on purpose
        ("ro", "pește"),  # a fish, though peste is a preposition
        ("hu", "fél"),  # half, though fel is a preverb
        ("hu", "ugy"),
        ("it", "stato"),
        ("es", "estado"),
        ("pt", "estado"),
        ("pl", "szkoła"),
        ("de", "schule"),
        ("hr", "obrazovanje"),
        ("sl", "izobraževanje"),
    ],
)
def test_content_words_are_not_stopwords(lang, word):
    assert not is_stopword(lang, word)


def test_lists_belong_to_their_own_language():
    assert not is_stopword("en", "de")
    assert not is_stopword("cs", "the")
    assert not is_stopword("de", "и")
    assert stopword_languages("de") == {"es", "fr", "pt", "ro", "hu"}
    assert stopword_languages("και") == {"el"}
    assert stopword_languages("school") == frozenset()


def test_unknown_language_has_no_stopwords():
    assert not is_stopword("rom", "a")
    assert not is_stopword("xx", "the")


def test_accented_word_matches_only_as_written():
    assert is_stopword("cs", "že")
    assert not is_stopword("cs", "žé")
    assert stopword_languages("fél") == frozenset()


@pytest.mark.parametrize(
    "text, folded",
    [("že", "ze"), ("ή", "η"), ("ѝ", "и"), ("й", "й"), ("στους", "στουσ"), ("daß", "dass")],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_agrees_with_analysis():
    for words in STOPWORDS.values():
        for word in words:
            assert fold(word) == analysis.fold(word), word
