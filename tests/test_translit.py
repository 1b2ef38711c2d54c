"""Transliteration: official romanisation, and keys where everyday Latin spellings of Bulgarian
and Greek words meet the document's word (after ``stem_key``) while different words stay apart."""

from __future__ import annotations

import pytest

from indexer.language.translit import (
    TRANSLIT_LANGUAGES,
    latin_key,
    native_script,
    query_key,
    romanised_keys,
    stem_key,
    to_latin,
)


def document_stems(lang: str, word: str) -> set[str]:
    return {stem_key(lang, key) for key in romanised_keys(lang, word)}


def typed_stem(lang: str, typed: str) -> str:
    return stem_key(lang, query_key(lang, typed))


@pytest.mark.parametrize(
    "lang, word, expected",
    [
        ("bg", "общините", "obshtinite"),
        ("bg", "жилища", "zhilishta"),
        ("bg", "училище", "uchilishte"),
        ("bg", "образование", "obrazovanie"),
        ("bg", "медиаторът", "mediatorat"),
        ("bg", "София", "sofia"),  # final -ия is -ia
        ("bg", "история", "istoria"),
        ("bg", "юг", "yug"),
        ("bg", "шофьор", "shofyor"),
        ("bg", "цар", "tsar"),
        ("bg", "чайка", "chayka"),
        ("bg", "хляб", "hlyab"),
        ("bg", "Щастие", "shtastie"),
        ("bg", "ѝ", "i"),
        ("el", "εκπαίδευση", "ekpaidefsi"),  # ευ before σ: ef
        ("el", "Ευρώπη", "evropi"),  # ευ before ρ: ev
        ("el", "αυτός", "aftos"),
        ("el", "δήμος", "dimos"),
        ("el", "Ρομά", "roma"),
        ("el", "θέση", "thesi"),
        ("el", "χρηματοδότηση", "chrimatodotisi"),
        ("el", "ψυχή", "psychi"),
        ("el", "ξένος", "xenos"),
        ("el", "οικογένεια", "oikogeneia"),
        ("el", "μπαμπάς", "bambas"),  # μπ: b at the start, mb inside
        ("el", "άγγελος", "angelos"),
        ("el", "αγκάθι", "agkathi"),
        ("el", "έλεγχος", "elenchos"),
        ("el", "Ντίνος", "ntinos"),
        ("el", "ρολόι", "roloi"),  # accent on the first vowel: two sounds
        ("el", "πλαϊνός", "plainos"),  # diaeresis: two sounds
        ("el", "ἀνθρώπου", "anthropou"),  # polytonic
        ("el", "ΔΗΜΟΣ", "dimos"),
    ],
)
def test_official_romanisation(lang, word, expected):
    assert to_latin(lang, word) == expected


@pytest.mark.parametrize(
    "lang, word", [("bg", "Roma"), ("bg", "2020"), ("el", "EU-Roma"), ("el", "Ρομά")]
)
def test_only_native_words_are_romanised(lang, word):
    native = native_script(lang, word)
    assert (to_latin(lang, word) == word) is not native


def test_greek_is_not_bulgarian_and_back():
    assert to_latin("bg", "Ρομά") == "Ρομά"
    assert to_latin("el", "роми") == "роми"


# (language, document word, ways a reader may type it or another form of it)
MEET = [
    ("bg", "общините", ["obshtinite", "obstinite", "ob6tinite", "obshtina", "obshtinata"]),
    ("bg", "общините", ["общината", "общини"]),
    ("bg", "жилища", ["zhilishta", "jilishta", "zilista", "zhilishte", "jili6te"]),
    ("bg", "ромски", ["romski", "romska", "romskite", "romi", "roma"]),
    ("bg", "медиатори", ["mediatori", "mediator", "mediatorat", "mediatorut", "mediatorite"]),
    ("bg", "образование", ["obrazovanie", "obrazovanieto", "obrazovaniya", "obrazovania"]),
    ("bg", "училище", ["uchilishte", "uchiliste", "u4ili6te", "uchilishta", "uchilishtata"]),
    ("bg", "здравни", ["zdravni", "zdraven", "zdravna", "zdravnite"]),
    ("bg", "България", ["balgaria", "bulgaria", "bylgaria", "bălgarija", "balgariya"]),
    ("bg", "път", ["pat", "put", "pyt"]),
    ("bg", "юношите", ["yunoshite", "iunoshite", "junoshite", "yuno6ite"]),
    ("bg", "ябълка", ["yabalka", "qbylka", "jabalka", "iabalka"]),
    ("bg", "цигани", ["tsigani", "cigani", "tzigani"]),
    ("bg", "хората", ["horata", "xorata", "hora"]),
    ("bg", "район", ["rayon", "raion", "rayona"]),
    ("bg", "чистота", ["chistota", "4istota"]),
    ("bg", "вода", ["voda", "woda"]),
    ("el", "εκπαίδευση", ["ekpaideusi", "ekpedefsi", "ekpaideysi", "ekpaidevsi", "ekpaideush"]),
    ("el", "εκπαίδευση", ["εκπαιδεύσεις", "ekpaideuseis", "ekpaidefsis", "ekpaideusewn"]),
    ("el", "δήμος", ["dimos", "dhmos", "demos", "dimou", "dhmous", "dimoi"]),
    ("el", "Ρομά", ["roma", "Roma"]),
    ("el", "θέση", ["thesi", "8esi", "thesh", "8eseis", "theseon"]),
    ("el", "χρηματοδότηση", ["xrimatodotisi", "chrimatodotisi", "hrimatodotisi", "xrhmatodothsh"]),
    ("el", "οικογένειες", ["oikogeneies", "oikogenia", "ikogeneia", "oikogeneiwn"]),
    ("el", "σχολείο", ["sxoleio", "scholeio", "sxolio", "sholeio", "sxoleia", "sxoleiou"]),
    ("el", "παιδιά", ["paidia", "pedia", "paidi", "paidiou"]),
    ("el", "έχει", ["exei", "echei", "ehei", "exi"]),
    ("el", "άνθρωπος", ["anthropos", "an8ropos", "an8rwpos"]),
    ("el", "ξένος", ["xenos", "ksenos", "3enos"]),
    ("el", "ψυχή", ["psychi", "psyxh", "psixi", "psuxh"]),
    ("el", "Ευρώπη", ["europi", "evropi", "eyrwph"]),
    ("el", "μπαμπάς", ["babas", "mpampas", "bambas"]),
    ("el", "Ντίνος", ["dinos", "ntinos"]),
    ("el", "αγγελία", ["aggelia", "angelia", "agelia"]),
    ("el", "φιλοσοφία", ["filosofia", "philosophia"]),
    ("el", "βοήθεια", ["voitheia", "boi8eia", "voi8ia"]),
    ("el", "κύριος", ["kyrios", "kirios", "kurios"]),
]


@pytest.mark.parametrize("lang, word, typings", MEET)
def test_typed_variants_meet_the_document_word(lang, word, typings):
    stems = document_stems(lang, word)
    for typed in typings:
        assert typed_stem(lang, typed) in stems, (typed, query_key(lang, typed), stems)


@pytest.mark.parametrize(
    "lang, a, b",
    [
        ("bg", "дом", "дим"),
        ("bg", "училище", "здраве"),  # school / health
        ("bg", "училище", "жилище"),  # school / housing
        ("bg", "работа", "робот"),
        ("bg", "жена", "зона"),
        ("bg", "деца", "дела"),
        ("bg", "майка", "мъжка"),  # no j for й: majka would be мъжка
        ("bg", "заетост", "здравеопазване"),
        ("el", "θέμα", "θύμα"),
        ("el", "σχολείο", "υγεία"),  # school / health
        ("el", "κατοικία", "οικογένεια"),  # housing / family
        ("el", "δήμος", "δίκη"),
        ("el", "θέση", "θεσμός"),
        ("el", "παιδί", "πόδι"),
        ("el", "εκπαίδευση", "απασχόληση"),  # education / employment
    ],
)
def test_different_words_stay_apart(lang, a, b):
    assert not document_stems(lang, a) & document_stems(lang, b)
    assert typed_stem(lang, to_latin(lang, a)) != typed_stem(lang, to_latin(lang, b))


@pytest.mark.parametrize(
    "lang, spellings",
    [
        ("bg", ["obshtinite", "obstinite", "ob6tinite", "OBSHTINITE", "obštinite"]),
        ("bg", ["zhena", "jena", "zena"]),
        ("bg", ["yabalka", "iabalka", "qbalka"]),
        ("bg", ["tsar", "car", "tzar"]),
        ("bg", ["hora", "xora", "khora"]),
        ("el", ["ekpaideusi", "ekpedefsi", "ekpaideysi", "ekpaidevsi"]),
        ("el", ["dimos", "dhmos", "dymos", "deimos", "doimos"]),
        ("el", ["kala", "kalla"]),  # doubled letters
        ("el", ["oti", "wti", "otH"]),
    ],
)
def test_latin_key_collapses_variants(lang, spellings):
    assert len({latin_key(lang, spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    "lang, word, keys",
    [
        ("bg", "България", ("balgaria", "bulgaria", "balgariza")),  # the last: balgarija
        ("bg", "ромите", ("romite",)),
        ("el", "δήμος", ("dimos", "demos")),
        ("el", "Ρομά", ("roma",)),
    ],
)
def test_romanised_keys_official_first_then_alternatives(lang, word, keys):
    assert romanised_keys(lang, word) == keys


def test_query_key_of_a_native_word_is_its_official_key():
    assert query_key("bg", "общините") == romanised_keys("bg", "общините")[0]
    assert query_key("el", "εκπαίδευση") == romanised_keys("el", "εκπαίδευση")[0]


@pytest.mark.parametrize(
    "lang, key, stem",
    [
        ("bg", "obstinite", "obstin"),
        ("bg", "uchilisteto", "uchilist"),
        ("bg", "romskite", "rom"),
        ("bg", "domovete", "dom"),
        ("bg", "kandidatat", "kandid"),
        ("bg", "kandidati", "kandid"),
        ("bg", "rabotata", "rabot"),
        ("bg", "rabota", "rabot"),  # -ta is an article only after a
        ("el", "dimos", "dim"),
        ("el", "ekpedefseon", "ekpedef"),
        ("el", "thesi", "thes"),  # -si needs four letters to stay
        ("el", "xrimata", "xrim"),
    ],
)
def test_stem_key(lang, key, stem):
    assert stem_key(lang, key) == stem


@pytest.mark.parametrize("lang", TRANSLIT_LANGUAGES)
@pytest.mark.parametrize("key", ["dom", "ti", "a", "ia", "sis", "ata"])
def test_stem_key_keeps_three_letters(lang, key):
    stem = stem_key(lang, key)
    assert stem == key or len(stem) >= 3


@pytest.mark.parametrize("word", ["2020", "", "-"])
@pytest.mark.parametrize("lang", TRANSLIT_LANGUAGES)
def test_words_without_letters(lang, word):
    assert latin_key(lang, word) == word
    assert romanised_keys(lang, word) == (word,)


def test_other_languages_are_refused():
    with pytest.raises(ValueError):
        to_latin("ru", "дом")
    with pytest.raises(ValueError):
        latin_key("cs", "dum")
