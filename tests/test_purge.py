"""`screener purge`: expired wizard drafts deleted from cron, on SQLite and PostgreSQL alike.

Each test has a database of its own (the ``app`` fixture), on PostgreSQL when
TESTING_DATABASE_URL is set, so purging here never touches another test's drafts.
"""

from datetime import timedelta

import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.models import WizardDraft, db, utcnow


def _drafts(app, *idle_minutes):
    """Store one draft per entry, last active that many minutes ago; returns their ids."""
    ids = []
    with app.app_context():
        for i, minutes in enumerate(idle_minutes):
            when = utcnow() - timedelta(minutes=minutes)
            draft = WizardDraft(id=f"draft-{i}", answers={"who": {"who": ["patient"]}},
                                created_at=when, updated_at=when)
            db.session.add(draft)
            ids.append(draft.id)
        db.session.commit()
    return ids


def _remaining(app):
    with app.app_context():
        return sorted(d.id for d in db.session.scalars(db.select(WizardDraft)))


def test_purge_deletes_only_drafts_past_the_idle_limit(app):
    """Drafts idle longer than WIZARD_DRAFT_IDLE_MINUTES go; the count is printed; exit 0."""
    limit = app.config["WIZARD_DRAFT_IDLE_MINUTES"]
    old, older, fresh = _drafts(app, limit + 1, 3 * limit, limit - 5)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("removed 2 expired wizard draft(s)")
    assert _remaining(app) == [fresh]


def test_purge_twice_is_safe(app):
    """A second run (cron overlapping, or nothing new expired) removes nothing and exits 0."""
    limit = app.config["WIZARD_DRAFT_IDLE_MINUTES"]
    _drafts(app, limit + 10)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["purge"]).exit_code == 0
    again = runner.invoke(args=["purge"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("removed 0 expired wizard draft(s)")
    assert _remaining(app) == []


@pytest.mark.parametrize("app_config", [{"WIZARD_DRAFT_IDLE_MINUTES": 10}])
def test_purge_honours_a_configured_limit(app):
    """The limit is the app's setting (here 10 minutes), not a fixed two hours."""
    _drafts(app, 11, 9)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "removed 1 expired wizard draft(s) (idle over 10 minutes)" in result.output
    assert _remaining(app) == ["draft-1"]


def test_purge_is_a_screener_command():
    """`screener purge` exists on the console script, with help fit for a crontab reader."""
    result = CliRunner().invoke(main, ["purge", "--help"])
    assert result.exit_code == 0
    assert "WIZARD_DRAFT_IDLE_MINUTES" in result.output and "cron" in result.output


def test_purge_reports_a_database_it_cannot_reach(app):
    """A database that cannot be written (here: no drafts table) is one line and exit 1 (cron mails it), no traceback."""
    with app.app_context():
        WizardDraft.__table__.drop(db.engine)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 1
    assert "purge failed" in result.output and "Traceback" not in result.output
