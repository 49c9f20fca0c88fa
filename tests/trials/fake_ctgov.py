"""A local fake of the ClinicalTrials.gov API v2, and a checker for the requests it gets.

The fake serves the shared study records (tests/trials/data/studies) on
127.0.0.1 through werkzeug's WSGI server in a thread: /api/v2/version,
/api/v2/studies (status and LastUpdatePostDate filters, paging by pageToken)
and /api/v2/studies/{nctId}. Faults are queued per path so a test can make
one page answer 429, stall, break off, or send HTML. Every request it receives
is checked against the official OpenAPI document's parameter schemas.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

DATA = Path(__file__).resolve().parent / "data"
SPEC = yaml.safe_load((DATA / "ctgov-api-v2-openapi.yaml").read_text(encoding="utf-8"))
STUDIES_DIR = DATA / "studies"


def response(name: str) -> dict:
    """One of the real API responses in data/responses."""
    return json.loads((DATA / "responses" / name).read_text(encoding="utf-8"))


def shared_studies() -> list[dict]:
    """The 96 shared ALL study records, as fresh copies."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(STUDIES_DIR.glob("*.json"))]


def nct(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


# -- checking requests against the OpenAPI document -------------------------

def _resolve(node):
    """The schema with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(target)
        return {k: _resolve(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v) for v in node]
    return node


_OPERATIONS = {
    "/studies": SPEC["paths"]["/studies"]["get"],
    "/studies/{nctId}": SPEC["paths"]["/studies/{nctId}"]["get"],
    "/version": SPEC["paths"]["/version"]["get"],
}


def _deserialize(raw: str, parameter: dict):
    """A query string value as the spec's schema types it (arrays, integers, booleans)."""
    schema = parameter["schema"]
    kind = schema.get("type")
    if kind == "array":
        # style pipeDelimited, explode false; the spec also accepts commas.
        return re.split(r"[|,]", raw)
    if kind == "integer":
        return int(raw) if re.fullmatch(r"-?\d+", raw) else raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def request_problems(path: str, args: dict[str, list[str]]) -> list[str]:
    """Every way a GET request breaks the OpenAPI document (empty when it is valid)."""
    problems = []
    if path.startswith("/studies/") and path.count("/") == 2:
        template, nct_id = "/studies/{nctId}", path.split("/")[2]
    else:
        template, nct_id = path, None
    operation = _OPERATIONS.get(template)
    if operation is None:
        return [f"{path}: not an operation of the spec"]
    parameters = {p["name"]: p for p in operation.get("parameters", [])}
    for name, parameter in parameters.items():
        if parameter["in"] == "path":
            try:
                jsonschema.validate(nct_id, _resolve(parameter["schema"]))
            except jsonschema.ValidationError as exc:
                problems.append(f"{path}: path {name}: {exc.message}")
        elif parameter.get("required") and name not in args:
            problems.append(f"{path}: required parameter {name} missing")
    for name, values in args.items():
        parameter = parameters.get(name)
        if parameter is None or parameter["in"] != "query":
            problems.append(f"{path}: unknown query parameter {name}")
            continue
        if len(values) != 1:
            problems.append(f"{path}: {name} given {len(values)} times")
            continue
        try:
            jsonschema.validate(_deserialize(values[0], parameter), _resolve(parameter["schema"]))
        except jsonschema.ValidationError as exc:
            problems.append(f"{path}: {name}={values[0]!r}: {exc.message}")
    return problems


# -- the fake server ---------------------------------------------------------

@dataclass
class Fault:
    """Answer the matching request(s) badly: ``kind`` after ``skip`` good ones, ``times`` times."""

    path: str  # "/studies", "/studies/NCT...", "/version" (prefix match on the API path)
    kind: str  # 429 | 500 | 503 | 403 | 404 | stall | truncated | cut | html
    times: int = 1
    skip: int = 0
    retry_after: str | None = None


@dataclass
class FakeCtgov:
    """The fake API's state: its studies, faults to inject and what it was asked."""

    studies: list[dict] = field(default_factory=shared_studies)
    data_timestamp: str = "2026-11-20T08:15:00"
    page_size: int | None = None  # force smaller pages than the client asks for
    faults: list[Fault] = field(default_factory=list)
    received: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stall_seconds: float = 5.0
    #: Recorded real pages by the pageToken that asks for them (None: the first
    #: page); when set, /studies replays them instead of paging ``studies``.
    recorded_pages: dict | None = None
    base_url: str = ""
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, path: str, kind: str, *, times: int = 1, skip: int = 0,
             retry_after: str | None = None) -> None:
        """Queue a fault for requests to ``path``."""
        self.faults.append(Fault(path, kind, times, skip, retry_after))

    def paths(self, prefix: str = "") -> list[str]:
        """The API paths requested so far, in order."""
        return [p for p, _ in self.received if p.startswith(prefix)]

    # -- WSGI --

    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path.removeprefix("/api/v2")
        args = {k: request.args.getlist(k) for k in request.args}
        with self._lock:
            self.received.append((path, args))
            if request.method != "GET":
                self.problems.append(f"{request.method} {path}: the client only ever GETs")
            self.problems.extend(request_problems(path, args))
            fault = self._take_fault(path)
        response = self._fault(fault) if fault else self._answer(path, args)
        return response(environ, start_response)

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if path.startswith(fault.path) and fault.times > 0:
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                fault.times -= 1
                return fault
        return None

    def _fault(self, fault: Fault) -> Response:
        if fault.kind in ("429", "500", "503", "403", "404"):
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return Response(f"fault {fault.kind}", status=int(fault.kind),
                            content_type="text/plain", headers=headers)
        if fault.kind == "stall":
            # Hold the answer past the client's read timeout (released at teardown).
            self._release.wait(self.stall_seconds)
            return _json({"studies": []})
        if fault.kind == "truncated":
            body = json.dumps({"studies": self.studies[:3]})
            return Response(body[: len(body) // 2], content_type="application/json")
        if fault.kind == "cut":
            # Promise the whole body, send half, close the connection.
            body = json.dumps({"studies": self.studies[:3]}).encode()

            def cut(environ, start_response):
                start_response("200 OK", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(body))),
                                          ("Connection", "close")])
                return [body[: len(body) // 2]]

            return cut
        if fault.kind == "html":
            return Response("<!doctype html><html><body><h1>Scheduled maintenance</h1>"
                            "</body></html>", content_type="text/html; charset=utf-8")
        raise ValueError(f"unknown fault {fault.kind}")

    def _answer(self, path: str, args: dict[str, list[str]]) -> Response:
        if path == "/version":
            return _json({"apiVersion": "2.0.5", "dataTimestamp": self.data_timestamp})
        if path == "/studies":
            return self._list(args)
        if path.startswith("/studies/"):
            wanted = path.split("/")[2].upper()
            for study in self.studies:
                if nct(study).upper() == wanted:
                    return _json(study)
            return Response(f"Study {wanted} not found", status=404, content_type="text/plain")
        return Response("Not found", status=404, content_type="text/plain")

    def _list(self, args: dict[str, list[str]]) -> Response:
        if self.recorded_pages is not None:
            token = (args.get("pageToken") or [None])[0]
            # A token past the recorded pages gets the empty last page the spec allows.
            return _json(self.recorded_pages.get(token, {"studies": []}))
        matches = list(self.studies)
        statuses = args.get("filter.overallStatus")
        if statuses:
            allowed = set(re.split(r"[|,]", statuses[0]))
            matches = [s for s in matches if _status(s) in allowed]
        advanced = (args.get("filter.advanced") or [""])[0]
        since = re.search(r"AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),\s*MAX\]",
                          advanced)
        if since:
            matches = [s for s in matches if (_updated(s) or "") >= since.group(1)]
        size = int((args.get("pageSize") or ["10"])[0]) or 10
        size = min(size, 1000, self.page_size or 1000)
        token = (args.get("pageToken") or [None])[0]
        start = int(token.removeprefix("page-")) if token else 0
        body = {"studies": matches[start:start + size]}
        if start + size < len(matches):
            body["nextPageToken"] = f"page-{start + size}"
        if not token and (args.get("countTotal") or [""])[0] == "true":
            body["totalCount"] = len(matches)
        return _json(body)


def _status(study: dict):
    return study["protocolSection"].get("statusModule", {}).get("overallStatus")


def _updated(study: dict):
    module = study["protocolSection"].get("statusModule", {})
    return module.get("lastUpdatePostDateStruct", {}).get("date")


def _json(body) -> Response:
    return Response(json.dumps(body), content_type="application/json")


class _QuietHandler(WSGIRequestHandler):
    def log(self, *args, **kwargs):  # the fake's access log is noise in test output
        pass


def serve(fake: FakeCtgov):
    """Start ``fake`` on 127.0.0.1 (a free port) in a thread; returns a stop function."""
    server = make_server("127.0.0.1", 0, fake, threaded=True, request_handler=_QuietHandler)
    fake.base_url = f"http://127.0.0.1:{server.server_port}/api/v2"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()

    def stop():
        fake._release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop


def with_changes(studies: list[dict], nct_id: str, change) -> list[dict]:
    """A copy of ``studies`` with ``change(study)`` applied to the one with ``nct_id``."""
    out = copy.deepcopy(studies)
    for study in out:
        if nct(study) == nct_id:
            change(study)
    return out
