"""What ranking the adaptive questions costs a wizard page.

    .venv/bin/python bench/questions.py [--repeat 50] [--trials 1000] [--strict]

Every wizard page works out which adaptive questions to ask (``steps.make_plan``):
it screens the profile against every trial the results page would show (curated
and registry, open to enrollment), asks the most decisive missing answer, adds
that answer and screens again the trials still in review, until it reaches the
first question not answered yet. This prints, for several people part-way
through the wizard:

- the plan's time with the bundled trials plus the recorded registry snapshot
  (tests/trials/data/studies, read with ``sync --from-dir`` into a temporary
  SQLite database) -- target: under 10 ms at the median, cold or not;
- the same against ``--trials`` trials (the open ones copied under new ids, as a
  large registry would be), three ways: cold (nothing remembered: a restart) --
  target under 100 ms; after a new answer (the replay up to the previous page is
  remembered, as it is when the person just left it) -- target under 50 ms, the
  wizard's per-step budget (bench/wizard_load.py); the same answers again (the page
  shown after its POST) -- target under 5 ms;
- a whole step page (GET, through Flask's test client) beside the plan alone: an adaptive
  question and the tests page (whose questions are shown only when an open study still in
  review reads them: the plan's screenings, staged page by page, decide which).

Each target prints "met" or "MISSED"; ``--strict`` exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "wizard"))

from targets import Targets, add_strict_option  # noqa: E402
from wizard_pages import ADULT, CHILD, WizardActions  # noqa: E402

from screener import create_app  # noqa: E402

#: A T-cell adult part-way through the adaptive questions.
T_CELL = {
    "who": {"who": "patient"}, "age": {"years": "30", "sex": "male"},
    "diagnosis": {"diagnosis": "t_all", "status": "newly_diagnosed", "age_at_diagnosis": "30"},
    "treatments": {"treatments": ["steroids"]}, "timing": {"months_steroids": "0"},
    "tests": {"philadelphia": "negative", "mrd": "unknown", "in_remission": "unknown",
              "cns_at_diagnosis": "cns1"},
    "health": {"down_syndrome": "no", "hiv": "no", "hepatitis_b": "no", "hepatitis_c": "no",
               "infection": "no"},
    "daily": {"activity": "0"}, "location": {"zip": ""},
    "etp": {"answer": "unknown"}, "blasts": {"answer": "30"}, "seizures": {"answer": "no"},
}
PEOPLE = {"child": CHILD, "adult": ADULT, "t-cell": T_CELL}


def _raw(steps: dict) -> dict:
    return {step: {k: (v if isinstance(v, list) else [v]) for k, v in fields.items()}
            for step, fields in steps.items()}


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--trials", type=int, default=1000)
    add_strict_option(parser)
    args = parser.parse_args()
    targets = Targets()

    folder = tempfile.mkdtemp(prefix="bench-questions-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                      "SCREENER_INSTANCE_PATH": folder})
    with app.app_context():
        from screener.trials import snapshot
        from screener.trials.catalog import catalog
        from screener.wizard.steps import Answers, make_plan, trials_in_play

        outcome = snapshot.sync_from_dir(ROOT / "tests" / "trials" / "data" / "studies")
        assert outcome.ok, outcome
        catalog().refresh(force=True)
    with app.test_request_context():
        real = trials_in_play()
        many = [dataclasses.replace(t, id=f"NCT9{i:07d}")
                for i, t in zip(range(args.trials), real * (args.trials // len(real) + 1),
                                strict=False)]
        print(f"trials in play: {len(real)} (curated and recorded registry, open); "
              f"large registry: {len(many)}")
        from screener.wizard import steps as wizard_steps

        def cold(answers, trials):
            wizard_steps._REVIEWED.clear()
            return make_plan(Answers(answers), trials)

        for who, steps in PEOPLE.items():
            answers = _raw(steps)
            # the same answers less the newest adaptive one: what the page before saw
            before = {k: v for k, v in answers.items() if k != list(answers)[-1]}
            for label, trials, limits in (("in play", real, (10, 10, 5)),
                                          (f"{len(many)}", many, (100, 50, 5))):
                ms, plan = _median_ms(lambda a=answers, t=trials: cold(a, t), args.repeat)
                asked = len(plan.sequence)
                targets.check(f"{who:8} {label:>8} trials: cold plan {ms:6.2f} ms "
                              f"({asked} question(s) replayed; target < {limits[0]} ms)",
                              ms < limits[0])

                def after_an_answer(a=answers, b=before, t=trials):
                    cold(b, t)  # the previous page, remembered
                    start = time.perf_counter()
                    make_plan(Answers(a), t)
                    return (time.perf_counter() - start) * 1000

                ms = statistics.median(after_an_answer() for _ in range(args.repeat))
                targets.check(f"{who:8} {label:>8} trials: after a new answer {ms:6.2f} ms "
                              f"(target < {limits[1]} ms)", ms < limits[1])
                ms, _plan = _median_ms(lambda a=answers, t=trials: make_plan(Answers(a), t),
                                       args.repeat)
                targets.check(f"{who:8} {label:>8} trials: same answers again {ms:6.2f} ms "
                              f"(target < {limits[2]} ms)", ms < limits[2])

    # a whole step page beside the plan: the adult's first adaptive question
    client = app.test_client()
    wizard = WizardActions(client)
    wizard.complete(ADULT, dont_know=False)
    name = wizard.pending()
    for page in ([name] if name else []) + ["tests"]:  # tests: asks only what studies read
        ms, _response = _median_ms(lambda p=page: client.get(f"/screen/step/{p}"), args.repeat)
        print(f"adult, step page /screen/step/{page} (GET, test client): {ms:.2f} ms median")
    return targets.exit_code(args.strict)


if __name__ == "__main__":
    sys.exit(main())
