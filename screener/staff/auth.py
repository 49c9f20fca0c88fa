"""Staff sign-in: Flask-Login over server-side sessions, argon2 password hashes, roles.

The cookie carries only a random StaffSession id (as Flask-Login's user id);
the session row decides: ended (signed out) → signed out everywhere that
cookie went; idle over STAFF_IDLE_MINUTES or older than STAFF_ABSOLUTE_HOURS →
signed out, and the sign-in page says which of the two happened.

Guessing is bounded twice: an account is locked for LOCK_MINUTES after
MAX_FAILURES wrong passwords in a row, and POST /staff/login is rate-limited
per client address (SCREENER_LOGIN_RATE_LIMIT), which also bounds guessing of
emails that have no account. Unknown email, wrong password, inactive and
locked account get the same message and status, after the same argon2 work.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..models import StaffSession, StaffUser, db, utcnow
from ..referrals.service import audit
from ..security import limiter
from . import bp

ROLES = ("coordinator", "admin")
#: Wrong passwords in a row that lock an account, and for how long.
MAX_FAILURES = 5
LOCK_MINUTES = 15
#: Passwords of staff accounts: at least this long (sign-in, users page, create-user).
MIN_PASSWORD = 12
MAX_PASSWORD = 1024

hasher = PasswordHasher()
login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.session_protection = "strong"

#: The one message for an unknown email, a wrong password, an inactive and a locked account.
SIGN_IN_FAILED = _l("That email and password do not match an active staff account.")
SIGN_IN_FIRST = _l("Please sign in to see the referral desk.")
TOO_MANY_TRIES = _l("Too many sign-in attempts from this address. Please wait a minute, "
                    "then try again.")


class SignedIn(UserMixin):
    """The signed-in staff user, seen through their server-side session."""

    def __init__(self, user: StaffUser, staff_session: StaffSession):
        self.user, self.staff_session = user, staff_session

    def get_id(self) -> str:
        return self.staff_session.id

    def __getattr__(self, name):
        return getattr(self.user, name)


def init_app(app) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(session_id: str) -> SignedIn | None:
    """The session row's user, or None when the row has ended, gone idle or grown too old.

    The reason a session ends here is kept on ``g`` for the sign-in page's message.
    """
    row = db.session.get(StaffSession, session_id)
    if row is None or row.ended_at is not None:
        return None
    user = db.session.get(StaffUser, row.user_id)
    now = utcnow()
    idle = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["STAFF_ABSOLUTE_HOURS"])
    why = ("deactivated" if user is None or not user.active
           else "absolute" if now - row.created_at > absolute
           else "idle" if now - row.last_seen_at > idle else None)
    if why:
        row.ended_at = now
        if user is not None:  # user= given: audit() must not ask current_user (this loader)
            audit("session_expired", user=user, why=why)
        db.session.commit()
        g.staff_signed_out = why
        return None
    row.last_seen_at = now
    db.session.commit()
    return SignedIn(user, row)


def signed_out_message(why: str | None) -> str:
    """What the sign-in page says to someone sent there (in plain words)."""
    if why == "idle":
        return gettext("You were signed out after %(minutes)s minutes without activity. "
                       "Please sign in again.",
                       minutes=current_app.config["STAFF_IDLE_MINUTES"])
    if why == "absolute":
        return gettext("You were signed out because %(hours)s hours have passed since you "
                       "signed in. Please sign in again.",
                       hours=current_app.config["STAFF_ABSOLUTE_HOURS"])
    return str(SIGN_IN_FIRST)


@login_manager.unauthorized_handler
def sign_in_first():
    """To the sign-in page, saying why, and back to the page asked for afterwards.

    A GET returns to its own address; a refused POST (a form sent after the session
    ended) returns to the page the form was on, whose form can be sent again.
    """
    flash(signed_out_message(g.pop("staff_signed_out", None)), "notice")
    wanted = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
    return redirect(url_for("staff.login", next=safe_next(wanted)))


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path of the desk on this site, else None (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:  # a full URL (the Referer): only if it is this site
        if parts.netloc != request.host or parts.scheme not in ("http", "https"):
            return None
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        parts = urlsplit(target)
    if (not parts.path.startswith("/staff/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 32 for c in target)
            or parts.path in (url_for("staff.login"), url_for("staff.logout"))):
        return None
    return target


def hash_password(password: str) -> str:
    return hasher.hash(password)


def check_password(user: StaffUser | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s (a hash is checked even with no user: same time)."""
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


_DUMMY_HASH = hasher.hash(secrets.token_hex(16))


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be a staff password, in plain words; None when it can."""
    if len(password) < MIN_PASSWORD:
        return gettext("The password is too short: use at least %(n)s characters "
                       "(a few words in a row are easy to remember).", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return gettext("The password is too long: use at most %(n)s characters.",
                       n=MAX_PASSWORD)
    return None


def end_sessions(user: StaffUser, keep: str | None = None) -> None:
    """End every open session of ``user`` on the server but ``keep`` (the caller commits)."""
    db.session.execute(update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.ended_at.is_(None),
        StaffSession.id != (keep or "")).values(ended_at=utcnow()))


def staff_required(*roles: str):
    """A view for signed-in staff (of one of ``roles``, when given): others get 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                return render_template("error.html", title=_l("Not for your role"),
                                       message=_l("Your role cannot open this page."),
                                       link=(url_for("staff.queue"), _l("Back to the queue"))), 403
            return view(*args, **kwargs)

        return wrapped

    return decorate


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(message=_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter your password.")), Length(max=MAX_PASSWORD)])


def start_session(user: StaffUser) -> StaffSession:
    """A new server-side session for ``user`` (a new random id at every sign-in)."""
    row = StaffSession(id=secrets.token_urlsafe(32), user_id=user.id)
    db.session.add(row)
    user.last_login_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    return row


def login_limit() -> str:
    """Sign-in attempts per client address (SCREENER_LOGIN_RATE_LIMIT)."""
    return current_app.config.get("SCREENER_LOGIN_RATE_LIMIT") or "10 per minute"


def _record_failure(user: StaffUser | None, locked: bool, password_ok: bool) -> None:
    """Count and audit a refused sign-in (never the password typed, never an unknown email).

    An unknown email is not written down: people type their password into the
    email field by mistake.
    """
    if user is None:
        audit("sign_in_failed", actor="unknown account", why="unknown_account")
        return
    if not user.active:
        audit("sign_in_failed", user=user, why="inactive")
        return
    if locked:
        audit("sign_in_failed", user=user, why="locked")
        return
    if password_ok:  # cannot happen: active, not locked, right password signs in
        return
    user.failed_logins = (user.failed_logins or 0) + 1
    audit("sign_in_failed", user=user, why="wrong_password", failures=user.failed_logins)
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = utcnow() + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        audit("account_locked", user=user, minutes=LOCK_MINUTES)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], scope="staff-login")
def login():
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(StaffUser).filter_by(email=email))
        password_ok = check_password(user, form.password.data)  # always: same time for all
        now = utcnow()
        locked = user is not None and user.locked_until is not None and user.locked_until > now
        if user is not None and user.active and not locked and password_ok:
            return _signed_in(user)
        _record_failure(user, locked, password_ok)
        db.session.commit()
        flash(SIGN_IN_FAILED, "error")
    status = 400 if form.errors else 200
    return render_template("staff/login.html", form=form), status


def _signed_in(user: StaffUser):
    """Start a fresh session for ``user``: new server-side id, Flask's session cleared."""
    if current_user.is_authenticated:  # signing in again over a live session ends it
        current_user.staff_session.ended_at = utcnow()
    row = start_session(user)
    audit("sign_in", user=user)
    db.session.commit()
    language = session.get("lang")  # not health data; the only thing kept
    session.clear()
    if language:
        session["lang"] = language
    login_user(SignedIn(user, row))
    return redirect(safe_next(request.args.get("next")) or url_for("staff.queue"))


@bp.errorhandler(429)
def too_many_sign_ins(error):
    """The sign-in page again, with the email kept, saying to wait (no audit: unbounded)."""
    form = SignInForm()
    form.password.data = ""
    return render_template("staff/login.html", form=form, refused=TOO_MANY_TRIES), 429


@bp.post("/logout")
@staff_required()
def logout():
    current_user.staff_session.ended_at = utcnow()
    audit("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_l("You are signed out."), "notice")
    return redirect(url_for("staff.login"))
