"""Word-level normalisers: stemmers by name and the shared lemmatiser (see ``lemmas``).

Owns which stemmer a name means; knows nothing of Whoosh. Stemmer objects are created on
first use and kept here, never in an analyzer, because PyStemmer objects cannot be pickled.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import Stemmer

from . import bg, cs, sl

Stem = Callable[[str], str]

SNOWBALL = {
    "de": "german", "el": "greek", "en": "english", "es": "spanish", "fr": "french",
    "hr": "serbian", "hu": "hungarian", "it": "italian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "cs": "czech",
}  # fmt: skip

_CUSTOM: dict[str, Stem] = {
    "cs_light": partial(cs.stem, lang="cs"),
    "cs_light_folded": partial(cs.stem, lang="cs", folded=True),
    "sk_light": partial(cs.stem, lang="sk"),
    "sk_light_folded": partial(cs.stem, lang="sk", folded=True),
    "bg_light": bg.stem,
    "sl_light": sl.stem,
}

_made: dict[str, Stem] = {}


def _identity(word: str) -> str:
    return word


def stemmer(name: str | None) -> Stem:
    """The stemmer called ``name``: ``"snowball:<lang>"``, a key of ``_CUSTOM``, or None."""
    if name is None:
        return _identity
    if name not in _made:
        if name.startswith("snowball:"):
            algorithm = SNOWBALL[name.removeprefix("snowball:")]
            _made[name] = Stemmer.Stemmer(algorithm, 0).stemWord
        else:
            _made[name] = _CUSTOM[name]
    return _made[name]


def names() -> list[str]:
    """Every stemmer name this package can build (for measurements and tests)."""
    return [*(f"snowball:{lang}" for lang in SNOWBALL), *_CUSTOM]
