"""The directory of opinion-giving bodies through the API and the pages (RULES.md "Bodies"):
everyone reads it, the secretariat keeps it, and a cluster's application form offers only the
directory's bodies that serve the cluster (its industry's associations, its province's body)."""

from __future__ import annotations

import itertools
import re

import pytest

from service.users import csrf_token
from tests.api.test_pages import log_in

pytestmark = pytest.mark.api

_n = itertools.count(1)


async def test_bodies_api_lists_the_directory_and_filters_for_a_cluster(env):
    r = await env.client.get("/api/bodies", headers=env.auth("association"))
    assert r.status_code == 200
    names = {b["name"]: b for b in r.json()}
    assert names["中国陶瓷工业协会"]["kind"] == "association" and names["中国陶瓷工业协会"]["industries"] == ["陶瓷"]
    assert names["广东省轻工业联合会"]["kind"] == "provincial" and names["广东省轻工业联合会"]["province"] == "广东省"
    r = await env.client.get("/api/bodies", params={"industry": "陶瓷", "province": "广东省"}, headers=env.auth("expert"))
    chosen = [b["name"] for b in r.json()]
    assert "中国陶瓷工业协会" in chosen and "广东省轻工业联合会" in chosen
    assert "中国造纸协会" not in chosen and "江西省轻工业联合会" not in chosen


async def test_bodies_are_kept_by_the_secretariat_only(env):
    name = f"中国测试{next(_n)}协会"
    body = {"name": name, "kind": "association", "industries": ["测试"]}
    r = await env.client.post("/api/bodies", json=body, headers=env.auth("association"))
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    r = await env.client.post("/api/bodies", json=body, headers=env.auth("secretariat"))
    assert r.status_code == 201 and r.json()["kind_label"] == "全国性行业协（学）会、中心"
    r = await env.client.post("/api/bodies", json=body, headers=env.auth("secretariat"))
    assert r.status_code == 409 and r.json()["code"] == "body_exists"
    r = await env.client.post("/api/bodies", json={"name": f"测试{next(_n)}联合会", "kind": "provincial"},
                              headers=env.auth("secretariat"))
    assert r.status_code == 422 and r.json()["code"] == "body_province_missing"
    r = await env.client.put(f"/api/bodies/{name}", json={**body, "active": False}, headers=env.auth("secretariat"))
    assert r.status_code == 200 and r.json()["active"] is False
    r = await env.client.get("/api/bodies", params={"industry": "测试", "province": "广东省"}, headers=env.auth("secretariat"))
    assert name not in [b["name"] for b in r.json()]
    r = await env.client.put("/api/bodies/没有这个单位", json={**body, "name": "没有这个单位"}, headers=env.auth("secretariat"))
    assert r.status_code == 404


async def test_the_application_form_offers_only_directory_bodies_that_serve_the_cluster(env):
    key = await env.register("bodies", stage="cultivation")
    await log_in(env, "secretariat")
    page = await env.client.get(f"/clusters/{key}")
    assert page.status_code == 200 and 'data-action="file_application"' in page.text
    offered = re.findall(r'name="f_bodies\.\d+" value="([^"]+)"', page.text)
    assert "中国陶瓷工业协会" in offered and "广东省轻工业联合会" in offered
    assert "中国造纸协会" not in offered and "江西省轻工业联合会" not in offered
    assert '<textarea name="f_bodies"' not in page.text  # chosen, not typed


async def test_the_bodies_page_adds_a_body_and_the_register_page_offers_the_directory(env):
    token = await log_in(env, "secretariat")
    page = await env.client.get("/bodies")
    assert page.status_code == 200 and "意见单位名录" in page.text and "添加意见单位" in page.text
    name = f"佛山市轻工业协会{next(_n)}"
    r = await env.client.post("/bodies", data={"csrf": csrf_token(token), "mode": "add", "name": name,
                                               "kind": "provincial", "province": "广东省", "active": "yes"})
    assert r.status_code == 303
    r = await env.client.get("/api/bodies", params={"industry": "陶瓷", "province": "广东省"}, headers=env.auth("secretariat"))
    assert {"name": name, "kind": "provincial"}.items() <= next(b for b in r.json() if b["name"] == name).items()
    r = await env.client.post("/bodies", data={"csrf": csrf_token(token), "mode": "add", "name": name,
                                               "kind": "provincial", "province": "广东省", "active": "yes"})
    assert r.status_code == 409 and "body_exists" in r.text
    register = await env.client.get("/register")
    assert re.search(r'name="bodies" value="中国陶瓷工业协会"', register.text)
    await log_in(env, "association")
    page = await env.client.get("/bodies")
    assert page.status_code == 200 and "添加意见单位" not in page.text


async def test_the_bodies_xlsx_downloads_and_uploads_with_a_report_per_row(env):
    import io

    from openpyxl import load_workbook

    r = await env.client.get("/api/bodies/directory.xlsx", headers=env.auth("auditor"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["意见单位名录"]
    assert [c.value for c in ws[1]] == ["单位名称", "类别", "所属行业", "省份", "启用", "备注"]
    name = f"中国测试{next(_n)}协会"
    ws.append([name, "行业协会", "测试、试验", "", "是", "导入"])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = await env.client.post("/api/bodies/import", content=buf.getvalue(),
                              headers={**env.auth("association"), "Content-Type": xlsx})
    assert r.status_code == 403
    r = await env.client.post("/api/bodies/import", content=buf.getvalue(),
                              headers={**env.auth("secretariat"), "Content-Type": xlsx})
    assert r.status_code == 200
    outcomes = {row["name"]: row["outcome"] for row in r.json()}
    assert outcomes[name] == "added" and outcomes["中国陶瓷工业协会"] == "unchanged"
    r = await env.client.post("/api/bodies/import", content=b"not a workbook",
                              headers={**env.auth("secretariat"), "Content-Type": xlsx})
    assert r.status_code == 422 and r.json()["code"] == "file_invalid"
    token = await log_in(env, "secretariat")
    page = await env.client.post("/bodies/import", data={"csrf": csrf_token(token)},
                                 files={"file": ("directory.xlsx", buf.getvalue(), xlsx)})
    assert page.status_code == 200 and "导入结果" in page.text and "未改动" in page.text


async def test_the_application_form_marks_each_body_with_its_kind_and_the_routes_kinds(env):
    import html
    import json

    key = await env.register("bodies", stage="cultivation")
    await log_in(env, "secretariat")
    page = (await env.client.get(f"/clusters/{key}")).text
    kinds = {name: kind for kind, name in re.findall(r'data-kind="([a-z]+)"><input type="checkbox" name="f_bodies\.\d+" '
                                                      r'value="([^"]+)"', page)}
    assert kinds["中国陶瓷工业协会"] == "association" and kinds["广东省轻工业联合会"] == "provincial"
    routes = json.loads(html.unescape(re.search(r'data-routes="([^"]+)"', page).group(1)))
    assert routes == {"association": ["association"], "provincial": ["provincial"],
                      "association_and_provincial": ["association", "provincial"], "cnlic_only": []}
