"""Language identification: determinism, odd inputs, cs/sk and bg, the declared-language check."""

from __future__ import annotations

import pytest

from indexer.language import langid
from indexer.language.langid import detect, looks_wrong

SENTENCES = [
    ("cs", "Město podporuje vzdělávání romských dětí a bydlení pro rodiny v nouzi."),
    ("sk", "Mesto podporuje vzdelávanie rómskych detí a bývanie pre rodiny v núdzi."),
    ("bg", "Общината подписа споразумение за приобщаване на ромските общности."),
    ("hu", "A város támogatja a roma gyerekek oktatását és a családok lakhatását."),
    ("ro", "Primăria sprijină educația copiilor romi și locuințele pentru familii."),
    ("es", "El ayuntamiento apoya la educación de los niños gitanos y la vivienda."),
    ("it", "Il comune sostiene l'istruzione dei bambini rom e l'alloggio delle famiglie."),
    ("el", "Ο δήμος στηρίζει την εκπαίδευση των παιδιών Ρομά και τη στέγαση."),
    ("en", "The city supports the education of Roma children and housing for families."),
    ("pl", "Miasto wspiera edukację romskich dzieci i mieszkania dla rodzin."),
    ("hr", "Grad podupire obrazovanje romske djece i stanovanje za obitelji."),
    ("sl", "Občina podpira izobraževanje romskih otrok in stanovanja za družine."),
    ("de", "Die Stadt unterstützt die Bildung von Roma-Kindern und Wohnungen für Familien."),
    ("fr", "La ville soutient l'éducation des enfants roms et le logement des familles."),
    ("pt", "A cidade apoia a educação das crianças ciganas e a habitação das famílias."),
]


@pytest.mark.parametrize("lang, text", SENTENCES)
def test_sentence_is_recognised(lang, text):
    assert detect(text)[0] == lang


def test_detection_is_deterministic():
    text = "empleo"
    assert len({detect(text) for _ in range(20)}) == 1


@pytest.mark.parametrize("text", ["", "   ", "123 456", "😀🎉", "—", "#$%", "2013-05-01"])
def test_no_letters_means_no_language(text):
    assert detect(text) == (None, 0.0)


@pytest.mark.parametrize("text", ["ok", "a", "Roma 😀", "ROMA-NET 2013", "x" * 20_000, "č"])
def test_odd_input_never_raises(text):
    lang, prob = detect(text)
    assert lang is None or (isinstance(lang, str) and 0.0 <= prob <= 1.0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Община", "bg"),  # langdetect alone says mk
        ("Ромски деца", "bg"),
        ("Здравни медиатори", "bg"),
        ("Општина Скопје ја поддржува интеграцијата на Ромите.", "mk"),  # ј: not Bulgarian
        ("Правительство выделило деньги на образование.", "ru"),  # ы: not Bulgarian
    ],
)
def test_cyrillic_rule(text, expected):
    assert detect(text)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bývanie rómskych rodín v osadách", "sk"),
        ("Bydlení romských rodin v osadách", "cs"),
        ("Vzdelávanie detí", "sk"),
        ("Vzdělávání dětí", "cs"),
        ("Pomoć obiteljima u Međimurju", "hr"),
        ("Zapošljavanje žena u općini", "hr"),
        ("Zaposlovanje žensk v občini", "sl"),
    ],
)
def test_close_neighbours_apart(text, expected):
    assert detect(text)[0] == expected


def test_looks_wrong_names_both_languages():
    text = dict(SENTENCES)["sk"]
    warning = looks_wrong("cs", text)
    assert warning is not None and "declared 'cs'" in warning and "'sk'" in warning


@pytest.mark.parametrize(
    "declared, text",
    [
        ("cs", dict(SENTENCES)["cs"]),
        ("rom", "Amaro drom, amare čhavorenge"),  # cannot be detected, so never contradicted
        ("en", ""),
    ],
)
def test_looks_wrong_is_quiet(declared, text):
    assert looks_wrong(declared, text) is None


def test_detector_profiles_can_be_let_go_and_come_back():
    text = "Obec zřídila komunitní centrum a terénní sociální práci pro romské rodiny."
    assert langid.detect(text)[0] == "cs"
    assert langid.loaded()
    langid.unload()
    assert not langid.loaded()
    assert langid.detect(text)[0] == "cs"  # loaded again on demand
    assert langid.loaded()


def test_known_languages_match_the_loaded_profiles_without_loading_them():
    langid.unload()
    known = langid.known_languages()
    assert not langid.loaded()  # read from the profile files' names alone
    langid.load()
    loaded = {code.split("-")[0] for code in langid._detector_factory().get_lang_list()}
    assert known == loaded
    assert {"cs", "sk", "bg", "ro", "hu", "el"} <= known
    assert "rom" not in known  # Romani: nothing for the detector to contradict


def test_a_text_in_a_language_without_function_words_is_still_checked():
    langid.unload()
    dutch = "De gemeente opende een buurthuis voor Roma-gezinnen en hun kinderen in de wijk."
    warning = langid.looks_wrong("en", dutch)
    assert warning is not None and "'nl'" in warning
    assert langid.loaded()  # a real check needed the detector


def test_function_words_of_unanalysed_languages_settle_them_without_the_detector():
    swedish = "Kommunen har öppnat ett nytt center för romska familjer och det är en plats som"
    assert langid.function_words_agree("sv", swedish)
    danish = "Kommunen har åbnet et nyt center for romaer, og det er af stor betydning for dem"
    assert not langid.function_words_agree("no", danish)  # Danish words outnumber: detector
    assert langid.function_words_agree("da", danish)
    turkish = "Belediye Roman aileler için bir merkez açtı ve bu merkez çok daha iyi hizmet veriyor"
    assert langid.function_words_agree("tr", turkish)
    assert not langid.function_words_agree("en", turkish)
