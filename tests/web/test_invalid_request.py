"""A body that is not JSON (bad syntax or not UTF-8) and any validation error answer the same
documented 422 with one Chinese line (schemathesis found an undeclared 400 with an English text)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("body", [b"{", b"not json", b"\xff\xfe\x00r", b"\x80\x81"])
def test_unparseable_json_body_is_a_documented_chinese_422(server, clients, body):
    from .conftest import USCC_A

    for path, method in ((f"/api/v1/enterprises/{USCC_A}/facts", "PATCH"), ("/api/v1/users", "POST")):
        client = clients["admin"]
        response = client.request(method, path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid" and error["message"] == "请求体不是有效的 JSON（应为 UTF-8 编码的 JSON 文本）"
        spec = clients["admin"].get("/api/openapi.json").json()
        assert "422" in spec["paths"][path.replace(USCC_A, "{uscc}")][method.lower()]["responses"]


def test_validation_errors_are_chinese(server, clients):
    response = clients["admin"].post("/api/v1/users", json={"username": "x" * 3})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "password" and error["message"] == "密码无效：缺少此项"
    listed = clients["admin"].get("/api/v1/audit", params={"per_page": 1000})
    assert listed.status_code == 422
    assert listed.json()["error"]["field"] == "per_page"
    assert listed.json()["error"]["message"] == "每页条数无效：数值太大（应≤ 100）"


def test_ids_beyond_64_bits_are_422_not_500(server, clients):
    huge = str(2**70)
    client = clients["admin"]
    for response in (client.put(f"/api/v1/users/{huge}/active", json={"active": False}),
                     client.get(f"/api/v1/enterprises/imports/{huge}/rejects")):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["message"].endswith("数值太大（应≤ 9223372036854775807）")
    assert client.get("/api/v1/enterprises/imports/9223372036854775807/rejects").status_code == 404


def test_body_limit_statuses_are_declared_and_answered(server, clients):
    spec = clients["admin"].get("/api/openapi.json").json()
    with_bodies = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()
                   if method in ("post", "put", "patch", "delete")]
    assert len(with_bodies) >= 8
    for path, method, op in with_bodies:
        assert {"400", "413"} <= set(op["responses"]), (method, path)
    too_big = clients["admin"].post("/api/v1/users", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                                    headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"


def test_a_choice_outside_the_list_is_one_chinese_line(server, clients):
    import re

    response = clients["admin"].post("/api/v1/users", json={"username": "newuser1", "password": "x" * 12,
                                                             "role": "boss"})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "role" and error["message"] == "角色无效：不是允许的取值"
    assert not re.search(r"[A-Za-z]{2,}", error["message"])


def test_a_field_without_a_chinese_name_is_named_as_in_the_address():
    """An HTML 422 page said only “参数无效” for ?after=… (QA): the user could not tell which one."""
    from zhida.web.invalid_request import describe

    error = {"type": "less_than_equal", "loc": ("query", "after"), "ctx": {"le": 9223372036854775807}}
    assert describe([error]) == ("参数“after”无效：数值太大（应≤ 9223372036854775807）", "after")
    listed = {"type": "int_parsing", "loc": ("body", "zz_items", 3)}
    assert describe([listed])[0] == "参数“zz_items”无效：应为整数"
    assert describe([{"type": "int_parsing", "loc": ("body", "per_page")}])[0] == "每页条数无效：应为整数"
