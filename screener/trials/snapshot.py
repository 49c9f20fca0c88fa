"""The local snapshot of ClinicalTrials.gov: raw study records in the database.

``screener sync`` fills it from the API (all ALL studies the first time, then
only those updated since the last good sync) or from a folder of saved records
(``--from-dir``, for the offline demo and tests). Patients are screened
against this snapshot, never against the live API.

Failure policy: everything is fetched first and written in one transaction at
the end, so a sync that fails (network, server, a broken record, the database)
writes nothing and the previous snapshot stays whole. Each run is recorded in
``ctgov_sync_run`` with a one-line message; the last good run dates the
snapshot and a later failed run tells the app to say it may be out of date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select

from ..models import CtgovStudy, CtgovSyncRun, db, utcnow
from .ctgov import (
    DEFAULT_STATUSES,
    CtgovClient,
    CtgovError,
    check_study,
    last_update_of,
    nct_id_of,
    parse_data_timestamp,
    search_params,
)

#: Called after each page or file: (records so far, expected total or None).
Progress = Callable[[int, int | None], None]


class SnapshotError(Exception):
    """A sync that cannot be completed; ``str()`` is one line saying why."""


@dataclass(frozen=True)
class SyncOutcome:
    """How a sync ended: ``ok``, the one-line ``message``, and the run's id."""

    ok: bool
    message: str
    run_id: int
    mode: str


@dataclass(frozen=True)
class SnapshotState:
    """What the app shows about the snapshot: its date and whether it may be stale."""

    studies: int
    as_of: date | None  # date of the last good sync (the registry's data date if known)
    last_run_failed: bool  # the most recent finished sync failed
    last_failure: str  # its one-line message, "" when the last run was good
    run_id: int | None  # id of the last finished run (changes when a sync finishes)

    @property
    def may_be_out_of_date(self) -> bool:
        """True when the registry trials shown come from before a failed sync."""
        return self.last_run_failed


def _start_run(mode: str, source: str) -> CtgovSyncRun:
    run = CtgovSyncRun(mode=mode, source=source, started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    return run


def last_good_run(modes: tuple[str, ...] | None = None) -> CtgovSyncRun | None:
    """The most recent sync run that succeeded (of the given modes, if any)."""
    query = select(CtgovSyncRun).where(CtgovSyncRun.ok.is_(True))
    if modes:
        query = query.where(CtgovSyncRun.mode.in_(modes))
    return db.session.scalars(query.order_by(CtgovSyncRun.id.desc()).limit(1)).first()


def last_finished_run() -> CtgovSyncRun | None:
    """The most recent sync run that ended, well or badly."""
    query = (select(CtgovSyncRun).where(CtgovSyncRun.ok.is_not(None))
             .order_by(CtgovSyncRun.id.desc()).limit(1))
    return db.session.scalars(query).first()


def run_date(run: CtgovSyncRun) -> date:
    """The date a good run vouches for: the registry's data date, else when it ended."""
    stamp = parse_data_timestamp(run.data_timestamp)
    if stamp is not None:
        return stamp.date()
    return (run.finished_at or run.started_at).date()


def state() -> SnapshotState:
    """The snapshot's size, date and freshness, for the catalog and the pages."""
    good = last_good_run()
    last = last_finished_run()
    count = db.session.scalar(select(func.count()).select_from(CtgovStudy)) or 0
    failed = last is not None and not last.ok
    return SnapshotState(
        studies=count,
        as_of=run_date(good) if good is not None else None,
        last_run_failed=failed,
        last_failure=last.message if failed else "",
        run_id=last.id if last is not None else None,
    )


def studies() -> list[dict]:
    """Every study record in the snapshot, as the API sent it, by NCT id."""
    return list(db.session.scalars(select(CtgovStudy.data).order_by(CtgovStudy.nct_id)))


def record_keys() -> list[tuple[str, object]]:
    """(NCT id, fetched at) of every stored record, by NCT id: a record's version key."""
    query = select(CtgovStudy.nct_id, CtgovStudy.fetched_at).order_by(CtgovStudy.nct_id)
    return [(nct_id, fetched) for nct_id, fetched in db.session.execute(query)]


def studies_by_id(nct_ids: list[str]) -> dict[str, dict]:
    """The stored records for these NCT ids (those still stored), in batches."""
    found = {}
    for start in range(0, len(nct_ids), 500):
        batch = nct_ids[start:start + 500]
        query = select(CtgovStudy.nct_id, CtgovStudy.data).where(CtgovStudy.nct_id.in_(batch))
        found.update({nct_id: data for nct_id, data in db.session.execute(query)})
    return found


def _snapshot_size() -> int:
    return db.session.scalar(select(func.count()).select_from(CtgovStudy)) or 0


def _write(run_id: int, keep: dict[str, dict], drop: set[str], *, replace_all: bool,
           data_timestamp: str | None, fetched: int, describe: Callable[[int, int, int], str]
           ) -> str:
    """Apply one sync in a single transaction: upsert ``keep``, delete ``drop``.

    With ``replace_all`` every record not in ``keep`` is dropped too (a full
    sync). The run row is marked good in the same transaction, so the data and
    the run that vouches for it are committed together or not at all.
    """
    now = utcnow()
    existing = set(db.session.scalars(select(CtgovStudy.nct_id)))
    for nct_id, study in keep.items():
        row = db.session.get(CtgovStudy, nct_id) if nct_id in existing else None
        if row is None:
            db.session.add(CtgovStudy(nct_id=nct_id, data=study,
                                      last_update_post_date=last_update_of(study),
                                      fetched_at=now))
        else:
            row.data = study
            row.last_update_post_date = last_update_of(study)
            row.fetched_at = now
    gone = (existing - set(keep)) if replace_all else (drop & existing)
    if gone:
        db.session.execute(delete(CtgovStudy).where(CtgovStudy.nct_id.in_(sorted(gone))))
    db.session.flush()
    total = _snapshot_size()
    message = describe(len(keep), len(gone), total)
    run = db.session.get(CtgovSyncRun, run_id)
    run.ok = True
    run.finished_at = utcnow()
    run.message = message
    run.data_timestamp = data_timestamp
    run.fetched = fetched
    run.written = len(keep)
    run.removed = len(gone)
    run.total = total
    db.session.commit()
    return message


def _fail(run_id: int, mode: str, problem: str) -> SyncOutcome:
    """Record a failed run (after rolling back anything it began) and say so in one line."""
    db.session.rollback()
    good = last_good_run()
    kept = (f"kept the previous snapshot ({_snapshot_size()} studies as of {run_date(good)})"
            if good is not None else f"snapshot unchanged ({_snapshot_size()} studies)")
    problem = " ".join(str(problem).split())  # one line, whatever the error text held
    message = f"sync failed ({mode}): {problem} — {kept}"
    run = db.session.get(CtgovSyncRun, run_id)
    run.ok = False
    run.finished_at = utcnow()
    run.message = message
    db.session.commit()
    return SyncOutcome(False, message, run_id, mode)


def sync_from_api(client: CtgovClient, *, full: bool = False,
                  statuses: tuple[str, ...] = DEFAULT_STATUSES,
                  progress: Progress | None = None) -> SyncOutcome:
    """Bring the snapshot up to date from the API; never raises for a failed sync.

    The first sync (or ``full=True``) fetches every ALL study with the given
    statuses and replaces the snapshot. Later syncs fetch only studies whose
    LastUpdatePostDate is on or after the last good API sync's data date, of
    any status: a study that stopped recruiting is then removed rather than
    left on show as open.
    """
    previous = last_good_run(("full", "incremental"))
    mode = "full" if full or previous is None else "incremental"
    run = _start_run(mode, client.base_url)
    run_id = run.id
    try:
        version = client.version()
        if mode == "full":
            params = search_params(statuses=statuses)
        else:
            params = search_params(statuses=None, since=run_date(previous))
        fetched: dict[str, dict] = {}
        expected = None
        received = 0
        for number, page in enumerate(client.pages(params)):
            if number == 0 and isinstance(page.get("totalCount"), int):
                expected = page["totalCount"]
            for study in page["studies"]:
                fetched[nct_id_of(study)] = study
            received += len(page["studies"])
            if progress:
                progress(received, expected)
        if expected is not None and len(fetched) < expected and mode == "full":
            # A full sync replaces the snapshot; with studies missing from the
            # listing it would delete trials that are still open. Refuse.
            raise SnapshotError(f"the registry announced {expected} studies but listed "
                                f"{len(fetched)}; not replacing the snapshot with a partial list")
        if mode == "full" and not fetched and _snapshot_size():
            # An empty answer to a query that matched studies before is far
            # likelier a fault than every ALL trial closing at once.
            raise SnapshotError("the registry listed no ALL studies; "
                                "not replacing the snapshot with an empty one")
        wanted = set(statuses)
        keep = {k: s for k, s in fetched.items() if _status(s) in wanted}
        drop = set(fetched) - set(keep)
        stamp = version.data_timestamp

        def describe(written: int, removed: int, total: int) -> str:
            data = f"registry data of {stamp}" if stamp else "registry data time unknown"
            return (f"sync ok ({mode}): {len(fetched)} studies fetched, {written} written, "
                    f"{removed} removed; the snapshot holds {total} studies ({data})")

        message = _write(run_id, keep, drop, replace_all=(mode == "full"),
                         data_timestamp=stamp, fetched=len(fetched), describe=describe)
        return SyncOutcome(True, message, run_id, mode)
    except (CtgovError, SnapshotError) as exc:
        return _fail(run_id, mode, str(exc))
    except Exception as exc:
        # Failure policy: a sync is a batch job; whatever went wrong (a bug, the
        # database), it is rolled back, recorded and reported in one line
        # instead of a traceback, and the previous snapshot stays in service.
        return _fail(run_id, mode, f"{type(exc).__name__}: {exc}")


def _status(study: dict) -> str | None:
    module = (study.get("protocolSection") or {}).get("statusModule") or {}
    return module.get("overallStatus") if isinstance(module, dict) else None


def read_dir(folder: Path) -> dict[str, dict]:
    """Study records from saved JSON files, by NCT id.

    Each ``*.json`` file holds one study (an element of ``studies[]`` or a
    ``/studies/{nctId}`` body) or a whole ``/studies`` page. Raises
    SnapshotError naming the first file that is not one of these.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SnapshotError(f"{folder} is not a folder")
    found: dict[str, dict] = {}
    files = sorted(folder.glob("*.json"))
    if not files:
        raise SnapshotError(f"{folder} holds no .json study files")
    for path in files:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise SnapshotError(f"{path.name}: not readable JSON ({exc})") from exc
        records = body["studies"] if isinstance(body, dict) and "studies" in body else [body]
        if not isinstance(records, list):
            raise SnapshotError(f"{path.name}: 'studies' is not a list")
        for study in records:
            try:
                check_study(study, path.name)
            except CtgovError as exc:
                raise SnapshotError(str(exc)) from exc
            found[nct_id_of(study)] = study
    return found


def sync_from_dir(folder: Path, *, progress: Progress | None = None) -> SyncOutcome:
    """Load saved study records into the snapshot (added or replaced, never partial)."""
    run = _start_run("dir", str(folder))
    run_id = run.id
    try:
        records = read_dir(folder)
        if progress:
            progress(len(records), len(records))

        # Saved files carry no /version stamp. Date them by their newest update
        # rather than by today, so an old demo set is never shown as read today.
        updates = [u for u in map(last_update_of, records.values()) if u]
        stamp = f"{max(updates)}T00:00:00" if updates else None

        def describe(written: int, removed: int, total: int) -> str:
            newest = f" (newest record update {max(updates)})" if updates else ""
            return (f"sync ok (dir): {written} studies loaded from {folder}{newest}; "
                    f"the snapshot holds {total} studies")

        message = _write(run_id, records, set(), replace_all=False, data_timestamp=stamp,
                         fetched=len(records), describe=describe)
        return SyncOutcome(True, message, run_id, "dir")
    except SnapshotError as exc:
        return _fail(run_id, "dir", str(exc))
    except Exception as exc:
        # Failure policy: as for the API sync, roll back, record, report one line.
        return _fail(run_id, "dir", f"{type(exc).__name__}: {exc}")
