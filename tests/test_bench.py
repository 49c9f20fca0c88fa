"""The engine benchmark's hand-written floor still implements the same rules as the engine.

If a change to criteria/NCT02435849.yaml is not mirrored in bench/engine.py, the
benchmark would compare two different things; this keeps it honest.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from screener.config import BUNDLED_CRITERIA
from screener.eligibility import load_file, quick_verdict, screen

BENCH = Path(__file__).resolve().parents[1] / "bench" / "engine.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_floor_agrees_with_the_engine_on_generated_profiles():
    """On 2,000 generated profiles the floor's verdict equals the engine's, both paths."""
    bench = _bench()
    eliana = load_file(BUNDLED_CRITERIA / "NCT02435849.yaml")
    import yaml

    cases = yaml.safe_load((Path(__file__).parent / "eligibility" / "trial_cases" /
                            "NCT02435849.yaml").read_text(encoding="utf-8"))["cases"]
    profiles = bench.generate(2000, seed=7) + [c["profile"] for c in cases]
    verdicts = {bench.eliana_by_hand(p) for p in profiles}
    assert verdicts == {"likely_eligible", "needs_review", "not_eligible"}  # all paths exercised
    for p in profiles:
        assert bench.eliana_by_hand(p) == quick_verdict(p, eliana) == screen(p, eliana).verdict, p


COVERAGE = Path(__file__).resolve().parents[1] / "bench" / "coverage.py"


def _coverage():
    spec = importlib.util.spec_from_file_location("bench_coverage", COVERAGE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_coverage_reads_two_corpus_records_and_groups_what_it_leaves(capsys):
    """On two corpus records every item is counted once, as read or unread, and grouped."""
    bench = _coverage()
    docs = bench.load(limit=2)
    assert len(docs) == 2
    fig = bench.measure(docs)
    items = sum(fig.items.values())
    assert items == sum(fig.with_rule.values()) + len(fig.unread) + fig.unscreenable > 0
    assert fig.partial <= sum(fig.with_rule.values())
    grouped = bench.families(fig.unread)
    assert sum(len(members) for _, members in grouped) == len(fig.unread)
    assert bench.main(["--limit", "2", "--runs", "2", "--unread", "--families", "3"]) == 0
    assert "items with a rule" in capsys.readouterr().out


def test_coverage_counts_apart_what_no_profile_answer_decides():
    """Consent, contraception, compliance and life expectancy are no unread reading; an item
    that also names something a profile holds stays unread."""
    bench = _coverage()
    assert bench.unscreenable("Written informed consent")
    assert bench.unscreenable("Life expectancy > 12 weeks.")
    assert bench.unscreenable("Sexually active females not using contraception")
    assert not bench.unscreenable("Pregnant or nursing women")
    assert not bench.unscreenable("Patients (>= 18 years of age) or the parent must provide "
                                  "signed, written informed consent")


def test_family_names_an_item_by_its_first_content_words():
    """Bullets, filler words and spelled-out abbreviations do not split a family."""
    bench = _coverage()
    assert bench.family("  -  Patients must have adequate liver function") == "adequate liver"
    assert bench.family("Eastern Cooperative Oncology Group (ECOG) status 0-2") == "ecog status"
    assert bench.family("2. No active central nervous system leukemia") == "active cns"


QUEUE = Path(__file__).resolve().parents[1] / "bench" / "desk_queue.py"


def _queue_bench():
    spec = importlib.util.spec_from_file_location("bench_queue", QUEUE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_queue_bench_seeds_times_the_queue_and_rescreens_on_sqlite(capsys):
    """bench/desk_queue.py with 40 referrals: every figure printed, the re-screen does real work."""
    bench = _queue_bench()
    assert bench.main(["--referrals", "40", "--databases", "sqlite", "--runs", "2",
                       "--open-share", "1"]) == 0
    out = capsys.readouterr().out
    assert "seeded in" in out and "40 open" in out
    assert "queue, status new + verdict likely" in out and "queue, + trial filter" in out
    assert "re-screen, nothing changed (baseline)" in out and ", 0 re-screened" in out
    assert "for 40 of 40 open referral(s)" in out  # the changed file touched every one


@pytest.mark.postgres
def test_queue_bench_runs_on_postgresql_in_a_database_of_its_own(capsys):
    """The PostgreSQL run creates its database, and drops it afterwards."""
    import os

    import psycopg

    url = os.environ.get("TESTING_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    bench = _queue_bench()
    assert bench.main(["--referrals", "20", "--databases", "postgresql", "--runs", "1",
                       "--pg-url", url]) == 0
    assert "== PostgreSQL: 20 referrals ==" in capsys.readouterr().out
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE "
                            "'screener_bench_%'").fetchone()[0]
    assert left == 0
