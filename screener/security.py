"""Security headers, CSRF and the session policy, wired in one place.

- Content-Security-Policy allows only our own origin: no inline scripts, no
  third-party anything (the pages work without JavaScript).
- Responses are never cached: pages can show health information.
- CSRF protection (Flask-WTF) is on for every form; the JSON API, used by
  other systems and not by browsers' forms, is exempted where it is registered.
- Rate limits (Flask-Limiter) on the API and on form submissions, per client
  address, counted in Redis when REDIS_URL is set so every worker shares them.
  Failure policy: if Redis is down the limiter counts in memory and logs it; a
  patient's request never fails because the limiter's store is unreachable.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)


def api_limit() -> str:
    """The JSON API's limit per client address (SCREENER_API_RATE_LIMIT)."""
    return current_app.config["SCREENER_API_RATE_LIMIT"]


def form_limit() -> str:
    """The limit on form submissions per client address (SCREENER_FORM_RATE_LIMIT)."""
    return current_app.config["SCREENER_FORM_RATE_LIMIT"]

CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def init_app(app: Flask) -> None:
    """Wire headers, CSRF, rate limits and proxy handling into the app."""
    # A form's CSRF token lasts as long as a wizard draft does, so a page left
    # open is not refused sooner than its answers would expire anyway.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", app.config["WIZARD_DRAFT_IDLE_MINUTES"] * 60)

    csrf.init_app(app)
    hops = app.config["SCREENER_PROXY_HOPS"]
    if hops:  # behind N trusted proxies: the client address is in X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config.update(
        RATELIMIT_ENABLED=app.config["SCREENER_RATE_LIMITS"],
        RATELIMIT_STORAGE_URI=app.config.get("REDIS_URL") or "memory://",
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    limiter.init_app(app)

    @app.errorhandler(CSRFError)
    def form_expired(error):
        # The post is refused (it cannot be trusted), but what was saved before is
        # kept; the page says so and links back to a fresh copy of the same form.
        again = request.full_path.rstrip("?")
        return render_template("errors/form_expired.html", again=again), 400

    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):
            return jsonify(error="no such endpoint", errors=[]), 404
        return render_template("errors/not_found.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        if request.path.startswith("/api/"):
            return jsonify(error="internal error; nothing was stored", errors=[]), 500
        return render_template("errors/server_error.html"), 500

    @app.errorhandler(429)
    def too_many_requests(error):
        # Nothing the person entered is lost: the draft is untouched by a refused post.
        message = "Too many requests from this address; please wait a minute and try again."
        if request.path.startswith("/api/"):
            return jsonify(error=message, errors=[]), 429
        return render_template("errors/too_many.html"), 429

    https = app.config.get("SCREENER_HTTPS", False)
    talisman.init_app(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="no-referrer",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
