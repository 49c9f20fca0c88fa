"""Security headers, CSRF and the session policy, wired in one place.

- Content-Security-Policy allows only our own origin: no inline scripts, no
  third-party anything (the pages work without JavaScript).
- Responses are never cached: pages can show health information.
- CSRF protection (Flask-WTF) is on for every form; the JSON API, used by
  other systems and not by browsers' forms, is exempted where it is registered.
- Rate limits (Flask-Limiter) on the API and on form submissions, per client
  address, counted in Redis when REDIS_URL is set so every worker shares them.
  Failure policy: fail open (see ``SharedCountLimiter``): if Redis is down or
  hangs, the limiter counts in memory, per process, and says so once; a
  patient's request never fails because the limiter's store is unreachable.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from flask import (
    Flask,
    current_app,
    has_app_context,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from .i18n import lazy_gettext as _l

csrf = CSRFProtect()


def _redacted(url: str) -> str:
    """``url`` without its password, fit for a log line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{netloc}"))


def _drop_limiter_own_fallback_lines(record: logging.LogRecord) -> bool:
    """Flask-Limiter's own fallback and recovery lines, replaced by SharedCountLimiter's."""
    return not record.getMessage().startswith(("Rate limit storage unreachable",
                                               "Rate limit storage recovered"))


class SharedCountLimiter(Limiter):
    """Flask-Limiter's Limiter that fails open and says so, once, where operators look.

    Failure policy (decided here): fail open. When the Redis holding the shared
    counters is unreachable, or accepts and never answers (SCREENER_REDIS_TIMEOUT
    bounds every connect and read), Flask-Limiter switches to counting in memory
    in each process: every gunicorn worker then allows the full limit on its own,
    so the limits are looser, but no patient's request fails or waits on the
    limiter's store. A refused request would lose nothing, but refusing everyone
    because of a counter store is worse than letting scripts through a little
    faster for a while. It retries Redis now and then and shares counters again
    when it answers.

    Flask-Limiter logs the switch on its own logger, which has no handler under
    gunicorn (silent); this logs one warning per switch on the app's logger,
    naming the store and what it means, not one per request.
    """

    @property
    def _storage_dead(self) -> bool:
        return self.__dict__.get("_shared_counts_lost", False)

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        # Flask-Limiter sets this flag when its store fails and clears it when a
        # later check finds it answering again: the two moments worth a log line.
        was_dead = self.__dict__.get("_shared_counts_lost", False)
        self.__dict__["_shared_counts_lost"] = dead
        if dead == was_dead:
            return
        logger = current_app.logger if has_app_context() else logging.getLogger("screener")
        store = _redacted(current_app.config.get("REDIS_URL") or "") if has_app_context() else ""
        if dead:
            logger.warning(
                "Rate-limit store %s is unreachable or did not answer: rate limits are now "
                "counted per process, in memory (each worker allows the full limit); requests "
                "are still served. Shared counting resumes when the store answers again.",
                store or "(unknown)")
        else:
            logger.info("Rate-limit store %s answers again: rate limits are shared again.",
                        store or "(unknown)")

    def init_app(self, app: Flask) -> None:
        """Bind to ``app`` with shared counting assumed to work until a request shows otherwise."""
        self.__dict__["_shared_counts_lost"] = False
        super().init_app(app)
        self.logger.addFilter(_drop_limiter_own_fallback_lines)


limiter = SharedCountLimiter(key_func=get_remote_address)


def api_limit() -> str:
    """The JSON API's limit per client address (SCREENER_API_RATE_LIMIT)."""
    return current_app.config["SCREENER_API_RATE_LIMIT"]


def form_limit() -> str:
    """The limit on form submissions per client address (SCREENER_FORM_RATE_LIMIT)."""
    return current_app.config["SCREENER_FORM_RATE_LIMIT"]

def plain_http_allowed(view):
    """Let ``view`` answer over plain HTTP too when SCREENER_HTTPS redirects everything else.

    Only for the health check: load balancers probe it over plain HTTP and count a
    redirect as a failure. It shows no personal data, so nothing is exposed.
    """
    view.talisman_view_options = {"force_https": False}
    return view


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


def _error_page(status: int, api_message: str | None, title, message, link="home"):
    """One error answer: JSON under /api/, else a plain page in the visitor's language.

    ``link`` is (href, text), None for no link, or "home" for the start page.
    """
    if api_message and request.path.startswith("/api/"):
        return jsonify(error=api_message, errors=[]), status
    if link == "home":
        link = (url_for("main.index"), _l("Go to the start page"))
    return render_template("error.html", title=title, message=message, link=link), status


def init_app(app: Flask) -> None:
    """Wire headers, CSRF, rate limits and proxy handling into the app."""
    # A form's CSRF token lasts as long as a wizard draft does, so a page left
    # open is not refused sooner than its answers would expire anyway.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", app.config["WIZARD_DRAFT_IDLE_MINUTES"] * 60)

    csrf.init_app(app)
    hops = app.config["SCREENER_PROXY_HOPS"]
    if hops:  # behind N trusted proxies: the client address is in X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    timeout = app.config["SCREENER_REDIS_TIMEOUT"]
    app.config.update(
        RATELIMIT_ENABLED=app.config["SCREENER_RATE_LIMITS"],
        RATELIMIT_STORAGE_URI=app.config.get("REDIS_URL") or "memory://",
        # Passed to redis-py: without them a Redis that accepts and never answers
        # held every request for 5 s or more (redis-py's defaults).
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": timeout,
                                   "socket_timeout": timeout},
        # Fail open (SharedCountLimiter): count in memory when the store fails.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    limiter.init_app(app)

    @app.errorhandler(CSRFError)
    def form_expired(error):
        # The post is refused (it cannot be trusted), but what was saved before is
        # kept; the page says so and links back to a fresh copy of the same form.
        from .wizard.drafts import SESSION_KEY

        if request.path.startswith("/screen/") and not session.get(SESSION_KEY):
            # The session cookie is gone (cleared, blocked or expired): it held the only
            # key to the saved answers, so they cannot be shown again. Say so.
            return _error_page(400, None, _l("This page has expired"), _l(
                "This browser no longer has the key to any answers you saved (its cookie was "
                "cleared or has expired), so we cannot show them again. For your privacy, "
                "answers nobody can reach are deleted automatically. Please start again."),
                link=(url_for("wizard.start"), _l("Start again")))
        return _error_page(400, None, _l("This page has expired"), _l(
            "For your safety, a page that stays open for a long time stops accepting answers. "
            "The answers you saved on earlier pages are kept."),
            link=(request.full_path.rstrip("?"),
                  _l("Open the page again and re-enter its answers")))

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(404, "no such endpoint", _l("Page not found"),
                           _l("There is no page at this address."))

    @app.errorhandler(500)
    def server_error(error):
        return _error_page(500, "internal error; nothing was stored", _l("Something went wrong"),
                           _l("The problem is on our side, not yours. The answers you saved are "
                              "kept: please try again in a moment."))

    @app.errorhandler(429)
    def too_many_requests(error):
        # Nothing the person entered is lost: the draft is untouched by a refused post.
        return _error_page(
            429, "Too many requests from this address; please wait a minute and try again.",
            _l("Please wait a moment"), _l(
                "We received many answers from this address in a short time. Please wait a "
                "minute, then go back and press the button again. Your answers so far are kept."),
            link=None)

    https = app.config.get("SCREENER_HTTPS", False)
    # One Talisman per app: its options live on the object, so a shared one would
    # take the settings of whichever app was created last.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=CSP,
        frame_options="DENY",
        # same-origin, not no-referrer: over HTTPS Flask-WTF's strict CSRF check
        # (WTF_CSRF_SSL_STRICT, kept on) refuses a form post without a same-origin
        # Referer, so with no-referrer every wizard step was refused. same-origin
        # sends the Referer only to this site; links to other sites (registry
        # pages, study teams) get none, so no URL of ours, which can say what a
        # person has, leaks elsewhere.
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def no_store(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
