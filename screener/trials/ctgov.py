"""A client for the ClinicalTrials.gov API v2: /studies, /studies/{nctId} and /version.

Every request is built from the official OpenAPI document
(shared/ctgov/ctgov-api-v2-openapi.yaml, version 2.0.5); tests check each one
against it. The client is used by ``screener sync`` and by staff tools only:
the app never calls the live API inside a patient's request (patients are
screened against the local snapshot, see snapshot.py).

Failure policy (written out where it happens, in ``CtgovClient._get``):
connect and read timeouts on every call; GET only; at most 3 retries with
exponential backoff plus jitter, honouring ``Retry-After``, on connection
errors, timeouts, 429 and 5xx; never on 400, 403, 404 or any other 4xx; a body
that is not the JSON we asked for is an error, not something to guess around.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import requests

from ..config import PUBLIC_CTGOV_URL

#: ``query.cond`` for acute lymphoblastic leukemia and the names the registry
#: also files it under (Essie syntax: quoted phrases joined by OR). Wide on
#: purpose: a study we never fetch is a trial a patient never sees.
ALL_CONDITION_QUERY = " OR ".join(f'"{name}"' for name in (
    "acute lymphoblastic leukemia",
    "acute lymphoblastic leukaemia",
    "acute lymphocytic leukemia",
    "acute lymphoid leukemia",
    "lymphoblastic leukemia",
    "lymphoblastic lymphoma",
    "precursor B-cell lymphoblastic leukemia-lymphoma",
    "precursor T-cell lymphoblastic leukemia-lymphoma",
    "B-ALL",
    "T-ALL",
))

#: Statuses fetched by default: trials a patient can still join.
DEFAULT_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING")

#: The parts of a study record the screener reads (study.py turns them into a
#: Trial): identification, status, sponsor, conditions, phases, eligibility,
#: interventions and sites. Descriptions, results, documents and derived
#: sections are the bulk of a record and are never asked for.
STUDY_FIELDS = (
    "IdentificationModule",
    "StatusModule",
    "SponsorCollaboratorsModule",
    "ConditionsModule",
    "DesignModule",
    "EligibilityModule",
    "ArmsInterventionsModule",
    "ContactsLocationsModule",
)

#: The API's maximum page size (larger values are coerced down to it).
PAGE_SIZE = 1000

NCT_ID = re.compile(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")


class CtgovError(Exception):
    """The registry could not be read; ``str()`` is one line saying what happened."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class GeocodeError(ValueError):
    """A ZIP code we cannot place on the map (malformed or unknown)."""


@dataclass(frozen=True)
class Version:
    """The API's ``/version`` answer: API version and the data's UTC timestamp."""

    api_version: str
    data_timestamp: str | None


def zip_to_point(zip_code: str) -> tuple[float, float]:
    """Latitude and longitude of a US ZIP code, looked up offline.

    Uses the ``zipcodes`` package's bundled table, so no address ever leaves
    the server. Raises GeocodeError for a malformed or unknown ZIP.
    """
    import zipcodes  # imported here: loading its table costs time the app rarely needs

    match = _ZIP.match(str(zip_code).strip())
    if not match:
        raise GeocodeError(f"{zip_code!r} is not a US ZIP code (12345 or 12345-6789)")
    found = zipcodes.matching(match.group(1))
    if not found:
        raise GeocodeError(f"ZIP code {match.group(1)} is not in the ZIP table")
    return float(found[0]["lat"]), float(found[0]["long"])


def geo_filter(zip_code: str, miles: int | float) -> str:
    """``filter.geo`` value for sites within ``miles`` of a ZIP: distance(lat,lon,Nmi)."""
    if not isinstance(miles, int | float) or isinstance(miles, bool) or miles <= 0:
        raise ValueError(f"distance must be a positive number of miles, not {miles!r}")
    lat, lon = zip_to_point(zip_code)
    return f"distance({lat:.4f},{lon:.4f},{_number(miles)}mi)"


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def age_filter(age_years: int | float) -> str:
    """``filter.advanced`` clause keeping studies whose age limits admit this age.

    Uses the spec's RANGE syntax (``AREA[MinimumAge]RANGE[MIN, 16 years]`` and
    ``AREA[MaximumAge]RANGE[16 years, MAX]``). A study that states no limit
    (MISSING) is kept: the registry leaves "N/A" ages out, and dropping those
    studies would hide trials the patient may well fit. Fractional ages are
    written in whole months, rounded down, so a boundary is never crossed by
    rounding up.
    """
    if not isinstance(age_years, int | float) or isinstance(age_years, bool) or age_years < 0:
        raise ValueError(f"age must be a non-negative number of years, not {age_years!r}")
    if float(age_years).is_integer():
        age = f"{int(age_years)} years"
    else:
        age = f"{math.floor(age_years * 12)} months"
    return (f"(AREA[MinimumAge]MISSING OR AREA[MinimumAge]RANGE[MIN, {age}])"
            f" AND (AREA[MaximumAge]MISSING OR AREA[MaximumAge]RANGE[{age}, MAX])")


def updated_since(since: date | str) -> str:
    """``filter.advanced`` clause for studies updated on or after a date (incremental sync)."""
    text = since.isoformat() if isinstance(since, date) else str(since)
    if not _DATE.match(text):
        raise ValueError(f"since must be a date YYYY-MM-DD, not {since!r}")
    return f"AREA[LastUpdatePostDate]RANGE[{text},MAX]"


def search_params(*, statuses=DEFAULT_STATUSES, zip_code: str | None = None,
                  miles: int | float = 100, age_years: int | float | None = None,
                  since: date | str | None = None, fields=STUDY_FIELDS,
                  condition: str = ALL_CONDITION_QUERY) -> dict[str, str]:
    """Query parameters for ``GET /studies``: ALL studies, filtered as asked.

    ``statuses`` empty or None means every status. Array parameters are
    pipe-delimited (the spec's ``style: pipeDelimited``).
    """
    params = {"format": "json", "query.cond": condition, "pageSize": str(PAGE_SIZE),
              "countTotal": "true"}
    if statuses:
        params["filter.overallStatus"] = "|".join(statuses)
    if zip_code is not None:
        params["filter.geo"] = geo_filter(zip_code, miles)
    advanced = []
    if age_years is not None:
        advanced.append(age_filter(age_years))
    if since is not None:
        advanced.append(updated_since(since))
    if advanced:
        params["filter.advanced"] = " AND ".join(
            f"({clause})" if len(advanced) > 1 else clause for clause in advanced)
    if fields:
        params["fields"] = "|".join(fields)
    return params


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class CtgovClient:
    """ClinicalTrials.gov API v2 over one ``requests.Session``.

    ``sleep``, ``clock`` and ``jitter`` are injectable so tests run the retry
    and pacing logic without waiting. ``min_interval`` is the least time
    between two requests the client starts on its own initiative (paging,
    retries): one per second by default, as a polite client of a public API.
    """

    #: Retries after the first attempt, at most.
    MAX_RETRIES = 3
    #: A server asking us to wait longer than this (Retry-After) gets a failed
    #: sync rather than a sync that hangs for hours.
    MAX_RETRY_AFTER = 120.0

    def __init__(self, base_url: str = PUBLIC_CTGOV_URL, *, session: requests.Session | None = None,
                 connect_timeout: float = 5.0, read_timeout: float = 30.0,
                 min_interval: float = 1.0, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 jitter: Callable[[], float] = random.random):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.setdefault("Accept", "application/json")
        self.timeout = (connect_timeout, read_timeout)
        self.min_interval = min_interval
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._last_request: float | None = None
        #: Every request sent, as (path, params): tests check them against the spec.
        self.sent: list[tuple[str, dict[str, str]]] = []

    @classmethod
    def from_app(cls, app, **kwargs) -> CtgovClient:
        """A client for the app's configured base URL (SCREENER_CTGOV_URL)."""
        return cls(app.config["SCREENER_CTGOV_URL"], **kwargs)

    # -- endpoints ---------------------------------------------------------

    def version(self) -> Version:
        """``GET /version``: API version and the data's timestamp (UTC)."""
        body = self._get("/version", {})
        if not isinstance(body, dict) or not isinstance(body.get("apiVersion"), str):
            raise CtgovError("/version answered without an apiVersion")
        stamp = body.get("dataTimestamp")
        return Version(body["apiVersion"], stamp if isinstance(stamp, str) else None)

    def study(self, nct_id: str, fields=STUDY_FIELDS) -> dict:
        """``GET /studies/{nctId}``: one study record."""
        if not isinstance(nct_id, str) or not NCT_ID.match(nct_id):
            raise ValueError(f"{nct_id!r} is not an NCT id")
        params = {"format": "json"}
        if fields:
            params["fields"] = "|".join(fields)
        body = self._get(f"/studies/{nct_id.upper()}", params)
        check_study(body, f"/studies/{nct_id}")
        return body

    def pages(self, params: dict[str, str]) -> Iterator[dict]:
        """``GET /studies`` page by page, following ``nextPageToken`` to the end.

        Every page after the first repeats the first page's parameters (the
        spec requires it) plus ``pageToken``. Yields each page's body.
        """
        token = None
        seen = set()
        while True:
            page_params = dict(params)
            if token is not None:
                page_params["pageToken"] = token
                page_params.pop("countTotal", None)  # only counted on the first page
            body = self._get("/studies", page_params)
            if not isinstance(body, dict) or not isinstance(body.get("studies"), list):
                raise CtgovError("/studies answered without a studies list")
            for study in body["studies"]:
                check_study(study, "/studies")
            yield body
            token = body.get("nextPageToken")
            if not token:
                return
            if token in seen:
                # A server handing back a token it already gave would loop forever.
                raise CtgovError(f"/studies repeated page token {token!r}; stopped paging")
            seen.add(token)

    def studies(self, **filters) -> Iterator[dict]:
        """Every ALL study matching ``filters`` (see ``search_params``), all pages."""
        for page in self.pages(search_params(**filters)):
            yield from page["studies"]

    # -- transport ---------------------------------------------------------

    def _pace(self) -> None:
        """Wait so that requests start at least ``min_interval`` seconds apart."""
        if self._last_request is not None:
            wait = self._last_request + self.min_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def _get(self, path: str, params: dict[str, str]):
        """One GET with the failure policy below; returns the parsed JSON body."""
        url = self.base_url + path
        attempt = 0
        while True:
            self._pace()
            self.sent.append((path, dict(params)))
            wait = None
            try:
                response = self.session.get(url, params=params, timeout=self.timeout,
                                            allow_redirects=True)
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                # Failure policy: network trouble (refused, reset, a read that
                # stalls past the timeout, a body cut short) is worth retrying:
                # GET is idempotent.
                problem = f"{path}: {_network_problem(exc)}"
            except requests.RequestException as exc:
                # Anything else requests refuses (a redirect loop, a bad URL) will
                # not mend itself on a retry.
                raise CtgovError(f"{path}: {type(exc).__name__}, not retried") from exc
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    # Failure policy: the server is busy or broken; retry, waiting
                    # at least as long as it asks (Retry-After), up to a limit.
                    problem = f"{path}: HTTP {status} {response.reason or ''}".rstrip()
                    wait = _retry_after(response.headers.get("Retry-After"), time.time())
                    if wait is not None and wait > self.MAX_RETRY_AFTER:
                        raise CtgovError(f"{problem}; server asked to wait {wait:.0f} s, "
                                         "more than we wait", status)
                elif status >= 400:
                    # Failure policy: 400/403/404 (any 4xx but 429) will not change
                    # on a retry; asking again would only hammer the server.
                    reason = f" {response.reason}" if response.reason else ""
                    raise CtgovError(f"{path}: HTTP {status}{reason}, not retried", status)
                else:
                    return _json_body(response, path)
            if attempt >= self.MAX_RETRIES:
                raise CtgovError(f"{problem}; gave up after {attempt + 1} attempts")
            backoff = self.backoff * (2 ** attempt) + self._jitter() * self.backoff
            attempt += 1
            self._sleep(max(backoff, wait or 0.0))


def _network_problem(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broke off mid-response"
    return "could not connect"


def _json_body(response: requests.Response, path: str):
    """The body parsed as JSON; a CtgovError naming the problem otherwise."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise CtgovError(f"{path}: expected JSON, got {kind} (HTTP {response.status_code})")
    try:
        return response.json()
    except ValueError as exc:
        raise CtgovError(f"{path}: the JSON body is broken or cut short "
                         f"({len(response.content)} bytes)") from exc


def check_study(study, where: str) -> None:
    """Raise CtgovError unless ``study`` carries a valid NCT id.

    That is all a record needs to be stored: every module but identification
    is optional in the API's answers, and fields we do not know are kept.
    """
    nct = None
    if isinstance(study, dict):
        ident = (study.get("protocolSection") or {}).get("identificationModule") or {}
        nct = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(nct, str) or not NCT_ID.match(nct):
        raise CtgovError(f"{where}: a study record without a valid NCT id")


def nct_id_of(study: dict) -> str:
    """The NCT id of a study record (upper case)."""
    return study["protocolSection"]["identificationModule"]["nctId"].upper()


def last_update_of(study: dict) -> str | None:
    """The study's LastUpdatePostDate (YYYY-MM-DD), if the record carries one."""
    status = (study.get("protocolSection") or {}).get("statusModule") or {}
    struct = status.get("lastUpdatePostDateStruct") if isinstance(status, dict) else None
    value = struct.get("date") if isinstance(struct, dict) else None
    return value if isinstance(value, str) else None


def parse_data_timestamp(value: str | None) -> datetime | None:
    """The /version dataTimestamp (``yyyy-MM-dd'T'HH:mm:ss``, UTC) as an aware datetime."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
