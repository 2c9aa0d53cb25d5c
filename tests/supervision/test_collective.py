"""Collective units fanned out: 各区政府 in a Beijing document becomes the 16 district governments
(the regions dataset), 各区、县级市 in 广州's the 11 district governments, 各县（市、区）人民政府 in 忻州's
its 14 county governments, 各有关部门 the units the document names — each a separate assignment in
the store, marked with the phrase and its offsets, seen and reported by the concrete unit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from zhida import config
from zhida.documents.pipeline import parse_file
from zhida.supervision import collective, tasks, views
from zhida.supervision.draft import draft_document, jurisdiction
from zhida.supervision.source import from_parsed
from zhida.supervision.tables import SvTask, SvTaskUnit

from .conftest import OFFICE, Person

NOW = datetime(2022, 6, 1, 2, 0, tzinfo=UTC)
BEIJING_GOVS = ["东城区政府", "西城区政府", "朝阳区政府", "丰台区政府", "石景山区政府", "海淀区政府", "门头沟区政府", "房山区政府",
                "通州区政府", "顺义区政府", "昌平区政府", "大兴区政府", "怀柔区政府", "平谷区政府", "密云区政府", "延庆区政府"]
GZ = Path(__file__).parent / "documents" / "gz_talent_2012.txt"
CHAOYANG_GOV = Person(21, "cyzf", "staff", ("朝阳区政府",))


def _drafts(stem: str):
    path = GZ if stem == GZ.stem else config.sources_dir() / f"{stem}.txt"
    return draft_document(from_parsed(stem, parse_file(path)))


def test_expand_by_the_regions_dataset():
    assert collective.expand("各区政府", "110000") == (tuple(BEIJING_GOVS), "regions")
    assert collective.expand("各区人民政府", "110000")[0][0] == "东城区人民政府"
    assert collective.expand("各区", "110000")[0] == tuple(BEIJING_GOVS)
    counties, basis = collective.expand("各县（市、区）人民政府", "140900")
    assert len(counties) == 14 and counties[0] == "忻府区人民政府" and counties[-1] == "原平市人民政府"
    assert "五台山风景名胜区人民政府" not in counties  # a statistical zone, no GB/T 2260 division
    assert len(collective.expand("各区、县级市", "440100")[0]) == 11
    offices, basis = collective.expand("各街道", "110105")
    assert basis == "streets" and "建外街道办事处" in offices and len(offices) > 40
    assert collective.expand("各区政府", "110105") is None  # a district has no districts
    assert collective.expand("各区政府", None) is None  # scope unknown: stays as written
    assert collective.expand("各有关区、县级市", "440100") is None  # "the districts concerned": not all
    assert collective.expand("市经济和信息化局", "110000") is None
    assert collective.expand("各有关部门", "110000", named=["市科委", "各区政府", "市财政局"]) == (("市科委", "市财政局"),
                                                                                          "document")
    assert collective.expand("各项目牵头单位", "440100", leads=["市委组织部", "市教育局"]) == (("市委组织部", "市教育局"), "leads")


def test_a_beijing_documents_各区政府_fans_out_with_its_quote():
    drafts = _drafts("001_17557c858a299f6c")
    assert {d.jurisdiction for d in drafts} == {"110000"}
    task = next(d for d in drafts if d.clause_id == "2")
    assert "各区政府" in task.support  # as written, what the hand-checked list measures
    fanned = next(f for f in task.derived if f.phrase == "各区政府")
    assert fanned.role == "support" and list(fanned.units) == BEIJING_GOVS and fanned.basis == "regions"
    original = (config.sources_dir() / "001_17557c858a299f6c.txt").read_text(encoding="utf-8")
    assert original[fanned.start:fanned.end] == "各区政府"
    assigned = task.assignments()
    assert [a.unit for a in assigned if a.derived_from == "各区政府"] == BEIJING_GOVS
    assert "各区政府" not in [a.unit for a in assigned]
    assert all(a.role == "support" for a in assigned if a.derived_from)


def test_各区_as_lead_and_各有关部门_from_the_documents_own_lists():
    drafts = _drafts("000_094af80e03a20c8c")
    clause = [d for d in drafts if d.clause_id == "6.15"]
    district_task = next(d for d in clause if d.lead == ["各区"])
    leads = [a.unit for a in district_task.assignments() if a.role == "lead"]
    assert leads == BEIJING_GOVS  # each district owes it and reports on it
    departments = next(d for d in clause if d.lead == ["各有关部门"])
    fanned = departments.derived[0]
    assert fanned.basis == "document" and "市经济和信息化局" in fanned.units and "市发展改革委" in fanned.units
    assert not any(collective.is_collective(u) for u in fanned.units)


def test_guangzhous_各区_县级市():
    drafts = _drafts(GZ.stem)
    assert {d.jurisdiction for d in drafts} == {"440100"}
    task = drafts[0]
    assert task.lead == ["市发展改革委"] and task.support[-1] == "各区、县级市"
    fanned = task.derived[-1]
    assert fanned.units[:2] == ("荔湾区政府", "越秀区政府") and len(fanned.units) == 11
    assert GZ.read_text(encoding="utf-8")[fanned.start:fanned.end] == "各区、县级市"


def test_stored_as_separate_assignments_seen_by_the_district(seeded):
    with seeded.transaction() as session:
        made = tasks.draft_stored(session, "001_17557c858a299f6c", actor="cli:test", actor_id=None, now=NOW)
        task = next(t for t in made if t.clause_id == "2")
        rows = session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id == task.id).order_by(SvTaskUnit.position)).all()
        derived = [r for r in rows if r.derived_from == "各区政府"]
        assert [r.unit for r in derived] == BEIJING_GOVS
        original = (config.sources_dir() / "001_17557c858a299f6c.txt").read_text(encoding="utf-8")
        assert {original[r.derived_start:r.derived_end] for r in derived} == {"各区政府"}
        assert "各区政府" not in [r.unit for r in rows]
        groups = tasks.derived_groups(session, task)
        assert groups[0]["phrase"] == "各区政府" and groups[0]["quote"] == "各区政府" and len(groups[0]["units"]) == 16
        # 朝阳区政府's staff see the task among the ones their unit owes
        seen = {r.task.id for r in views.rows(session, CHAOYANG_GOV, NOW)}
        assert task.id in seen and all(session.get(SvTask, i).document == "001_17557c858a299f6c" for i in seen)
        # the office edits the lists: the kept units keep their mark; a phrase typed in fans out again
        lead, support = tasks.units_of(session, task.id)
        tasks.edit(session, OFFICE, task.id, now=NOW, support=[u for u in support if u != "延庆区政府"])
        marks = tasks.derived_groups(session, task)
        assert len(marks[0]["units"]) == 15 and marks[0]["phrase"] == "各区政府"
        tasks.edit(session, OFFICE, task.id, now=NOW, lead=["各区政府"], support=[])
        lead, support = tasks.units_of(session, task.id)
        assert lead == BEIJING_GOVS and support == []


def test_a_documents_jurisdiction_is_read_from_its_heading():
    keys = {"000_094af80e03a20c8c": "110000", "001_17557c858a299f6c": "110000", "002_2f4420f430754317": "110105",
            "003_4b22abcac525f172": "140900", "004_31b0d1502afd2179": "110000"}
    for key, code in keys.items():
        doc = from_parsed(key, parse_file(config.sources_dir() / f"{key}.txt"))
        assert jurisdiction(doc) == code, key
