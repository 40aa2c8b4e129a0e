"""Normalising commune names so that searches ignore case, accents and "Saint"/"St" forms."""

from __future__ import annotations

import re
import unicodedata

_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "saints": "sts", "saintes": "stes"}
_SEPARATORS = re.compile(r"[\s\-'’_.,/()]+")


def normalise_name(text: str) -> str:
    """Return the search form of a name.

    >>> normalise_name("Saint-Étienne-d'Albagnan")
    'st etienne d albagnan'
    >>> normalise_name("St Etienne D'ALBAGNAN")
    'st etienne d albagnan'
    >>> normalise_name("Œillets")
    'oeillets'
    >>> normalise_name("Men\\x00de")
    'mende'
    """
    # Control characters (a NUL that PostgreSQL refuses, a tab) are never part of a name.
    text = "".join(c for c in text if not unicodedata.category(c).startswith("C"))
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    words = [w for w in _SEPARATORS.split(ascii_text) if w]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)
