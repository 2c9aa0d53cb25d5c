"""The project library, 首谈制 on an injected clock, the agency reward on a project record, parcels by
admission standards, financing needs matched with reasons, lenders' scope — SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from zhida import config
from zhida.errors import ZhidaError
from zhida.workflow import NotAllowed

from desk.people import Person  # tests/ is on sys.path (rootdir)
from web.conftest import USCC_A, USCC_B


CITY = Person(31, "jxj", "staff", ("市经济和信息化局",))
CHAOYANG = Person(32, "cy", "staff", ("朝阳区投资促进局",), region="110105")
HAIDIAN = Person(33, "hd", "staff", ("海淀区投资促进局",), region="110108")
BANK = Person(41, "bank", "staff", ("北京银行",))
OTHER_BANK = Person(42, "icbc", "staff", ("中国工商银行北京市分行",))
ENT_A = Person(11, "ent_a", "enterprise", uscc=USCC_A)
T0 = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)  # 10:00 Beijing
AS_OF_2023 = date(2022, 6, 1)  # the example profile has 2021 figures


@pytest.fixture
def store(database_url):
    import zhida.desk.tables  # noqa: F401
    import zhida.finance.tables  # noqa: F401
    import zhida.projects.tables  # noqa: F401
    from zhida.enterprises.profile import EnterpriseProfile
    from zhida.enterprises.tables import Enterprise
    from zhida.store import open_store
    from zhida.web.enterprise_data import lifted_columns

    opened = open_store(database_url)
    data = json.loads((config.PROJECT_ROOT / "docs/examples/profiles/industrial_sme_equipment_2022.json").read_text())
    data.update(uscc=USCC_A, region_code="110105", name="北京朝阳博远精密机械有限公司")
    profile = EnterpriseProfile.model_validate(data)
    with opened.transaction() as session:
        session.execute(insert(Enterprise), [{**lifted_columns(profile), "uscc": USCC_A, "created_at": T0}])
    yield opened
    opened.close()


def _project(session, person=CHAOYANG, **extra):
    from zhida.projects import library

    data = {"name": "高端数控机床产业化项目", "owner_uscc": USCC_A, "industry_code": "C3421", "region_code": "110105",
            "total_investment": "1500000000", "new_paid_in_capital": "6000000000", "annual_output": "900000000",
            "land_mu": "80", **extra}
    return library.create(session, person, data, now=T0)


def test_the_declared_quotes_are_001s_words():
    from zhida.projects.shoutan import DOCUMENT, QUOTES

    text = (config.PROJECT_ROOT / "policies" / "sources" / f"{DOCUMENT}.txt").read_text(encoding="utf-8")
    for quote in QUOTES.values():
        assert quote in text


def test_shoutan_flagged_after_three_calendar_months_and_reassigned_with_history(store):
    from zhida.notify.tables import Message
    from zhida.projects import library, shoutan

    with store.transaction() as s:
        pid = _project(s).id
        shoutan.register(s, CHAOYANG, pid, now=T0)
        with pytest.raises(NotAllowed):
            shoutan.recognise(s, CHAOYANG, pid, now=T0)  # only the city recognises the 首谈区
    with store.transaction() as s:
        project = shoutan.recognise(s, CITY, pid, now=T0)
        assert project.shoutan_region == "110105" and project.shoutan_due == date(2026, 4, 15)
    # through the due day nothing happens; the next day (Beijing) the clock flags it, once
    with store.transaction() as s:
        assert shoutan.check(s, datetime(2026, 4, 15, 15, 59, tzinfo=UTC)) == []
    with store.transaction() as s:
        flagged = shoutan.check(s, datetime(2026, 4, 15, 16, 0, tzinfo=UTC))
        assert [p.id for p in flagged] == [pid]
        assert shoutan.check(s, datetime(2026, 4, 20, tzinfo=UTC)) == []
        assert s.scalar(select(Message.title).where(Message.event == "project.shoutan_overdue")).startswith("首谈项目超过3个月")
    with store.transaction() as s:
        with pytest.raises(ZhidaError):
            shoutan.reassign(s, CITY, pid, "110108", "", now=datetime(2026, 4, 21, tzinfo=UTC))  # reason required
    with store.transaction() as s:
        project = shoutan.reassign(s, CITY, pid, "海淀区", "朝阳区洽谈超过3个月无实质性进展",
                                   now=datetime(2026, 4, 21, 2, tzinfo=UTC))
        assert (project.region_code, project.shoutan_flagged_at, project.shoutan_due) == ("110108", None, date(2026, 7, 21))
        steps = shoutan.history(s, project)
        assert [x["label"] for x in steps] == ["登记线索", "认定首谈区", "另行择优选择落地区"]
        assert (steps[-1]["from_region"], steps[-1]["to_region"]) == ("110105", "110108")
    # Haidian now negotiates; Chaoyang still sees the project (it found it) but can no longer act
    with store.transaction() as s:
        with pytest.raises(NotAllowed):
            library.advance(s, CHAOYANG, pid, "negotiate", now=datetime(2026, 5, 1, tzinfo=UTC))
        library.advance(s, HAIDIAN, pid, "negotiate", now=datetime(2026, 5, 1, tzinfo=UTC))
        project = library.advance(s, HAIDIAN, pid, "sign", now=datetime(2026, 6, 1, tzinfo=UTC))
        assert (project.stage, project.shoutan_state) == ("signed", "landed")
        assert project.stage_dates["signed"] == "2026-06-01"


def test_a_pushed_project_is_credited_to_the_district_that_pushed_it(store):
    from zhida.projects import shoutan

    with store.transaction() as s:
        pid = _project(s, total_investment="50000000", strategic=True).id  # 5000万 but strategic: in scope
        shoutan.register(s, CHAOYANG, pid, now=T0)
        shoutan.push(s, CHAOYANG, pid, "不具备承载条件", now=T0)
        project = shoutan.assign(s, CITY, pid, "110108", now=T0)
        assert (project.region_code, project.credited_region) == ("110108", "110105")
        rows = {r["region_code"]: r for r in shoutan.credited(s)}
        assert rows["110105"]["total"] == 1 and "110108" not in rows
    with store.transaction() as s:
        small = _project(s, total_investment="50000000", strategic=None).id
        with pytest.raises(ZhidaError, match="不属于首谈制范围"):
            shoutan.register(s, CHAOYANG, small, now=T0)


def test_agency_reward_evaluated_on_the_project_record(store):
    from zhida.projects import agency, library, shoutan

    with store.transaction() as s:
        project = _project(s, agency_name="北京某投资咨询有限公司", agency_entity_type="enterprise",
                           agency_full_service=True)
        result = agency.evaluate(project, date(2026, 6, 1))
        assert result.status == "undetermined" and "served_project.shoutan_recognised" in result.missing
        shoutan.register(s, CHAOYANG, project.id, now=T0)
        shoutan.recognise(s, CITY, project.id, now=T0)
        library.advance(s, CHAOYANG, project.id, "negotiate", now=T0)
        library.advance(s, CHAOYANG, project.id, "sign", now=T0 + timedelta(days=30))
        result = agency.evaluate(project, date(2026, 6, 1))
        assert result.status == "eligible" and result.amount == 10000000
        assert {c.id: c.outcome for c in result.conditions}["scale"] is True
        library.update(s, CHAOYANG, project.id, {"new_paid_in_capital": "4999999999", "foreign_investment_usd": "0"},
                       now=T0 + timedelta(days=31))
        result = agency.evaluate(project, date(2026, 6, 1))
        assert result.status == "ineligible"
        shown = agency.to_json(project, date(2026, 6, 1))
        assert shown["facts"]["served_project.new_paid_in_capital_beijing"] == "4999999999.00"
        assert [c["id"] for c in shown["conditions"] if c["value"] is False] == ["scale"]


def test_a_project_matched_to_parcels_by_admission_standards(store):
    from zhida.projects import parcels

    standards = [{"id": "intensity", "label": "投资强度不低于1500万元/亩", "expr": "project_investment_intensity >= 1500"},
                 {"id": "output", "label": "地均产出不低于1000万元/亩", "expr": "project_output_per_mu >= 1000"}]
    with store.transaction() as s:
        project = _project(s)
        big, _ = parcels.save(s, CHAOYANG, {"code": "CY-01", "name": "朝阳电子城北扩区地块", "region_code": "110105",
                                             "area_mu": "100", "industries": "C34,C39", "standards": standards,
                                             "lon": "116.49", "lat": "39.99"}, now=T0)
        small, _ = parcels.save(s, CHAOYANG, {"code": "CY-02", "name": "朝阳小地块", "region_code": "110105",
                                               "area_mu": "50", "standards": standards}, now=T0)
        wrong, _ = parcels.save(s, CHAOYANG, {"code": "CY-03", "name": "生物医药地块", "region_code": "110105",
                                               "area_mu": "90", "industries": ["C27"], "standards": standards}, now=T0)
        with pytest.raises(NotAllowed):
            parcels.save(s, HAIDIAN, {"code": "CY-04", "name": "x", "region_code": "110105", "area_mu": "1"}, now=T0)
        found = {v["parcel"]["code"]: v for v in parcels.for_project(s, project, date(2026, 1, 15), include_ineligible=True)}
        # 150000万 / 100亩 = 1500 ≥ 1500 but 90000万 / 100 = 900 < 1000: output fails on CY-01
        assert found["CY-01"]["status"] == "ineligible"
        assert "地均产出（达产年产值） 900" in " ".join(c["reason"] for c in found["CY-01"]["conditions"])
        # on 50 亩 both per-亩 figures double, but the parcel is smaller than the 80 亩 needed
        assert found["CY-02"]["status"] == "ineligible"
        assert [c["id"] for c in found["CY-02"]["conditions"] if c["value"] is False] == ["area"]
        assert [c["id"] for c in found["CY-03"]["conditions"] if c["value"] is False][:1] == ["output"] or \
            "industry" in [c["id"] for c in found["CY-03"]["conditions"] if c["value"] is False]
        project.annual_output = 1200000000  # 12亿 → 1200万/亩 on CY-01
        eligible = parcels.for_project(s, project, date(2026, 1, 15))
        assert [v["parcel"]["code"] for v in eligible] == ["CY-01"]
        assert [v["project_id"] for v in parcels.candidates(s, CHAOYANG, big, date(2026, 1, 15))] == [project.id]
        # saving the same parcel again changes nothing (idempotent import)
        again, created = parcels.save(s, CHAOYANG, {"code": "CY-02", "name": "朝阳小地块", "region_code": "110105",
                                                     "area_mu": "50", "standards": standards}, now=T0)
        assert not created and again.id == small.id and wrong.id
        with pytest.raises(ZhidaError, match="standards"):
            parcels.save(s, CHAOYANG, {"code": "CY-09", "name": "坏标准", "region_code": "110105", "area_mu": "5",
                                       "standards": [{"id": "x", "label": "x", "expr": "no_such_fact >= 1"}]}, now=T0)


def test_a_district_map_carries_its_boundary_and_flags_points_outside_it(store):
    from zhida.projects import parcels

    with store.transaction() as s:
        parcels.save(s, CHAOYANG, {"code": "CY-IN", "name": "电子城北扩区地块", "region_code": "110105", "area_mu": "20",
                                   "lon": "116.505", "lat": "39.995"}, now=T0)
        parcels.save(s, CHAOYANG, {"code": "CY-OUT", "name": "误填海淀坐标的地块", "region_code": "110105",
                                   "area_mu": "20", "lon": "116.31", "lat": "39.99"}, now=T0)
        parcels.save(s, CHAOYANG, {"code": "CY-NONE", "name": "未填坐标的地块", "region_code": "110105", "area_mu": "20"},
                     now=T0)
        found = parcels.district_map(s, "朝阳区")
    assert found["boundary"]["type"] == "FeatureCollection"
    assert found["boundary"]["features"][0]["properties"]["name"] == "朝阳区"
    assert {p["code"]: p["inside"] for p in found["parcels"]} == {"CY-IN": True, "CY-OUT": False, "CY-NONE": None}
    assert found["outside"] == ["CY-OUT"]


def test_a_financing_need_matched_to_products_with_reasons_and_answered_by_its_lender(store):
    from zhida.finance import matching, needs, products, responses

    with store.transaction() as s:
        srdi, _ = products.save(s, BANK, {
            "code": "BOB-ZJTX", "name": "专精特新贷", "lender": "北京银行", "kind": "srdi",
            "amount_min": "1000000", "amount_max": "30000000", "term_min": 6, "term_max": 36,
            "rate_min": "3.2", "rate_max": "4.5",
            "conditions": [{"id": "beijing", "label": "注册在北京", "expr": "LEFT(region_code, 2) = '11'"},
                           {"id": "employees", "label": "从业人员不少于20人", "expr": "employees >= 20"}]}, now=T0)
        big, _ = products.save(s, OTHER_BANK, {"code": "ICBC-ML", "name": "中长期项目贷", "lender": "中国工商银行北京市分行",
                                               "kind": "mid_long", "amount_min": "50000000", "term_min": 36}, now=T0)
        with pytest.raises(NotAllowed):
            products.save(s, BANK, {"code": "X", "name": "冒名产品", "lender": "北京农商银行"}, now=T0)
        need = needs.post(s, ENT_A, {"amount": "5000000", "term_months": 12, "purpose": "购置数控设备",
                                     "share_lenders": ["北京银行"], "share_profile": True}, now=T0)
        found = matching.products_for_need(s, need, AS_OF_2023, include_ineligible=True)
        by = {f["product"]: f for f in found}
        assert by["专精特新贷"]["status"] == "eligible"
        assert any("从业人员" in c["reason"] for c in by["专精特新贷"]["conditions"])
        assert by["中长期项目贷"]["status"] == "ineligible"
        assert "融资金额在产品额度内：不满足" in by["中长期项目贷"]["conditions"][0]["reason"]
        assert [f["need_id"] for f in matching.needs_for_product(s, srdi, AS_OF_2023, BANK)] == [need.id]
        # the other bank was not given the need: it neither sees nor answers it
        with pytest.raises(needs.NotFoundOrHidden):
            needs.get(s, OTHER_BANK, need.id)
        assert matching.needs_for_product(s, big, AS_OF_2023, OTHER_BANK) == []
        responses.respond(s, BANK, need.id, srdi.id, "contact", now=T0)
        with pytest.raises(ZhidaError):
            responses.respond(s, BANK, need.id, srdi.id, "decline", now=T0, reason="")
        responses.respond(s, BANK, need.id, srdi.id, "credit", now=T0, amount="5000000")
        answered = responses.for_need(s, need.id)
        assert [h["label"] for h in answered[0]["history"]] == ["推送", "接洽", "授信"]
        assert answered[0]["amount"] == "5000000.00"


def test_lenders_see_reasons_only_when_the_profile_is_shared(store):
    from zhida.finance import matching, needs, products

    with store.transaction() as s:
        product, _ = products.save(s, BANK, {"code": "BOB-XYD", "name": "信易贷", "lender": "北京银行", "kind": "xinyidai",
                                             "conditions": [{"id": "employees", "label": "从业人员不少于20人",
                                                             "expr": "employees >= 20"}]}, now=T0)
        need = needs.post(s, ENT_A, {"amount": "1000000", "term_months": 12, "purpose": "流动资金",
                                     "share_lenders": ["*"], "share_profile": False}, now=T0)
        seen = matching.products_for_need(s, need, AS_OF_2023, BANK)[0]
        reason = [c for c in seen["conditions"] if c["id"] == "employees"][0]["reason"]
        assert "未共享画像" in reason and "140" not in json.dumps(seen, ensure_ascii=False)


def test_library_projects_join_the_service_packages_that_cover_the_library(store):
    from zhida.desk import packages
    from zhida.desk.tables import PackageMember
    from zhida.projects import coverage

    with store.transaction() as s:
        first = _project(s)
        city = packages.create(s, CITY, name="市级高精尖项目服务包", level="city", now=T0)
        haidian = packages.create(s, HAIDIAN, name="海淀项目服务包", level="district", region="110108", now=T0)
        assert coverage.cover_package(s, CITY, city.id, now=T0) == 1
        coverage.cover_package(s, HAIDIAN, haidian.id, now=T0)
        members = {(m.package_id, m.uscc) for m in s.scalars(select(PackageMember))}
        assert members == {(city.id, USCC_A)}
        _project(s, person=HAIDIAN, owner_uscc=USCC_B, region_code="110108", name="海淀项目")
        members = {(m.package_id, m.uscc) for m in s.scalars(select(PackageMember))}
        assert members == {(city.id, USCC_A), (city.id, USCC_B), (haidian.id, USCC_B)}
        assert first.id


def test_districts_see_their_projects_and_enterprises_their_own(store):
    from sqlalchemy import select as sel

    from zhida.projects import library, roles
    from zhida.projects.tables import Project

    with store.transaction() as s:
        mine = _project(s).id
        _project(s, person=HAIDIAN, owner_uscc=USCC_B, region_code="110108", name="海淀项目")
        for person, expected in ((CHAOYANG, {mine}), (ENT_A, {mine}), (BANK, set())):
            query = sel(Project.id)
            scope = roles.visible(person)
            if scope is not None:
                query = query.where(scope)
            assert set(s.scalars(query)) == expected
        with pytest.raises(library.NotFoundOrHidden):
            library.get(s, HAIDIAN, mine)
        with pytest.raises(NotAllowed):
            library.create(s, CHAOYANG, {"name": "越区登记", "investor": "某投资方", "region_code": "110108"}, now=T0)
