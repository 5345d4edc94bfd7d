"""Attachment rules (issue 10 item 4): types by extension and first bytes, sizes, names, who may
attach what at which stage; the directory blob store; the CLI's refusals before connecting."""

from __future__ import annotations

import hashlib
import os
import sys

import pytest

from cli.main import run
from domain.attachments import AttachFacts, AttachmentMeta, check_attach, check_file, check_meta, clean_name
from domain.errors import DomainError
from domain.limits import LIMITS
from domain.cnlic.model import Actor
from store.blobs import DirectoryBlobStore, blob_store

PDF = b"%PDF-1.4\n" + b"x" * 100


def package(*names: str) -> bytes:
    """A zip with these entries (an Office Open XML file names its application's parts)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()


XLSX = package("[Content_Types].xml", "xl/workbook.xml")
DOCX = package("[Content_Types].xml", "word/document.xml")


@pytest.mark.parametrize("name, data", [
    ("规划.pdf", PDF), ("表.xlsx", XLSX), ("表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
    ("照片.JPG", b"\xff\xd8\xff\xe0rest"), ("图.png", b"\x89PNG\r\n\x1a\nrest"), ("材料.zip", package("规划.pdf", "表.xlsx")),
    ("申请书.docx", DOCX), ("申请书.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
])
def test_each_allowed_type_is_accepted_when_its_bytes_match_its_extension(name, data):
    meta = check_file(name, data, "application")
    assert meta.sha256 == hashlib.sha256(data).hexdigest() and meta.size == len(data)
    assert check_meta(meta) == meta


@pytest.mark.parametrize("name, data, code", [
    ("run.exe", b"MZ....", "attachment_type_not_allowed"),
    ("规划.pdf", b"PK\x03\x04", "attachment_type_not_allowed"),  # a renamed zip is not a PDF
    ("page.html", b"<html>", "attachment_type_not_allowed"),
    ("申请书.docx", XLSX, "attachment_type_not_allowed"),  # a workbook renamed .docx
    ("表.xlsx", package("a.txt"), "attachment_type_not_allowed"),  # a plain zip renamed .xlsx
    ("材料.zip", b"PK\x03\x04broken", "attachment_type_not_allowed"),
    ("规划.pdf", b"", "attachment_empty"),
    ("noextension", PDF, "attachment_name_invalid"),
    ("规划.pdf", b"%PDF-" + bytes(LIMITS.attachment_bytes), "attachment_too_large"),
])
def test_a_file_the_rules_do_not_take_is_refused_with_its_code(name, data, code):
    with pytest.raises(DomainError) as e:
        check_file(name, data, "application")
    assert e.value.code == code


def test_a_name_keeps_only_its_last_path_part_and_no_control_characters():
    assert clean_name("../../etc/规划\x00.pdf") == "规划.pdf"
    assert clean_name("C:\\Users\\x\\申请书.docx") == "申请书.docx"


def test_a_forged_update_with_a_mismatched_type_is_refused_by_the_validator_check():
    with pytest.raises(DomainError) as e:
        check_meta(AttachmentMeta("a" * 64, "规划.pdf", 10, "text/html", "application"))
    assert e.value.code == "attachment_type_not_allowed"


@pytest.mark.parametrize("purpose, actor, facts, code", [
    ("application", Actor("applicant", "佛山市人民政府"), AttachFacts("designated"), "action_not_allowed"),
    ("opinion", Actor("applicant", "佛山市人民政府"), AttachFacts("applied"), "role_not_allowed"),
    ("opinion", Actor("association", "中国陶瓷工业协会"), AttachFacts("formal_review"), "action_not_allowed"),
    ("supplement", Actor("applicant", "佛山市人民政府"), AttachFacts("formal_review"), "action_not_allowed"),
    ("report", Actor("expert", "王专家"), AttachFacts("site_evaluation", ("李专家",)), "not_panel_lead"),
    ("report", Actor("auditor", "审计署"), AttachFacts("site_evaluation"), "read_only"),
    ("application", Actor("secretariat", "综合业务部"), AttachFacts("revoked"), "lifecycle_ended"),
])
def test_who_may_attach_what_when(purpose, actor, facts, code):
    with pytest.raises(DomainError) as e:
        check_attach(purpose, actor, facts)
    assert e.value.code == code


@pytest.mark.parametrize("purpose, actor, facts", [
    ("application", Actor("applicant", "佛山市人民政府"), AttachFacts("applied")),
    ("opinion", Actor("provincial", "广东省轻工业联合会"), AttachFacts("applied")),
    ("opinion", Actor("association", "中国陶瓷工业协会"), AttachFacts("association_opinion")),
    ("supplement", Actor("applicant", "佛山市人民政府"), AttachFacts("formal_review", (), True)),
    ("report", Actor("expert", "李专家"), AttachFacts("site_evaluation", ("李专家",))),
    ("report", Actor("applicant", "佛山市人民政府"), AttachFacts("designated")),
    ("supplement", Actor("secretariat", "综合业务部"), AttachFacts("designated")),
])
def test_the_named_parties_may_attach(purpose, actor, facts):
    check_attach(purpose, actor, facts)


def test_the_directory_store_names_blobs_by_their_hash_and_writes_each_once(tmp_path):
    store = DirectoryBlobStore(tmp_path / "blobs")
    sha, written = store.put(PDF)
    assert sha == hashlib.sha256(PDF).hexdigest() and written
    path = store.path(sha)
    assert path == tmp_path / "blobs" / sha[:2] / sha[2:4] / sha and path.read_bytes() == PDF
    mtime = path.stat().st_mtime_ns
    assert store.put(PDF) == (sha, False) and path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == [sha]  # no temporary file left behind
    assert store.get("0" * 64) is None and not store.exists("0" * 64)


def test_an_s3_store_without_boto3_is_refused_in_one_line(monkeypatch):
    monkeypatch.setenv("BLOB_STORE", "s3")
    monkeypatch.setenv("BLOB_S3_BUCKET", "designation-blobs")
    monkeypatch.setitem(sys.modules, "boto3", None)  # as on an installation without the s3 extra
    with pytest.raises(DomainError) as e:
        blob_store()
    assert e.value.code == "blob_store_unavailable" and "boto3" in e.value.message and "\n" not in e.value.message


def test_the_cli_refuses_a_wrong_file_before_connecting(tmp_path, capsys):
    exe = tmp_path / "setup.pdf"
    exe.write_bytes(b"MZ" + os.urandom(10))
    assert run(["attach", "demo-paper", str(exe), "--purpose", "application", "--token", "x"]) == 2
    assert "attachment_type_not_allowed" in capsys.readouterr().err
