"""Tell the research team by email that a referral arrived (SCREENER_SMTP_URL; off by default).

The email says only that a referral arrived, where from (patient, physician,
API) and the link to it on the desk: no name, no contact, no health data, no
trial. Whoever reads it signs in to see the rest, and that view is audited.

Failure policy: the referral is committed before anything is sent, so an
SMTP server that is down, slow or refuses us never loses it. The failure is
logged (the kind of error and the referral's id only) and audited as
``notify_failed``; the person who sent it still sees the confirmation, and
the queue shows the referral as always.

SCREENER_SMTP_URL::

    smtp://[user:password@]host[:port]?from=desk@example.org&to=a@example.org,b@example.org
    smtps://...          implicit TLS (port 465 by default)
    smtp://...&starttls=1  STARTTLS before signing in (port 587 usually)
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from ..models import Referral, db

log = logging.getLogger(__name__)

SUBJECT = "A new referral arrived"
#: What the email calls each source (English: it goes to the team, not to the family).
SOURCE_WORDS = {"patient": "a patient or family (the online pre-screener)",
                "physician": "a referring physician (/refer)",
                "api": "another system (the API)"}


class SmtpSettingsError(ValueError):
    """SCREENER_SMTP_URL cannot be used; the message names the problem (never the password)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    sender: str
    recipients: tuple[str, ...]
    timeout: float


def _address(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(local and at and "." in domain and not any(c.isspace() for c in value))


def parse_smtp_url(url: str, timeout: float = 10.0) -> SmtpSettings:
    """The settings in an SMTP URL, or SmtpSettingsError naming what is wrong with it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port that is not a number
        raise SmtpSettingsError(f"SCREENER_SMTP_URL is not a valid URL ({exc})") from None
    if parts.scheme not in ("smtp", "smtps"):
        raise SmtpSettingsError("SCREENER_SMTP_URL must start with smtp:// or smtps:// "
                                f"(it starts with {parts.scheme or 'nothing'!r})")
    if not parts.hostname:
        raise SmtpSettingsError("SCREENER_SMTP_URL names no host (smtp://host:port?...)")
    query = parse_qs(parts.query)
    sender = (query.get("from") or [""])[0].strip()
    recipients = tuple(a.strip() for value in query.get("to", []) for a in value.split(",")
                       if a.strip())
    if not _address(sender):
        raise SmtpSettingsError("SCREENER_SMTP_URL needs ?from=an address the email comes from "
                                "(smtp://host:port?from=desk@example.org&to=team@example.org)")
    if not recipients:
        raise SmtpSettingsError("SCREENER_SMTP_URL needs &to=the team's addresses, "
                                "separated by commas")
    bad = [a for a in recipients if not _address(a)]
    if bad:
        raise SmtpSettingsError(f"SCREENER_SMTP_URL: {bad[0]!r} in to= is not an email address")
    starttls = (query.get("starttls") or ["0"])[0].lower() in ("1", "true", "yes")
    implicit = parts.scheme == "smtps"
    if implicit and starttls:
        raise SmtpSettingsError("SCREENER_SMTP_URL: smtps:// is TLS from the start; "
                                "starttls=1 is for smtp:// only")
    return SmtpSettings(
        host=parts.hostname, port=port or (465 if implicit else 25), implicit_tls=implicit,
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=sender, recipients=recipients, timeout=timeout)


def init_app(app) -> None:
    """Check SCREENER_SMTP_URL at start-up: a typo is found now, not at the first referral."""
    url = app.config.get("SCREENER_SMTP_URL")
    if url:
        parse_smtp_url(url)


def referral_link(referral_id: int) -> str:
    """The desk's page of a referral: SCREENER_PUBLIC_URL + path (the path alone without it)."""
    path = f"/staff/referrals/{referral_id}"
    base = (current_app.config.get("SCREENER_PUBLIC_URL") or "").rstrip("/")
    return base + path


def build_message(referral: Referral, settings: SmtpSettings) -> EmailMessage:
    """The email: that a referral arrived, its source and the link; nothing about the person."""
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[1])
    source = SOURCE_WORDS.get(referral.source, referral.source)
    message.set_content(
        f"A new referral arrived at the referral desk, from {source}.\n\n"
        f"Open it (staff sign-in needed):\n{referral_link(referral.id)}\n\n"
        "On purpose, this email holds no name, no contact details and no health information: "
        "they are on the desk only, where every view is recorded.\n")
    return message


def _send(message: EmailMessage, settings: SmtpSettings) -> None:
    context = ssl.create_default_context()
    if settings.implicit_tls:
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                  context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.starttls:
            server.starttls(context=context)
        if settings.username:
            server.login(settings.username, settings.password or "")
        server.send_message(message)


def notify_new_referral(referral: Referral) -> bool | None:
    """Email the team that ``referral`` (already committed) arrived.

    Returns True when sent, False when sending failed (logged and audited as
    ``notify_failed``; never raised), None when no SMTP server is configured.
    Call it after the referral is committed, from any entry point (wizard
    hand-off, /refer, the API).
    """
    from .service import audit

    url = current_app.config.get("SCREENER_SMTP_URL")
    if not url:
        return None
    try:
        settings = parse_smtp_url(url, timeout=current_app.config["SCREENER_SMTP_TIMEOUT"])
        _send(build_message(referral, settings), settings)
    except Exception as exc:  # noqa: BLE001 -- any failure: the referral is filed regardless
        # The kind of error only: an SMTP reply can quote the message or the addresses.
        log.warning("The email telling the team about referral %s could not be sent (%s); "
                    "the referral is filed and waits in the queue.",
                    referral.id, type(exc).__name__)
        audit("notify_failed", referral=referral, actor="system", error=type(exc).__name__)
        db.session.commit()
        return False
    audit("notify_sent", referral=referral, actor="system",
          recipients=len(settings.recipients))
    db.session.commit()
    return True
