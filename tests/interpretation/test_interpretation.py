"""政策解读 from the encoded measures: every point rests on words of the document (no invented
text), 申报方式 only where the measure's data says so, money kinds as the totals count them."""

from __future__ import annotations

import pytest

from zhida.matching.match import load_default_policies
from zhida.interpretation import interpret, reading_json
from zhida.rules.sources import squash


@pytest.fixture(scope="module")
def policies():
    return load_default_policies()


def _documents(policies):
    return sorted({m.document for m in policies.measures.values()})


def _points(reading):
    for group in reading.groups:
        for m in group.measures:
            yield m, [*m.who, *m.open_criteria, m.how_much, m.until, m.how_to_apply, *m.apply_details, *m.sources]


def test_every_quoted_point_is_in_the_clause_it_links_to(policies):
    checked = 0
    for document in _documents(policies):
        for _measure, points in _points(interpret(document, policies)):
            for p in points:
                if p.quote is None:
                    continue
                assert p.document, p
                source = policies.library.get(p.document)
                # a clause when the words are in one; else (a date line) the document's own text
                text = source.clause_text(p.clause, "test") if p.clause else source.original
                assert squash(p.quote) in squash(text), (p, text[:200])
                checked += 1
    assert checked > 500


def test_every_enterprise_measure_is_read_out_once(policies):
    for document in _documents(policies):
        reading = interpret(document, policies)
        ids = [m.measure_id for g in reading.groups for m in g.measures]
        expected = [m.id for m in policies.measures.values() if m.document == document and m.enterprise_benefit]
        assert sorted(ids) == sorted(expected)
        assert sum(reading.counts.values()) == len(ids)


def test_how_to_apply_only_where_the_measure_says(policies):
    said = unsaid = 0
    for document in _documents(policies):
        for m, _points_ in _points(interpret(document, policies)):
            measure = policies.measures[m.measure_id]
            if measure.application == "unknown":
                assert "未明确" in m.how_to_apply.text and m.how_to_apply.quote is None
                unsaid += 1
            else:
                assert m.how_to_apply.quote == measure.application_quote
                assert ("需申报" if measure.application == "申报" else "免申即享") in m.how_to_apply.text
                said += 1
    assert said and unsaid


def test_money_kinds_follow_the_totals_split(policies):
    reading = interpret("000_094af80e03a20c8c", policies)
    by_id = {m.measure_id: m for g in reading.groups for m in g.measures}
    assert by_id["bj2022.sme-equipment-deduction"].money_kind_label == "减免·抵扣·递延"  # a deduction base
    assert by_id["bj2022mfg.standard-factory-fai-subsidy"].money_kind_label == "最高金额"  # 不超过
    assert by_id["bj2022mfg.key-material-transport-pass"].money_kind_label == "金额未明确"  # a service
    cy = {m.measure_id: m for g in interpret("002_2f4420f430754317", policies).groups for m in g.measures}
    assert cy["cy2022.sme-rd-reward"].money_kind_label == "确定金额"
    assert cy["cy2022.sme-rd-reward"].draft  # 002 is a 征求意见稿: said on the page


def test_period_and_unknown_document(policies):
    cy = {m.measure_id: m for g in interpret("002_2f4420f430754317", policies).groups for m in g.measures}
    until = cy["cy2022.sme-rd-reward"].until
    assert until.text == "至2022年12月31日" and until.quote == "有效期至2022年12月31日" and until.clause == "closing"
    bj = {m.measure_id: m for g in interpret("000_094af80e03a20c8c", policies).groups for m in g.measures}
    assert "截止日期未明确" in bj["bj2022.sme-equipment-deduction"].until.text
    empty = interpret("no_such_document", policies)
    assert empty.measures == 0 and reading_json(empty)["groups"] == []


def test_apply_details_are_quoted_or_unstated(policies):
    labels = ("申报时间", "申报材料", "受理部门", "咨询电话")
    stated = 0
    for document in _documents(policies):
        for m, _points_ in _points(interpret(document, policies)):
            assert [p.text.split("：")[0] for p in m.apply_details] == list(labels)
            for p in m.apply_details:
                assert (p.quote is None) == p.text.endswith("：未明确"), p
                stated += p.quote is not None
    assert stated  # the seeds state some (a 受理部门 or 咨询电话 in 001/004)
