"""Published rules ↔ measure files: an import followed by an export loses nothing (byte for byte),
a publication is a new version stamped with its reviewer, and what export writes loads again."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from zhida import config
from zhida.drafting import rulebook, yamlform
from zhida.errors import RuleError
from zhida.rules import load_policies
from zhida.store import open_store

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'rules.sqlite3'}")
    yield s
    s.close()


def _measure_files():
    return sorted(p for p in (config.policies_dir() / "measures").glob("*.yaml") if not p.name.endswith(".cases.yaml"))


def test_import_then_export_is_byte_identical_and_reimport_adds_nothing(store, tmp_path):
    files = _measure_files()
    with store.transaction() as session:
        counts = [rulebook.import_file(session, p, "审核人甲", NOW) for p in files]
    assert sum(c["measures"] for c in counts) >= 143
    out = tmp_path / "out"
    with store.transaction() as session:
        for p in files:
            rulebook.export_file(session, p.stem, out)
    for p in files:
        assert (out / p.name).read_bytes() == p.read_bytes(), p.name
    with store.transaction() as session:
        again = [rulebook.import_file(session, p, "审核人甲", NOW) for p in files]
    assert sum(c["new_versions"] for c in again) == 0


def test_a_published_edit_is_a_new_version_and_exports_to_a_file_the_loader_reads(store, tmp_path):
    policies_dir = tmp_path / "policies"
    (policies_dir / "measures").mkdir(parents=True)
    source = config.policies_dir() / "measures" / "003_4b22abcac525f172.yaml"
    with store.transaction() as session:
        rulebook.import_file(session, source, "导入", NOW)
        current = rulebook.latest(session, "xz2022.first-set-equipment-subsidy")
        text = rulebook.editable(session, current)
        assert "cap: 300000" in text
        text = text.replace("cap: 300000", "cap: 300000  # 30万元，复核无误")
        version = rulebook.publish(session, "003_4b22abcac525f172", text, "王审核", NOW, origin="edit")
        assert version.version == 2 and version.reviewer == "王审核"
        assert "# 30万元，复核无误" in version.item  # the reviewer's comment kept
        rulebook.export_file(session, "003_4b22abcac525f172", policies_dir / "measures")
    shutil.copy(config.policies_dir() / "measures" / "003_4b22abcac525f172.cases.yaml", policies_dir / "measures")
    loaded = load_policies(policies_dir)
    assert not loaded.errors, [str(e) for e in loaded.errors]
    m = loaded.measure("xz2022.first-set-equipment-subsidy")
    assert m.review == {"status": "reviewed", "by": "王审核", "date": "2026-12-03"}
    original = load_policies().measure("xz2022.first-set-equipment-subsidy")
    assert m.amount.text == original.amount.text and [c.expr for c in m.conditions] == [c.expr for c in original.conditions]
    with store.transaction() as session:
        assert [v.version for v in rulebook.history(session, m.id)] == [1, 2]
        again = rulebook.import_file(session, policies_dir / "measures" / "003_4b22abcac525f172.yaml", "导入", NOW)
    assert again["new_versions"] == 0


def test_a_file_that_cannot_be_cut_per_measure_is_refused_not_half_read(tmp_path, store):
    bad = tmp_path / "003_x.yaml"
    bad.write_text("document: 003_x\nmeasures: [{id: a.b, title: x}]\n", encoding="utf-8")
    with store.transaction() as session, pytest.raises(RuleError, match="block style"):
        rulebook.import_file(session, bad, "x", NOW)
