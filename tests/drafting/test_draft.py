"""Drafting: each benefit sentence → a measure in the YAML form, loaded by the same loader as the
reviewed measures; numbers only with their quotes; what the text does not give stays open."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.documents.pipeline import parse_text
from zhida.drafting import source, tiers, validate
from zhida.drafting.draft import draft_document
from zhida.rules.benefit_spans import _simplified as simplify
from zhida.rules.benefit_spans import is_benefit, is_heading, sentences
from zhida.rules.fidelity import _matches, numbers_of, values_in


def _one(drafts, words):
    found = [d for d in drafts if words in d.sentence]
    assert len(found) == 1, [d.sentence for d in drafts if words[:4] in d.sentence]
    return found[0]


def test_a_rate_with_a_cap_becomes_base_times_rate_capped(policies, seeds):
    d = _one(draft_document(seeds["003_4b22abcac525f172"], policies), "按购买价格10%给予补贴")
    m = d.measure
    assert m["kind"] == "cash_subsidy"
    assert m["amount"]["expr"] == "first_set_purchase.price * 0.1"
    assert m["amount"]["cap"] == 300000
    assert "30万元" in m["amount"]["quote"] and "10%" in m["amount"]["quote"]
    assert m["jurisdiction"] == ["140900"]  # 忻州市人民政府办公室
    assert m["responsible_units"] == ["市工信局", "市财政局"]
    checked = validate.check(policies, "003_4b22abcac525f172", m, seeds["003_4b22abcac525f172"])
    assert checked.ok, [str(e) for e in checked.errors]


def test_every_seed_draft_loads_with_the_reviewed_measures_loader(policies, seeds):
    failures = []
    for key, doc in seeds.items():
        for d in draft_document(doc, policies):
            checked = validate.check(policies, key, d.measure, doc)
            if not checked.ok:
                failures.append(f"{d.id}: {checked.errors[0]}")
    assert not failures, failures[:10]


def test_every_benefit_sentence_of_a_leaf_clause_is_drafted_once(policies, seeds):
    doc = seeds["000_094af80e03a20c8c"]
    drafts = draft_document(doc, policies)
    expected = []
    for c in doc.clauses:
        said = sentences(c.text) if c.leaf else []
        for i, s in enumerate(said):
            row = i and is_benefit(said[i - 1]) and tiers.continues(simplify(said[i - 1]), simplify(s))
            if is_benefit(s) and not is_heading(i, s) and not row:  # a tier table's next row: one benefit
                expected.append((c.id, i))
    assert [(d.clause, d.index) for d in drafts] == expected
    assert len({d.id for d in drafts}) == len(drafts)


def test_every_number_in_a_condition_or_amount_is_in_that_field_s_own_quote(policies, seeds):
    problems = []
    for key, doc in seeds.items():
        for d in draft_document(doc, policies):
            checked = validate.check(policies, key, d.measure, doc)
            m = checked.measure
            for c in m.conditions:
                allowed = values_in(c.quote or "")
                problems += [f"{m.id} {c.id} {v}" for v, _ in numbers_of(c.ast, policies.concepts)
                             if not _matches(v, allowed)]
            if m.amount is not None:
                allowed = values_in(m.amount.quote or "")
                for node in (m.amount.expr, m.amount.cap, m.amount.floor, m.amount.upper):
                    if node is not None:
                        problems += [f"{m.id} amount {v}" for v, _ in numbers_of(node, policies.concepts)
                                     if not _matches(v, allowed)]
    assert not problems, problems[:10]


TEXT = """关于支持江州市中小企业发展的若干措施

一、支持研发。对研发投入达到一定标准的企业，给予研发补助。
二、扩大投资。对年营业收入2000万元以上的制造业企业，按照设备投资额的8%给予补贴，最高不超过200万元。（责任单位：市工信局、市财政局）
三、鼓励企业开展技术改造，给予资金支持。
"""


def test_unseen_text_nothing_invented_open_fields_listed(policies):
    doc = source.from_parsed("jz_demo", parse_text(TEXT, "jz_demo.txt"))
    drafts = {d.clause: d for d in draft_document(doc, policies)}
    first = drafts["1"].measure
    # 一定标准 is not a number: a named open criterion quoting the words, referenced by a condition
    assert [o["id"] for o in first["open_criteria"]] == ["certain_standard"]
    assert "一定标准" in first["open_criteria"][0]["quote"]
    assert {"expr": "open.certain_standard"}.items() <= next(c for c in first["conditions"]
                                                             if c["id"] == "certain_standard").items()
    assert first["amount"] == {"kind": "not_stated", "unit": "元", "quote": first["amount"]["quote"]}
    fields = {f["field"] for f in drafts["1"].open_fields}
    # 江州市 is no known region, no date, no unit: all open, none guessed
    assert {"jurisdiction", "period", "responsible_units", "amount"} <= fields
    assert "jurisdiction" not in first and first["period"] == {}
    second = drafts["2"].measure
    revenue = next(c for c in second["conditions"] if c["expr"].startswith("revenue"))
    assert revenue["expr"] == "revenue > 20000000" and "2000万元以上" in revenue["quote"]
    assert "manufacturing = TRUE" in [c["expr"] for c in second["conditions"]]
    # the base 设备投资额 is not a catalogue fact: the cap is the most, the rate's base stays open
    assert second["amount"]["kind"] == "maximum" and second["amount"]["expr"] == 2000000
    assert any(f["field"] == "amount.expr" for f in drafts["2"].open_fields)
    assert second["responsible_units"] == ["市工信局", "市财政局"]
    checked = validate.check(policies, "jz_demo", second, doc)
    assert checked.ok and checked.open_fields == ["jurisdiction"] and not checked.publishable


@pytest.mark.parametrize("key", ["002_2f4420f430754317", "004_31b0d1502afd2179"])
def test_district_and_traditional_documents_get_their_jurisdiction(policies, seeds, key):
    drafts = draft_document(seeds[key], policies)
    assert drafts and {tuple(d.measure.get("jurisdiction") or ()) for d in drafts} == \
        {("110105",) if key.startswith("002") else ("110000",)}


def test_drafts_of_the_unseen_evaluation_corpus_all_load(policies):
    """30 real documents zhida was not written on (tests/documents/fixtures/corpus): every draft
    passes the loader, every number of a condition is in its own quote."""
    from pathlib import Path

    from zhida.documents.pipeline import parse_file

    corpus = Path(__file__).resolve().parents[1] / "documents" / "fixtures" / "corpus"
    files = [f for f in sorted(corpus.glob("*")) if f.suffix in (".md", ".html", ".txt")]
    assert len(files) >= 30
    failures, drafted = [], 0
    for f in files:
        doc = source.from_parsed(f.stem, parse_file(f))
        for d in draft_document(doc, policies):
            drafted += 1
            checked = validate.check(policies, f.stem, d.measure, doc)
            if not checked.ok:
                failures.append(f"{d.id}: {checked.errors[0]}")
                continue
            for c in checked.measure.conditions:
                failures += [f"{d.id} {c.id} {v}" for v, _ in numbers_of(c.ast, policies.concepts)
                             if not _matches(v, values_in(c.quote or ""))]
    assert drafted > 200 and not failures, failures[:10]
