"""ALL clinical-trial eligibility pre-screener."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import config as settings

if TYPE_CHECKING:  # Flask is imported inside create_app, so that importing the pure
    from flask import Flask  # engine (screener.eligibility) never loads the web stack.


def create_app(config: dict | None = None) -> Flask:
    """The app factory: settings from the environment, then ``config`` on top.

    Start-up fails (CriteriaError) when a criteria file is broken, naming the
    file, criterion and problem: we never serve verdicts from unchecked rules.
    """
    from flask import Flask

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings.FIXED)
    app.config.update(settings.from_env(Path(app.instance_path)))
    if config:
        app.config.update(config)

    from . import cli, i18n, security, views
    from .api import bp as api_bp
    from .models import db, migrate
    from .trials import catalog

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    security.init_app(app)
    catalog.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(views.bp)
    from .wizard import bp as wizard_bp

    app.register_blueprint(wizard_bp)
    app.register_blueprint(api_bp)
    security.csrf.exempt(api_bp)
    cli.init_app(app)
    if app.config["SCREENER_AUTO_MIGRATE"]:
        with app.app_context():
            upgrade_database()
    return app


#: Alembic migrations (shipped beside the package, like criteria/ and templates/).
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def upgrade_database() -> None:
    """Bring the database schema to the newest migration (inside an app context).

    Idempotent and quick when the schema is current. With several processes
    (gunicorn without --preload) set SCREENER_AUTO_MIGRATE=0 and run
    `flask --app screener db upgrade` once as a release step instead.
    """
    from flask import current_app
    from flask_migrate import upgrade

    current_app.config["_SCREENER_MIGRATING_AT_START"] = True
    try:
        upgrade(directory=str(MIGRATIONS))
    finally:
        current_app.config.pop("_SCREENER_MIGRATING_AT_START", None)
