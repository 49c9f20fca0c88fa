"""`screener draft-criteria NCT_ID`: a criteria file drafted from the registry, ready to review."""

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from screener.cli import check_criteria, draft_criteria, main
from screener.eligibility import load_file
from screener.trials import snapshot
from screener.trials.study import trial_from_study

DATA = Path(__file__).parent / "data"
STUDIES = sorted((DATA / "studies").glob("*.json"))


def draft(*args):
    return CliRunner().invoke(draft_criteria, [str(a) for a in args])


def test_every_shared_study_drafts_a_file_that_passes_check_criteria(tmp_path):
    """A draft of each of the 96 shared studies passes `screener check-criteria` as written."""
    out = tmp_path / "criteria"
    out.mkdir()
    for path in STUDIES:
        result = draft(path.stem, "--from", path, "-o", out / f"{path.stem}.yaml")
        assert result.exit_code == 0, result.output
    checked = CliRunner().invoke(check_criteria, ["--criteria-dir", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "96 criteria file(s) OK" in checked.output


def test_draft_keeps_verbatim_items_and_marks_every_rule_for_review(tmp_path):
    """The draft holds every registry item verbatim, each criterion review: true."""
    path = DATA / "studies" / "NCT02435849.json"
    target = tmp_path / "NCT02435849.yaml"
    assert draft("NCT02435849", "--from", path, "-o", target).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# DRAFT criteria for NCT02435849")
    data = yaml.safe_load(text)
    expected = trial_from_study(json.loads(path.read_text()))
    assert [c["text"] for c in data["criteria"]] == [c.text for c in expected.criteria]
    assert all(c["review"] is True and c["note"] for c in data["criteria"])
    assert any("rule" in c for c in data["criteria"][1:])
    assert data["trial"]["minimum_age"] == "3 Years" and data["trial"]["status"] == \
        "ACTIVE_NOT_RECRUITING"
    # The draft loads as a curated trial and screens like the registry reading.
    trial = load_file(target)
    assert [c.text for c in trial.criteria] == [c.text for c in expected.criteria]


def test_draft_to_stdout():
    """-o - prints the draft."""
    result = draft("NCT03553238", "--from", DATA / "studies" / "NCT03553238.json", "-o", "-")
    assert result.exit_code == 0 and "id: NCT03553238" in result.output


def test_draft_refuses_to_overwrite(tmp_path):
    """An existing file is kept unless --force is given."""
    target = tmp_path / "x.yaml"
    target.write_text("keep me")
    path = DATA / "studies" / "NCT03553238.json"
    assert draft("NCT03553238", "--from", path, "-o", target).exit_code == 2
    assert target.read_text() == "keep me"
    assert draft("NCT03553238", "--from", path, "-o", target, "--force").exit_code == 0


@pytest.mark.parametrize(("content", "words"), [
    ("{broken", "not valid JSON"),
    ('{"studies": []}', "page of search results"),
])
def test_bad_from_file_exits_2(tmp_path, content, words):
    """A --from file that is not a study record exits 2 naming the file and problem."""
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = draft("NCT02435849", "--from", bad, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 2 and "bad.json" in result.output and words in result.output


def test_wrong_study_for_the_id_exits_2(tmp_path):
    """Asking for one NCT id with another study's record is refused."""
    result = draft("NCT00000001", "--from", DATA / "studies" / "NCT03553238.json",
                   "-o", tmp_path / "o.yaml")
    assert result.exit_code == 2 and "NCT03553238" in result.output


def test_draft_from_the_snapshot(app, tmp_path):
    """Without --from the study comes from the local snapshot (after `sync --from-dir`)."""
    with app.app_context():
        assert snapshot.sync_from_dir(DATA / "studies").ok
    target = tmp_path / "NCT02435849.yaml"
    result = app.test_cli_runner().invoke(args=["draft-criteria", "NCT02435849", "-o",
                                                str(target)])
    assert result.exit_code == 0, result.output
    assert load_file(target).id == "NCT02435849"
    missing = app.test_cli_runner().invoke(args=["draft-criteria", "NCT09999999", "-o",
                                                 str(tmp_path / "n.yaml")])
    assert missing.exit_code == 2 and "not in the local snapshot" in missing.output


def test_registered_on_the_screener_command():
    """`screener draft-criteria` exists on the console script's group."""
    assert "draft-criteria" in main.commands


def test_lowercase_nct_id_is_accepted_and_written_in_upper_case(tmp_path):
    """`draft-criteria nct03553238` is the same trial as NCT03553238 (ids are upper case)."""
    target = tmp_path / "d.yaml"
    result = draft("nct03553238", "--from", DATA / "studies" / "NCT03553238.json", "-o", target)
    assert result.exit_code == 0, result.output
    assert load_file(target).id == "NCT03553238"


def test_not_an_nct_id_exits_2():
    """An argument that is not NCT + 8 digits is refused before anything is read."""
    result = draft("NCT123", "--from", DATA / "studies" / "NCT03553238.json", "-o", "-")
    assert result.exit_code == 2 and "NCT123" in result.output and "8 digits" in result.output


def test_without_output_nothing_is_written_and_the_message_says_why(tmp_path, monkeypatch):
    """No -o: exit 2 asking for one; nothing lands in the working directory."""
    monkeypatch.chdir(tmp_path)
    result = draft("NCT03553238", "--from", DATA / "studies" / "NCT03553238.json")
    assert result.exit_code == 2
    assert "-o" in result.output and "criteria/" in result.output
    assert list(tmp_path.iterdir()) == []


def test_help_argues_where_drafts_go():
    """--help says why there is no default output and how to print to stdout."""
    result = draft("--help")
    text = " ".join(result.output.split())
    assert "-o -" in text or "'-' for stdout" in text
    assert "./NCT_ID.yaml" not in text


def test_output_folder_is_made_when_named(tmp_path):
    """-o drafts/NCT....yaml (as the help suggests) makes the folder the person named."""
    target = tmp_path / "drafts" / "NCT03553238.yaml"
    result = draft("NCT03553238", "--from", DATA / "studies" / "NCT03553238.json", "-o", target)
    assert result.exit_code == 0, result.output
    assert target.is_file()
