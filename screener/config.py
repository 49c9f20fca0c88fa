"""Every setting, its safe default and the environment variable that overrides it.

``create_app(config)`` starts from ``from_env()`` and then applies the mapping
it was given (tests pass one), so the environment never has to be touched in
tests. Defaults run the app with nothing configured: SQLite in the instance
folder, the bundled criteria, no network.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The repository's criteria/ folder (the bundled curated trials).
BUNDLED_CRITERIA = Path(__file__).resolve().parent.parent / "criteria"

#: The public ClinicalTrials.gov API v2.
PUBLIC_CTGOV_URL = "https://clinicaltrials.gov/api/v2"


def instance_path() -> str | None:
    """The instance folder (generated secret key, default SQLite database, migration lock).

    SCREENER_INSTANCE_PATH; default: none, Flask's own ``instance/`` beside the package.
    Set it to keep writable state out of the code's folder (a read-only checkout, or a
    test run that must leave the checkout as it found it).
    """
    return os.environ.get("SCREENER_INSTANCE_PATH") or None


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY, or a random key kept in the instance folder.

    Never a fixed fallback: a known key would let anyone forge sessions. Keeping
    the generated key in the instance folder (mode 0600) means a restart does
    not log staff out or orphan wizard drafts.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_env(instance_path: Path, *, secret_key: str | None = None) -> dict:
    """The settings read from the environment, with their defaults.

    ``secret_key``: a key the caller already has (create_app's mapping), so that no
    key file is generated for nothing.
    """
    env = os.environ.get
    return {
        # Signs the session cookie and CSRF tokens. Default: a random key
        # generated once and kept in instance/secret_key.
        "SECRET_KEY": secret_key or _secret_key(instance_path),
        # SQLAlchemy URL of the database. Default: SQLite file in the instance
        # folder. PostgreSQL: postgresql+psycopg://user@host/dbname
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL")
        or f"sqlite:///{instance_path / 'screener.db'}",
        # Redis URL for rate-limit counters shared by every worker and server
        # (redis://127.0.0.1:6379/0). Default: none, each process counts in memory.
        "REDIS_URL": env("REDIS_URL") or None,
        # Seconds to wait for Redis to connect or answer before the limiter counts in
        # memory instead (fail open, see screener/security.py). Redis answers in well
        # under a millisecond; this only bounds how long a hung Redis can hold a request.
        "SCREENER_REDIS_TIMEOUT": float(env("SCREENER_REDIS_TIMEOUT", "0.5")),
        # Base URL of the ClinicalTrials.gov API v2 (tests point it at a local fake).
        "SCREENER_CTGOV_URL": env("SCREENER_CTGOV_URL") or PUBLIC_CTGOV_URL,
        # Folder of curated criteria files. Default: the bundled criteria/.
        "SCREENER_CRITERIA_DIR": env("SCREENER_CRITERIA_DIR") or str(BUNDLED_CRITERIA),
        # Minutes without activity after which a patient-wizard draft (its
        # answers) is deleted and the person starts again: health answers
        # should not linger on a shared computer. Default: 120 (2 hours).
        "WIZARD_DRAFT_IDLE_MINUTES": int(env("WIZARD_DRAFT_IDLE_MINUTES", "120")),
        # Apply database migrations when the app starts (1, the default; workers
        # starting together take turns). Set 0 to run `flask db upgrade` yourself.
        "SCREENER_AUTO_MIGRATE": env("SCREENER_AUTO_MIGRATE", "1") == "1",
        # Rate limits per client address (Flask-Limiter notation); set
        # SCREENER_RATE_LIMITS=0 to switch them off (load tests from one address).
        "SCREENER_RATE_LIMITS": env("SCREENER_RATE_LIMITS", "1") == "1",
        "SCREENER_API_RATE_LIMIT": env("SCREENER_API_RATE_LIMIT") or "60 per minute",
        # A person answers a step every few seconds at most; this leaves room for
        # several people behind one address (a clinic) while stopping scripts.
        "SCREENER_FORM_RATE_LIMIT": env("SCREENER_FORM_RATE_LIMIT") or "300 per minute",
        # Trusted reverse proxies in front of the app (0: none). Set it when behind a
        # load balancer, or every visitor shares the proxy's address and its limit.
        "SCREENER_PROXY_HOPS": int(env("SCREENER_PROXY_HOPS", "0")),
        # Staff sessions (the referral desk): signed out after this many minutes
        # without a request, and this many hours after signing in, whatever happens.
        "STAFF_IDLE_MINUTES": int(env("STAFF_IDLE_MINUTES", "30")),
        "STAFF_ABSOLUTE_HOURS": int(env("STAFF_ABSOLUTE_HOURS", "12")),
        # Staff sign-in attempts per client address (bounds guessing of emails with no
        # account; a known account is also locked for 15 minutes after 5 wrong passwords).
        "SCREENER_LOGIN_RATE_LIMIT": env("SCREENER_LOGIN_RATE_LIMIT") or "10 per minute",
        # At start-up, when the curated criteria files changed since the open referrals
        # were last re-screened, re-screen them there and then if at most this many are
        # open (about a second); more are left to `screener rescreen` (a warning is
        # logged and the queue can say so). 0: never at start-up.
        "SCREENER_RESCREEN_AT_START": int(env("SCREENER_RESCREEN_AT_START", "200")),
        # SMTP server that tells the research team a referral arrived
        # (smtp://user:pass@host:port, smtps://... for TLS; ?from=...&to=a@x,b@y).
        # Default: none, no email is sent (the desk's queue still shows it).
        # The email holds no health data and no name: only a link to the referral.
        "SCREENER_SMTP_URL": env("SCREENER_SMTP_URL") or None,
        # The public address of this site, for links in those emails
        # (https://trials.example.org). Default: none, the link is a path only.
        "SCREENER_PUBLIC_URL": env("SCREENER_PUBLIC_URL") or None,
        # Seconds the SMTP server may take to connect or answer: the family waits for
        # the confirmation meanwhile (a failure never loses the referral).
        "SCREENER_SMTP_TIMEOUT": float(env("SCREENER_SMTP_TIMEOUT", "10")),
        # Referrals a client address may send from the wizard (each emails the team),
        # on top of SCREENER_FORM_RATE_LIMIT.
        "SCREENER_HANDOFF_RATE_LIMIT": env("SCREENER_HANDOFF_RATE_LIMIT") or "10 per hour",
        # Set to 1 behind HTTPS: secure cookies, HSTS, plain HTTP redirected (not /healthz).
        "SCREENER_HTTPS": env("SCREENER_HTTPS", "0") == "1",
    }


#: Fixed settings (not from the environment): the privacy and safety policy.
FIXED = {
    # hide_parameters: SQLAlchemy's error messages (logged) would otherwise quote a
    # failed statement's values: a draft's id (the session's bearer secret) and answers.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # 2 MiB: profiles and bundles are small
}
