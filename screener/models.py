"""SQLAlchemy 2.0 typed models. The database is SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, String, Text, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def init_app(app) -> None:
    """Bind ``db`` to the app; each request's session is closed without failing the answer.

    Failure policy: when the database connection dies after the view has made
    its answer (a restart, a failover, an administrator killing connections),
    closing the request's session at teardown cannot roll back its transaction.
    That error used to escape the app, so gunicorn replaced a finished page with
    its bare "Internal Server Error". Nothing is lost by ignoring it: every
    write the answer reports was committed by the view, and what teardown rolls
    back is unsaved by definition; the dead connection is already discarded
    from the pool (pool_pre_ping checks the others). So the answer stands and
    the error is logged as a warning, without parameters.
    """
    db.init_app(app)
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(_hide_row_values)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs
    # teardowns in reverse); Flask-SQLAlchemy's then finds no session to close.
    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        try:
            db.session.remove()
        except DBAPIError as error:
            db.session.registry.clear()  # drop the broken session; a new one comes next time
            app.logger.warning("The database connection failed while closing a request's "
                               "session (%s); the answer was sent as it was.",
                               type(error.orig).__name__)


class _HideRowValues(logging.Filter):
    """SQLAlchemy's DEBUG log prints every row it reads: profiles, contacts, notes.

    hide_parameters (config.py) hides what is written but not what is read, so
    an administrator turning SQL logging up to DEBUG would copy health and contact
    data into the logs. The row lines stay (their count is useful), their values go.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Row %r":
            record.msg, record.args = "Row [values hidden: health and contact data]", ()
        return True


_hide_row_values = _HideRowValues()


@event.listens_for(Engine, "connect")
def _sqlite_settings(dbapi_connection, _record) -> None:
    """SQLite (the default database): write-ahead log and a busy timeout.

    WAL lets the web workers read while one of them writes a wizard draft (with
    synchronous=NORMAL, the largest single cost per wizard step was the commit's
    fsync; see bench/wizard_load.py), and the busy
    timeout makes a writer wait for the lock instead of failing with "database is
    locked" when two requests write at once. Other databases are left alone.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints rather than every commit: the
        # file stays consistent after a power cut, which may lose only the last
        # moments of wizard drafts (people retype an answer; nothing else is lost).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _render_item(type_, obj, autogen_context):
    """Write our column types as plain SQLAlchemy types in generated migrations,
    so a migration never imports application code that may change later."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


#: Schema changes go through Alembic migrations in migrations/:
#: change a model, then `flask --app screener db migrate -m "why"` and review the file.
migrate = Migrate(render_item=_render_item, compare_type=True)


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware (the only clock the models use)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite keeps no zone and returns naive datetimes; PostgreSQL converts to the
    session's zone. Normalising both to aware UTC means code compares and
    prints the same values on either database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CtgovStudy(db.Model):
    """One ClinicalTrials.gov study record in the local snapshot, as the API sent it.

    The raw JSON is kept (not a parsed form) so a better reader can re-read the
    same snapshot without fetching it again.
    """

    __tablename__ = "ctgov_study"

    nct_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    last_update_post_date: Mapped[str | None] = mapped_column(String(10))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CtgovSyncRun(db.Model):
    """One run of ``screener sync``: when, how it ended, and what it changed.

    ``ok`` is None while the run is under way. The last run with ok=True dates
    the snapshot; a later failed run means the snapshot may be out of date.
    """

    __tablename__ = "ctgov_sync_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ok: Mapped[bool | None] = mapped_column()
    mode: Mapped[str] = mapped_column(String(16))  # full | incremental | dir
    source: Mapped[str] = mapped_column(Text, default="")  # base URL or folder
    message: Mapped[str] = mapped_column(Text, default="")
    data_timestamp: Mapped[str | None] = mapped_column(String(32))  # /version dataTimestamp
    fetched: Mapped[int] = mapped_column(default=0)  # records received
    written: Mapped[int] = mapped_column(default=0)  # records added or replaced
    removed: Mapped[int] = mapped_column(default=0)  # records dropped (full sync)
    total: Mapped[int] = mapped_column(default=0)  # records in the snapshot afterwards


class WizardDraft(db.Model):
    """The answers of one patient-wizard session, kept server-side.

    The id is a random token (secrets.token_urlsafe) that lives only in Flask's
    signed session cookie; the answers themselves never leave the server, since
    the cookie is signed, not encrypted. ``updated_at`` drives the idle expiry
    (WIZARD_DRAFT_IDLE_MINUTES).
    """

    __tablename__ = "wizard_draft"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # step -> {field: [raw values]}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# ---------------------------------------------------------------------------
# The referral desk (issue 10): staff, referrals, their screenings, notes, audit.
# ---------------------------------------------------------------------------

from sqlalchemy import ForeignKey, Index, Integer  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402


class StaffUser(db.Model):
    """A research coordinator or administrator who signs in under /staff/.

    ``password_hash`` is an argon2id hash (argon2-cffi); the password itself is
    never stored or logged. ``failed_logins``/``locked_until`` throttle guessing.
    """

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="coordinator")  # coordinator | admin
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffSession(db.Model):
    """One signed-in staff session, kept on the server.

    Flask-Login's user id in the cookie is this row's random ``id``, so signing
    out (``ended_at``) or the idle / absolute limits end the session on the
    server: a copied cookie is worthless afterwards.
    """

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Referral(db.Model):
    """A patient's answers sent to the research team: by the patient, a physician or the API.

    ``profile``, ``contact`` and ``note`` hold health and contact information and
    are emptied by ``screener purge --older-than`` once the referral is closed and
    past retention (``purged_at`` set); the row, its status history and the
    audit trail stay. ``reference`` is the random code a family or physician is
    shown (never the numeric id, never anything from the profile).
    """

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # patient | physician | api
    language: Mapped[str] = mapped_column(String(8), default="en")
    profile: Mapped[dict | None] = mapped_column(JSON)
    #: patient: name, phone, email, best_time; physician: also physician_name, practice...
    contact: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)  # the referring physician's free text
    consent_text: Mapped[str] = mapped_column(Text, default="")  # exactly as shown
    consent_version: Mapped[str] = mapped_column(String(32), default="")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(32), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: 0 likely_eligible, 1 needs_review, 2 not_eligible, 3 no open trial: the queue's order
    best_rank: Mapped[int] = mapped_column(Integer, default=3)
    #: re-screening flag: newly_likely | no_longer_eligible | None, and what changed
    rescreen_flag: Mapped[str | None] = mapped_column(String(24))
    rescreen_changes: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_referral_queue", "best_rank", "created_at"),
        Index("ix_referral_status", "status"),
        Index("ix_referral_source", "source"),
        Index("ix_referral_assignee", "assignee_id"),
        Index("ix_referral_created", "created_at"),
    )


class ReferralScreening(db.Model):
    """One screening of a referral: at referral time, then after each re-screen.

    ``results``: the contract's screening results for the open trials that are
    candidates (likely eligible / needs review) in full, and for the others only
    the criteria that were not met (what blocks them). ``versions``: trial id ->
    hash of the criteria it was screened against (a criteria file's bytes, or a
    registry trial's read rules); ``snapshot_date``: the registry snapshot used.
    """

    __tablename__ = "referral_screening"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(String(16), default="referral")  # referral | rescreen
    results: Mapped[list] = mapped_column(JSON, default=list)
    versions: Mapped[dict] = mapped_column(JSON, default=dict)
    snapshot_date: Mapped[str | None] = mapped_column(String(10))
    current: Mapped[bool] = mapped_column(default=True)


class ReferralCandidate(db.Model):
    """Verdict of a referral's current screening for one trial (for the queue's trial filter)."""

    __tablename__ = "referral_candidate"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), primary_key=True)
    trial_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_referral_candidate_trial", "trial_id", "verdict"),)


class ReferralNote(db.Model):
    """A coordinator's note on a referral (kept until the referral is purged)."""

    __tablename__ = "referral_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str | None] = mapped_column(Text)


class AuditEvent(db.Model):
    """Append-only trail: every staff view, change and export, sign-ins, purges.

    Never holds profile content or contact details: ``detail`` carries only
    field names, statuses, counts and filter names. Rows are never updated or
    deleted (see ``_audit_is_append_only``).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: outlives users
    actor: Mapped[str] = mapped_column(String(254), default="")  # email, "patient", "system"
    action: Mapped[str] = mapped_column(String(32), index=True)
    referral_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK, as above
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session, _context, _instances) -> None:
    """Refuse to change or delete an audit event through the ORM."""
    changed = [o for o in session.dirty if session.is_modified(o)]
    for obj in changed + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise ValueError("the audit trail is append-only")


class CriteriaFingerprint(db.Model):
    """The curated criteria the open referrals were last re-screened against (one row).

    ``fingerprint`` hashes every curated criteria file's version. When the app
    starts with criteria files that differ from it (a new deployment), the open
    referrals are re-screened at once if few, or a re-screen is reported as
    pending (``screener rescreen``) — see screener/referrals/rescreen.py.
    """

    __tablename__ = "criteria_fingerprint"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    fingerprint: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(db.Model):
    """A bearer token a physician's system sends to the API (``screener create-token``).

    Only the SHA-256 of the token is stored, never the token: it is shown once, when
    made. A fast hash is enough because the token is 256 random bits (nothing to guess
    from a dictionary), and it lets a request find its token by an indexed lookup of the
    hash; a slow salted hash (argon2, as for staff passwords) would need a scan or a
    prefix lookup plus a deliberately slow check on every API request. ``prefix`` (the
    first characters, not secret) names a token in lists and audit without revealing it.
    ``scopes``: space-separated (screener/api/tokens.py lists them). Revoked tokens stay,
    with ``revoked_at``, so the audit trail keeps naming them.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    scopes: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
