"""Reading a population file (CSV) into the payment engine's arrays, validated line by line.

The exact header is :data:`COLUMNS` (one row per patient and year; ``,`` or ``;`` as separator,
decimal comma accepted with ``;``; UTF-8). A wrong column, an unknown code or a negative amount
is an error naming the line and the field; the file is then refused as a whole. Only what the
formulas need is kept: the patient identifiers and the ALD numbers are checked, then dropped
(data minimisation).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.engines.payment import AGE_BANDS, ALD_CODES, EPISODES, SEXES, Population

MAX_ROWS = 500_000
MAX_ERRORS = 20
# Bounds that catch a misplaced column or a unit slip (cents for euros) without refusing a
# real patient: no one has 10,000 acts of a profession or 10 million euros of care in a year.
MAX_ACTS = 10_000
MAX_AMOUNT = 10_000_000
# Rounding to the cent of each amount may leave the total a few cents below their sum.
ROUNDING_TOLERANCE = 0.05


@dataclass(frozen=True)
class Column:
    name: str
    description: object  # lazy translated text
    required: bool = True
    example: str = ""


COLUMNS = (
    Column("patient_id", gettext_lazy("identifiant anonyme du patient (pseudonyme, 64 "
                                      "caractères au plus ; jamais le NIR)"), example="P0001"),
    Column("annee", gettext_lazy("année civile des données (2000 à 2100)"), example="2024"),
    Column("tranche_age", gettext_lazy("tranche d'âge : %(bands)s")
           % {"bands": ", ".join(AGE_BANDS)}, example="60-69"),
    Column("sexe", gettext_lazy("F ou M"), example="F"),
    Column("ald", gettext_lazy("numéros d'ALD séparés par « | » (1 à 32 : liste ALD 30, 31 "
                               "hors liste, 32 polypathologie) ; vide si aucune"),
           required=False, example="8|12"),
    Column("css", gettext_lazy("bénéficiaire de la complémentaire santé solidaire : 0 ou 1"),
           example="0"),
    Column("quintile_defavorisation", gettext_lazy("quintile de l'indice de défavorisation "
                                                   "(FDep) de la commune : 1 (moins "
                                                   "défavorisée) à 5"), example="3"),
    Column("actes_generaliste", gettext_lazy("actes de médecine générale dans l'année"),
           example="5"),
    Column("montant_generaliste", gettext_lazy("leur valeur à l'acte (€)"), example="150"),
    Column("actes_infirmier", gettext_lazy("actes infirmiers dans l'année"), example="12"),
    Column("montant_infirmier", gettext_lazy("leur valeur à l'acte (€)"), example="114"),
    Column("actes_kinesitherapeute", gettext_lazy("actes de masso-kinésithérapie"),
           example="0"),
    Column("montant_kinesitherapeute", gettext_lazy("leur valeur à l'acte (€)"), example="0"),
    Column("depense_totale", gettext_lazy("dépense remboursée totale de l'année, ville et "
                                          "hôpital (€), montants à l'acte et épisode "
                                          "compris"), example="2400"),
    Column("depense_annee_precedente", gettext_lazy("la même, l'année précédente (€) ; vide "
                                                    "si inconnue"), required=False,
           example="2300"),
    Column("depense_reference", gettext_lazy("dépense de référence ajustée au risque fournie "
                                             "par le payeur (€) ; vide : estimée"),
           required=False, example=""),
    Column("score_qualite", gettext_lazy("part des indicateurs qualité atteints pour ce "
                                         "patient, 0 à 100"), example="75"),
    Column("experience_patient", gettext_lazy("points du questionnaire d'expérience patient, "
                                              "0 à 20 ; vide si non répondu"),
           required=False, example="14"),
    Column("episode", gettext_lazy("épisode chirurgical de l'année : vide, pth, ptg ou "
                                   "colectomie"), required=False, example=""),
    Column("depense_episode", gettext_lazy("dépense à l'acte de l'épisode, pré, séjour et "
                                           "post (€) ; vide si pas d'épisode"),
           required=False, example=""),
)
HEADER = [c.name for c in COLUMNS]


class PopulationFileError(ValueError):
    """A refused file; `errors` lists each problem with its line and field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def template_csv() -> str:
    """The header and one example line, for download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow([c.example for c in COLUMNS])
    return buffer.getvalue()


@dataclass(frozen=True, eq=False)
class ParsedPopulation:
    population: Population
    sha256: str
    patients: int
    years: list[int]


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PopulationFileError([_("Le fichier n'est pas en UTF-8 (octet %(pos)s).")
                                   % {"pos": exc.start}]) from exc


def parse_population_csv(content: bytes) -> ParsedPopulation:
    """Validate a whole file and return its arrays; raises PopulationFileError.

    Checks run column by column (vectorised, so 100,000 lines take well under a second);
    errors are reported in line order, at most MAX_ERRORS of them.
    """
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    _check_header(header)
    records: list[list[str]] = []
    numbers: list[int] = []
    problems = _Problems()
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.add_line(number, _("Ligne %(n)s : %(got)s champs au lieu de %(want)s.")
                              % {"n": number, "got": len(record), "want": len(header)})
            continue
        records.append(record)
        numbers.append(number)
        if len(records) > MAX_ROWS:
            raise PopulationFileError([_("Plus de %(n)s lignes : découpez le fichier.")
                                       % {"n": MAX_ROWS}])
    if not records:
        problems.raise_if_any()
        raise PopulationFileError([_("Le fichier ne contient aucune ligne de patient.")])
    frame = pd.DataFrame(records, columns=header, dtype=str)[HEADER]
    frame = frame.apply(lambda column: column.str.strip())
    table = _Table(frame, np.asarray(numbers), problems, decimal_comma=delimiter == ";")
    population = table.population()
    problems.raise_if_any()
    return ParsedPopulation(
        population=population, sha256=hashlib.sha256(content).hexdigest(),
        patients=int(frame["patient_id"].nunique()),
        years=sorted({int(y) for y in population.year}),
    )


def _check_header(header: list[str]) -> None:
    missing = [c for c in HEADER if c not in header]
    unknown = [h for h in header if h not in HEADER]
    errors = []
    if missing:
        errors.append(_("Ligne 1 (en-tête) : colonne(s) manquante(s) : %(c)s")
                      % {"c": ", ".join(missing)})
    if unknown:
        errors.append(_("Ligne 1 (en-tête) : colonne(s) inconnue(s) : %(c)s")
                      % {"c": ", ".join(unknown)})
    if len(header) != len(set(header)):
        errors.append(_("Ligne 1 (en-tête) : colonne en double."))
    if errors:
        raise PopulationFileError(errors)


class _Problems:
    """Errors keyed by (line, column order) so that they read in the file's order."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, str]] = []

    def add_line(self, line: int, message: str) -> None:
        self.items.append((line, -1, message))

    def add(self, lines: np.ndarray, field: str, messages: list[str]) -> None:
        order = HEADER.index(field)
        for line, message in zip(lines.tolist(), messages, strict=True):
            self.items.append((line, order, _("Ligne %(n)s, champ « %(f)s » : %(m)s")
                               % {"n": line, "f": field, "m": message}))

    def lines(self) -> set[int]:
        return {line for line, _order, _message in self.items}

    def raise_if_any(self) -> None:
        if not self.items:
            return
        ordered = [message for _line, _order, message in sorted(self.items)]
        if len(ordered) > MAX_ERRORS:
            ordered = [*ordered[:MAX_ERRORS], _("Arrêt après %(n)s erreurs.")
                       % {"n": MAX_ERRORS}]
        raise PopulationFileError(ordered)


class _Table:
    def __init__(self, frame: pd.DataFrame, lines: np.ndarray, problems: _Problems,
                 decimal_comma: bool):
        self.frame, self.lines, self.problems = frame, lines, problems
        self.decimal_comma = decimal_comma

    def _report(self, mask: np.ndarray, field: str, message) -> None:
        """`message` is a text, or a function of the raw cell for each faulty line."""
        if not mask.any():
            return
        raws = self.frame[field].to_numpy()[mask]
        texts = [message(raw) if callable(message) else message for raw in raws]
        self.problems.add(self.lines[mask], field, texts)

    def number(self, field: str, *, optional: bool = False, minimum: float = 0.0,
               maximum: float | None = None, integer: bool = False) -> np.ndarray:
        raw = self.frame[field]
        empty = (raw == "").to_numpy()
        text = raw.str.replace(",", ".", regex=False) if self.decimal_comma else raw
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        finite = np.isfinite(values)
        self._report(empty & (not optional), field, _("valeur obligatoire"))
        self._report(~empty & ~finite, field,
                     lambda v: _("nombre attendu, lu « %(v)s »") % {"v": v[:40]})
        if integer:
            whole = np.zeros_like(values)
            np.floor(values, out=whole, where=finite)
            self._report(finite & (values != whole), field,
                         lambda v: _("nombre entier attendu, lu « %(v)s »") % {"v": v[:40]})
        below = finite & (values < minimum)
        if minimum == 0:
            self._report(below, field,
                         lambda v: _("montant ou nombre négatif interdit (%(v)s)") % {"v": v})
        else:
            self._report(below, field, lambda v: _("%(v)s est inférieur au minimum %(m)s")
                         % {"v": v, "m": minimum})
        if maximum is not None:
            self._report(finite & (values > maximum), field,
                         lambda v: _("%(v)s dépasse le maximum %(m)s") % {"v": v, "m": maximum})
        return np.where(finite, values, np.nan if optional else 0.0)

    def code(self, field: str, allowed: tuple[str, ...]) -> np.ndarray:
        raw = self.frame[field]
        normalised = raw.str.lower() if field == "episode" else (
            raw.str.upper() if field == "sexe" else raw)
        index = {value: i for i, value in enumerate(allowed)}
        codes = normalised.map(index).fillna(-1).to_numpy(dtype=np.int64)
        expected = ", ".join(a or _("vide") for a in allowed)
        self._report(codes < 0, field, lambda v: _("code inconnu « %(v)s » (attendu : %(a)s)")
                     % {"v": v[:40], "a": expected})
        return np.maximum(codes, 0)

    def ald_count(self) -> np.ndarray:
        raw = self.frame["ald"]
        parts = raw.str.replace(",", "|", regex=False).str.split("|").explode().str.strip()
        parts = parts[raw.loc[parts.index] != ""]
        numeric = pd.to_numeric(parts.where(parts.str.isdigit()), errors="coerce")
        valid = numeric.isin(list(ALD_CODES))
        first_bad = parts[~valid].groupby(level=0).first()
        mask = np.zeros(len(raw), dtype=bool)
        mask[first_bad.index.to_numpy()] = True
        bad_parts = dict(zip(first_bad.index.tolist(), first_bad.tolist(), strict=True))
        if mask.any():
            positions = np.flatnonzero(mask)
            self.problems.add(self.lines[mask], "ald", [
                _("code ALD inconnu « %(v)s » (attendu : 1 à 32)") % {"v": bad_parts[i][:10]}
                for i in positions])
        counts = numeric[valid].groupby(level=0).nunique()
        result = np.zeros(len(raw), dtype=np.int64)
        result[counts.index.to_numpy()] = counts.to_numpy()
        return result

    def _check_episode(self, episode: np.ndarray, given: np.ndarray, spending: np.ndarray
                       ) -> None:
        """An episode needs its fee-for-service spending (the bundle is compared with it),
        and an episode's spending needs the episode it belongs to."""
        valid_code = self.frame["episode"].str.lower().isin(EPISODES).to_numpy()
        self._report(valid_code & (episode > 0) & ~(given > 0), "depense_episode",
                     _("obligatoire et positive quand un épisode est indiqué"))
        self._report(valid_code & (episode == 0) & (spending > 0), "episode",
                     _("vide alors qu'une dépense d'épisode est indiquée (pth, ptg ou "
                       "colectomie attendu)"))

    def _check_total(self, spending: np.ndarray, fees: np.ndarray,
                     episode_spending: np.ndarray) -> None:
        """The year's total includes the acts' value and the episode's spending."""
        included = fees.sum(axis=1) + episode_spending
        # A line with an error already (a refused amount…) is not compared again.
        refused = np.isin(self.lines, list(self.problems.lines()))
        short = ~refused & (included > spending + ROUNDING_TOLERANCE)
        if not short.any():
            return
        self.problems.add(self.lines[short], "depense_totale", [
            _("la dépense totale (%(total)s €) est inférieure à la somme des montants à "
              "l'acte et de la dépense d'épisode (%(sum)s €), qu'elle inclut")
            % {"total": f"{t:.2f}", "sum": f"{s:.2f}"}
            for t, s in zip(spending[short].tolist(), included[short].tolist(), strict=True)])

    def population(self) -> Population:
        frame = self.frame
        patient = frame["patient_id"]
        lengths = patient.str.len().to_numpy()
        self._report((lengths == 0) | (lengths > 64), "patient_id",
                     _("identifiant vide ou de plus de 64 caractères"))
        year = self.number("annee", minimum=2000, maximum=2100, integer=True)
        duplicated = frame.duplicated(subset=["patient_id", "annee"]).to_numpy()
        self._report(duplicated, "patient_id", lambda v: _(
            "patient « %(p)s » déjà présent pour cette année") % {"p": v[:64]})
        age = self.code("tranche_age", AGE_BANDS)
        sex = self.code("sexe", SEXES)
        ald = self.ald_count()
        css = self.code("css", ("0", "1"))
        quintile = self.number("quintile_defavorisation", minimum=1, maximum=5, integer=True)
        professions = ("generaliste", "infirmier", "kinesitherapeute")
        acts = np.column_stack([self.number(f"actes_{p}", maximum=MAX_ACTS, integer=True)
                                for p in professions])
        fees = np.column_stack([self.number(f"montant_{p}", maximum=MAX_AMOUNT)
                                for p in professions])
        spending = self.number("depense_totale", maximum=MAX_AMOUNT)
        previous = self.number("depense_annee_precedente", optional=True, maximum=MAX_AMOUNT)
        reference = self.number("depense_reference", optional=True, maximum=MAX_AMOUNT)
        quality = self.number("score_qualite", maximum=100)
        experience = self.number("experience_patient", optional=True, maximum=20)
        episode = self.code("episode", EPISODES)
        episode_given = self.number("depense_episode", optional=True, maximum=MAX_AMOUNT)
        episode_spending = np.nan_to_num(episode_given)
        self._check_episode(episode, episode_given, episode_spending)
        self._check_total(spending, fees, episode_spending)
        self.problems.raise_if_any()
        return Population(
            year=year.astype(np.int64), age_band=age, sex=sex, ald_count=ald,
            css=css.astype(bool), deprivation_quintile=quintile.astype(np.int64), acts=acts,
            fees=fees, spending=spending, spending_previous=previous,
            spending_reference=reference, quality=quality, experience=experience,
            episode=episode, episode_spending=episode_spending,
        )
