"""The app's front door: health check, trial list, security headers."""


def test_healthz_counts_loaded_trials(client, app):
    """/healthz answers JSON with status and the number of trials loaded."""
    from screener.eligibility.loader import criteria_files

    data = client.get("/healthz").get_json()
    assert data["status"] == "ok"
    assert data["trials"] >= len(criteria_files(app.config["SCREENER_CRITERIA_DIR"]))


def test_security_headers(client):
    """Pages carry a strict CSP, no framing, a same-origin referrer, and are never cached."""
    response = client.get("/healthz")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_secret_key_is_generated_and_kept(tmp_path, monkeypatch):
    """Without SECRET_KEY a random key is made once and reused after a restart."""
    from screener.config import _secret_key

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = _secret_key(tmp_path)
    assert len(first) == 64 and _secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_app_writes_only_into_its_instance_folder(tmp_path, monkeypatch):
    """create_app(instance_path=...) keeps its generated key, default database and migration
    lock there; a SECRET_KEY in the mapping generates no key file at all."""
    from screener import create_app

    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    create_app({"TESTING": True}, instance_path=tmp_path / "bare")
    assert {p.name for p in (tmp_path / "bare").iterdir()} >= {
        "migrate.lock", "screener.db", "secret_key"}
    create_app({"TESTING": True, "SECRET_KEY": "x"}, instance_path=tmp_path / "keyed")
    assert "secret_key" not in {p.name for p in (tmp_path / "keyed").iterdir()}


def test_apps_started_by_the_tests_keep_out_of_the_checkout(tmp_path):
    """tests/conftest.py points SCREENER_INSTANCE_PATH outside the checkout, so no test run
    leaves instance/secret_key or instance/migrate.lock behind (.ci/run checks the tree too)."""
    from pathlib import Path

    from screener import create_app

    checkout = Path(__file__).resolve().parents[1]
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    assert not Path(app.instance_path).is_relative_to(checkout), app.instance_path
