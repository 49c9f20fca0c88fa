"""ALL clinical-trial eligibility pre-screener."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import config as settings

if TYPE_CHECKING:  # Flask is imported inside create_app, so that importing the pure
    from flask import Flask  # engine (screener.eligibility) never loads the web stack.


def create_app(config: dict | None = None, *, instance_path: str | Path | None = None) -> Flask:
    """The app factory: settings from the environment, then ``config`` on top.

    ``instance_path``: the folder for what the app writes (generated secret key,
    default SQLite database, migration lock); default SCREENER_INSTANCE_PATH, else
    Flask's ``instance/`` beside the package.

    Start-up fails (CriteriaError) when a criteria file is broken, naming the
    file, criterion and problem: we never serve verdicts from unchecked rules.
    """
    from flask import Flask

    folder = instance_path or settings.instance_path()
    app = Flask(
        __name__,
        instance_path=str(Path(folder).resolve()) if folder else None,
        instance_relative_config=True,
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    app.json.sort_keys = False  # JSON in the contract's field order (trial, verdict, ...)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings.FIXED)
    app.config.update(settings.from_env(Path(app.instance_path),
                                        secret_key=(config or {}).get("SECRET_KEY")))
    if config:
        app.config.update(config)

    from . import cli, i18n, models, security, views
    from .api import bp as api_bp
    from .api import docs_bp as api_docs_bp
    from .models import db, migrate
    from .trials import catalog

    models.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    security.init_app(app)
    catalog.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(views.bp)
    from .wizard import bp as wizard_bp

    app.register_blueprint(wizard_bp)
    from .referrals.refer import bp as refer_bp

    app.register_blueprint(refer_bp)
    from .referrals import handoff, notify

    notify.init_app(app)  # a broken SCREENER_SMTP_URL stops start-up, naming the problem
    app.register_blueprint(handoff.bp)
    from .staff import auth as staff_auth
    from .staff import bp as staff_bp

    staff_auth.init_app(app)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    security.csrf.exempt(api_bp)
    from .fhir.service import bp as matching_bp

    app.register_blueprint(matching_bp)
    security.csrf.exempt(matching_bp)
    app.register_blueprint(api_docs_bp)
    cli.init_app(app)
    if app.config["SCREENER_AUTO_MIGRATE"]:
        with app.app_context():
            upgrade_database()
    # Criteria files changed since the open referrals were last screened (a new
    # deployment): re-screen now if few, else leave it pending (never a long start).
    from .referrals import rescreen

    rescreen.check_at_start(app)
    return app


#: Alembic migrations (shipped beside the package, like criteria/ and templates/).
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def upgrade_database() -> None:
    """Bring the database schema to the newest migration (inside an app context).

    Idempotent and quick when the schema is current, and safe when several
    workers start together (they take turns). Deployments that prefer an explicit
    release step set SCREENER_AUTO_MIGRATE=0 and run `flask --app screener db upgrade`.
    """
    import fcntl

    from flask import current_app
    from flask_migrate import upgrade
    from sqlalchemy import text

    from .models import db

    # Several workers may start at once: only one migrates at a time (a file lock
    # for SQLite, whose file is local; an advisory lock on a PostgreSQL server),
    # the others then find the schema current and do nothing.
    current_app.config["_SCREENER_MIGRATING_AT_START"] = True
    try:
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(7340210)"))
                try:
                    upgrade(directory=str(MIGRATIONS))
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(7340210)"))
        else:
            lock = Path(current_app.instance_path) / "migrate.lock"
            with open(lock, "w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                upgrade(directory=str(MIGRATIONS))
    finally:
        current_app.config.pop("_SCREENER_MIGRATING_AT_START", None)
