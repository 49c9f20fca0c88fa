"""The trials the app screens against: curated criteria files plus the registry snapshot.

Curated criteria files are linted and compiled when the app starts; a broken
file stops start-up with the linter's message (failure policy: never serve
verdicts from criteria we could not check).

Registry trials come from the local ClinicalTrials.gov snapshot (snapshot.py),
read into rules by study.py. They are loaded on first use, not at start-up, so
the app starts fast, and reloaded when a newer sync has finished. A curated
file takes precedence over the registry record for the same NCT id: a person
read it. The live API is never called from here. Its *status*, though, is a
fact of the registry: when the snapshot checked it later than the file says, the
curated trial takes the snapshot's status and date.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from datetime import date
from pathlib import Path

from flask import Flask, current_app

from ..eligibility import Trial, load_dir

log = logging.getLogger(__name__)

class TrialCatalog:
    """Trials by NCT id: curated first, then registry trials from the snapshot."""

    #: Seconds between checks for a newer snapshot (one small query each).
    CHECK_EVERY = 30.0

    def __init__(self, trials: list[Trial], *, registry: bool = False,
                 clock=time.monotonic):
        self._curated_files = list(trials)  # as the files say
        self._curated = list(trials)  # with any newer status from the snapshot
        self._curated_by_id = {t.id: t for t in self._curated}
        self._registry_enabled = registry
        self._registry: list[Trial] = []
        self._registry_by_id: dict[str, Trial] = {}
        self._converted: dict[tuple, Trial] = {}  # (nct id, fetched at) -> trial
        self._state = None  # snapshot.SnapshotState once checked
        self._loaded_run: object = None
        self._checked_at: float | None = None
        self._clock = clock
        self._lock = threading.Lock()
        #: NCT ids of snapshot records that could not be read into a trial.
        self.unreadable: list[str] = []

    # -- the registry snapshot --------------------------------------------

    def refresh(self, *, force: bool = False) -> None:
        """Pick up a newer snapshot if a sync finished since we last looked.

        Failure policy: if the database cannot be read, keep serving what we
        have (curated trials always; registry trials as last loaded) and log
        it; a patient's screening never fails because of the snapshot.
        """
        if not self._registry_enabled:
            return
        now = self._clock()
        if not force and self._checked_at is not None and now - self._checked_at < self.CHECK_EVERY:
            return
        with self._lock:
            if not force and self._checked_at is not None and \
                    now - self._checked_at < self.CHECK_EVERY:
                return
            from sqlalchemy.exc import SQLAlchemyError

            from . import snapshot

            try:
                state = snapshot.state()
                if force or state.run_id != self._loaded_run or self._state is None:
                    self._load(snapshot, state)
                self._state = state
                self._loaded_run = state.run_id
            except SQLAlchemyError as exc:
                log.warning("registry snapshot unreadable, serving what is loaded: %s",
                            type(exc).__name__)
            self._checked_at = now

    def _load(self, snapshot, state) -> None:
        """(Re)build the registry trials, converting only records that changed."""
        try:
            from .study import trial_from_study
        except ImportError:
            log.warning("the ClinicalTrials.gov reader is missing; registry trials not shown")
            return
        checked = state.as_of.isoformat() if state.as_of else ""
        keys = snapshot.record_keys()
        missing = [key[0] for key in keys if key not in self._converted]
        records = snapshot.studies_by_id(missing)
        converted: dict[tuple, Trial] = {}
        unreadable = []
        for key in keys:
            trial = self._converted.get(key)
            if trial is None:
                study = records.get(key[0])
                if study is None:  # removed by a sync between the two queries
                    continue
                try:
                    trial = trial_from_study(study)
                except Exception as exc:
                    # Failure policy: one record the reader cannot handle is left
                    # out (and logged), rather than taking every trial down.
                    log.warning("snapshot record %s not read: %s: %s",
                                key[0], type(exc).__name__, exc)
                    unreadable.append(key[0])
                    continue
            # The registry facts were true as of the sync, whatever the record says.
            trial.status_checked = checked
            converted[key] = trial
        self._converted = converted
        self._curated = _newer_statuses(self._curated_files,
                                        {t.id: t for t in converted.values()})
        self._curated_by_id = {t.id: t for t in self._curated}
        self._registry = [t for t in converted.values() if t.id not in self._curated_by_id]
        self._registry_by_id = {t.id: t for t in self._registry}
        self.unreadable = unreadable

    @property
    def snapshot_date(self) -> date | None:
        """Date of the last good sync (None when there has never been one)."""
        self.refresh()
        return self._state.as_of if self._state else None

    @property
    def last_sync_failed(self) -> bool:
        """True when the latest sync failed: registry trials may be out of date."""
        self.refresh()
        return bool(self._state and self._state.last_run_failed)

    def notice(self) -> dict:
        """What a page says about the registry trials: their date and whether they may be stale."""
        self.refresh()
        as_of = self.snapshot_date
        return {
            "registry_trials": len(self._registry),
            "as_of": as_of.isoformat() if as_of else None,
            "may_be_out_of_date": self.last_sync_failed,
        }

    # -- lookups ------------------------------------------------------------

    def __len__(self) -> int:
        self.refresh()
        return len(self._curated) + len(self._registry)

    def all(self) -> list[Trial]:
        """Curated trials, then registry trials not curated, in NCT id order within each."""
        self.refresh()
        return self._curated + self._registry

    def curated(self) -> list[Trial]:
        """Only the curated trials."""
        self.refresh()
        return list(self._curated)

    def get(self, trial_id: str) -> Trial | None:
        """The trial with this NCT id (the curated one if both exist), or None."""
        self.refresh()  # (also brings a curated trial's newer status from the snapshot)
        found = self._curated_by_id.get(trial_id)
        if found is not None:
            return found
        return self._registry_by_id.get(trial_id)


def _newer_statuses(curated: list[Trial], registry: dict[str, Trial]) -> list[Trial]:
    """Curated trials, each with the snapshot's status when the snapshot checked it later.

    A status is a fact the registry keeps and a person copied into the file on
    ``status_checked``: the later check wins (a trial that closed since must not
    be offered; one that opened since should be). Criteria stay the file's.
    """
    out = []
    for trial in curated:
        found = registry.get(trial.id)
        if (found is not None and found.status and found.status_checked
                and found.status_checked > (trial.status_checked or "")):
            trial = dataclasses.replace(trial, status=found.status,
                                        status_checked=found.status_checked)
        out.append(trial)
    return out


def init_app(app: Flask) -> None:
    """Load and check the curated criteria; raises CriteriaError on any problem.

    The registry snapshot is not read here (start-up stays fast): the catalog
    loads it on first use, inside an app context.
    """
    app.extensions["screener.catalog"] = TrialCatalog(
        load_dir(Path(app.config["SCREENER_CRITERIA_DIR"])), registry=True)


def catalog() -> TrialCatalog:
    """The running app's trial catalog."""
    return current_app.extensions["screener.catalog"]
