"""Language identification of document text (langdetect, seeded so answers never change).

Owns the mapping from langdetect's answer to the codes we use (ISO 639-1; ``zh-cn`` → ``zh``)
and the rules that correct its known confusions. Never raises on odd input. Imports only the
function-word lists (``indexer.stopwords``) from the project.

Rules, applied to langdetect's probabilities:

* A soft prior favours the 15 languages we analyse (``OURS``: 1.0; the other 40 langdetect
  knows: 0.1), which mostly matters for one-sentence texts (es/pt, it/ro, hr/sl).
* Cyrillic: langdetect often calls a short Bulgarian text ``mk`` or ``ru`` (its n-gram
  profiles overlap and a title has few n-grams). Bulgarian is the only Cyrillic language of
  this library, so such an answer becomes ``bg`` unless the text has a letter Bulgarian does
  not use (Macedonian ѓ ќ ѕ љ њ џ ј, Russian ы э ё, Ukrainian і ї є ґ, Belarusian ў, Serbian
  ђ ћ): a real Macedonian or Russian text almost always has one, a Bulgarian one never. The
  probabilities of the merged languages are added.
* Czech / Slovak and Croatian / Slovene: when the text carries letters only one of the pair
  uses (cs ě ř ů, sk ä ô ľ ĺ ŕ, hr ć đ) and the detector picked the other, the letters win;
  without such letters the detector decides.
"""

from __future__ import annotations

import os
import re
from functools import cache

from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY, init_factory
from langdetect.lang_detect_exception import LangDetectException

from . import stopwords

DetectorFactory.seed = 0

OURS = ("cs", "sk", "bg", "hu", "ro", "es", "it", "el", "en", "pl", "hr", "sl", "de", "fr", "pt")
PRIOR_OURS = 1.0
PRIOR_OTHER = 0.1
MAX_CHARS = 1500
# Checking a declared language only has to notice a clear contradiction: a shorter sample and
# fewer random trials (langdetect's default is 7) do that at a third of the cost.
CHECK_CHARS = 600
CHECK_TRIALS = 3
# A warning needs this much confidence in a language other than the declared one.
WARN_CONFIDENCE = 0.9

NOT_BULGARIAN = re.compile("[ѓќѕљњџјЃЌЅЉЊЏЈыэёЫЭЁіїєґўІЇЄҐЎђћЂЋ]")
CYRILLIC_NEIGHBOURS = ("mk", "ru", "uk", "bg")
# Close pairs the detector mixes up, and letters only one language of the pair uses.
NEIGHBOUR = {"cs": "sk", "sk": "cs", "hr": "sl", "sl": "hr"}
OWN_LETTERS = {
    "cs": re.compile("[ěřůĚŘŮ]"),
    "sk": re.compile("[äôľĺŕÄÔĽĹŔ]"),
    "hr": re.compile("[ćđĆĐ]"),
    "sl": re.compile("(?!)"),  # Slovene has no letter Croatian lacks
}
HAS_LETTER = re.compile(r"[^\W\d_]")

_factory: list[DetectorFactory] = []


def loaded() -> bool:
    """Whether this process holds the detector's profiles (about 60 MB)."""
    return bool(_factory)


def load() -> None:
    """Load the profiles now (say, before forking processes that will share them)."""
    _detector_factory()


def unload() -> None:
    """Let the profiles go (the next detection loads them again)."""
    import langdetect.detector_factory

    _factory.clear()
    langdetect.detector_factory._factory = None


def _detector_factory() -> DetectorFactory:
    if not _factory:
        init_factory()
        from langdetect.detector_factory import _factory as made

        _factory.append(made)
    return _factory[0]


def _probabilities(text: str, chars: int, trials: int | None) -> dict[str, float]:
    factory = _detector_factory()
    detector = factory.create()
    if trials:
        detector.n_trial = trials
    detector.set_prior_map(
        {lang: PRIOR_OURS if lang in OURS else PRIOR_OTHER for lang in factory.get_lang_list()}
    )
    detector.append(text[:chars])
    found: dict[str, float] = {}
    for guess in detector.get_probabilities():
        code = guess.lang.split("-")[0]
        found[code] = found.get(code, 0.0) + guess.prob
    return found


def _correct(text: str, probs: dict[str, float]) -> dict[str, float]:
    """Apply the Cyrillic and neighbour-letter rules of the module docstring."""
    best = max(probs, key=probs.get)
    if best in CYRILLIC_NEIGHBOURS and best != "bg" and not NOT_BULGARIAN.search(text):
        merged = sum(probs.pop(code, 0.0) for code in CYRILLIC_NEIGHBOURS)
        probs["bg"] = merged
    elif best in NEIGHBOUR:
        other = NEIGHBOUR[best]
        if OWN_LETTERS[other].search(text) and not OWN_LETTERS[best].search(text):
            probs[other] = probs.pop(best) + probs.get(other, 0.0)
    return probs


def detect(
    text: str, chars: int = MAX_CHARS, trials: int | None = None
) -> tuple[str | None, float]:
    """(ISO 639-1 code, probability) of the text's language, or (None, 0.0) when it has no
    letters or the detector finds nothing."""
    if not text or not HAS_LETTER.search(text):
        return None, 0.0
    try:
        probs = _probabilities(text, chars, trials)
    except LangDetectException:
        return None, 0.0
    if not probs:
        return None, 0.0
    probs = _correct(text, probs)
    best = max(probs, key=probs.get)
    return best, round(min(probs[best], 1.0), 4)


@cache
def known_languages() -> frozenset[str]:
    """The codes ``detect`` can return, from the names of its profile files (one a language,
    named by its code), without loading the profiles (a third of a second)."""
    names = (name for name in os.listdir(PROFILES_DIRECTORY) if not name.startswith("."))
    return frozenset(name.split("-")[0] for name in names)


_WORDS = re.compile(r"[^\W\d_]+")
AGREE_WORDS = 3  # function words of the declared language that settle a check without langdetect


# The commonest function words of languages the library does not analyse but partners write
# in (the analysed ones' lists are in ``stopwords``, which search uses too: these serve only to
# settle a declared language). Close neighbours have lists of their own, so that a Danish text
# declared Norwegian, say, still goes to the detector: its own language's words outnumber them.
OTHER_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "nl": "de het een en van in is dat op te zijn met voor niet aan er ook als maar om bij "
        "dan nog wordt worden werd door uit over naar deze die dit wat hun hij zij ze wij ik "
        "hebben heeft had was waren kan kunnen zal zullen geen meer welke waar hoe omdat",
        "sv": "och att det som en ett i på är av för med till den de inte om har var jag han "
        "hon vi men eller från kan ska sig så när också efter hade vara blir blev detta dessa "
        "vid hur sina sitt sin",
        "da": "og at det som en et i på er af for med til den de ikke om har var jeg han hun vi "
        "men eller fra kan skal sig så når også efter havde være bliver blev denne disse ved "
        "hvor hvad sine sit sin",
        "no": "og at det som en et ei i på er av for med til den de ikke om har var jeg han hun "
        "vi men eller fra kan skal seg så når også etter hadde være blir ble denne disse ved "
        "hvor hva sine sitt sin",
        "fi": "ja on ei että se oli ovat kun niin mutta tai myös hän he me minä jos kuin tämä "
        "nämä joka jotka mikä vain sekä olla ole",
        "ca": "el la els les i de del en que a per amb un una no és són al com més però o si ha "
        "va hi aquest aquesta",
        "mk": "и во на е да се за од со како што или но по кои која кое би не ќе ова тоа тие ние "
        "јас тој таа има беше биле",
        "ru": "и в не на что с он как по но к у из за от о же так это для было все она бы мы "
        "его вы был только я они ее до если или уже",
        "uk": "і в не на що з він як по але до у із за від про так це для було все вона би ми "
        "його ви був тільки я вони її або вже та й",
        "sq": "dhe në të e i që për me një nga është janë do nuk si por ose ka kanë u se ky kjo "
        "këtë këto ata ajo ai së edhe",
        "tr": "ve bir bu da de için ile olarak olan gibi daha çok en ama veya ya ne her kadar "
        "sonra önce ki mi değil var yok göre ancak",
    }.items()
}
_OTHER_BY_WORD: dict[str, tuple[str, ...]] = {}
for _lang, _words in OTHER_WORDS.items():
    for _word in _words:
        _OTHER_BY_WORD[_word] = (*_OTHER_BY_WORD.get(_word, ()), _lang)


def function_words_agree(declared: str, text: str) -> bool:
    """True when the sample's function words are most often the declared language's (and there
    are a few): the common case, settled in microseconds instead of a langdetect run."""
    if declared not in stopwords.STOPWORDS and declared not in OTHER_WORDS:
        return False
    counts: dict[str, int] = {}
    other = _OTHER_BY_WORD.get
    for word in _WORDS.findall(text[:CHECK_CHARS].lower()):
        for lang in stopwords.stopword_languages(word):
            counts[lang] = counts.get(lang, 0) + 1
        for lang in other(word, ()):
            counts[lang] = counts.get(lang, 0) + 1
    mine = counts.get(declared, 0)
    return mine >= AGREE_WORDS and mine >= max(counts.values())


def looks_wrong(declared: str, text: str) -> str | None:
    """A warning when the detector is confident the text is in another language, else None."""
    if function_words_agree(declared, text):
        return None
    if declared not in known_languages():
        return None  # e.g. Romani: the detector cannot recognise it, so it cannot contradict
    found, confidence = detect(text, CHECK_CHARS, CHECK_TRIALS)
    if found is None or found == declared or confidence < WARN_CONFIDENCE:
        return None
    return f"language: declared {declared!r} but the text looks like {found!r} ({confidence:.2f})"
