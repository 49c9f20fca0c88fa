"""Load and faults: the app as deployed (gunicorn, PostgreSQL, Redis), with faults injected.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 30] [--strict]

gunicorn (2 workers) serves ``screener:create_app()`` on 127.0.0.1 against a
private database it creates (and drops at the end) on the real PostgreSQL server
and the real Redis for the rate-limit counters (limits on, set far above what one
load generator sends, so every form post and API call counts in Redis). C
concurrent clients each repeat a complete wizard walk (bench/wizard_load.py's)
and an API screen for S seconds. Three faults, each run beside its own baseline:

(a) the app's database connections are killed five times mid-run
    (pg_terminate_backend from a separate connection);
(b) Redis unreachable (REDIS_URL at a closed port, from the workers' start);
(c) a Redis that accepts connections and never answers (a black-hole TCP server
    in this process, from the workers' start).

Targets, each printed "met" or "MISSED" (``--strict`` exits 1 on a miss):
- zero lost drafts: every draft a client's cookie names still exists and holds
  every step the app acknowledged (302) since it was started; the draft rows are
  counted before and after each run;
- every failure limited to the moment of a fault: no 5xx (or dropped connection)
  more than 1 s after a kill, and none at all in the baselines and in (b), (c);
- no stack trace to a client (every answer's body is searched for "Traceback"),
  and every 500 is the app's own error page, not gunicorn's bare one;
- p99 under (b) and (c) within 2x the p99 of their baselines.
Everything listens on 127.0.0.1; every loop is bounded by time and count.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from targets import Targets, add_strict_option  # noqa: E402
from wizard_load import (  # noqa: E402
    HOST,
    Client,
    all_timings,
    free_port,
    pct,
    report,
    run_load,
    start_gunicorn,
    stop,
    walk_wizard,
)

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/14"
FAULT_WINDOW = 1.0  # seconds after a fault in which a failure is "the moment of the fault"
DRAFT_KEY = "wizard_draft"  # screener.wizard.drafts.SESSION_KEY
APP_ERROR_PAGE = ("The problem is on our side", "internal error; nothing was stored")


# ------------------------------------------------------------------ the clients
def walk_and_screen(client: Client) -> None:
    """One complete wizard walk, then one API screen, as two kinds of users would."""
    walk_wizard(client)
    profile = {"profile_version": 1, "age": {"years": random.randint(1, 80)},
               "diagnosis": random.choice(["b_all", "t_all"])}
    client.request("POST api", "POST", "/api/v1/screen", json_body={"patient": profile})


class Watch:
    """What every client saw, warm-up included: failures with their time, stack traces."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: list[tuple[float, str]] = []  # (monotonic time, "label: status")
        self.tracebacks = 0
        self.bare_500s = 0

    def observe(self, label: str, status: int | None, body: str) -> None:
        now = time.monotonic()
        with self.lock:
            if status is None or status >= 500:
                self.failures.append((now, f"{label}: {status or 'no answer'}"))
            if status == 500 and not any(mark in body for mark in APP_ERROR_PAGE):
                self.bare_500s += 1
            if "Traceback" in body:
                self.tracebacks += 1


class TrackedClient(Client):
    """A browser that remembers which steps the app said it saved, in which draft."""

    def __init__(self, port: int, record, watch: Watch, sessions):
        super().__init__(port, record, observe=self._seen)
        self.watch, self.sessions = watch, sessions
        self.draft: str | None = None
        self.saved: set[str] = set()

    def _seen(self, label: str, status: int | None, body: str) -> None:
        self.watch.observe(label, status, body)
        draft = self._draft_in_cookie()
        if draft != self.draft:
            self.draft, self.saved = draft, set()
        step = label.removeprefix("POST ")
        if draft and status == 302 and label.startswith("POST ") and step not in ("start",
                                                                                  "api"):
            self.saved.add(step)

    def _draft_in_cookie(self) -> str | None:
        cookie = self.cookies.get("session")
        if not cookie:
            return None
        try:
            return self.sessions.loads(cookie).get(DRAFT_KEY)
        except Exception:  # noqa: BLE001 - an unreadable cookie names no draft
            return None


def session_reader(secret_key: str):
    """Reads the app's signed session cookie (the bench knows the key it gave the app)."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask("load-bench")
    app.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(app)


# ------------------------------------------------------------------ the services
class PrivateDatabase:
    """A database of our own on the PostgreSQL server, dropped at the end."""

    def __init__(self, base_url: str):
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(base_url)
        self.name = f"screener_load_{uuid.uuid4().hex[:10]}"
        self.admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.dsn = url.set(drivername="postgresql", database=self.name).render_as_string(
            hide_password=False)
        self.url = url.set(database=self.name).render_as_string(hide_password=False)
        self.admin = psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=5)
        self.admin.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.close()

    def kill_app_connections(self) -> int:
        """Terminate every connection to our database (the app's); how many there were."""
        row = self.admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (self.name,)).fetchone()
        return row[0]

    def drafts(self, ids: list[str]) -> tuple[int, dict[str, set[str]]]:
        """The number of draft rows, and the saved steps of the drafts named."""
        import psycopg

        with psycopg.connect(self.dsn, connect_timeout=5) as conn:
            try:
                total = conn.execute("SELECT count(*) FROM wizard_draft").fetchone()[0]
            except psycopg.errors.UndefinedTable:  # before the app's first start
                return 0, {}
            rows = conn.execute("SELECT id, answers FROM wizard_draft WHERE id = ANY(%s)",
                                (ids,)).fetchall()
        return total, {draft_id: set(answers or {}) for draft_id, answers in rows}


class BlackHole:
    """A TCP server on loopback that accepts connections and never answers (a hung Redis)."""

    def __init__(self) -> None:
        self.server = socket.create_server((HOST, 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set() and len(self.held) < 10_000:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.held.append(conn)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for conn in self.held:
            conn.close()
        self.server.close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    return free_port()


# ------------------------------------------------------------------ one run
def run_phase(name: str, args, db: PrivateDatabase, env: dict, sessions, log_dir: Path,
              during=None) -> dict:
    """Serve the app with ``env``, load it, and collect what the targets need."""
    watch = Watch()
    clients: list[TrackedClient] = []

    def make_client(port, record):
        client = TrackedClient(port, record, watch, sessions)
        clients.append(client)
        return client

    rows_before, _ = db.drafts([])
    log_path = log_dir / f"{name.split(':')[0].replace(' ', '-')}.log"
    faults: list[float] = []
    with open(log_path, "w") as log:
        port = free_port()
        proc = start_gunicorn("screener:create_app()", port, args.workers, ROOT, env, log=log)
        try:
            result = run_load(port, args.clients, args.seconds, walk_and_screen,
                              make_client=make_client,
                              during=(lambda start, end: during(start, end, faults))
                              if during else None)
        finally:
            stop(proc)
    held = {c.draft: c.saved for c in clients if c.draft}
    rows_after, stored = db.drafts(list(held))
    lost = sum(1 for draft_id, steps in held.items()
               if draft_id not in stored or not steps <= stored[draft_id])
    server_log = log_path.read_text(errors="replace")
    late = [(t, what) for t, what in watch.failures
            if not any(0 <= t - f <= FAULT_WINDOW for f in faults)]
    times = all_timings(result)
    return dict(result, name=name, watch=watch, faults=faults, late=late, lost=lost,
                held=len(held), rows_before=rows_before, rows_after=rows_after,
                p50=statistics.median(times) * 1000 if times else 0.0,
                p95=pct(times, 95) if times else 0.0, p99=pct(times, 99) if times else 0.0,
                walks=len(result["timings"].get("GET results", [])),
                limiter_warnings=server_log.count("Rate-limit store"),
                log_tracebacks=server_log.count("Traceback"))


def kill_five_times(db: PrivateDatabase, kills: int):
    """The fault (a) hook: kill the app's connections ``kills`` times, evenly spread."""
    def during(start: float, end: float, faults: list[float]) -> None:
        for i in range(kills):
            time.sleep(max(0.0, start + (i + 1) * (end - start) / (kills + 1) - time.monotonic()))
            faults.append(time.monotonic())
            killed = db.kill_app_connections()
            print(f"  fault (a): killed {killed} database connection(s) at "
                  f"{faults[-1] - start:.1f} s", flush=True)
    return during


def summary_line(r: dict) -> str:
    return (f"  {r['name']:<34}{r['requests']:>8}{r['rps']:>8.1f}{r['p50']:>8.1f}"
            f"{r['p95']:>8.1f}{r['p99']:>8.1f}{len(r['errors']):>7}"
            f"{len(r['watch'].failures):>6}{r['walks']:>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=5, help="database kills in fault (a)")
    parser.add_argument("--postgres", default=POSTGRES,
                        help="SQLAlchemy URL of the server (a private database is made on it)")
    parser.add_argument("--redis", default=REDIS, help="the Redis for the baselines")
    parser.add_argument("--faults", default="abc", help="which faults to run (default: abc)")
    parser.add_argument("--log-dir", type=Path,
                        help="keep each run's server log here (default: a temporary folder)")
    add_strict_option(parser)
    args = parser.parse_args()

    import redis

    try:
        redis.Redis.from_url(args.redis, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        raise SystemExit(f"Redis at {args.redis} is unreachable: {exc}") from None

    secret = secrets.token_hex(32)
    sessions = session_reader(secret)
    db = PrivateDatabase(args.postgres)
    # Limits on, far above what one load generator sends: every form post and API
    # call is counted in Redis, so the Redis faults touch real requests.
    env = dict(os.environ, SECRET_KEY=secret, DATABASE_URL=db.url, REDIS_URL=args.redis,
               SCREENER_RATE_LIMITS="1", SCREENER_API_RATE_LIMIT="1000000 per minute",
               SCREENER_FORM_RATE_LIMIT="1000000 per minute", PYTHONPATH=str(ROOT))
    print(f"gunicorn {args.workers} workers, {args.clients} concurrent clients, "
          f"{args.seconds:.0f} s per run, on {HOST}; {os.cpu_count()} CPUs; "
          f"database {db.name}; each client: wizard walk + API screen, repeated", flush=True)
    hole = BlackHole()
    runs: list[tuple[dict, dict, str]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
            logs = args.log_dir or Path(tmp)
            logs.mkdir(parents=True, exist_ok=True)
            plan = [
                ("a", "(a) database connections killed",
                 {}, kill_five_times(db, args.kills)),
                ("b", "(b) Redis unreachable",
                 {"REDIS_URL": f"redis://{HOST}:{closed_port()}/0"}, None),
                ("c", "(c) Redis never answers",
                 {"REDIS_URL": f"redis://{HOST}:{hole.port}/0"}, None),
            ]
            for key, title, fault_env, during in plan:
                if key not in args.faults:
                    continue
                print(f"\nrunning baseline {key} ...", flush=True)
                base = run_phase(f"baseline {key}", args, db, env, sessions, logs)
                if not runs:
                    report("Baseline (wizard walks + API screens, per step)", base)
                print(f"running fault {title} ...", flush=True)
                fault = run_phase(title, args, db, dict(env, **fault_env), sessions, logs,
                                  during=during)
                runs.append((base, fault, key))
    finally:
        hole.close()
        db.drop()

    print(f"\n  {'run':<34}{'reqs':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'errors':>7}{'5xx':>6}{'walks':>7}")
    for base, fault, _ in runs:
        print(summary_line(base))
        print(summary_line(fault))
    for base, fault, _ in runs:
        for r in (base, fault):
            counts: dict[str, int] = {}
            for e in r["errors"]:
                counts[e] = counts.get(e, 0) + 1
            for message, count in sorted(counts.items(), key=lambda kv: -kv[1])[:5]:
                print(f"  {r['name']}: error x{count}: {message}")

    targets = Targets()
    print()
    for base, fault, key in runs:
        for r in (base, fault):
            print(f"{r['name']}: draft rows {r['rows_before']} before, {r['rows_after']} after; "
                  f"server log: {r['limiter_warnings']} rate-limit store warning(s), "
                  f"{r['log_tracebacks']} traceback(s) logged")
            targets.check(f"  lost drafts: {r['lost']} of {r['held']} held by clients "
                          f"(target 0)", r["lost"] == 0)
            window = (f"more than {FAULT_WINDOW:.0f} s after a fault" if r["faults"]
                      else "at all")
            targets.check(f"  failures (5xx or no answer) {window}: {len(r['late'])} "
                          f"(target 0)", not r["late"])
            targets.check(f"  stack traces sent to clients: {r['watch'].tracebacks}, bare "
                          f"gunicorn 500 pages: {r['watch'].bare_500s} (target 0)",
                          not r["watch"].tracebacks and not r["watch"].bare_500s)
        if key in ("b", "c"):
            ratio = fault["p99"] / base["p99"] if base["p99"] else float("inf")
            targets.check(f"  p99 under {fault['name']}: {fault['p99']:.1f} ms, "
                          f"{ratio:.2f}x baseline {base['p99']:.1f} ms (target <= 2x)",
                          ratio <= 2)
    return targets.exit_code(args.strict)


if __name__ == "__main__":
    raise SystemExit(main())
