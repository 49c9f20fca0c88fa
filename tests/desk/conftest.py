"""Fixtures of the referral desk: staff users, signed-in clients, referrals filed as the app files them."""

from __future__ import annotations

import shutil

import pytest
from argon2 import PasswordHasher
from desk_support import PASSWORD, profile, sign_in

from screener.config import BUNDLED_CRITERIA
from screener.models import StaffUser, db
from screener.referrals.service import create_referral

#: PASSWORD's argon2id hash at the lowest cost: verifying it is real argon2 (the parameters
#: travel in the hash) but takes a millisecond, not the production ~0.3 s per sign-in.
QUICK_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture
def make_user(app):
    """make_user(email, role="coordinator") -> the StaffUser's id (password: PASSWORD)."""

    def make(email: str = "coordinator@example.org", role: str = "coordinator",
             name: str = "") -> int:
        with app.app_context():
            user = StaffUser(email=email, role=role, name=name or email.split("@")[0],
                             password_hash=QUICK_HASH)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def coordinator(client, make_user):
    """A client signed in as a coordinator."""
    make_user("coordinator@example.org", "coordinator")
    assert sign_in(client).status_code == 302
    return client


@pytest.fixture
def admin(client, make_user):
    """A client signed in as an admin."""
    make_user("admin@example.org", "admin")
    assert sign_in(client, "admin@example.org").status_code == 302
    return client


@pytest.fixture
def make_referral(app):
    """make_referral(profile_name, source="patient", **fields) -> the referral's id."""

    def make(name: str = "child-newly-diagnosed", source: str = "patient", **fields) -> int:
        contact = fields.pop("contact", {"name": "Test Family", "phone": "555-0100"})
        with app.app_context():
            return create_referral(profile=profile(name), source=source, contact=contact,
                                   **fields).id

    return make


@pytest.fixture
def criteria(tmp_path):
    """A copy of the bundled criteria files a test may edit (the app reads it when a module's
    ``app_config`` points SCREENER_CRITERIA_DIR at it)."""
    folder = tmp_path / "criteria"
    shutil.copytree(BUNDLED_CRITERIA, folder)
    return folder
