"""The ``screener`` command (and the same commands under ``flask --app screener``).

``check-criteria`` and ``screen --trial/--study`` use the pure engine only: they
need neither the database nor a running app, so they work on a fresh clone.
``screen --all`` screens what the API screens, so it also reads the registry
snapshot through the app (DATABASE_URL; SQLite in instance/ by default).
Exit codes: 0 done; 1 broken criteria files; 2 bad input (a profile that breaks
the contract, an unknown trial, wrong options).

Imports of the engine, the models and the app happen inside each command, so
``screener --help`` and each command's ``--help`` answer at once.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import FlaskGroup, with_appcontext

from .config import BUNDLED_CRITERIA

if TYPE_CHECKING:
    from flask import Flask

_criteria_option = click.option(
    "--criteria-dir", type=click.Path(file_okay=False, path_type=Path),
    envvar="SCREENER_CRITERIA_DIR", default=BUNDLED_CRITERIA, show_default=True,
    help="Folder of curated criteria files.")


@click.command("check-criteria")
@_criteria_option
def check_criteria(criteria_dir: Path) -> None:
    """Lint every criteria file: schema plus named checks. Exit 1 on any problem."""
    from .eligibility import lint_dir

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
              # exists/readable: a missing file is said to be missing, not a contract breach
              type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
              help="Patient profile JSON, as screener/schemas/patient-profile.schema.json "
              "describes (examples: tests/data/example_profiles/).")
@click.option("--trial", "trial_ids", multiple=True, metavar="NCT_ID",
              help="Screen against this curated trial (repeatable).")
@click.option("--study", "study_paths", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Screen against a ClinicalTrials.gov API v2 study record (repeatable).")
@click.option("--all", "all_trials", is_flag=True,
              help="Screen against the trials the API screens: every curated trial and "
              "every trial of the registry snapshot (`screener sync`), those open to "
              "enrolment only (RECRUITING, NOT_YET_RECRUITING, ENROLLING_BY_INVITATION).")
@click.option("--include-closed", is_flag=True,
              help="With --all: also trials not open to enrolment (the API's include_closed).")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON results (screener/schemas/screening-result.schema.json).")
@_criteria_option
def screen_command(patient_path, trial_ids, study_paths, all_trials, include_closed, as_json,
                   criteria_dir):
    """Screen a patient profile against trials.

    What the results say: README.md, "Screening a profile". Exit 0 done, 1 broken
    criteria files, 2 bad input (the field or file is named).
    """
    from .eligibility import VERDICT_WORDS, CriteriaError, load_dir, screen
    from .profile import ProfileError, load_profile

    chosen = sum(bool(x) for x in (trial_ids, study_paths, all_trials))
    if chosen != 1:
        _fail("give exactly one of --trial, --study or --all", 2)
    if include_closed and not all_trials:
        _fail("--include-closed goes with --all (trials named with --trial or --study are "
              "screened whatever their status)", 2)
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
            trials = curated + _registry_trials(set(by_id))
            if not include_closed:
                trials = [t for t in trials if t.recruiting]
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
        read = "  [criteria read automatically from ClinicalTrials.gov]" if (
            r.trial.source == "ctgov") else ""
        partly = "" if r.fully_checked else (
            "  [not fully checked: only age and sex matched, or criteria could not be read]")
        click.echo(f"{r.trial.id}  {VERDICT_WORDS[r.verdict]}  — {r.trial.title}{read}{partly}")
        for c in r.criteria:
            if c.outcome in ("not_met", "unknown"):
                click.echo(f"    {c.outcome:8} {c.id}: {c.because}")
        if r.missing_answers:
            click.echo(f"    missing answers: {', '.join(r.missing_answers)}")


def _registry_trials(curated_ids: set[str]) -> list:
    """The registry snapshot's trials the app screens (curated ids excluded), in its order.

    --all must screen what POST /api/v1/screen screens, so the trials come from the
    app's own catalog (the app is created here: database from DATABASE_URL). Failure
    policy, as in the app: an unreadable or empty snapshot leaves the curated trials,
    and stderr says so, so stdout stays the results alone.
    """
    from flask.cli import NoAppException, ScriptInfo
    from sqlalchemy.exc import SQLAlchemyError

    from .eligibility import CriteriaError
    from .models import db
    from .trials import snapshot
    from .trials.catalog import catalog

    try:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        with app.app_context():
            try:
                state = snapshot.state()
                registry = [t for t in catalog().all()
                            if t.source == "ctgov" and t.id not in curated_ids]
            finally:
                db.session.remove()
                db.engine.dispose()  # a one-shot command keeps no connections open
    except (NoAppException, SQLAlchemyError, CriteriaError) as exc:
        click.echo(f"note: the registry snapshot cannot be read ({type(exc).__name__}); "
                   "screening curated trials only", err=True)
        return []
    if not state.studies:
        click.echo("note: no registry snapshot (run `screener sync`); screening curated "
                   "trials only", err=True)
    elif state.may_be_out_of_date:
        click.echo(f"note: the last sync failed; registry trials as of {state.as_of}",
                   err=True)
    return registry


def _trials_from_studies(paths):
    """Read each --study file (one API v2 study record) into a trial; exit 2 naming a bad file."""
    from .trials.study import StudyError, trial_from_study

    trials = []
    for path in paths:
        try:
            study = json.loads(Path(path).read_text(encoding="utf-8"))
            trials.append(trial_from_study(study))
        except OSError as exc:
            _fail(f"{path}: cannot be read ({exc.strerror or exc})", 2)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            _fail(f"{path}: not valid JSON ({exc})", 2)
        except StudyError as exc:
            _fail(f"{path}: {exc}", 2)
    return trials


@click.command("sync")
@click.option("--from-dir", "from_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Load saved study JSON files instead of calling the API (offline).")
@click.option("--full", is_flag=True,
              help="Fetch every ALL study again instead of only those updated since the last sync.")
@with_appcontext
def sync_command(from_dir: Path | None, full: bool) -> None:
    """Update the local ClinicalTrials.gov snapshot; print one line saying what happened.

    Exit 0 when the snapshot was updated, 1 when the sync failed (the previous
    snapshot is then kept as it was).
    """
    from flask import current_app
    from sqlalchemy.exc import SQLAlchemyError
    from tqdm import tqdm

    from .trials import snapshot
    from .trials.ctgov import CtgovClient

    # The bar goes to stderr and only on a terminal, so the one-line outcome on
    # stdout stays the whole of what scripts and logs see.
    with tqdm(unit=" studies", desc="sync", disable=None, leave=False) as bar:
        def progress(done: int, total: int | None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done - bar.n)

        try:
            if from_dir is not None:
                outcome = snapshot.sync_from_dir(from_dir, progress=progress)
            else:
                client = CtgovClient.from_app(current_app)
                outcome = snapshot.sync_from_api(client, full=full, progress=progress)
        except SQLAlchemyError as exc:
            # Failure policy: the sync could not even record its run (database
            # down or locked); nothing was written, so say so in one line.
            click.echo(f"sync failed: the database cannot be written ({type(exc).__name__})"
                       " — snapshot unchanged")
            sys.exit(1)
    click.echo(outcome.message)
    if not outcome.ok:
        sys.exit(1)
    # The registry trials may have changed: the open referrals are screened again.
    if not _rescreen("sync", quiet_when_none=True):
        sys.exit(1)


def _rescreen(reason: str, *, quiet_when_none: bool = False) -> bool:
    """Re-screen the open referrals (after any other re-screen); one line; False on failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from .models import db
    from .referrals.rescreen import rescreen_lock, rescreen_open

    try:
        with rescreen_lock():
            outcome = rescreen_open(reason)
    except SQLAlchemyError as exc:
        # Failure policy: batches already committed stay (each is whole); running
        # `screener rescreen` again finishes the rest. No parameters are printed.
        db.session.rollback()
        click.echo(f"re-screen failed: the database cannot be read or written "
                   f"({type(exc).__name__}); run `screener rescreen` again", err=True)
        return False
    if outcome.checked or not quiet_when_none:  # a sync with no referral desk in use says nothing
        click.echo(f"{outcome.summary()} in {outcome.seconds:.1f} s")
    return True


@click.command("rescreen")
@with_appcontext
def rescreen_command() -> None:
    """Screen open referrals again against the trials that changed; print the counts.

    Only trials whose criteria changed, opened or closed since a referral's last
    screening are screened; referrals with no such trial are left as they are.
    The queue flags referrals newly likely eligible or no longer eligible. Runs by
    itself after `screener sync`, and at start-up when criteria files changed and
    few referrals are open (SCREENER_RESCREEN_AT_START). Safe to run any time and
    twice: a second run finds nothing changed. Exit 1 when the database fails.
    """
    if not _rescreen("cli"):
        sys.exit(1)


@click.command("purge")
@click.option("--older-than", "older_than", type=click.IntRange(min=1), metavar="DAYS",
              help="Also empty the referrals closed more than DAYS days ago: their answers, "
              "contact details, notes and screening reasons go; the row, its status, its "
              "verdicts per trial and the audit trail stay.")
@with_appcontext
def purge_command(older_than: int | None) -> None:
    """Delete expired wizard drafts, and with --older-than empty old closed referrals.

    A draft expires when idle longer than WIZARD_DRAFT_IDLE_MINUTES. A referral is
    emptied when closed (enrolled, not eligible, declined, unreachable) more than
    DAYS ago; the audit trail records each run. Safe to run twice and from cron
    (e.g. drafts every 15 minutes; `--older-than 365` nightly): a run touches only
    what is already past its limit and exits 0, even when there was nothing. Exit
    1 when the database cannot be written (nothing of that batch is changed).
    """
    from flask import current_app
    from sqlalchemy.exc import SQLAlchemyError

    from .models import db
    from .referrals.purge import purge_closed
    from .wizard.drafts import purge_expired

    minutes = current_app.config.get("WIZARD_DRAFT_IDLE_MINUTES", 120)
    try:
        removed = purge_expired()
        click.echo(f"removed {removed} expired wizard draft(s) (idle over {minutes} minutes)")
        if older_than is not None:
            purged = purge_closed(older_than)
            click.echo(f"emptied {purged} closed referral(s) closed over {older_than} day(s) "
                       "ago (answers, contact details and notes removed; audit trail kept)")
    except SQLAlchemyError as exc:
        # Failure policy: one line on stderr (cron mails it even with stdout discarded) and
        # a non-zero exit so it is noticed;
        # the statement's parameters are never printed (hide_parameters in config.py).
        db.session.rollback()
        click.echo(f"purge failed: the database cannot be written ({type(exc).__name__})"
                   " — nothing more deleted", err=True)
        sys.exit(1)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["coordinator", "admin"]), default="admin",
              show_default=True, help="admin for the first user; coordinators for the team")
@click.option("--name", default="", help="the name shown on notes and assignments")
@click.password_option(prompt="Password (at least 12 characters)", confirmation_prompt=True)
@with_appcontext
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a staff user for the referral desk (/staff/); prompts for the password."""
    from .models import StaffUser, db
    from .referrals.service import audit
    from .staff.auth import MIN_PASSWORD, hash_password

    email = email.strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        _fail(f"{email!r} is not an email address", 2)
    if len(password) < MIN_PASSWORD:
        _fail(f"the password is too short: at least {MIN_PASSWORD} characters", 2)
    if db.session.query(StaffUser).filter_by(email=email).first():
        _fail(f"a staff user {email} already exists", 1)
    user = StaffUser(email=email, name=name, role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit("user_created", actor="command line", target_user_id=user.id, target_email=email,
          role=role)
    db.session.commit()
    click.echo(f"created {role} {email}; sign in at /staff/login")


#: The scopes of screener/api/tokens.py's SCOPES (named here so --help loads nothing;
#: tests/api/test_tokens.py checks the two agree).
TOKEN_SCOPES = ("referrals:write", "trials:read")


@click.command("create-token")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(TOKEN_SCOPES),
              help="What the token may do (repeatable): referrals:write files referrals; "
              "trials:read reads trials (open routes; the token attributes the use).")
@with_appcontext
def create_token_command(name: str, scopes: tuple[str, ...]) -> None:
    """Make an API bearer token for a physician's system; prints it once."""
    from .api.tokens import new_token
    from .models import ApiToken, db
    from .referrals.service import audit

    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name):
        _fail(f"{name!r} is not a token name: letters, digits, '.', '_' or '-' "
              "(at most 64)", 2)
    if name.startswith("scr_"):
        _fail("a token name cannot start with scr_ (token prefixes do)", 2)
    if db.session.query(ApiToken).filter_by(name=name).first():
        _fail(f"a token named {name} already exists", 1)
    row, token = new_token(name, list(scopes))
    db.session.flush()
    audit("token_created", actor="command line", token=row.prefix, name=name,
          scopes=row.scopes)
    db.session.commit()
    click.echo(token)
    click.echo(f"created token {name} ({row.prefix}..., scopes: {row.scopes}); it is shown "
               "only now: store it in the calling system's secrets", err=True)


@click.command("revoke-token")
@click.argument("name_or_prefix")
@with_appcontext
def revoke_token_command(name_or_prefix: str) -> None:
    """Revoke an API token by its name or prefix; it is refused from then on."""
    from .api.tokens import find_token
    from .models import db, utcnow
    from .referrals.service import audit

    row = find_token(name_or_prefix.strip())
    if row is None:
        _fail(f"no token named or starting {name_or_prefix}", 1)
    if row.revoked_at is not None:
        click.echo(f"token {row.name} was already revoked on {row.revoked_at:%Y-%m-%d %H:%M} UTC")
        return
    row.revoked_at = utcnow()
    audit("token_revoked", actor="command line", token=row.prefix, name=row.name)
    db.session.commit()
    click.echo(f"revoked token {row.name} ({row.prefix}...)")


@click.command("list-tokens")
@with_appcontext
def list_tokens_command() -> None:
    """List API tokens: name, prefix, scopes, dates (never the tokens)."""
    from .models import ApiToken, db

    rows = db.session.query(ApiToken).order_by(ApiToken.created_at, ApiToken.id).all()
    if not rows:
        click.echo("no API tokens (screener create-token NAME --scope ...)")
        return

    def when(moment):
        return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"

    for row in rows:
        state = f"revoked {when(row.revoked_at)}" if row.revoked_at else "active"
        click.echo(f"{row.name}\t{row.prefix}...\t{row.scopes}\tcreated {when(row.created_at)}"
                   f"\tlast used {when(row.last_used_at)}\t{state}")


#: An NCT id as the registry writes it (the contract's ^NCT[0-9]{8}$).
_NCT_ID = re.compile(r"NCT[0-9]{8}")


@click.command("draft-criteria")
@click.argument("nct_id")
@click.option("--from", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Study JSON file (API v2 record) instead of the local snapshot.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write the draft ('-' for stdout). Required: see above.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def draft_criteria(nct_id: str, from_file: Path | None, output: Path | None, force: bool) -> None:
    """Draft a criteria file from the registry: verbatim items, read rules marked for review.

    NCT_ID is NCT and 8 digits, in either case (nct01234567 is NCT01234567).
    There is no default output: the draft passes the linter, so written into
    criteria/ it would be served at once as a trial a person has read, and the
    working directory is rarely where it belongs. Say where it goes with
    -o FILE (e.g. -o drafts/NCT01234567.yaml), or -o - for stdout; review it,
    then move it into criteria/.
    """
    from .trials.draft import DraftError, draft_yaml
    from .trials.study import StudyError

    raw, nct_id = nct_id, nct_id.strip().upper()
    if not _NCT_ID.fullmatch(nct_id):
        _fail(f"{raw!r} is not an NCT id (NCT followed by 8 digits)", 2)
    if output is None:
        _fail(f"say where the draft goes: -o FILE (e.g. -o drafts/{nct_id}.yaml) or -o - for "
              "stdout; review it before it goes into criteria/, where the app serves it", 2)
    if from_file is not None:
        try:
            study = json.loads(from_file.read_text(encoding="utf-8"))
        except OSError as exc:
            _fail(f"{from_file}: cannot be read ({exc.strerror or exc})", 2)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            _fail(f"{from_file}: not valid JSON ({exc})", 2)
        record = str(from_file)
    else:
        study = _study_from_snapshot(nct_id)
        record = f"local ClinicalTrials.gov snapshot ({nct_id})"
    found = ((study.get("protocolSection") or {}).get("identificationModule") or {}).get(
        "nctId") if isinstance(study, dict) else None
    if found and found != nct_id:
        _fail(f"{record} is the record of {found}, not {nct_id}", 2)
    try:
        text = draft_yaml(study, record)
    except StudyError as exc:
        _fail(f"{record}: {exc}", 2)
    except DraftError as exc:
        _fail(f"the draft for {nct_id} does not pass the linter: {exc}", 1)
    target = output
    if str(target) == "-":
        click.echo(text, nl=False)
        return
    if target.exists() and not force:
        _fail(f"{target} exists; use --force to overwrite it", 2)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # the folder the person named
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{target}: cannot be written ({exc.strerror or exc})", 2)
    click.echo(f"wrote {target}: a draft to review before it goes into criteria/")


def _study_from_snapshot(nct_id: str) -> dict:
    """One study record from the local snapshot (needs the app's database)."""
    from flask.cli import NoAppException, ScriptInfo
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        from .trials import snapshot

        with app.app_context():
            found = snapshot.studies_by_id([nct_id])
    except (NoAppException, SQLAlchemyError) as exc:
        _fail(f"the local snapshot cannot be read ({type(exc).__name__}); "
              "give the study record with --from FILE", 2)
    if nct_id not in found:
        _fail(f"{nct_id} is not in the local snapshot; run `screener sync` or give --from FILE", 2)
    return found[nct_id]


#: The project's commands, in the order `screener --help` lists them.
COMMANDS = (screen_command, check_criteria, sync_command, draft_criteria, purge_command,
            create_user_command, create_token_command, revoke_token_command,
            list_tokens_command, rescreen_command)


def init_app(app: Flask) -> None:
    """Make the same commands available as ``flask --app screener ...``."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from . import create_app

    return create_app()


class ScreenerGroup(FlaskGroup):
    """Flask's command group, whose help lists the project's commands first, fast.

    FlaskGroup's help creates the app (migrations included) to list the commands
    extensions add, which took over a second and put Flask's development commands
    among ours. Here help names Flask's commands in one line without loading
    anything; they still run as before (``screener run``, ``screener db upgrade``).
    Flask's --app option is not offered: this group always creates the screener app.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = [p for p in self.params if p.name != "app"]

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The project's commands in their order, then Flask's and the extensions'."""
        own = [c.name for c in COMMANDS]
        return own + [name for name in super().list_commands(ctx) if name not in own]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(c.name) for c in COMMANDS)
        rows = [(c.name, c.get_short_help_str(limit)) for c in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
        with formatter.section("Flask's commands (they load the app)"):
            formatter.write_text(
                "run (development server), shell, routes, db (migrations), limiter. "
                "`screener COMMAND --help` for each.")


@click.group(cls=ScreenerGroup, create_app=_create_app)
def main() -> None:
    """ALL trial pre-screener: screen profiles, check criteria files, sync the registry."""


for _command in COMMANDS:
    main.add_command(_command)
