"""Views of the patient wizard: start, one page per step, review, results.

Thin views: the step graph and the profile live in steps.py, drafts in
drafts.py, the results' wording in results.py. Every POST is CSRF-checked by
the app-wide CSRFProtect.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ..i18n import current_language, translations
from ..i18n import gettext as _
from ..profile import ProfileError, validate_profile
from ..trials.catalog import catalog
from . import bp, drafts
from .forms import render_choices
from .results import (
    GROUP_INTROS,
    GROUP_ORDER,
    GROUP_TITLES,
    day_words,
    number,
    results_page,
    status_words,
)
from .steps import (
    RESULTS_NOW,
    STEP_BY_NAME,
    Answers,
    applicable,
    build_profile,
    display,
    first_incomplete,
    neighbours,
    pages_left,
    stale_reason,
)

log = logging.getLogger(__name__)


# Template filters for every page (the trials list shows statuses too).
bp.app_template_filter("status_words")(status_words)
bp.app_template_filter("number")(number)
bp.app_template_filter("day")(day_words)
bp.app_template_global("render_choices")(render_choices)


def _expired_message() -> str:
    minutes = current_app.config.get("WIZARD_DRAFT_IDLE_MINUTES", 120)
    if minutes % 60 == 0:
        return _("To protect your privacy, your answers were deleted after %(n)s hours without "
                 "any activity. Please start again.", n=minutes // 60)
    return _("To protect your privacy, your answers were deleted after %(n)s minutes without "
             "any activity. Please start again.", n=minutes)


def _load():
    """(draft, answers), or (None, redirect response) when there is no live draft."""
    try:
        draft = drafts.current()
    except drafts.DraftExpired:
        flash(_expired_message(), "expired")
        return None, redirect(url_for("wizard.start"))
    if draft is None:
        return None, redirect(url_for("wizard.start"))
    return draft, Answers(draft.answers)


def start_page():
    """The welcome page (also the site's front page)."""
    try:
        draft = drafts.current()
    except drafts.DraftExpired:
        flash(_expired_message(), "expired")
        draft = None
    resume = None
    if draft is not None and draft.answers:
        answers = Answers(draft.answers)
        nxt = first_incomplete(answers)
        resume = url_for("wizard.step", name=nxt.name) if nxt else url_for("wizard.review")
    return render_template("wizard/start.html", resume=resume,
                           idle_hours=current_app.config.get("WIZARD_DRAFT_IDLE_MINUTES", 120) / 60)


def _save_step(draft, answers: Answers, name: str) -> Answers | None:
    """Save step ``name`` into the draft as it is now, keeping steps another tab saved
    meanwhile; the answers stored (None when the draft was deleted meanwhile)."""
    stored = drafts.save(draft, lambda now: answers.merged_into(now, name))
    return None if stored is None else Answers(stored)


@bp.get("/")
def start():
    """The wizard's welcome page."""
    return start_page()


@bp.post("/start")
def begin():
    """Start a new draft (dropping any old one) and go to the first question."""
    drafts.start()
    return redirect(url_for("wizard.step", name="who"))


@bp.post("/forget")
def forget():
    """Delete this browser's answers now."""
    drafts.discard()
    flash(_("Your answers have been deleted."), "info")
    return redirect(url_for("wizard.start"))


@bp.route("/step/<name>", methods=["GET", "POST"])
def step(name: str):
    """One step: show it (with stored answers), or save it and move back or on."""
    draft, answers = _load()
    if draft is None:
        return answers
    step = STEP_BY_NAME.get(name)
    if step is None:
        abort(404)
    steps = applicable(answers)
    order = [s.name for s in steps]
    pending = first_incomplete(answers)
    if name not in order:
        # The step does not apply to these answers (branching): never shown.
        return redirect(url_for("wizard.step", name=pending.name) if pending
                        else url_for("wizard.review"))
    if pending is not None and order.index(pending.name) < order.index(name):
        return redirect(url_for("wizard.step", name=pending.name))
    from_review = request.args.get("from") == "review"

    if request.method == "POST":
        form = answers.form(step, request.form)
        if request.form.get("action") == "results":
            # "Show my results now": this page is kept if it is valid or left empty (an
            # unanswered question is unknown, never "no"); a typing mistake is shown.
            typed = any(v.strip() for f in form if f.name != "csrf_token"
                        for v in request.form.getlist(f.name))
            if form.validate() or not typed:
                answers.set(name, request.form, form)
                stored = drafts.save(draft, lambda now: {**answers.merged_into(now, name),
                                                         RESULTS_NOW: True})
                if stored is None:
                    return redirect(url_for("wizard.start"))
                return redirect(url_for("wizard.results"))
        elif request.form.get("action") == "back":
            # Back keeps what is on the page, valid or not, without checking it.
            answers.set(name, request.form, form)
            answers = _save_step(draft, answers, name)
            if answers is None:
                return redirect(url_for("wizard.start"))
            prev, _next = neighbours(answers, name)
            return redirect(url_for("wizard.step", name=prev.name) if prev
                            else url_for("wizard.start"))
        if form.validate():
            answers.set(name, request.form, form)
            answers = _save_step(draft, answers, name)
            if answers is None:
                return redirect(url_for("wizard.start"))
            pending = first_incomplete(answers)
            if from_review:
                # A change can leave a later step to answer again: go there, and
                # from it back to the review page.
                return redirect(url_for("wizard.step", name=pending.name, **{"from": "review"})
                                if pending else url_for("wizard.review"))
            _prev, nxt = neighbours(answers, name)
            return redirect(url_for("wizard.step", name=nxt.name) if nxt
                            else url_for("wizard.review"))
    else:
        form = answers.form(step)

    # Answers given on this page earlier that a changed earlier answer made
    # invalid: say why, and show the field errors (else review and results keep
    # sending the person here with nothing to tell them what is wrong).
    reason = stale_reason(answers, name)
    if reason is not None and request.method == "GET":
        form.validate()
    left = pages_left(answers, name)
    progress = (translations().ungettext("About %(num)s more page after this one",
                                         "About %(num)s more pages after this one", left)
                % {"num": left} if left else _("This is the last page of questions"))
    depends = answers.plan().counts.get(name)
    why = (translations().ungettext("Why we ask: %(num)s study depends on this answer.",
                                    "Why we ask: %(num)s studies depend on this answer.",
                                    depends) % {"num": depends} if depends else None)
    return render_template(
        "wizard/step.html", form=form, step=step, reason=reason if form.errors else None,
        progress=progress, why=why,
        action=url_for("wizard.step", name=name, **({"from": "review"} if from_review else {})),
    )


def _load_finished():
    """Like _load, but a wizard with a step still to answer is sent to that step."""
    draft, answers = _load()
    if draft is not None:
        pending = first_incomplete(answers)
        # "Show my results now" lets the person stop early: what is unanswered is unknown.
        if pending is not None and not answers.results_now:
            return None, redirect(url_for("wizard.step", name=pending.name))
    return draft, answers


@bp.get("/review")
def review():
    """Every answer, with a link to change it, before the results."""
    draft, answers = _load_finished()
    if draft is None:
        return answers
    sections = [(s, display(answers.form(s))) for s in applicable(answers)]
    return render_template("wizard/review.html", sections=sections,
                           last=applicable(answers)[-1])


@bp.get("/results")
def results():
    """Trials grouped by verdict, explained in plain words, with the nearest site."""
    draft, answers = _load_finished()
    if draft is None:
        return answers
    profile = build_profile(answers)
    try:
        validate_profile(profile)
    except ProfileError as exc:
        # A wizard bug, never the person's fault. Log which fields only:
        # the messages themselves can quote answers (health data).
        log.error("wizard built an invalid profile; fields: %s",
                  ", ".join(sorted({e.split(":", 1)[0] for e in exc.errors})))
        abort(500)
    drafts.touch(draft)  # reading results counts as activity
    return render_results(profile)


def render_results(profile: dict) -> str:
    """The results page for a validated profile, in this request's language.

    Apart from the view so a benchmark and the browser tests can show the page
    for a given profile (the example profiles) without walking the wizard.
    """
    # Only trials taking patients are grouped by verdict: a closed trial shown as
    # "likely eligible" would raise hopes it cannot meet. The others are listed
    # apart, for reference, with the date their status was checked.
    return render_template("wizard/results.html", notice=catalog().notice(),
                           **results_page(profile, catalog().all(), current_language()),
                           order=GROUP_ORDER,
                           titles={k: str(v) for k, v in GROUP_TITLES.items()},
                           intros={k: str(v) for k, v in GROUP_INTROS.items()},
                           travel=(profile.get("location") or {}).get("max_travel_miles"),
                           has_zip=bool((profile.get("location") or {}).get("zip")))
