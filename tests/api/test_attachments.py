"""Attachments (issue 10 item 4) through the API on the real workflows: upload → journal event
in the hash chain → listed → downloaded identical; refusals store nothing; the evidence pack
carries the file; an altered blob is named by the verification."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

from audit.verify import verify_rows
from domain.limits import LIMITS
from store.cnlic import lifecycle as repo
from store.blobs import DirectoryBlobStore, blob_store

PDF = b"%PDF-1.7\n" + "县级以上政府批准的发展规划".encode() + os.urandom(64) + b"\n%%EOF\n"


def blobs(env) -> DirectoryBlobStore:
    store = blob_store(env.sim.engine)
    assert isinstance(store, DirectoryBlobStore)
    return store


def blob_files(env) -> set[str]:
    root = blobs(env).root
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def upload(env, who: str, key: str, name: str, data: bytes, purpose: str = "application", note: str = ""):
    return await env.client.post(f"/api/clusters/{key}/attachments", headers=env.auth(who),
                                 files={"file": (name, data, "application/octet-stream")},
                                 data={"purpose": purpose, "note": note})


async def applicant_of(env, key: str) -> str:
    username = f"applicant-{key}"
    env.add_user(username, role="applicant", name=f"{key} 人民政府", clusters=[key])
    return username


async def test_an_uploaded_plan_is_journaled_in_the_chain_listed_and_downloaded_identical(env):
    key = await env.register("att")
    who = await applicant_of(env, key)
    pdf = PDF + b"plan"
    r = await upload(env, who, key, "佛山市陶瓷产业发展规划.pdf", pdf, note="附件二：发展规划")
    assert r.status_code == 200, r.text
    body = r.json()
    sha = hashlib.sha256(pdf).hexdigest()
    assert body["sha256"] == sha and body["outcome"] == "accepted" and body["type"] == "application/pdf"
    assert body["uploaded_by"] == f"{key} 人民政府" and body["purpose_label"] == "申请材料"

    journal = repo.journal(env.sim.engine, key)
    (event,) = [row for row in journal if row.kind == "attachment"]
    assert event.seq == body["seq"] and event.data["sha256"] == sha and event.data["size"] == len(pdf)
    assert event.data["name"] == "佛山市陶瓷产业发展规划.pdf" and event.data["note"] == "附件二：发展规划"
    assert event.actor_role == "applicant"
    assert verify_rows(key, journal, None).ok  # the event is a link of the hash chain

    listed = await env.client.get(f"/api/clusters/{key}/attachments", headers=env.auth("secretariat"))
    assert [a["sha256"] for a in listed.json()] == [sha]
    got = await env.client.get(f"/api/clusters/{key}/attachments/{sha}", headers=env.auth("association"))
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E4%BD%9B%E5%B1%B1" in got.headers["content-disposition"]

    detail = (await env.client.get(f"/api/clusters/{key}", headers=env.auth("secretariat"))).json()
    assert any(e["kind"] == "attachment" and e["data"]["sha256"] == sha for e in detail["timeline"])
    done = (await env.client.get("/api/me/done", headers=env.auth(who))).json()
    assert any(i["kind"] == "attachment" and "佛山市陶瓷产业发展规划.pdf" in i["label"] for i in done["items"])


async def test_the_same_bytes_are_stored_once_and_not_journaled_twice_for_the_same_purpose(env):
    first, second = await env.register("att"), await env.register("att")
    pdf = PDF + b"same"
    before = blob_files(env)
    for key in (first, second):
        r = await upload(env, "secretariat", key, "申请书.pdf", pdf)
        assert r.status_code == 200 and r.json()["outcome"] == "accepted"
    again = await upload(env, "secretariat", first, "申请书.pdf", pdf)
    assert again.json()["outcome"] == "unchanged"
    assert blob_files(env) - before == {hashlib.sha256(pdf).hexdigest()}
    assert len([r for r in repo.journal(env.sim.engine, first) if r.kind == "attachment"]) == 1


async def test_a_wrong_type_a_file_too_large_and_an_out_of_scope_user_are_refused_and_nothing_is_stored(env):
    key = await env.register("att")
    env.add_user("assoc-paper", role="association", name="中国造纸协会", industries=["造纸"])
    before, rows_before = blob_files(env), len(repo.journal(env.sim.engine, key))
    cases = [
        ("secretariat", "setup.exe", b"MZ" + os.urandom(100), "application", 422, "attachment_type_not_allowed"),
        ("secretariat", "规划.pdf", b"PK\x03\x04" + os.urandom(100), "application", 422, "attachment_type_not_allowed"),
        ("secretariat", "big.pdf", b"%PDF-" + bytes(LIMITS.attachment_bytes), "application", 413, "attachment_too_large"),
        ("assoc-paper", "规划.pdf", PDF, "opinion", 403, "out_of_scope"),
        ("auditor", "规划.pdf", PDF, "application", 403, "read_only"),
        ("association", "规划.pdf", PDF, "application", 403, "role_not_allowed"),
        ("secretariat", "规划.pdf", PDF, "bogus", 422, "attachment_purpose_unknown"),
    ]
    for who, name, data, purpose, status, code in cases:
        r = await upload(env, who, key, name, data, purpose)
        assert (r.status_code, r.json()["code"]) == (status, code), (name, r.text)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])  # a Chinese line
    assert blob_files(env) == before
    assert len(repo.journal(env.sim.engine, key)) == rows_before


async def test_a_body_far_over_the_file_limit_is_refused_before_it_is_read(env):
    key = await env.register("att")
    huge = b"%PDF-" + bytes(LIMITS.attachment_bytes + LIMITS.http_body_bytes + 1)
    r = await upload(env, "secretariat", key, "huge.pdf", huge)
    assert (r.status_code, r.json()["code"]) == (413, "body_too_large")


async def test_the_evidence_pack_carries_the_file_and_an_altered_blob_is_named_by_the_verification(env):
    key = await env.register("att")
    pdf = PDF + b"evidence"
    sha = hashlib.sha256(pdf).hexdigest()
    assert (await upload(env, "secretariat", key, "发展规划.pdf", pdf)).status_code == 200

    pack = await env.client.get(f"/api/clusters/{key}/evidence", headers=env.auth("auditor"))
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.content)) as z:
        assert z.read(f"attachments/{sha}-发展规划.pdf") == pdf
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["sha256"][f"attachments/{sha}-发展规划.pdf"] == sha
    assert [(a["sha256"], a["state"]) for a in manifest["attachments"]] == [(sha, "ok")]

    path: Path = blobs(env).path(sha)
    path.write_bytes(pdf + b"tampered")
    reports = (await env.client.get("/api/audit/verify", headers=env.auth("auditor"))).json()
    (report,) = [r for r in reports if r["cluster_key"] == key]
    assert not report["ok"] and report["problems"][0]["kind"] == "attachment_altered"
    assert sha in report["problems"][0]["message"] and "发展规划.pdf" in report["summary"]
    refused = await env.client.get(f"/api/clusters/{key}/attachments/{sha}", headers=env.auth("secretariat"))
    assert (refused.status_code, refused.json()["code"]) == (409, "attachment_altered")

    path.unlink()
    reports = (await env.client.get("/api/audit/verify", headers=env.auth("auditor"))).json()
    (report,) = [r for r in reports if r["cluster_key"] == key]
    assert report["problems"][0]["kind"] == "attachment_missing"
    path.write_bytes(pdf)  # the other tests' verifications stay clean


async def test_the_cluster_page_uploads_from_its_form_lists_the_file_and_refuses_inline(env):
    from console.cnlic.pages import COOKIE
    from service.users import csrf_token

    key = await env.register("att")
    env.client.cookies.clear()
    login = await env.client.post("/login", data={"username": "secretariat", "password": "password-123", "next": "/"})
    token = login.cookies.get(COOKIE)
    page = await env.client.get(f"/clusters/{key}")
    assert 'enctype="multipart/form-data"' in page.text and 'data-form="attach"' in page.text
    assert "<script>" not in page.text  # the page's CSP allows no inline script
    pdf = PDF + b"page"
    sha = hashlib.sha256(pdf).hexdigest()
    r = await env.client.post(f"/clusters/{key}/attachments", data={"csrf": csrf_token(token), "purpose": "application"},
                              files={"file": ("发展规划.pdf", pdf, "application/pdf")})
    assert r.status_code == 303 and r.headers["location"] == f"/clusters/{key}?attached={sha}#attachments"
    shown = await env.client.get(r.headers["location"])
    assert "已上传附件：发展规划.pdf" in shown.text and f'data-sha256="{sha}"' in shown.text
    got = await env.client.get(f"/clusters/{key}/attachments/{sha}")
    assert got.content == pdf
    bad = await env.client.post(f"/clusters/{key}/attachments", data={"csrf": csrf_token(token), "purpose": "application"},
                                files={"file": ("run.exe", b"MZ", "application/octet-stream")})
    assert bad.status_code == 422 and "attachment_type_not_allowed" in bad.text
    forged = await env.client.post(f"/clusters/{key}/attachments", data={"purpose": "application"},
                                   files={"file": ("x.pdf", pdf, "application/pdf")})
    assert forged.status_code == 403 and "csrf_invalid" in forged.text
    env.client.cookies.clear()
