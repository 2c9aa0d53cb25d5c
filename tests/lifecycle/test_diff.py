"""Clause-level diff between versions, and the measures flagged for re-review."""

from __future__ import annotations

from types import SimpleNamespace

from zhida.documents.pipeline import parse_text
from zhida.lifecycle.diff import compare_clauses, inline
from zhida.lifecycle.stored import version_diff
from zhida.store import open_store
from zhida.store.ingest import ingest_document

V1 = """关于支持企业发展的若干措施
一、对新认定的高新技术企业给予最高50万元奖励。
二、对小微企业给予房租补贴。
三、对上市企业给予一次性奖励300万元。
"""
V2 = """关于支持企业发展的若干措施
一、对新认定的高新技术企业给予最高80万元奖励。
二、对专精特新企业给予贷款贴息。
三、对小微企业给予房租补贴。
四、对上市企业给予一次性奖励300万元。
"""


def test_changed_moved_and_added_clauses():
    old = [("1", "一、对企业给予最高50万元奖励。"), ("2", "二、房租补贴。"), ("3", "三、对上市企业给予一次性奖励300万元。")]
    new = [("1", "一、对企业给予最高80万元奖励。"), ("2", "二、贷款贴息。"), ("3", "三、房租补贴。"),
           ("4", "四、对上市企业给予一次性奖励300万元。")]
    changes, unchanged = compare_clauses(old, new)
    kinds = [(c.change, c.old_id, c.new_id) for c in changes]
    assert ("changed", "1", "1") in kinds
    assert ("moved", "3", "4") in kinds  # same text under a new number
    assert unchanged == 0
    one = next(c for c in changes if c.old_id == "1")
    assert ("delete", "5") in one.segments and ("insert", "8") in one.segments


def test_inline_changes_ignore_line_breaks():
    assert inline("给予\n最高50万元", "给予最高50万元") == [("equal", "给予最高50万元")]


def test_stored_versions_diff_flags_the_measures_citing_changed_clauses(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'z.db'}")
    ingest_document(store, parse_text(V1, name="d.txt"), "d", update_index=False)
    ingest_document(store, parse_text(V2, name="d.txt"), "d", update_index=False)
    measures = [
        SimpleNamespace(id="d-1", title="高企奖励", sources=[SimpleNamespace(document="d", clause="1",
                                                                       quote="给予最高50万元奖励")]),
        SimpleNamespace(id="d-3", title="上市奖励", sources=[SimpleNamespace(document="d", clause="3",
                                                                       quote="给予一次性奖励300万元")]),
        SimpleNamespace(id="x-1", title="别的文件", sources=[SimpleNamespace(document="x", clause="1", quote="奖励")]),
    ]
    diff = version_diff(store, "d", measures=measures)
    assert (diff.old_version, diff.new_version) == (1, 2)
    reviews = {r.measure_id: r for r in diff.reviews}
    assert set(reviews) == {"d-1", "d-3"}
    assert reviews["d-1"].change == "changed" and reviews["d-1"].quote_still_present is False
    # clause 3 of version 1 (上市奖励) was not removed: it is 四 now — a renumbering to re-cite
    assert reviews["d-3"].change == "moved" and reviews["d-3"].quote_still_present is True
    assert diff.to_dict()["changes"][0]["change_zh"] in {"修改", "新增", "删除", "调整序号"}
