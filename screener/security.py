"""Security headers, CSRF and the session policy, wired in one place.

- Content-Security-Policy allows only our own origin: no inline scripts, no
  third-party anything (the pages work without JavaScript).
- Responses are never cached: pages can show health information.
- CSRF protection (Flask-WTF) is on for every form; the JSON API, used by
  other systems and not by browsers' forms, is exempted where it is registered.
"""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
talisman = Talisman()

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
    csrf.init_app(app)
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
