"""Load test of the patient wizard beside a bare Flask baseline, on loopback only.

    .venv/bin/python bench/wizard_load.py [--seconds 30] [--clients 20] [--workers 2] [--strict]

What it does, in one run:
1. serves bench/bare_app.py (one template render) with gunicorn (N workers)
   and hits it from this process with C concurrent clients for S seconds;
2. serves the real app (``screener:create_app()``, SQLite in a temporary
   folder) with gunicorn the same way, and has C concurrent clients walk
   complete wizards (front page, start, every step GET + POST, review,
   results) for S seconds, each client with its own cookies and CSRF token;
3. prints requests/s, p50/p95/p99 per step, errors, and the ratio of the
   wizard's throughput to the baseline's.

Targets (issue 3): zero errors, p95 under 50 ms per step, at least a third of
the bare app's throughput. The two servers run one after the other, never at
the same time, so they do not compete for the CPU. Each target prints "met" or
"MISSED"; ``--strict`` exits 1 on a miss. Everything listens on
127.0.0.1; loops are bounded by time and by a hard request cap.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from targets import Targets, add_strict_option  # noqa: E402

HOST = "127.0.0.1"
MAX_REQUESTS_PER_CLIENT = 200_000  # hard cap, whatever the clock says
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

#: One complete wizard: an adult in second relapse after CAR-T (every branch
#: that adds a step is taken: relapse and treatment timing).
WALK = [
    ("who", {"who": "patient"}),
    ("age", {"years": "29", "sex": "male"}),
    ("diagnosis", {"diagnosis": "b_all", "status": "relapsed", "age_at_diagnosis": "27"}),
    ("relapse", {"relapse_count": "2", "first_remission_months": "14",
                 "extramedullary": "no"}),
    ("treatments", {"treatments": ["chemo", "blinatumomab", "cd19_car_t"]}),
    ("timing", {"months_chemo": "5", "months_blinatumomab": "9", "months_cd19_car_t": "4"}),
    ("tests", {"philadelphia": "negative", "cd19": "negative", "cd22": "positive",
               "mrd": "positive", "in_remission": "no", "cns": "cns1"}),
    ("health", {"down_syndrome": "no", "pregnant": "no", "hiv": "no", "hepatitis_b": "no",
                "hepatitis_c": "no", "infection": "no"}),
    ("daily", {"activity": "1"}),
    ("location", {"zip": "10016", "travel": "250"}),
]


STUDIES = ROOT / "tests" / "trials" / "data" / "studies"


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One browser: its own cookies, plain http.client requests, timings by label.

    ``observe(label, status, body)``, when given, sees every answer (status None
    when the connection failed), warm-up included: bench/load.py looks for 500s
    and stack traces with it.
    """

    def __init__(self, port: int, record, observe=None):
        self.port, self.record, self.cookies, self.observe = port, record, {}, observe

    def request(self, label: str, method: str, path: str, form=None,
                expect=(200,), json_body=None) -> str:
        headers = {"Accept-Language": "en"}
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        error = None
        text = ""
        status = None
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
            status = response.status
            if response.status not in expect:
                error = f"{label}: HTTP {response.status}"
            conn.close()
        except OSError as exc:
            error = f"{label}: {type(exc).__name__}"
        self.record(label, time.perf_counter() - start, error)
        if self.observe is not None:
            self.observe(label, status, text)
        return text

    def token(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""


ZIPS = ["10016", "11030", "90027", "30342", "48109", "60611", "77030", "98105"]


def walk_wizard(client: Client) -> None:
    """One complete wizard, as a person would click through it.

    Age and ZIP code vary from walk to walk, so no cache sees the same profile
    twice in a row.
    """
    home = client.request("GET /", "GET", "/")
    client.request("POST start", "POST", "/screen/start",
                   {"csrf_token": client.token(home)}, expect=(302,))
    rng = random.Random()
    years = rng.randint(16, 75)
    varied = {"age": {"years": str(years), "sex": rng.choice(["male", "female"])},
              "diagnosis": dict(dict(WALK)["diagnosis"], age_at_diagnosis=str(years - 2)),
              "location": {"zip": rng.choice(ZIPS), "travel": "250"}}
    for step, answers in WALK:
        answers = varied.get(step, answers)
        # tests, health and daily life are skipped (redirect) when no open study reads
        # any of their questions; hidden questions posted are dropped
        optional = step in ("tests", "health", "daily")
        page = client.request(f"GET {step}", "GET", f"/screen/step/{step}",
                              expect=(200, 302) if optional else (200,))
        if optional and 'name="csrf_token"' not in page:
            continue
        client.request(f"POST {step}", "POST", f"/screen/step/{step}",
                       dict(answers, csrf_token=client.token(page), action="next"),
                       expect=(302,))
    review = client.request("GET review", "GET", "/screen/review", expect=(200, 302))
    pending = _REDIRECT_TO_STEP.search(review)
    if pending:
        # adaptive questions still open: the person presses "Show my results now"
        page = client.request("GET adaptive", "GET", pending.group(1))
        client.request("POST results now", "POST", pending.group(1),
                       {"csrf_token": client.token(page), "action": "results"}, expect=(302,))
    client.request("GET results", "GET", "/screen/results")


#: The review's redirect to an adaptive question still open (Werkzeug's redirect body).
_REDIRECT_TO_STEP = re.compile(r'Redirecting[\s\S]*href="(/screen/step/[a-z_]+)')


def bare_page(client: Client) -> None:
    """One request to the baseline."""
    client.request("GET bare", "GET", "/")


def run_load(port: int, clients: int, seconds: float, job, warmup: float = 3.0,
             make_client=Client, during=None) -> dict:
    """C threads each repeating ``job`` until the deadline; timings after the warm-up.

    ``make_client(port, record)`` makes each thread's client; ``during(start, end)``,
    if given, runs in this thread once the measured period starts (monotonic clock
    bounds of that period), to inject faults; it must return before ``end``.
    """
    lock = threading.Lock()
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    measuring = threading.Event()

    def record(label, elapsed, error):
        if not measuring.is_set():
            return
        with lock:
            timings[label].append(elapsed)
            if error:
                errors.append(error)

    start = time.monotonic()
    deadline = start + warmup + seconds

    def worker():
        client = make_client(port, record)
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                return
            job(client)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(warmup)
    measuring.set()
    measured_from = time.monotonic()
    if during is not None:
        during(measured_from, deadline)
    for t in threads:
        t.join(timeout=warmup + seconds + 60)
    elapsed = time.monotonic() - measured_from
    total = sum(len(v) for v in timings.values())
    return {"timings": timings, "errors": errors, "requests": total, "seconds": elapsed,
            "rps": total / elapsed if elapsed else 0.0}


def start_gunicorn(app_spec: str, port: int, workers: int, cwd: Path, env: dict,
                   extra_args: tuple[str, ...] = (), tls: bool = False, log=None):
    """gunicorn on 127.0.0.1:port in its own process group.

    ``extra_args`` go to gunicorn as they are; ``tls`` says it serves HTTPS
    (``--certfile``/``--keyfile`` among them), so the readiness probe speaks TLS
    without checking the (throw-away, self-signed) certificate. ``log``, a file,
    receives gunicorn's output (its error log and the app's) instead of ours.
    """
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    proc = subprocess.Popen(
        [gunicorn, "--workers", str(workers), "--bind", f"{HOST}:{port}",
         "--log-level", "warning", *extra_args, app_spec],
        cwd=str(cwd), env=env, start_new_session=True, stdout=log, stderr=log)
    for _ in range(300):  # up to 30 s to come up
        try:
            if tls:
                conn = http.client.HTTPSConnection(
                    HOST, port, timeout=2, context=ssl._create_unverified_context())
            else:
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(
                    f"gunicorn for {app_spec} exited with {proc.returncode}") from None
            time.sleep(0.1)
    stop(proc)
    raise SystemExit(f"gunicorn for {app_spec} did not answer on {HOST}:{port}")


def stop(proc) -> None:
    """Stop one gunicorn we started (its own process group), waiting for it."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile in milliseconds (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank] * 1000


def all_timings(result: dict) -> list[float]:
    """Every request's time in a load result, whatever its label."""
    return [t for values in result["timings"].values() for t in values]


def report(name: str, result: dict) -> None:
    print(f"\n{name}: {result['requests']} requests in {result['seconds']:.1f} s = "
          f"{result['rps']:.1f} requests/s, errors: {len(result['errors'])}")
    if result["errors"]:
        counts = {e: result["errors"].count(e) for e in set(result["errors"])}
        for message, count in sorted(counts.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  error x{count}: {message}")
    print(f"  {'step':<18}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label, values in result["timings"].items():
        print(f"  {label:<18}{len(values):>7}{statistics.median(values) * 1000:>9.1f}"
              f"{pct(values, 95):>9.1f}{pct(values, 99):>9.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--curated-only", action="store_true",
                        help="without the registry snapshot (by default the 96 shared studies "
                             "are synced in, as a deployed app would have them)")
    add_strict_option(parser)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wizard-load-") as tmp:
        # One load generator on one address: the per-address limits are off here.
        env = dict(os.environ, SECRET_KEY=secrets.token_hex(32), SCREENER_RATE_LIMITS="0",
                   DATABASE_URL=f"sqlite:///{Path(tmp) / 'load.db'}",
                   PYTHONPATH=str(ROOT))

        port = free_port()
        proc = start_gunicorn("bare_app:app", port, args.workers, ROOT / "bench", env)
        try:
            bare = run_load(port, args.clients, args.seconds, bare_page)
        finally:
            stop(proc)

        if not args.curated_only:  # the registry snapshot, read once by each worker
            subprocess.run([sys.executable, "-c", "from screener.cli import main; main()",
                            "sync", "--from-dir", str(STUDIES)], env=env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        port = free_port()
        proc = start_gunicorn("screener:create_app()", port, args.workers, ROOT, env)
        try:
            wizard = run_load(port, args.clients, args.seconds, walk_wizard)
        finally:
            stop(proc)

    print(f"gunicorn {args.workers} workers, {args.clients} concurrent clients, "
          f"{args.seconds:.0f} s each, on {HOST}; {os.cpu_count()} CPUs; "
          f"{'curated trials only' if args.curated_only else 'curated trials + registry snapshot'}")
    report("Bare Flask app (one template)", bare)
    report("Patient wizard (complete walks)", wizard)
    walks = len(wizard["timings"].get("GET results", []))
    worst_p95 = max(pct(v, 95) for v in wizard["timings"].values())
    ratio = wizard["rps"] / bare["rps"] if bare["rps"] else 0.0
    errors = len(wizard["errors"]) + len(bare["errors"])
    targets = Targets()
    print(f"\nComplete wizards: {walks} ({walks / wizard['seconds']:.1f}/s)")
    targets.check(f"Throughput ratio wizard/bare: {ratio:.2f} (target >= 0.33)", ratio >= 0.33)
    targets.check(f"Worst per-step p95: {worst_p95:.1f} ms (target < 50 ms)", worst_p95 < 50)
    targets.check(f"Errors: {errors} (target 0)", errors == 0)
    return targets.exit_code(args.strict)


if __name__ == "__main__":
    raise SystemExit(main())
