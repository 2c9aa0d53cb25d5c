"""工作台: officials land on it; staff see their district and units, the admin the city with a unit
filter; the counts agree with the push lists; columns sort; drill-down by industry and district."""

from __future__ import annotations

import lxml.html
import pytest

from .imports import finished_batch, seeded_batch


@pytest.fixture(scope="module")
def batch(server, clients, tmp_path_factory):
    return seeded_batch(server, clients["admin"], tmp_path_factory)


def page(client, query: str = "") -> lxml.html.HtmlElement:
    response = client.get("/dashboard" + query)
    assert response.status_code == 200, response.text
    return lxml.html.fromstring(response.text)


def measure_rows(doc) -> dict[str, list[str]]:
    return {tr.get("data-measure"): [td.text_content().strip() for td in tr.findall("td")]
            for tr in doc.xpath("//table[@id='dashboard-measures']/tbody/tr[@data-measure]")}


def number(text: str) -> int:
    return int(text.split()[0].replace(",", ""))


def test_officials_land_on_the_dashboard(clients, anonymous):
    assert clients["staff"].get("/").headers["location"] == "/dashboard"
    assert clients["admin"].get("/").headers["location"] == "/dashboard"
    assert clients["ent_a"].get("/").headers["location"] != "/dashboard"
    assert anonymous.get("/").headers["location"] == "/policies"  # the public library
    assert clients["ent_a"].get("/dashboard").status_code == 403


def test_no_batch_yet_says_so(server, clients):
    jobs = server.app.state.jobs
    if jobs.latest is not None:
        pytest.skip("a batch already ran in this session")
    assert "尚未完成批量匹配" in clients["admin"].get("/dashboard").text


def test_staff_see_their_district_and_units_as_the_push_lists_count(batch, clients):
    doc = page(clients["staff"], "?all=1")
    assert "朝阳区" in doc.get_element_by_id("dashboard-scope").text_content()
    rows = measure_rows(doc)
    assert rows
    push = clients["staff"].get("/api/v1/push", params={"limit": 1}).json()
    counts = {m["measure_id"]: m["count"] for g in push["groups"] for m in g["measures"]}
    for mid, cells in rows.items():
        assert number(cells[1]) == counts.get(mid, 0), mid
        assert "市经济和信息化局" in cells[0]
    assert {m for m, n in counts.items() if n} <= set(rows)
    # the district picker is the admin's: a staff user cannot widen the area
    assert measure_rows(page(clients["staff"], "?all=1&area=110108")) == rows
    reached = number(doc.get_element_by_id("kpi-reached").text_content())
    enterprises = number(doc.xpath("//section[@id='dashboard-totals']/div")[0].text_content().replace("辖区企业", ""))
    assert 0 < reached <= enterprises


def test_admin_sees_the_city_and_filters_by_unit(batch, clients):
    city = measure_rows(page(clients["admin"], "?all=1"))
    unit = measure_rows(page(clients["admin"], "?all=1&unit=市财政局"))
    assert unit and set(unit) < set(city)
    assert all("市财政局" in cells[0] for cells in unit.values())
    chaoyang = measure_rows(page(clients["admin"], "?all=1&area=110105"))
    assert sum(number(c[1]) for c in chaoyang.values()) < sum(number(c[1]) for c in city.values())


def test_columns_sort_both_ways(batch, clients):
    down = [number(c[2]) for c in measure_rows(page(clients["admin"], "?all=1&sort=undetermined")).values()]
    up = [number(c[2]) for c in measure_rows(page(clients["admin"], "?all=1&sort=undetermined&order=asc")).values()]
    assert down == sorted(down, reverse=True) and up == sorted(up) and down[0] > up[0]


def test_drill_down_by_district_and_industry(batch, clients):
    doc = page(clients["admin"], "?by=district")
    slices = {tr.get("data-slice"): tr for tr in doc.xpath("//table[@id='dashboard-slices']/tbody/tr")}
    assert "110105" in slices and "朝阳区" in slices["110105"].text_content()
    link = slices["110105"].xpath(".//a")[0].get("href")
    assert "area=110105" in link
    industry = page(clients["admin"], "?by=industry&area=110105")
    keys = [tr.get("data-slice") for tr in industry.xpath("//table[@id='dashboard-slices']/tbody/tr")]
    assert keys and all(len(k) <= 1 for k in keys)
    chart = industry.get_element_by_id("dashboard-chart")
    assert chart.get("data-chart") and "行业门类" in chart.get("aria-label")
    # a district's staff drill down by 街道（乡镇） first: the 街道 of 朝阳区
    from zhida.enterprises import streets

    staff = page(clients["staff"])
    keys = [tr.get("data-slice") for tr in staff.xpath("//table[@id='dashboard-slices']/tbody/tr")]
    assert keys and all(streets.streets()[k].district == "110105" for k in keys if k)
    assert "街道" in staff.get_element_by_id("dashboard-chart").get("aria-label")


def test_the_api_gives_the_same_figures(batch, clients):
    doc = page(clients["staff"], "?all=1")
    rows = measure_rows(doc)
    api = clients["staff"].get("/api/v1/dashboard", params={"by": "industry"}).json()
    assert "朝阳区" in api["scope"] and api["by"] == "industry"
    assert {m["id"]: m["eligible"] for m in api["measures"]} == {k: number(v[1]) for k, v in rows.items()}
    assert api["reached"] == number(doc.get_element_by_id("kpi-reached").text_content())
    assert sum(s["enterprises"] for s in api["slices"]) == api["reached"]
    assert set(api["money"]) == {"certain", "up_to", "tax", "pending"}
    assert clients["ent_a"].get("/api/v1/dashboard").status_code == 403
    assert clients["admin"].get("/api/v1/dashboard", params={"by": "planet"}).status_code == 422


def test_trend_compares_with_the_previous_batch_of_the_store(batch, clients):
    finished_batch(clients["admin"])  # nothing changed in between: every measure 持平
    doc = page(clients["admin"], "?all=1")
    text = doc.text_content()
    assert "趋势对比上一次批量" in text and "暂无趋势" not in text
    trends = [cells[-1] for cells in measure_rows(doc).values()]
    assert trends and all(t.startswith("持平") for t in trends)
    api = clients["admin"].get("/api/v1/dashboard").json()
    assert api["previous_as_of"] == api["as_of"] and all(m["trend_eligible"] == 0 for m in api["measures"])
