"""Screen one patient profile against one trial (pure Python: no Flask, no SQLAlchemy).

Per criterion (contract, shared/contracts/README.md):
- a rule evaluates to met / not_met / unknown / not_screened (Kleene logic);
- an *exclusion* criterion whose rule applies is ``not_met`` (its rule is
  written as the excluding condition, so its outcome is the rule's negation);
- a criterion without a rule is ``not_screened``: listed for the study team,
  never changing the verdict.

Verdict: ``not_eligible`` if any criterion is not_met; else ``needs_review`` if
any is unknown (``missing_answers`` names the fields that would decide them);
else ``likely_eligible``. The screener never says a person *is* eligible: the
words shown to people are in ``VERDICT_WORDS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Criterion, Trial
from .outcomes import MET, NAMES, NEGATE, NOT_MET, NOT_SCREENED, UNKNOWN
from .rules import remaining_wait

LIKELY_ELIGIBLE = "likely_eligible"
NEEDS_REVIEW = "needs_review"
NOT_ELIGIBLE = "not_eligible"
VERDICTS = (LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE)

VERDICT_WORDS = {
    LIKELY_ELIGIBLE: "Likely eligible — the study team confirms",
    NEEDS_REVIEW: "Needs review — some answers are missing",
    NOT_ELIGIBLE: "Not eligible on these answers",
}

_MAX_REASONS = 4


class CriterionResult:
    """One criterion's outcome for one profile.

    ``because`` is worded on first use: results shown to patients use the
    criterion's plain sentence instead, so screening many trials does not pay for
    sentences nobody reads. The profile must not change after screening.
    """

    __slots__ = ("criterion", "outcome", "missing", "_profile", "_because")

    def __init__(self, criterion: Criterion, outcome: str, profile: dict,
                 missing: list[str] | None = None, because: str | None = None):
        self.criterion, self.outcome, self._profile = criterion, outcome, profile
        self.missing = missing or []
        self._because = because

    id = property(lambda self: self.criterion.id)
    kind = property(lambda self: self.criterion.kind)
    text = property(lambda self: self.criterion.text)

    @property
    def because(self) -> str:
        if self._because is None:
            self._because = _because(self.criterion, self.criterion.rule.explain(self._profile))
        return self._because

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "text": self.text,
                "outcome": self.outcome, "because": self.because}


@dataclass
class ScreeningResult:
    trial: Trial
    verdict: str
    criteria: list[CriterionResult]
    missing_answers: list[str]

    @property
    def fully_checked(self) -> bool:
        """Whether a "likely eligible" rests on enough to be shown as one.

        The contract's verdict counts only screened criteria, so a trial can be
        likely eligible while what it asks for was barely checked. It is not
        *fully checked* -- and no entry point shows it as likely -- when nothing
        beyond age and sex was met (a thin match), or when an inclusion of a
        registry trial was read by nobody (its own words must be gone through
        with the care team). Curated inclusions left to the study team were
        read by a person, who decided the pre-screen cannot check them.
        """
        if self.verdict != LIKELY_ELIGIBLE:
            return True
        return not self.thin and not self.unread_inclusions

    @property
    def thin(self) -> bool:
        """Likely eligible on age and sex alone: nothing else was met."""
        return self.verdict == LIKELY_ELIGIBLE and not any(
            r.outcome == "met" and r.criterion.rule is not None
            and not set(r.criterion.rule.fields()) <= {"age", "sex"}
            for r in self.criteria)

    @property
    def unread_inclusions(self) -> list[CriterionResult]:
        """Inclusions of a registry trial that the reader could not check."""
        if self.trial.source != "ctgov":
            return []
        return [r for r in self.criteria
                if r.kind == "inclusion" and r.outcome == "not_screened"]

    def to_dict(self) -> dict:
        """The contract's screening-result shape."""
        return {
            "trial": {"id": self.trial.id, "title": self.trial.title,
                      "source": self.trial.source},
            "verdict": self.verdict,
            "criteria": [c.to_dict() for c in self.criteria],
            "missing_answers": list(self.missing_answers),
        }

    def by_outcome(self, outcome: str) -> list[CriterionResult]:
        return [c for c in self.criteria if c.outcome == outcome]


def _sentence(prefix: str, reasons: list[str]) -> str:
    reasons = list(dict.fromkeys(reasons))  # the same answer can decide several leaves
    shown = reasons[:_MAX_REASONS]
    more = len(reasons) - len(shown)
    text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    text = text[:1].upper() + text[1:] if text else ""
    return f"{prefix}: {text}." if text else f"{prefix}."


_NO_RULE = "Not part of the pre-screen: the study team checks this."


def _because(criterion: Criterion, exp) -> str:
    code = NEGATE[exp.code] if criterion.is_exclusion else exp.code
    if code == UNKNOWN:
        return _sentence("Not known yet", exp.reasons)
    if code == NOT_SCREENED:
        return _sentence("Confirmed by the study team", exp.reasons)
    if criterion.is_exclusion:
        return _sentence("Excluded" if code == NOT_MET else "Does not apply", exp.reasons)
    return _sentence("Met" if code == MET else "Not met", exp.reasons)


def judge(criterion: Criterion, profile: dict) -> CriterionResult:
    """The outcome of one criterion for one profile; its plain reason is worded on demand."""
    rule = criterion.rule
    if rule is None:  # the same for every profile: made once, shared (never mutated)
        if criterion.unscreened_result is None:
            criterion.unscreened_result = CriterionResult(
                criterion, "not_screened", {}, because=_NO_RULE)
        return criterion.unscreened_result
    code = rule.fn(profile)
    if criterion.is_exclusion:
        code = NEGATE[code]
    if code != UNKNOWN:
        return CriterionResult(criterion, NAMES[code], profile)
    return CriterionResult(criterion, "unknown", profile, rule.missing_when_unknown(profile))


def wait_ends(criterion: Criterion, profile: dict) -> float | None:
    """Months until a waiting period stops this criterion ruling the person out, or None.

    Only when the wait is *why* it rules them out: the criterion is judged again as
    of the day the longest wait ends (every dose that much longer ago), and a wait
    is reported only if the criterion then no longer excludes. A criterion that
    fails for another reason (a relapse, a lineage) never promises a date.
    """
    if criterion.rule is None:
        return None
    left = remaining_wait(criterion.rule, profile)
    if left is None:
        return None
    later = dict(profile)
    later["prior_therapies"] = [
        {**item, "months_since_last_dose": item["months_since_last_dose"] + left}
        if item.get("months_since_last_dose") is not None else item
        for item in profile["prior_therapies"]]
    return None if judge(criterion, later).outcome == "not_met" else left


def screen(profile: dict, trial: Trial) -> ScreeningResult:
    """Screen a validated profile against a trial, with reasons for every criterion."""
    results = [judge(c, profile) for c in trial.criteria]
    missing: list[str] = []
    unknown = not_met = False
    for r in results:
        if r.outcome == "not_met":
            not_met = True
        elif r.outcome == "unknown":
            unknown = True
            for m in r.missing:
                if m not in missing:
                    missing.append(m)
    # the contract's verdict rules: any not_met, else any unknown, else likely
    verdict = NOT_ELIGIBLE if not_met else NEEDS_REVIEW if unknown else LIKELY_ELIGIBLE
    return ScreeningResult(trial, verdict, results, missing)


def quick_verdict(profile: dict, trial: Trial) -> str:
    """The verdict alone, on the compiled fast path (same answer as ``screen``)."""
    undecided = False
    for is_exclusion, fn in trial.compiled:
        code = fn(profile)
        if is_exclusion:
            code = NEGATE[code]
        if code == NOT_MET:
            return NOT_ELIGIBLE
        if code == UNKNOWN:
            undecided = True
    return NEEDS_REVIEW if undecided else LIKELY_ELIGIBLE
