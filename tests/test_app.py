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
