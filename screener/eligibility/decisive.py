"""Which unanswered questions could still change a verdict, most decisive first.

Only a trial that is ``needs_review`` can change with one more answer: a
``not_met`` criterion stays ``not_met`` whatever else is answered (Kleene
logic), and a likely-eligible trial has nothing left unknown. So the
questions worth asking are the missing answers of the trials still in review,
counted per trial: a question that settles four studies comes before one that
settles one. The wizard asks in this order; the results page lists the
care-team checklist in this order. Pure Python, like the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import NEEDS_REVIEW, ScreeningResult


@dataclass
class OpenQuestion:
    """One profile field (a missing answer's path) and the trials it could decide."""

    path: str
    trials: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.trials)


def open_questions(results: list[ScreeningResult], key=lambda path: path) -> list[OpenQuestion]:
    """The missing answers of the trials in review, most trials first, then by path.

    ``key`` folds paths that one question answers ("age.months" into "age",
    say): a trial is counted once per question whatever number of its paths fold.
    """
    found: dict[str, OpenQuestion] = {}
    for result in results:
        if result.verdict != NEEDS_REVIEW:
            continue
        for path in result.missing_answers:
            question = found.setdefault(key(path), OpenQuestion(key(path)))
            if result.trial.id not in question.trials:
                question.trials.append(result.trial.id)
    return sorted(found.values(), key=lambda q: (-q.count, q.path))
