"""The held-out gold of issue 17 (tests/drafting/heldout): hand-encoded measures of five documents of
the evaluation corpus. They must pass the same loader as policies/measures, against their own text."""

from pathlib import Path

import pytest
import yaml

from zhida.documents.pipeline import parse_file
from zhida.drafting import source
from zhida.drafting.gold import gold_policies, load_gold
from zhida.errors import RuleError

HELDOUT = Path(__file__).resolve().parent / "heldout"
CORPUS = Path(__file__).resolve().parents[1] / "documents" / "fixtures" / "corpus"
GOLDS = sorted(HELDOUT.glob("*.yaml"))


def _doc(key: str):
    path = next(p for p in CORPUS.glob(f"{key}.*") if p.suffix != ".yaml")
    return source.from_parsed(key, parse_file(path))


def test_five_documents_none_in_the_platform_library(policies):
    assert len(GOLDS) >= 5
    assert not {g.stem for g in GOLDS} & set(policies.library.keys())


@pytest.mark.parametrize("gold", GOLDS, ids=lambda g: g.stem)
def test_gold_loads_against_its_text(policies, gold):
    measures = load_gold(policies, gold, _doc(gold.stem))
    assert measures and all(m.enterprise_benefit for m in measures)
    assert all(m.document == gold.stem for m in measures)
    # gold ids are apart from the platform's rules: scoring never mixes the two
    assert not {m.id for m in measures} & set(policies.measures)
    assert set(gold_policies(policies, {gold.stem: measures}).measures) == {m.id for m in measures}


def test_a_quote_the_text_lacks_is_refused(policies, tmp_path):
    gold = GOLDS[0]
    data = yaml.safe_load(gold.read_text(encoding="utf-8"))
    data["measures"][0]["sources"][0]["quote"] = "本县对所有企业一律奖励一千万元"
    bad = tmp_path / gold.name
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        load_gold(policies, bad, _doc(gold.stem))
    assert gold.name in str(exc.value) and "quote" in str(exc.value)
