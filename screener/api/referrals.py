"""POST /api/v1/referrals: a physician's system files a referral, as the physician form does.

Needs a bearer token with scope ``referrals:write`` (tokens.py). The body:

- ``patient``: the profile, validated as /screen validates it;
- ``contact``: the referring clinician or clinic — ``name`` and at least one of
  ``phone`` / ``email`` (``practice`` optional); stored as the physician form stores it
  (physician_name, practice, phone, email), so the desk shows it the same way;
- ``consent``: ``text`` (the wording the patient agreed to, as shown to them) and
  ``version`` (the calling system's id for that wording): the system attests the patient
  agreed to be referred; both are stored with the referral;
- ``note`` (optional, at most 2,000 characters) and ``language`` (``en`` or ``es``,
  the patient's; default ``en``).

The referral is filed with source ``api`` (the audit names the token), screened against
the open trials, and the research team is notified. The answer (201) gives the
reference and that screening; never an id or a staff URL. Bodies are never logged.
"""

from __future__ import annotations

from flask import g, jsonify, request

from ..profile import ProfileError, validate_profile
from ..referrals import notify
from ..referrals.service import create_referral, current_screening
from ..security import api_limit, limiter
from . import bp
from .routes import FHIR_JSON, _error, _parse_body
from .tokens import require_token

FIELDS = ("patient", "contact", "consent", "note", "language")
CONTACT_FIELDS = {"name": 120, "practice": 200, "phone": 40, "email": 254}
CONSENT_FIELDS = {"text": 4000, "version": 32}
MAX_NOTE = 2000
LANGUAGES = ("en", "es")
#: What "blank" means (see _strings); NOT_BLANK fields must have something else.
BLANK = " \t\r\n"
NOT_BLANK = {"name", "phone", "email", "text", "version"}


def _strings(value, name: str, limits: dict, required: tuple[str, ...]) -> tuple[dict, list]:
    """The object ``value``'s string fields and the problems found, each naming its field.

    A field in ``NOT_BLANK`` must hold more than spaces, tabs and line breaks (blank means
    exactly those, here and in the OpenAPI document's patterns, so that every JSON Schema
    engine agrees with this code). Other blank fields are dropped. Values are stored trimmed.
    """
    if not isinstance(value, dict):
        return {}, [f"{name}: must be an object"]
    errors = [f"{name}.{key}: is not a field ({', '.join(limits)})"
              for key in sorted(set(value) - set(limits))]
    out = {}
    for key, limit in limits.items():
        if key not in value:
            if key in required:
                errors.append(f"{name}.{key}: is required")
            continue
        item = value[key]
        if not isinstance(item, str):
            errors.append(f"{name}.{key}: must be a string")
        elif len(item) > limit:
            errors.append(f"{name}.{key}: at most {limit} characters")
        elif not item.strip(BLANK):
            if key in NOT_BLANK:
                errors.append(f"{name}.{key}: is blank")
        else:
            out[key] = item.strip()
    return out, errors


@bp.post("/referrals")
@limiter.limit(api_limit)
@require_token("referrals:write")
def file_referral():
    """File a referral for the research team; answer its reference and screening."""
    if request.mimetype == FHIR_JSON:
        return _error(400, "a referral is JSON (Content-Type: application/json); a FHIR "
                      "Bundle can be screened at /api/v1/screen, and its imported profile "
                      "sent here as patient")
    if not request.is_json:
        return _error(400, "the request body must be JSON (Content-Type: application/json)")
    body = _parse_body()
    if isinstance(body, tuple):
        return body
    if not isinstance(body, dict):
        return _error(422, "the request body must be a JSON object",
                      ["(body): must be an object with patient, contact and consent"])
    errors = [f"{key}: is not a request field ({', '.join(FIELDS)})"
              for key in sorted(set(body) - set(FIELDS))]
    errors += [f"{key}: is required" for key in ("patient", "contact", "consent")
               if key not in body]
    contact, problems = _strings(body.get("contact", {}), "contact", CONTACT_FIELDS, ("name",))
    errors += problems if "contact" in body else []
    raw = body.get("contact")
    if isinstance(raw, dict) and "phone" not in raw and "email" not in raw:
        errors.append("contact.phone: a phone or an email is required")
    if "@" not in contact.get("email", "@"):  # as lenient as the physician form
        errors.append("contact.email: is not an email address (no @)")
    consent, problems = _strings(body.get("consent", {}), "consent", CONSENT_FIELDS,
                                 ("text", "version"))
    errors += problems if "consent" in body else []
    note = body.get("note", "")
    if not isinstance(note, str):
        errors.append("note: must be a string")
    elif len(note) > MAX_NOTE:
        errors.append(f"note: at most {MAX_NOTE} characters")
    language = body.get("language", "en")
    if language not in LANGUAGES:
        errors.append(f"language: must be one of {', '.join(LANGUAGES)}")
    profile = None
    if "patient" in body:
        try:
            profile = validate_profile(body["patient"])
        except ProfileError as exc:
            errors += [f"patient.{e}" if not e.startswith("(") else f"patient: {e}"
                       for e in exc.errors]
    if errors:
        return _error(422, "the referral breaks the contract", errors)
    stored_contact = {key: value for key, value in (
        ("physician_name", contact.get("name")), ("practice", contact.get("practice")),
        ("phone", contact.get("phone")), ("email", contact.get("email"))) if value}
    referral = create_referral(
        profile=profile, source="api", contact=stored_contact, language=language,
        note=note.strip() or None, consent_text=consent["text"],
        consent_version=consent["version"], actor=f"api:{g.api_token.name}")
    notify.notify_new_referral(referral)  # after the commit; never raises
    screening = current_screening(referral)
    response = jsonify(reference=referral.reference, status=referral.status,
                       results=screening.results if screening else [])
    response.status_code = 201
    return response
