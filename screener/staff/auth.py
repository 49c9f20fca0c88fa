"""Staff sign-in: Flask-Login over server-side sessions, argon2 password hashes, roles.

The cookie carries only a random StaffSession id (as Flask-Login's user id);
the session row decides: ended (signed out) → signed out everywhere that
cookie went; idle over STAFF_IDLE_MINUTES or older than STAFF_ABSOLUTE_HOURS →
signed out. Unknown email and wrong password get the same message.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy_gettext as _l
from ..models import StaffSession, StaffUser, db, utcnow
from ..referrals.service import audit
from . import bp

ROLES = ("coordinator", "admin")
hasher = PasswordHasher()
login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = _l("Please sign in to see the referral desk.")
login_manager.session_protection = "strong"

#: The one message for an unknown email, a wrong password and a locked account.
SIGN_IN_FAILED = _l("That email and password do not match an active staff account.")


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
    row = db.session.get(StaffSession, session_id)
    if row is None or row.ended_at is not None:
        return None
    user = db.session.get(StaffUser, row.user_id)
    now = utcnow()
    idle = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["STAFF_ABSOLUTE_HOURS"])
    if user is None or not user.active or now - row.last_seen_at > idle \
            or now - row.created_at > absolute:
        row.ended_at = now
        db.session.commit()
        return None
    row.last_seen_at = now
    db.session.commit()
    return SignedIn(user, row)


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
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


def start_session(user: StaffUser) -> StaffSession:
    row = StaffSession(id=secrets.token_urlsafe(32), user_id=user.id)
    db.session.add(row)
    user.last_login_at = utcnow()
    user.failed_logins = 0
    return row


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.query(StaffUser).filter_by(email=email).first()
        if user is not None and user.active and check_password(user, form.password.data):
            row = start_session(user)
            audit("sign_in", user=user)
            db.session.commit()
            session.clear()
            login_user(SignedIn(user, row))
            return redirect(url_for("staff.queue"))
        audit("sign_in_failed", actor=email[:254])
        db.session.commit()
        flash(SIGN_IN_FAILED, "error")
    return render_template("staff/login.html", form=form), 200 if request.method == "GET" or \
        not form.errors else 400


@bp.post("/logout")
@staff_required()
def logout():
    current_user.staff_session.ended_at = utcnow()
    audit("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))
