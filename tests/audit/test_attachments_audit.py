"""Audit of attachments (issue 10 item 4): the attach Update's event is in the replayed
timeline and the chain, the evidence pack carries the file and lists it, and an altered or
missing blob is named by the verification."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from audit.service import AuditService
from domain.attachments import check_file
from domain.cnlic.model import Actor
from store.blobs import DirectoryBlobStore
from tests.workflows.helpers import register
from workflows.cnlic.contracts import AttachInput, designation_workflow_id
from workflows.cnlic.designation import DesignationWorkflow

pytestmark = pytest.mark.workflow
AUDITOR = "审计员甲"
PLAN = b"%PDF-1.7\n" + "佛山市陶瓷产业发展规划（2026—2030）".encode() + b"\n%%EOF\n"


async def attached(sim, tmp_path) -> tuple[DirectoryBlobStore, str]:
    await register(sim, "ceramics", stage="applied")
    blobs = DirectoryBlobStore(tmp_path / "blobs")
    meta = check_file("发展规划.pdf", PLAN, "application", "§三(一) 县级以上政府批准的发展规划")
    blobs.put(PLAN)
    handle = sim.env.client.get_workflow_handle(designation_workflow_id("ceramics"))
    await handle.execute_update(DesignationWorkflow.attach,
                                AttachInput(actor=Actor("applicant", "佛山市人民政府"), attachment=meta))
    await sim.settle()
    return blobs, meta.sha256


async def test_an_attachment_is_replayed_from_the_history_and_its_file_is_in_the_evidence_pack(sim, tmp_path):
    blobs, sha = await attached(sim, tmp_path)
    report, pack = await AuditService(sim.env.client, sim.engine, blobs).export("ceramics", AUDITOR)
    assert report.ok, report.as_dict()
    assert any(item["kind"] == "attachment" and item["data"]["sha256"] == sha for item in report.timeline)
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        assert z.read(f"attachments/{sha}-发展规划.pdf") == PLAN
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["ok"] and manifest["attachments"][0]["path"] == f"attachments/{sha}-发展规划.pdf"
    assert manifest["sha256"][f"attachments/{sha}-发展规划.pdf"] == sha


async def test_an_altered_or_missing_blob_is_named_by_verify(sim, tmp_path):
    blobs, sha = await attached(sim, tmp_path)
    audit = AuditService(sim.env.client, sim.engine, blobs)
    (clean,) = await audit.verify("ceramics", AUDITOR)
    assert clean.ok
    blobs.path(sha).write_bytes(PLAN.replace(b"2030", b"2035"))
    (altered,) = await audit.verify("ceramics", AUDITOR)
    assert not altered.ok and altered.problems[0].kind == "attachment_altered"
    assert "发展规划.pdf" in altered.summary() and sha in altered.summary()
    replayed = await audit.replay("ceramics", AUDITOR)
    assert not replayed.ok and replayed.deterministic  # the histories replay; the file does not match
    blobs.path(sha).unlink()
    (missing,) = await audit.verify("ceramics", AUDITOR)
    assert missing.problems[0].kind == "attachment_missing" and "缺失" in missing.summary()
    _, pack = await audit.export("ceramics", AUDITOR)
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        assert json.loads(z.read("manifest.json"))["attachments"][0]["state"] == "missing"
        assert not [n for n in z.namelist() if n.startswith("attachments/")]
