"""Staff accounts, for admins: list, add a coordinator or admin, deactivate, set a new password.

Every page view and change is audited (the target account's id, email and role;
never a password). Deactivating an account or setting its password ends its open
sessions on the server at once. An admin cannot deactivate their own account, so
the desk always keeps one active admin.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from ..i18n import lazy_gettext as _l
from ..models import StaffUser, db, utcnow
from ..referrals.service import audit
from . import bp
from .auth import (
    MAX_PASSWORD,
    ROLES,
    end_sessions,
    hash_password,
    password_problem,
    staff_required,
)

ROLE_NAMES = {"coordinator": _l("Coordinator"), "admin": _l("Admin")}


def _strong_enough(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _password_field(label):
    return PasswordField(label, validators=[
        DataRequired(message=_l("Enter a password for this account.")),
        Length(max=MAX_PASSWORD), _strong_enough])


class NewUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(message=_l("Enter the person's email address.")),
        Length(max=254, message=_l("An email address has at most 254 characters.")),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
               message=_l("Enter an email address like name@example.org."))])
    name = StringField(_l("Name (shown on notes and assignments)"), validators=[
        Length(max=120, message=_l("A name has at most 120 characters."))])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_NAMES[r]) for r in ROLES],
                       default="coordinator")
    password = _password_field(_l("Password (at least 12 characters)"))

    def validate_email(self, field) -> None:
        email = (field.data or "").strip().lower()
        if db.session.scalar(select(StaffUser.id).where(func.lower(StaffUser.email) == email)):
            raise ValidationError(_l("A staff account with this email already exists."))


class NewPasswordForm(FlaskForm):
    password = _password_field(_l("New password (at least 12 characters)"))


class ConfirmForm(FlaskForm):
    """A button's form: only the CSRF token (checked for every POST by CSRFProtect)."""


def _target(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def _about(user: StaffUser) -> dict:
    """What the audit trail says about the account an admin acted on (no password)."""
    return {"target_user_id": user.id, "target_email": user.email, "role": user.role}


@bp.get("/users")
@staff_required("admin")
def users():
    form = NewUserForm()
    return _users_page(form), 200


def _users_page(form: NewUserForm):
    rows = db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(),
                                                         StaffUser.email)).all()
    audit("users_viewed")
    db.session.commit()
    return render_template("staff/users.html", users=rows, form=form, now=utcnow(),
                           role_names=ROLE_NAMES)


@bp.post("/users")
@staff_required("admin")
def create_user():
    form = NewUserForm()
    if not form.validate_on_submit():
        form.password.data = ""  # never sent back to the page
        return _users_page(form), 400
    user = StaffUser(email=form.email.data.strip().lower(), name=form.name.data.strip(),
                     role=form.role.data, password_hash=hash_password(form.password.data))
    db.session.add(user)
    db.session.flush()
    audit("user_created", **_about(user))
    db.session.commit()
    flash(_l("Account created. Give the person their password in person or by phone, "
             "never by email."), "notice")
    return redirect(url_for("staff.user", user_id=user.id), 303)


@bp.get("/users/<int:user_id>")
@staff_required("admin")
def user(user_id: int):
    return _user_page(_target(user_id), NewPasswordForm()), 200


def _user_page(target: StaffUser, form: NewPasswordForm):
    audit("user_viewed", **_about(target))
    db.session.commit()
    return render_template("staff/user.html", target=target, form=form, confirm=ConfirmForm(),
                           now=utcnow(), role_names=ROLE_NAMES,
                           is_self=target.id == current_user.id)


@bp.post("/users/<int:user_id>/password")
@staff_required("admin")
def reset_password(user_id: int):
    target = _target(user_id)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        form.password.data = ""
        return _user_page(target, form), 400
    target.password_hash = hash_password(form.password.data)
    target.failed_logins = 0
    target.locked_until = None
    # One's own: this session stays, the others end.
    end_sessions(target, keep=current_user.staff_session.id)
    audit("password_reset", **_about(target))
    db.session.commit()
    flash(_l("New password set; the account is unlocked and its other sessions are signed "
             "out. Give the person the password in person or by phone, never by email."),
          "notice")
    return redirect(url_for("staff.user", user_id=target.id), 303)


@bp.post("/users/<int:user_id>/deactivate")
@staff_required("admin")
def deactivate_user(user_id: int):
    target = _target(user_id)
    if target.id == current_user.id:
        flash(_l("You cannot deactivate your own account: another admin must do it, so the "
                 "desk always keeps an active admin."), "error")
        return redirect(url_for("staff.user", user_id=target.id), 303)
    if target.active:
        target.active = False
        end_sessions(target)
        audit("user_deactivated", **_about(target))
        db.session.commit()
    flash(_l("Account deactivated: it cannot sign in, and its open sessions were signed out. "
             "Its notes and audit trail are kept."), "notice")
    return redirect(url_for("staff.user", user_id=target.id), 303)


@bp.post("/users/<int:user_id>/reactivate")
@staff_required("admin")
def reactivate_user(user_id: int):
    target = _target(user_id)
    if not target.active:
        target.active = True
        target.failed_logins = 0
        target.locked_until = None
        audit("user_reactivated", **_about(target))
        db.session.commit()
    flash(_l("Account active again: it can sign in with its password."), "notice")
    return redirect(url_for("staff.user", user_id=target.id), 303)
