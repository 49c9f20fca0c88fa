"""The one vocabulary: every word about a field, value, therapy or rule, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from screener import vocabulary
from screener.eligibility.fields import FIELDS, THERAPIES
from screener.eligibility.rules import build_node

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "screener" / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def test_every_vocabulary_word_has_its_spanish():
    """Each message the vocabulary marks (N_, and P_ with its context) is translated."""
    with CATALOGUE.open("rb") as fh:
        catalog = read_po(fh)
    found, untranslated = 0, []
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "screener" / "vocabulary"), [("**.py", "python")],
            keywords={"N_": None, "P_": ((1, "c"), 2)}):
        found += 1
        entry = catalog.get(message, context=context)
        if entry is None or not entry.string:
            untranslated.append((context, message))
    assert found > 100
    assert untranslated == []


def test_every_profile_field_and_therapy_has_words():
    """Nothing a rule can test is said by its code name, in English or Spanish."""
    for path in FIELDS:
        assert path in vocabulary.LABELS, path
    for name in THERAPIES:
        assert name in vocabulary.THERAPIES, name
    for lang in ("en", "es"):
        say = vocabulary.speaker(lang)
        assert all(say(m) for m in vocabulary.LABELS.values())


def test_one_rule_reads_alike_in_the_engine_and_on_the_page():
    """The engine's 'checked: ...' words and the rule's sentence come from one table."""
    rule = {"field": "marrow_blasts_percent", "op": "gte", "value": 5}
    node = build_node(rule)
    assert node.requirement == "bone marrow blasts (%) at least 5"
    assert vocabulary.sentence(rule) == "Bone marrow blasts (%) at least 5."
    assert vocabulary.sentence(rule, "es") == "Blastos en la médula ósea (%) al menos 5."


@pytest.mark.parametrize(("rule", "english", "spanish"), [
    ({"field": "prior_therapies", "op": "received_with_outcome",
      "value": {"therapies": ["imatinib", "dasatinib"], "outcomes": ["refractory", "intolerant"]}},
     "Has had imatinib (Gleevec) or dasatinib (Sprycel) with the result: refractory or intolerant.",
     "Haber recibido imatinib (Gleevec) o dasatinib (Sprycel) sin respuesta o con intolerancia."),
    ({"field": "disease_status", "op": "eq", "value": "refractory"},
     "Disease status is refractory.", "Situación de la enfermedad es refractaria."),
    ({"field": "prior_therapies", "op": "received_within",
      "value": {"therapies": ["blinatumomab"], "months": 0.23}},
     "Has had blinatumomab (Blincyto) in the last 1 week.",
     "Haber recibido blinatumomab (Blincyto) hace menos de 1 semana."),
    ({"field": "mrd.level", "op": "gte", "value": 0.0001},
     "MRD level at least 0.01%.", "Nivel de EMR al menos 0,01 %."),
], ids=["therapy-outcome", "disease-refractory", "wait-in-weeks", "mrd-as-percent"])
def test_the_same_english_word_takes_its_meaning_in_spanish(rule, english, spanish):
    """'refractory' to a drug and 'refractory' disease are two messages; numbers are local."""
    assert vocabulary.sentence(rule) == english
    assert vocabulary.sentence(rule, "es") == spanish


def test_a_word_without_spanish_gives_no_half_translated_sentence():
    """A strict Spanish speaker refuses an unknown word; the sentence falls back to None."""
    with pytest.raises(vocabulary.Untranslated):
        vocabulary.speaker("es")("a message nobody translated")
    assert vocabulary.sentence({"field": "diagnosis", "op": "eq", "value": "new_code"}, "es") is None
    assert vocabulary.sentence({"field": "diagnosis", "op": "eq", "value": "new_code"}) == (
        "Type of ALL is new code.")


@pytest.mark.parametrize(("path", "given", "english", "spanish"), [
    ("age", {"years": 1, "months": 2}, "1 year 2 months", "1 año 2 meses"),
    ("prior_therapies", [{"therapy": "blinatumomab"}, {"therapy": "corticosteroids"}],
     "blinatumomab (Blincyto), steroids", "blinatumomab (Blincyto), esteroides"),
    ("performance_status", {"scale": "lansky", "score": 70}, "Lansky 70", "Lansky 70"),
    ("in_remission", False, "no", "no"),
    ("cns_status", "cns2", "CNS2", "SNC2"),
])
def test_answers_are_said_in_the_language_asked(path, given, english, spanish):
    assert vocabulary.answer(path, given) == english
    assert vocabulary.answer(path, given, "es") == spanish


@pytest.mark.parametrize(("lang", "asks"), [("en", ("Ask ", "Bring ")),
                                            ("es", ("Pregunte ", "Pida ", "Lleve "))])
def test_every_checklist_line_is_a_question_to_ask(lang, asks):
    """The results list these lines under 'Questions for your care team': each one asks (or
    brings the list to ask about), never 'Tell the study team ...', in English and Spanish."""
    from screener.vocabulary.words import ASK

    say = vocabulary.speaker(lang)
    lines = [say(message) for message in ASK.values()]
    assert lines and [line for line in lines if not line.startswith(asks)] == []
