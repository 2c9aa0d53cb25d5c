"""One Chinese vocabulary (zhida.rules.vocabulary + the catalogue's value labels): every code that can
reach a user has a word, and match reasons — the JSON, CLI, web and exports all read them — are Chinese."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from zhida import config
from zhida.enterprises.profile import EnterpriseProfile
from zhida.matching.match import load_default_policies, match_enterprise
from zhida.matching.report import report_json
from zhida.rules import model
from zhida.rules.vocabulary import VOCABULARIES, zh

POLICIES = load_default_policies()
SRC = Path(__file__).resolve().parents[2] / "src" / "zhida"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# words the sources themselves print (quotes are the authority): GB/T, FDA, WHO …
SOURCE_WORDS = {"GB", "FDA", "EMA", "PMDA", "WHO", "APEC"}


def test_every_code_value_of_a_fact_or_concept_has_a_chinese_label():
    missing = []
    for fact in POLICIES.catalogue.facts.values():
        for code in fact.values or ():
            word = dict(fact.value_labels).get(code)
            if not word or LATIN_WORD.search(word):
                missing.append(f"{fact.name}={code}")
    for concept in POLICIES.concepts.values():
        for code in concept.values or ():
            word = dict(concept.value_labels).get(code)
            if not word or LATIN_WORD.search(word):
                missing.append(f"{concept.name}={code}")
    assert not missing, "add a label in policies/facts or concepts (values: {code: 标签}): " + ", ".join(missing)


@pytest.mark.parametrize(("vocabulary", "codes"), [
    ("review_status", model.REVIEW_STATUS),
    ("application", model.APPLICATION),
    ("not_encoded", model.NOT_ENCODED_REASONS),
    ("document_status", model.DOCUMENT_STATUS),
    ("amount_kind", model.AMOUNT_KINDS),
    ("measure_kind", {m.kind for m in POLICIES.measures.values()}),
    ("beneficiary", {m.beneficiary for m in POLICIES.measures.values()}),
])
def test_model_codes_have_words(vocabulary, codes):
    assert {c for c in codes if zh(c, vocabulary) == "未知"} == set()


def test_qualification_types_and_event_types_have_words():
    from typing import get_args

    from zhida.enterprises.profile import QualificationType

    assert {q for q in get_args(QualificationType) if zh(q, "qualification") == "未知"} == set()
    assert POLICIES.catalogue.events
    assert {e for e in POLICIES.catalogue.events if zh(e, "event") == "其他事项"} == set()


def _codes_in_source(pattern: str) -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_error_code_and_audit_action_in_the_code_has_words():
    errors = _codes_in_source(r"WebError\(\s*\d+,\s*\"([a-z_]+)\"") | _codes_in_source(r"super\(\).__init__\(\d+, \"([a-z_]+)\"")
    actions = _codes_in_source(r"action=\"([a-z_]+)\"") | _codes_in_source(r"\"(batch_start|batch_cancel|whatif|export)\"")
    assert errors and actions
    assert {c for c in errors if zh(c, "error") == "未知"} == set()
    assert {c for c in actions if zh(c, "audit_action") == "未知"} == set()


def test_no_vocabulary_word_is_latin():
    for name, words in VOCABULARIES.items():
        assert not [w for w in words.values() if LATIN_WORD.search(w)], name


def test_code_values_read_as_words_in_reasons():
    profile = json.loads((config.PROJECT_ROOT / "docs/examples/profiles/industrial_sme_equipment_2022.json")
                         .read_text(encoding="utf-8"))
    as_of = dt.date(2022, 12, 31)
    results = match_enterprise(EnterpriseProfile.model_validate(profile), as_of)
    report = report_json(results, as_of, POLICIES)
    texts = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("text", "summary", "reason", "message"):
            texts.append(node)

    walk(report)
    assert texts
    latin = {w for t in texts for w in LATIN_WORD.findall(t)} - SOURCE_WORDS
    assert latin == set(), sorted(latin)[:20]
    joined = "\n".join(texts)
    assert "〔未量化标准:" not in joined
    assert "认定层级需为国家级" in joined  # national → 国家级, at the source


def test_an_open_criterion_reads_as_its_own_measure_words_it():
    from zhida.rules.describe import label, wording

    shared = {}
    for measure in POLICIES.measures.values():
        for o in measure.open_criteria:
            shared.setdefault(o.id, {})[measure.id] = o.label
    criterion, worded = next((k, v) for k, v in shared.items() if len(set(v.values())) > 1)
    assert label(f"open.{criterion}", POLICIES) == "〔未量化标准〕"  # several measures word it differently
    for measure_id, words in worded.items():
        with wording(POLICIES.measures[measure_id]):
            assert label(f"open.{criterion}", POLICIES) == f"〔{words}〕"
