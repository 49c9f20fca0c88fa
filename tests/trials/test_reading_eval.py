"""The hand labels the reader is measured on: intact, consistent, and the evaluation half unchanged."""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "reading_eval"
sys.path.insert(0, str(HERE))
import evaluate  # noqa: E402

LABELS = sorted((HERE / "labels").glob("*.yaml"))


def test_the_evaluation_labels_are_the_ones_committed_before_the_reader_changed():
    """Their hash matches EVALUATION.sha256: nobody tuned the evaluation half's labels."""
    recorded = (HERE / "EVALUATION.sha256").read_text(encoding="utf-8").split()[0]
    assert evaluate.evaluation_hash() == recorded


def test_every_study_is_labelled_once_in_one_half():
    """The two halves split the 96 shared records, and each record has its label file."""
    dev, ev = set(evaluate.SPLIT["development"]), set(evaluate.SPLIT["evaluation"])
    assert not dev & ev and len(dev | ev) == 96
    assert {p.stem for p in LABELS} == dev | ev


@pytest.mark.parametrize("path", LABELS, ids=[p.stem for p in LABELS])
def test_each_label_file_is_consistent(path):
    """Texts found verbatim, rules that lint, vignettes whose verdict follows the file's own rules."""
    assert evaluate.check(evaluate.load(path)) == []
