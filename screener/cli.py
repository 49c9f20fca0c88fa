"""The ``screener`` command (and the same commands under ``flask --app screener``).

``check-criteria`` and ``screen`` use the pure engine only: they need neither
the database nor a running app, so they work on a fresh clone.
Exit codes: 0 done; 1 broken criteria files; 2 bad input (a profile that breaks
the contract, an unknown trial, wrong options).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from .config import BUNDLED_CRITERIA
from .eligibility import VERDICT_WORDS, CriteriaError, lint_dir, load_dir, screen
from .profile import ProfileError, load_profile

_criteria_option = click.option(
    "--criteria-dir", type=click.Path(file_okay=False, path_type=Path),
    envvar="SCREENER_CRITERIA_DIR", default=BUNDLED_CRITERIA, show_default=True,
    help="Folder of curated criteria files.")


@click.command("check-criteria")
@_criteria_option
def check_criteria(criteria_dir: Path) -> None:
    """Lint every criteria file: schema plus named checks. Exit 1 on any problem."""
    if not criteria_dir.is_dir():
        raise click.UsageError(f"{criteria_dir} is not a folder")
    problems = lint_dir(criteria_dir)
    for problem in problems:
        click.echo(str(problem))
    files = len(list(criteria_dir.glob("*.yaml"))) + len(list(criteria_dir.glob("*.yml")))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {files} file(s)", err=True)
        sys.exit(1)
    click.echo(f"{files} criteria file(s) OK")


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.command("screen")
@click.option("--patient", "patient_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Patient profile JSON (shared/contracts/patient-profile.schema.json).")
@click.option("--trial", "trial_ids", multiple=True, metavar="NCT_ID",
              help="Screen against this curated trial (repeatable).")
@click.option("--study", "study_paths", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Screen against a ClinicalTrials.gov API v2 study record (repeatable).")
@click.option("--all", "all_trials", is_flag=True, help="Screen against every curated trial.")
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON results.")
@_criteria_option
def screen_command(patient_path, trial_ids, study_paths, all_trials, as_json, criteria_dir):
    """Screen a patient profile against trials (contract: shared/contracts/README.md)."""
    chosen = sum(bool(x) for x in (trial_ids, study_paths, all_trials))
    if chosen != 1:
        _fail("give exactly one of --trial, --study or --all", 2)
    try:
        profile = load_profile(patient_path)
    except ProfileError as exc:
        _fail("the patient profile breaks the contract:\n  " + "\n  ".join(exc.errors), 2)
    if study_paths:
        trials = _trials_from_studies(study_paths)
    else:
        try:
            curated = load_dir(criteria_dir)
        except CriteriaError as exc:
            _fail(f"criteria files are broken:\n{exc}", 1)
        by_id = {t.id: t for t in curated}
        if all_trials:
            trials = curated
        else:
            unknown = [t for t in trial_ids if t not in by_id]
            if unknown:
                _fail(f"no curated criteria file for {', '.join(unknown)} in {criteria_dir}", 2)
            trials = [by_id[t] for t in dict.fromkeys(trial_ids)]
    results = [screen(profile, t) for t in trials]
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
        return
    for r in results:
        click.echo(f"{r.trial.id}  {VERDICT_WORDS[r.verdict]}  — {r.trial.title}")
        for c in r.criteria:
            if c.outcome in ("not_met", "unknown"):
                click.echo(f"    {c.outcome:8} {c.id}: {c.because}")
        if r.missing_answers:
            click.echo(f"    missing answers: {', '.join(r.missing_answers)}")


def _trials_from_studies(paths):
    _fail("--study needs the ClinicalTrials.gov reader, which is not built yet "
          "(see the ClinicalTrials.gov issue); use --trial or --all", 2)


def init_app(app: Flask) -> None:
    """Make the same commands available as ``flask --app screener ...``."""
    app.cli.add_command(check_criteria)
    app.cli.add_command(screen_command)


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """ALL trial pre-screener: run the app, check criteria files, screen profiles."""


main.add_command(check_criteria)
main.add_command(screen_command)
