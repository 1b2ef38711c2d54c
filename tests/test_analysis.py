"""Analysis: typed queries meet the document's words; folding, tokenising, pickling, modes."""

from __future__ import annotations

import pickle

import pytest

from indexer.language import analysis
from indexer.language.analysis import (
    EXTRA_KINDS,
    FIELD_BOOSTS,
    FIELD_KINDS,
    LANGUAGES,
    fold,
    neutral_analyzer,
    normalise,
    spelling_analyzer,
    terms,
)
from indexer.language.stemmers import stemmer

# (language, words as in the document, the same words typed in another inflected form and
# without diacritics). Every query word must meet its document word in at least one field kind.
TYPED_QUERIES = [
    ("cs", "vzdělávání romských dětí", "vzdelavani romskych deti"),
    ("cs", "bydlení romských rodin", "bydleni romske rodiny"),
    ("cs", "v sociálně vyloučených lokalitách", "socialne vyloucena lokalita"),
    ("cs", "zdravotní péče o děti", "zdravotni pece dite"),
    ("cs", "zaměstnávání žen", "zamestnavani zena"),
    ("sk", "vzdelávanie rómskych detí", "vzdelavanie romske deti"),
    ("sk", "v marginalizovaných rómskych komunitách", "marginalizovane romske komunity"),
    ("sk", "bývanie v osadách", "byvanie osada"),
    ("bg", "общините", "общината"),
    ("bg", "ромските деца в училищата", "ромско дете училище"),
    ("bg", "здравните медиатори", "здравен медиатор"),
    ("hu", "iskolákban", "iskolakban"),
    ("hu", "a roma családoknak", "roma csaladok"),
    ("hu", "lakhatási programok", "lakhatas program"),
    ("ro", "şcoala", "școala"),
    ("ro", "copiii romi din comunitățile locale", "copii rom comunitatea locala"),
    ("ro", "locuințele sociale", "locuinta sociala"),
    ("es", "la integración de las familias gitanas", "integracion familia gitana"),
    ("es", "viviendas sociales", "vivienda social"),
    ("it", "dell'integrazione dei bambini rom", "integrazione bambino"),
    ("it", "nelle scuole", "scuola"),
    ("el", "οικογένειες", "οικογενειες"),
    ("el", "των παιδιών Ρομά", "παιδια ρομα"),
    ("el", "στους δήμους", "δημος"),
    ("en", "housing for Roma families", "house roma family"),
    ("en", "health mediators", "mediator"),
    ("pl", "integracji społeczności romskiej", "integracja spolecznosc romska"),
    ("pl", "dzieci romskich w szkołach", "dziecko romskie szkola"),
    ("hr", "obrazovanje romske djece", "obrazovanju romskoj djeci"),
    ("hr", "zapošljavanje žena", "zaposljavanja zene"),
    ("sl", "izobraževanje romskih otrok", "izobrazevanja romski otroci"),
    ("sl", "v romskih naseljih", "romsko naselje"),
    ("de", "Integration der Roma-Familien", "roma familie"),
    ("de", "in den Schulen", "schule"),
    ("fr", "l'école des enfants roms", "ecoles enfant rom"),
    ("fr", "les médiateurs de santé", "mediateur sante"),
    ("pt", "habitação das comunidades ciganas", "habitacao comunidade cigana"),
]


def _keys_by_kind(lang: str, text: str, mode: str) -> list[set[str]]:
    """For each word of ``text``, the set of (kind, term) pairs it produces."""
    result = []
    for word in text.split():
        result.append({(k, t) for k in FIELD_KINDS for t in terms(lang, word, k, mode=mode)})
    return result


@pytest.mark.parametrize("lang, in_text, typed", TYPED_QUERIES)
def test_typed_query_meets_document_word(lang, in_text, typed):
    document = set().union(*_keys_by_kind(lang, in_text, "index"))
    for word, keys in zip(typed.split(), _keys_by_kind(lang, typed, "query"), strict=True):
        assert keys & document, f"{lang}: {word!r} meets nothing in {in_text!r}"


@pytest.mark.parametrize("lang, in_text, typed", TYPED_QUERIES)
def test_query_typed_as_in_text_meets_precise_field(lang, in_text, typed):
    document = set(terms(lang, in_text, "precise"))
    assert set(terms(lang, in_text, "precise", mode="query")) <= document


@pytest.mark.parametrize(
    "name, forms",
    [
        ("bg_light", ["училище", "училища", "училищата"]),  # no -ища over-stem
        ("bg_light", ["община", "общината", "общини", "общините"]),
        ("bg_light", ["ученик", "ученици", "учениците"]),
        ("cs_light", ["obec", "obce", "obcí", "obcemi"]),
        ("cs_light", ["škola", "školy", "škole", "školách"]),
        ("cs_light_folded", ["skola", "skoly", "skole", "skolach", "skolami"]),
        ("cs_light_folded", ["rodina", "rodiny", "rodine", "rodinam", "rodinach"]),
        ("sk_light", ["osada", "osady", "osade", "osadách", "osadami"]),
        ("sk_light_folded", ["rodina", "rodiny", "rodine", "rodinach", "rodinami"]),
        ("sl_light", ["naselje", "naselja", "naselju", "naseljih"]),
    ],
)
def test_light_stemmers_conflate_inflected_forms(name, forms):
    assert len({stemmer(name)(form) for form in forms}) == 1


@pytest.mark.parametrize(
    "name, apart",
    [
        ("cs_light", ["škola", "školka"]),  # inflection only, never derivation
        ("cs_light_folded", ["cesta", "cesky"]),  # st is not turned into sk without the caron
    ],
)
def test_light_stemmers_keep_different_words_apart(name, apart):
    assert len({stemmer(name)(word) for word in apart}) == len(apart)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Příliš žluťoučký kůň", "Prilis zlutoucky kun"),
        ("Ďaleko ľúbi ôsmy", "Daleko lubi osmy"),
        ("őrző ű", "orzo u"),
        ("şcoală școală ţară țară", "scoala scoala tara tara"),
        ("Łódź straße Đakovo Øresund æ ı", "Lodz strasse Dakovo Oresund ae i"),
        ("Ρομά, παιδιά, οικογένειες", "Ρομα, παιδια, οικογενειεσ"),
        ("Здравни медиатори, йод, ѝ", "Здравни медиатори, йод, и"),
        ("Йордан", "Йордан"),
        ("e\u0301cole", "ecole"),
    ],
)
def test_fold_removes_marks_and_keeps_the_script(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("şcoala Ţara", "școala Țara"),
        ("l’école", "l'école"),
        ("e\u0301cole", "école"),
        ("inte\u00adgrace", "integrace"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("it", "dell'integrazione", ["integrazione"]),
        ("it", "l’educazione", ["educazione"]),
        ("fr", "qu'il", ["il"]),
        ("en", "children's", ["children"]),
        ("ro", "Cluj-Napoca", ["cluj", "napoca"]),
        ("bg", "Стара Загора", ["стара", "загора"]),
        ("el", "ΑΜΕΑ Ρομά", ["αμεα", "ρομα"]),
        ("cs", "rok 2013", ["rok", "2013"]),
        ("cs", "ok 😀 —", ["ok"]),
    ],
)
def test_neutral_words(lang, text, expected):
    assert terms(lang, text, "neutral", mode="query") == expected


def test_hyphenated_name_is_indexed_whole_and_in_parts():
    assert terms("ro", "Cluj-Napoca", "neutral") == ["cluj-napoca", "cluj", "napoca"]
    positions = [t.pos for t in neutral_analyzer()("Cluj-Napoca azi", positions=True, mode="index")]
    assert positions == [0, 0, 1, 2]


def test_character_offsets_point_into_the_original_text():
    text = "Vzdělávání dell’integrazione"
    tokens = [(t.startchar, t.endchar) for t in neutral_analyzer()(text, chars=True)]
    assert [text[s:e] for s, e in tokens] == ["Vzdělávání", "integrazione"]


def test_spelling_analyzer_keeps_accents():
    assert [t.text for t in spelling_analyzer()("Romské Děti")] == ["romské", "děti"]


def test_unknown_language_uses_neutral_path():
    assert terms("rom", "Romane čhavorenge") == ["romane", "chavorenge"]


@pytest.mark.parametrize("kind", list(FIELD_KINDS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_analyzers_pickle(lang, kind):
    analyzer = FIELD_KINDS[kind](lang)
    list(analyzer("školy ромските οικογένειες"))  # build stemmers before pickling
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer
    text = "romských dětí ромските οικογένειες"
    assert [t.text for t in copy(text)] == [t.text for t in analyzer(text)]


def test_every_kind_has_a_boost():
    assert set(FIELD_BOOSTS) == set(FIELD_KINDS) | set(EXTRA_KINDS)
    assert FIELD_BOOSTS["precise"] > FIELD_BOOSTS["folded"] > FIELD_BOOSTS["trunc"]
    assert FIELD_BOOSTS["trunc"] > FIELD_BOOSTS["latin"]  # Latin-typed words rank last


SAMPLE = {
    "cs": "Vzdělávání romských dětí v sociálně vyloučených lokalitách",
    "sk": "Bývanie v marginalizovaných rómskych komunitách",
    "bg": "Здравните медиатори в общините",
    "hu": "A roma családok lakhatási programjai",
    "ro": "Locuințele sociale ale comunităților rome",
    "es": "Viviendas sociales para familias gitanas",
    "it": "Le scuole dei bambini rom",
    "el": "Οι οικογένειες Ρομά στους δήμους",
    "en": "Health mediators working with families",
    "pl": "Integracja społeczności romskiej w szkołach",
    "hr": "Obrazovanje romske djece",
    "sl": "Izobraževanje romskih otrok",
    "de": "Integration der Roma-Familien in den Schulen",
    "fr": "Les médiateurs de santé et les écoles",
    "pt": "Habitação das comunidades ciganas",
}


def test_low_memory_mode_gives_the_same_terms():
    def everything():
        return {
            (lang, kind, mode): terms(lang, SAMPLE[lang], kind, mode=mode)
            for lang in LANGUAGES
            for kind in FIELD_KINDS
            for mode in ("index", "query")
        }

    fast = everything()
    analysis.set_low_memory(True)
    try:
        assert everything() == fast
    finally:
        analysis.set_low_memory(False)


def test_whoosh_index_round_trip_finds_unaccented_inflected_query():
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.query import And, Or, Term

    fields = {
        f"{kind}_{lang}": TEXT(analyzer=factory(lang), phrase=True)
        for kind, factory in FIELD_KINDS.items()
        for lang in ("cs", "sk", "bg")
    }
    storage = RamStorage()
    index = storage.create_index(Schema(id=ID(stored=True), **fields))
    with index.writer() as writer:
        for doc_id, lang, text in [
            ("cs", "cs", "Vzdělávání romských dětí v sociálně vyloučených lokalitách"),
            ("sk", "sk", "Bývanie v marginalizovaných rómskych osadách"),
            ("bg", "bg", "Здравните медиатори в общините"),
        ]:
            writer.add_document(id=doc_id, **{f"{k}_{lang}": text for k in FIELD_KINDS})
    reopened = storage.open_index()  # the schema comes back from its pickle

    def search(lang, query):
        words = [
            Or(
                [
                    Term(f"{k}_{lang}", t, boost=FIELD_BOOSTS[k])
                    for k in FIELD_KINDS
                    for t in terms(lang, word, k, mode="query")
                ]
            )
            for word in query.split()
        ]
        with reopened.searcher() as searcher:
            return [hit["id"] for hit in searcher.search(And(words))]

    assert search("cs", "romske deti vzdelavani") == ["cs"]
    assert search("sk", "romska osada") == ["sk"]
    assert search("bg", "община медиатор") == ["bg"]


def test_lemma_files_give_simplemmas_lemmas_and_a_damaged_set_is_decoded_again(tmp_path):
    """The web and build processes read decoded dictionaries from files (positioned reads, the
    data in the page cache): every lookup must match simplemma's own stream dictionary."""
    import random

    from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

    from indexer.language.stemmers import lemmas
    from indexer.writing import store

    lemmas.set_cache_dir(tmp_path)
    try:
        for lang in ("cs", "bg", "el"):
            reference = StreamMap(lang)
            first = lemmas.CachedStreamFactory()._get_dictionary_uncached(lang)
            assert isinstance(first, lemmas.FileStream)  # decoded, written, then read as files
            keys = random.Random(lang).sample(list(reference), 1500)
            probes = keys + [k + "x" for k in keys[:300]] + [k[:-1] for k in keys[:300]]
            probes += ["", "a" * 80, "\u044f" * 40, min(reference), max(reference)]
            assert [first._lookup(k) for k in probes] == [reference._lookup(k) for k in probes]
            assert len(first) == len(reference) and sum(1 for _ in first) == len(reference)
        folder = tmp_path / next(p.name for p in tmp_path.iterdir()) / "cs"
        (folder / "meta.json").write_text("{", "utf-8")
        assert lemmas._load_cached("cs") is None  # damaged: decoded again, never half-read
        again = lemmas.CachedStreamFactory()._get_dictionary_uncached("cs")
        assert isinstance(again, lemmas.FileStream)  # and written whole again
        assert again._lookup("školách") == StreamMap("cs")._lookup("školách")
    finally:
        lemmas.set_cache_dir(store.cache_dir())


def test_whole_text_analysis_gives_what_the_analyzer_gives_token_by_token():
    """Fields index a text at once (words cut once, each distinct word keyed once); the terms,
    positions and counts are those of running the field's analyzer token by token."""
    from collections import Counter
    from pathlib import Path

    from indexer.writing.schema import KeyedText, build_schema

    content = Path(__file__).resolve().parent.parent / "content"
    samples: dict[str, list[str]] = {}
    for path in sorted(content.rglob("*.md")):
        lang = path.name.rsplit(".", 2)[-2] if path.name.count(".") >= 2 else ""
        if len(samples.setdefault(lang, [])) < 2:
            samples[lang].append(path.read_text("utf-8")[:3000])
    samples.setdefault("ro", []).append("Şcoala „Ţara” — dell'arte, roma-net, Roma’s e‑mail")
    # combining marks, a soft hyphen, a zero-width joiner: the tokenizer's slower pattern
    samples.setdefault("en", []).append("Roma\u0301ni scho\u00adol co\u200d-op, plain words")
    schema = build_schema()
    checked = 0
    for name, field in schema.items():
        if not isinstance(field, KeyedText):
            continue
        for text in samples.get(field.lang, samples["en"]):
            tokens = [(t.text, t.pos) for t in field.analyzer(text, positions=True, mode="index")]
            positions: dict[str, list[int]] = {}
            for term, pos in tokens:
                positions.setdefault(term, []).append(pos)
            assert field.counts_of(text) == dict(Counter(term for term, _ in tokens)), name
            if field.format.supports("positions"):
                assert field.positions_of(text) == positions, name
            checked += 1
    assert checked > 50
    # A tuple of texts (title and body reach "all" so) reads as the texts joined by spaces.
    field = schema["all"]
    pairs = [("Roma school", "Škola pre rómske deti, school-bus"), ("", "x y x"), ("x y x z", "x")]
    for first, second in pairs:
        joined = f"{first} {second}"
        tokens = [(t.text, t.pos) for t in field.analyzer(joined, positions=True, mode="index")]
        positions = {}
        for term, pos in tokens:
            positions.setdefault(term, []).append(pos)
        assert field.positions_of((first, second)) == positions
        assert field.counts_of((first, second)) == dict(Counter(t for t, _ in tokens))
