"""Bearer tokens for physicians' systems: made, listed and revoked on the command line.

A token is ``scr_`` followed by 43 URL-safe characters (32 random bytes). It is shown
once by ``screener create-token``; the database keeps its SHA-256 (see ApiToken for
why not argon2), a non-secret prefix that names it, and its scopes.

Scopes (a token holds one or more):

- ``referrals:write``: file a referral (POST /api/v1/referrals). Required.
- ``trials:read``: read the trial list and details (GET /api/v1/trials...). Those
  routes are open without a token; a system that sends one anyway is checked (a bad
  token is refused, never ignored) and its use is audited under the token's name.

Each use of a token appends an audit event ``api_token_used`` (actor: the token's
name; detail: method, route pattern, prefix — never a body). A request with a missing,
unknown or revoked token gets 401 with ``WWW-Authenticate: Bearer``; a valid token
without the route's scope gets 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import wraps

from flask import g, jsonify, request

from ..models import ApiToken, db, utcnow

#: The scopes a token can hold, and what each allows.
SCOPES = {
    "referrals:write": "file referrals (POST /api/v1/referrals)",
    "trials:read": "read trials (GET /api/v1/trials, /api/v1/trials/{nct_id}); those routes "
                   "are also open without a token",
}
TOKEN_PREFIX = "scr_"  # noqa: S105 (the public start of every token, not a secret)
#: How many characters of a token name it in lists (``scr_`` and 8 random characters).
PREFIX_LENGTH = 12


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token(name: str, scopes: list[str],
              created_by: str = "command line") -> tuple[ApiToken, str]:
    """A new token row (added, not committed) and the token itself, shown once."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}" if unknown
                         else "a token needs at least one scope")
    while True:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = token[:PREFIX_LENGTH]
        if not db.session.query(ApiToken).filter_by(prefix=prefix).first():
            break
    row = ApiToken(name=name, prefix=prefix, token_hash=token_hash(token),
                   scopes=" ".join(sorted(set(scopes))), created_at=utcnow(),
                   created_by=created_by)
    db.session.add(row)
    return row, token


def find_token(name_or_prefix: str) -> ApiToken | None:
    return (db.session.query(ApiToken).filter_by(name=name_or_prefix).first()
            or db.session.query(ApiToken).filter_by(prefix=name_or_prefix).first())


def _presented() -> str | None:
    """The bearer token of the request, '' when the header is malformed, None when absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return ""
    return token


def _unauthorized(message: str, error: str = "invalid_token"):
    response = jsonify(error=message, errors=[{"field": "Authorization", "message": message}])
    response.status_code = 401
    response.headers["WWW-Authenticate"] = f'Bearer realm="screener", error="{error}"'
    return response


def _lookup(token: str) -> ApiToken | None:
    """The active token whose hash matches, found by its hash (no secret is compared
    character by character: timing can only tell about a hash, not the token)."""
    digest = token_hash(token)
    row = db.session.query(ApiToken).filter_by(token_hash=digest).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row


def require_token(scope: str, optional: bool = False):
    """Guard a view with a bearer token holding ``scope``.

    ``optional``: a request without an Authorization header is let through (an open
    route); one with a header is checked all the same. The token used is ``g.api_token``.
    """

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            g.api_token = None
            token = _presented()
            if token is None:
                if optional:
                    return view(*args, **kwargs)
                return _unauthorized("this route needs a bearer token "
                                     "(Authorization: Bearer scr_...)", "invalid_request")
            row = _lookup(token) if token else None
            if row is None:
                return _unauthorized("the bearer token is not valid")
            if row.revoked_at is not None:
                return _unauthorized("the bearer token was revoked")
            if scope not in row.scopes.split():
                response = jsonify(
                    error=f"the token lacks the scope {scope}",
                    errors=[{"field": "Authorization",
                             "message": f"scope {scope} is needed; the token has "
                                        f"{row.scopes or 'none'}"}])
                response.status_code = 403
                response.headers["WWW-Authenticate"] = (
                    f'Bearer realm="screener", error="insufficient_scope", scope="{scope}"')
                return response
            from ..referrals.service import audit

            row.last_used_at = utcnow()
            audit("api_token_used", actor=f"api:{row.name}", token=row.prefix,
                  method=request.method,
                  route=request.url_rule.rule if request.url_rule else request.path)
            db.session.commit()
            g.api_token = row
            return view(*args, **kwargs)

        return guarded

    return decorate
