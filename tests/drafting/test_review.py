"""Stored drafts through review: drafted at ingest time from the store's rows, edited with the
loader's verdict in Chinese (one line naming the field), cases run, impact over the enterprises,
published with the reviewer's name — refused while a field is open."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from zhida import config
from zhida.drafting import drafts, impact, review, rulebook
from zhida.drafting import cases as case_runs
from zhida.store import ingest_paths, open_store

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
KEY = "003_4b22abcac525f172"


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'review.sqlite3'}")
    ingest_paths(s, [config.sources_dir() / f"{KEY}.txt"])
    yield s
    s.close()


def _first_set(session):
    return next(r for r in drafts.of_document(session, KEY) if "按购买价格10%给予补贴" in r.sentence)


def test_make_drafts_the_stored_version_once(store, policies):
    with store.transaction() as session:
        n = drafts.make(session, KEY, policies, NOW)
        assert n > 20
        assert drafts.make(session, KEY, policies, NOW) == 0
        rows = drafts.of_document(session, KEY)
        assert len(rows) == n and all(r.status == "drafted" and r.document_version == 1 for r in rows)
        view = review.document_view(session, KEY)
    assert len(view["drafts"]) == n
    assert any('<mark id="d' in str(c["text"]) for c in view["clauses"])


def test_an_edit_with_an_error_is_kept_and_named_in_chinese(store, policies):
    with store.transaction() as session:
        drafts.make(session, KEY, policies, NOW)
        row = _first_set(session)
        broken = row.yaml.replace("kind: cash_subsidy", "kind: subsidy_in_cash")
        verdict = drafts.edit(session, policies, row.id, broken, None, revision=1, actor="staff", actor_id=None,
                              now=NOW)
        assert verdict.errors[0].startswith("政策类别：取值须为以下之一")
        assert len(verdict.errors) == 1 and "\n" not in verdict.errors[0]
        assert row.yaml == broken and row.revision == 2
        with pytest.raises(drafts.Stale):
            drafts.edit(session, policies, row.id, row.drafted_yaml, None, revision=1, actor="x", actor_id=None, now=NOW)
        with pytest.raises(drafts.NotPublishable):
            drafts.publish(session, policies, row.id, revision=2, reviewer="王审核", actor_id=None, now=NOW)
        bad_quote = row.drafted_yaml.replace("最高不超过30万元", "最高不超过50万元", 1)
        verdict = drafts.edit(session, policies, row.id, bad_quote, None, revision=2, actor="staff", actor_id=None,
                              now=NOW)
        assert verdict.errors and "引文在原文中找不到" in verdict.errors[0]


def test_cases_impact_and_publish(store, policies, tmp_path):
    with store.transaction() as session:
        drafts.make(session, KEY, policies, NOW)
        row = _first_set(session)
        cases = ("- name: 500万元 → 封顶30万元\n  as_of: 2022-08-01\n"
                 "  facts: {entity_type: enterprise, region_code: \"140902\", first_set_purchase.price: 5000000}\n"
                 "  expect: {status: eligible, amount: 300000}\n"
                 "- name: 错误的预期\n  as_of: 2022-08-01\n"
                 "  facts: {entity_type: enterprise, region_code: \"140902\", first_set_purchase.price: 1000000}\n"
                 "  expect: {status: eligible, amount: 1}\n")
        # the sentence names no beneficiary: open until the reviewer says who (对…产品的 — an enterprise buying it)
        assert drafts.check(session, policies, row).open_fields == ["beneficiary"]
        completed = row.yaml.replace("kind: cash_subsidy\n", "kind: cash_subsidy\nbeneficiary: enterprise\n")
        drafts.edit(session, policies, row.id, completed, cases, revision=1, actor="staff", actor_id=None, now=NOW)
        results = review.run_cases(session, policies, row.id)
        assert [r["ok"] for r in results] == [True, False]
        assert results[0]["amount"] == "300000.00"
        checked = drafts.check(session, policies, row)
        published_before = impact.published_measure(session, policies, row.measure_id)
        assert published_before is None
    # impact over a small population file: two enterprises in 忻州 with purchases, one in Beijing
    import pyarrow as pa
    import pyarrow.parquet as pq

    facts = tmp_path / "facts.parquet"
    pq.write_table(pa.table({"uscc": ["A", "B", "C"], "name": ["甲", "乙", "丙"],
                             "entity_type": ["enterprise"] * 3, "region_code": ["140902", "140902", "110105"],
                             "first_set_purchase__price": [pa.scalar(5000000, pa.decimal128(20, 2)).as_py(),
                                                           pa.scalar(1000000, pa.decimal128(20, 2)).as_py(),
                                                           pa.scalar(1000000, pa.decimal128(20, 2)).as_py()]}), facts)
    found = impact.run(policies, checked.measure, None, facts, date(2022, 8, 1))
    assert (found.enterprises, found.changed, found.gained, found.lost) == (3, 2, 2, 0)
    assert [(r["uscc"], r["after"]["amount"]) for r in found.rows] == [("A", "300000.00"), ("B", "100000.00")]
    with store.transaction() as session:
        row = _first_set(session)
        version = drafts.publish(session, policies, row.id, revision=row.revision, reviewer="王审核", actor_id=None,
                                 now=NOW)
        assert (version.version, version.reviewer, version.origin) == (1, "王审核", "draft")
        assert row.status == "published"
        assert "by: 王审核" in rulebook.file_text(session, KEY)


def test_publish_refused_while_a_required_field_is_open(tmp_path, policies):
    text = tmp_path / "jz_demo.txt"
    text.write_text("关于支持江州市企业发展的若干措施\n\n一、奖励骨干企业。对年营业收入2000万元以上的企业，给予10万元奖励。\n", encoding="utf-8")
    s = open_store(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        ingest_paths(s, [text])
        with s.transaction() as session:
            drafts.make(session, "jz_demo", policies, NOW)
            row = drafts.of_document(session, "jz_demo")[0]
            verdict = drafts.check(session, policies, row)
            assert verdict.errors == [] and verdict.open_fields == ["jurisdiction"]
            with pytest.raises(drafts.NotPublishable, match="适用地域：待补"):
                drafts.publish(session, policies, row.id, revision=1, reviewer="王审核", actor_id=None, now=NOW)
            fixed = row.yaml.replace("period:", "jurisdiction:\n- '110000'\nperiod:", 1)
            verdict = drafts.edit(session, policies, row.id, fixed, None, revision=1, actor="s", actor_id=None, now=NOW)
            assert verdict.errors == [] and verdict.open_fields == []
            assert drafts.publish(session, policies, row.id, revision=2, reviewer="王审核", actor_id=None,
                                  now=NOW).version == 1
            # a document only the store holds: its text goes out with its measures, and both load
            root = tmp_path / "policies"
            shutil.copytree(config.sources_dir(), root / "sources")  # a policies tree: the seeds are there
            rulebook.export_file(session, "jz_demo", root / "measures")
            assert rulebook.export_source(session, "jz_demo", root / "sources") == root / "sources" / "jz_demo.txt"
        from zhida.rules import load_policies

        exported = load_policies(root)
        assert not exported.errors, [str(e) for e in exported.errors]
        assert exported.measure(row.measure_id).review["by"] == "王审核"
    finally:
        s.close()
