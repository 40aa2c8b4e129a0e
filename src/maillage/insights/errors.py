"""The engine's errors in French, for the pages, the command line and a failed run's record.

The access engine is pure Python and words its errors in English, naming the file, line and
field (engines/access/errors.py). Users of the platform read French first: `describe` gives
the same facts in the interface's language, and falls back on the engine's words for a
message it does not know.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.engines.access import AccessInputError, TravelTimeServiceError

# (engine's wording, French wording); the groups are carried over as they are.
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^unknown code (?P<code>.+) \((?P<n>\d+) row\(s\) in all\)$"),
     gettext_noop("code inconnu %(code)s (%(n)s ligne(s) en tout)")),
    (re.compile(r"^negative travel time (?P<value>\S+) \((?P<n>\d+) row\(s\) in all\)$"),
     gettext_noop("temps de trajet négatif : %(value)s (%(n)s ligne(s) en tout)")),
    (re.compile(r"^travel time is not a number: (?P<value>.+) \((?P<n>\d+) row\(s\) in all\)$"),
     gettext_noop("temps de trajet non numérique : %(value)s (%(n)s ligne(s) en tout)")),
    (re.compile(r"^infinite travel time \((?P<n>\d+) row\(s\) in all\)$"),
     gettext_noop("temps de trajet infini (%(n)s ligne(s) en tout)")),
    (re.compile(r"^empty code \((?P<n>\d+) row\(s\) in all\)$"),
     gettext_noop("code vide (%(n)s ligne(s) en tout)")),
    (re.compile(r"^duplicate origin-destination pair \((?P<n>\d+) row\(s\) in all\)$"),
     gettext_noop("paire origine–destination en double (%(n)s ligne(s) en tout)")),
    (re.compile(r"^missing column\(s\) (?P<columns>.+); expected (?P<expected>.+)$"),
     gettext_noop("colonne(s) manquante(s) : %(columns)s ; colonnes attendues : %(expected)s")),
    (re.compile(r"^file not found$"), gettext_noop("fichier introuvable")),
    (re.compile(r"^cannot read the file: (?P<detail>.+)$"),
     gettext_noop("fichier illisible : %(detail)s")),
    (re.compile(r"^(?P<n>\d+) requested (?P<side>origin|destination) code\(s\) not in the OD "
                r"matrix: (?P<codes>.+)$"),
     gettext_noop("%(n)s commune(s) absente(s) de la matrice origine–destination "
                  "(%(side)s) : %(codes)s")),
]
_SIDES = {"origin": gettext_noop("origine"), "destination": gettext_noop("destination")}


def _reason(reason: str) -> str:
    for pattern, french in _REASONS:
        match = pattern.match(reason)
        if match:
            values = match.groupdict()
            if "side" in values:
                values["side"] = _(_SIDES[values["side"]])
            return _(french) % values
    return reason


def describe(exc: BaseException) -> str:
    """A failure in the interface's language, with its file, line and field when known."""
    if isinstance(exc, AccessInputError):
        where = []
        if exc.file is not None:
            where.append(_("fichier %(file)s") % {"file": exc.file})
        if exc.line is not None:
            where.append(_("ligne %(line)s") % {"line": exc.line})
        if exc.field is not None:
            where.append(_("champ %(field)s") % {"field": exc.field})
        reason = _reason(exc.reason)
        return f"{', '.join(where)} : {reason}" if where else reason
    if isinstance(exc, TravelTimeServiceError):
        return _("Le service de temps de trajet n'a pas répondu correctement : %(detail)s") % {
            "detail": str(exc)}
    return str(exc)
