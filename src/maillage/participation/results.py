"""Live results of a consultation, recomputed from the stored answers; CSV export; charts."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillage.participation.models import Answer, Consultation, Question, QuestionKind
from maillage.participation.services import question_field


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    # (label, value, share of those who answered): counts for choices, scale values and
    # communes; mean Borda points for rankings (first of n gets n-1 points).
    rows: list[tuple[str, float, float]] = field(default_factory=list)
    mean: float | None = None

    @property
    def field(self) -> str:
        return question_field(self.question)


def consultation_results(consultation: Consultation) -> tuple[int, list[QuestionResult]]:
    """(number of responses, one result per question)."""
    responses = consultation.responses.count()
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(response__consultation=consultation).select_related(
            "commune"):
        answers.setdefault(answer.question_id, []).append(answer)
    return responses, [_result(q, answers.get(q.pk, []))
                       for q in consultation.questions.prefetch_related("choices")]


def _share(value: float, total: int) -> float:
    return value / total if total else 0.0


def _result(question: Question, answers: list[Answer]) -> QuestionResult:
    n = len(answers)
    kind = question.kind
    choices = list(question.choices.all())
    if kind in {QuestionKind.SINGLE, QuestionKind.MULTIPLE}:
        counts: Counter[int] = Counter()
        for a in answers:
            counts.update([a.choice_id] if kind == QuestionKind.SINGLE else a.choice_ids)
        return QuestionResult(question, n, [(c.label, counts[c.pk], _share(counts[c.pk], n))
                                            for c in choices])
    if kind == QuestionKind.RANKING:
        points: Counter[int] = Counter()
        size = len(choices)
        for a in answers:
            for position, choice_id in enumerate(a.choice_ids):
                points[choice_id] += size - 1 - position
        rows = [(c.label, points[c.pk] / n if n else 0.0, _share(points[c.pk] / n if n else 0,
                                                                 max(size - 1, 1)))
                for c in choices]
        return QuestionResult(question, n, sorted(rows, key=lambda r: -r[1]))
    if kind == QuestionKind.SCALE:
        counts = Counter(a.number for a in answers)
        rows = [(str(v), counts[v], _share(counts[v], n))
                for v in range(question.scale_min, question.scale_max + 1)]
        mean = sum(a.number for a in answers) / n if n else None
        return QuestionResult(question, n, rows, mean)
    if kind == QuestionKind.COMMUNE:
        counts_by_name = Counter(a.commune.name if a.commune else "—" for a in answers)
        return QuestionResult(question, n, [(name, c, _share(c, n))
                                            for name, c in counts_by_name.most_common(20)])
    return QuestionResult(question, sum(1 for a in answers if a.text and not a.is_hidden))


def text_answers(question: Question) -> list[str]:
    """The free-text answers others may read, newest first (hidden ones left out)."""
    return list(Answer.objects.filter(question=question, hidden_at__isnull=True).exclude(text="")
                .order_by("-pk").values_list("text", flat=True))


def text_answer_rows(question: Question, *, include_hidden: bool = False) -> list[Answer]:
    """The free-text answers as objects, for the page that lets people report them."""
    found = Answer.objects.filter(question=question).exclude(text="").select_related(
        "response__consultation__process", "question")
    if not include_hidden:
        found = found.filter(hidden_at__isnull=True)
    return list(found.order_by("-pk"))


def consultation_csv(consultation: Consultation, *, with_respondents: bool = False) -> str:
    """One row per response, one column per question.

    Who answered appears only with `with_respondents`, for an identified consultation (its
    organisers' export); an anonymous consultation never links an answer to a person.
    """
    questions = list(consultation.questions.prefetch_related("choices"))
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    named = with_respondents and not consultation.anonymous
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["reponse", "date", *(["repondant", "email"] if named else []),
                     *[f"{question_field(q)} {q.text}" for q in questions]])
    by_response: dict[int, dict[int, Answer]] = {}
    for answer in Answer.objects.filter(response__consultation=consultation):
        by_response.setdefault(answer.response_id, {})[answer.question_id] = answer
    responses = consultation.responses.order_by("pk")
    if named:
        responses = responses.select_related("respondent")
    for response in responses:
        row: list[object] = [response.pk, response.submitted_on.isoformat()]
        if named:
            person = response.respondent
            row += [(person.display_name or "") if person else _("Compte supprimé"),
                    person.email if person else ""]
        for q in questions:
            a = by_response.get(response.pk, {}).get(q.pk)
            row.append(_cell(q, a, labels))
        writer.writerow(row)
    return buffer.getvalue()


def _cell(question: Question, answer: Answer | None, labels: dict[int, str]) -> str:
    if answer is None:
        return ""
    if question.kind == QuestionKind.SINGLE:
        return labels.get(answer.choice_id, "")
    if question.kind in {QuestionKind.MULTIPLE, QuestionKind.RANKING}:
        return " | ".join(labels.get(i, "") for i in answer.choice_ids)
    if question.kind == QuestionKind.SCALE:
        return "" if answer.number is None else str(answer.number)
    if question.kind == QuestionKind.COMMUNE:
        return answer.commune_id or ""
    return "" if answer.is_hidden else answer.text


def result_svg(result: QuestionResult) -> str:
    """A horizontal bar chart of a question's result (the page shows the same table)."""
    if not result.rows:
        return ""
    return bars_svg([r[0] for r in result.rows], [r[1] for r in result.rows],
                    _("points moyens (classement)") if result.question.kind ==
                    QuestionKind.RANKING else _("réponses"))


def bars_svg(labels: list[str], values: list[float], axis_label: str) -> str:
    """Horizontal bars, largest first as given, values written at the bar's end (SVG)."""
    if not values:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    height = 0.45 * len(values) + 0.9
    figure, axis = plt.subplots(figsize=(6.4, height), dpi=100)
    axis.barh(range(len(values)), values, color="#000091")
    axis.set_yticks(range(len(values)), [_wrap(label) for label in labels])
    axis.invert_yaxis()
    axis.set_xlabel(axis_label)
    axis.set_xlim(0, max(values) * 1.25 if max(values) > 0 else 1)
    for spine in ("top", "right"):
        axis.spines[spine].set_visible(False)
    for position, value in enumerate(values):
        text = f" {value:.0f}" if float(value).is_integer() else f" {value:.1f}"
        axis.text(value, position, text, va="center", fontsize=9)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return _fluid(svg[svg.find("<svg"):])


def _fluid(svg: str) -> str:
    """Let the chart shrink to a phone's width: its viewBox keeps the proportions."""
    end = svg.find(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:end])
    return (f'{head} width="100%" style="max-width: 640px; height: auto" role="img" '
            f'aria-hidden="true"{svg[end:]}')


def _wrap(label: str, width: int = 28) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])
