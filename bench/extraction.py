"""Measure the registry reader on both halves of the hand labels, and its speed.

Figures for the development half (the reader may be tuned on it) and the
evaluation half (labelled before the reader changed, never tuned on) are
printed separately (tests/trials/reading_eval/README.md):

- item precision and recall, scored on the whole rule through what it does to
  a fixed battery of profiles (block / ask / pass), overall and per field;
- clauses decided: items of the text that became a rule, per trial;
- vignette verdict agreement and false exclusions (a careful reader's
  likely_eligible or needs_review that the screener calls not_eligible);
- speed: the whole corpus read into trials, cold and warm.

Usage: .venv/bin/python bench/extraction.py [--show-wrong] [--show-missed] [--half H]
       [--strict]   (exit 1 when an evaluation-half target is missed)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "trials" / "reading_eval"))

import evaluate  # noqa: E402

from screener.trials.reading.concepts import _readings_cached  # noqa: E402
from screener.trials.study import trial_from_study  # noqa: E402

TARGETS = {"precision": 0.98, "recall": 0.90, "agreement": 0.90, "false_exclusions": 0,
           "warm_seconds": 2.0}


def measure(half: str, profiles: list[dict]) -> dict:
    """Every figure for one half of the labels."""
    labels = evaluate.load_half(half)
    total = evaluate.Score()
    agree = vignettes = false_excl = 0
    disagreements, decided = [], []
    per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for label in labels:
        study = json.loads((evaluate.STUDIES / f"{label.nct}.json").read_text("utf-8"))
        trial = trial_from_study(study)
        s = evaluate.score_trial(label, trial, profiles)
        total.add(s)
        decided.append(s.items_with_rule / s.items if s.items else 0.0)
        a, n, fx, out = evaluate.vignette_agreement(label, trial)
        agree, vignettes, false_excl = agree + a, vignettes + n, false_excl + fx
        disagreements += out
        # per field: label rules' fields for recall, reader rules' fields for precision
        for c in label.criteria:
            for f in evaluate._rule_fields(c.get("rule")):
                per_field[f][2] += 1
        for c in trial.criteria:
            if c.id not in ("age", "sex") and c.rule is not None:
                for f in {leaf for leaf in _leaf_fields(c.rule)}:
                    per_field[f][0] += 1
    for nct, texts in total.wrong:
        for f in _fields_of_texts(nct, texts, labels):
            per_field[f][1] += 1
    for nct, texts in total.missed:
        for f in _fields_of_texts(nct, texts, labels):
            per_field[f][3] += 1
    return {"labels": len(labels), "score": total, "agree": agree, "vignettes": vignettes,
            "false_exclusions": false_excl, "disagreements": disagreements,
            "decided": sum(decided) / len(decided) if decided else 0.0,
            "per_field": dict(per_field)}


def _leaf_fields(node) -> set[str]:
    return set(node.fields())


def _fields_of_texts(nct: str, texts, labels) -> set[str]:
    """The label fields of the criteria a group names (for the per-field table)."""
    if texts == "age":
        return {"age"}
    label = next(lab for lab in labels if lab.nct == nct)
    out: set[str] = set()
    for c in label.criteria:
        if any(c["text"][:60] == t for t in texts):
            out |= evaluate._rule_fields(c.get("rule"))
    return out or {"(no label rule)"}


def speed(runs: int = 3) -> tuple[int, list[float]]:
    """(studies, seconds per run) to read every study of the corpus into a trial."""
    docs = [json.loads(p.read_text("utf-8")) for p in sorted(evaluate.STUDIES.glob("*.json"))]
    return len(docs), read_seconds(docs, runs)


def read_seconds(docs: list[dict], runs: int = 3) -> list[float]:
    """Seconds per run to read every record into a trial; the first run is cold.

    (Also bench/coverage.py's timing, so both benchmarks time reading the same way.)
    """
    times = []
    for _ in range(runs):
        _readings_cached.cache_clear()  # warm = libraries loaded, not texts remembered
        start = time.perf_counter()
        for doc in docs:
            trial_from_study(doc)
        times.append(time.perf_counter() - start)
    return times


def report(half: str, m: dict, show_wrong: bool, show_missed: bool) -> None:
    s = m["score"]
    print(f"\n== {half} half: {m['labels']} studies, {s.items} items ==")
    print(f"item precision {s.precision:.3f} ({s.precise}/{s.reader_groups} groups read)   "
          f"item recall {s.recall:.3f} ({s.recalled}/{s.label_groups} groups labelled)")
    print(f"items decided per trial (mean share with a rule): {m['decided']:.3f}")
    share = m["agree"] / m["vignettes"] if m["vignettes"] else 1.0
    print(f"vignette verdicts: {m['agree']}/{m['vignettes']} agree = {share:.3f}; "
          f"false exclusions: {m['false_exclusions']}")
    print(f"  {'field':42} {'read':>5} {'wrong':>5} {'labelled':>8} {'missed':>6}")
    for field, (read, wrong, labelled, missed) in sorted(m["per_field"].items()):
        print(f"  {field:42} {read:5} {wrong:5} {labelled:8} {missed:6}")
    if show_wrong:
        for nct, texts in s.wrong:
            print("  WRONG ", nct, texts)
        for d in m["disagreements"]:
            print("  VERDICT", d)
    if show_missed:
        for nct, texts in s.missed:
            print("  MISSED", nct, texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("development", "evaluation", "both"), default="both")
    parser.add_argument("--show-wrong", action="store_true")
    parser.add_argument("--show-missed", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a missed target")
    args = parser.parse_args(argv)
    profiles = evaluate.battery()
    halves = ("development", "evaluation") if args.half == "both" else (args.half,)
    results = {}
    for half in halves:
        results[half] = measure(half, profiles)
        report(half, results[half], args.show_wrong and half == "development",
               args.show_missed and half == "development")
    n, times = speed()
    warm = min(times[1:])
    print(f"\ncorpus: {n} studies, {times[0]:.3f} s cold ({n / times[0]:.0f} studies/s), "
          f"{warm:.3f} s warm ({n / warm:.0f} studies/s)")
    missed = []
    if "evaluation" in results:
        m = results["evaluation"]
        s = m["score"]
        share = m["agree"] / m["vignettes"] if m["vignettes"] else 1.0
        for name, value, ok in (
                ("precision", s.precision, s.precision >= TARGETS["precision"]),
                ("recall", s.recall, s.recall >= TARGETS["recall"]),
                ("vignette agreement", share, share >= TARGETS["agreement"]),
                ("false exclusions", m["false_exclusions"], m["false_exclusions"] == 0)):
            print(f"evaluation {name}: {value if isinstance(value, int) else f'{value:.3f}'} "
                  f"{'met' if ok else 'MISSED'}")
            if not ok:
                missed.append(name)
    ok = warm < TARGETS["warm_seconds"]
    print(f"corpus warm < {TARGETS['warm_seconds']} s: {'met' if ok else 'MISSED'}")
    if not ok:
        missed.append("speed")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
