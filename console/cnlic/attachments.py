"""Attachments in the console (issue 10 item 4): ``POST /api/clusters/{key}/attachments``
(multipart: ``file``, ``purpose``, optional ``note``), the list and the download under the
same path, and the cluster page's upload form (``_attachments.html``, included by
``cluster.html``) with its download links. Thin: parse, call ``service.cnlic.attachments``, shape.

The bodies of the upload paths may reach ``LIMITS.attachment_bytes`` plus the form's other
fields (``console.guard``); everything else stays at 256 KB.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from console.cnlic import api, pages
from console.errors import status_for
from domain.cnlic.access import User
from domain.attachments import PURPOSES, check_size, purposes_for, purpose_label
from domain.errors import DomainError
from domain.limits import LIMITS
from service.cnlic.attachments import AttachmentService, Uploaded, facts_of
from store import attachments as store_rows
from store.models import AttachmentRow

SHA_PATTERN = r"^[0-9a-f]{64}$"


api_router = APIRouter(prefix="/api", tags=["console"])
router = APIRouter(include_in_schema=False, dependencies=[Depends(pages.nav_todo)])


def service_of(request: Request) -> AttachmentService:
    return AttachmentService(request.app.state.console, getattr(request.app.state, "blobs", None))


class AttachmentOut(BaseModel):
    seq: int = Field(description="该附件在集群日志中的事件序号（哈希链中的一行）")
    sha256: str = Field(description="文件内容的 SHA-256：附件的编号和下载地址")
    name: str = Field(description="原文件名")
    size: int = Field(description="字节数")
    type: str = Field(description="文件类型（MIME）")
    purpose: str = Field(description="用途：application | report | opinion | supplement")
    purpose_label: str = Field(description="用途（中文）")
    note: str = Field(description="说明")
    uploaded_role: str
    uploaded_by: str = Field(description="上传人署名")
    uploaded_on: date
    url: str = Field(description="下载地址（API）")


class UploadOut(AttachmentOut):
    outcome: str = Field(description="accepted：已记录；unchanged：相同文件已以同一用途附上，未重复记录")


def attachment_out(row: AttachmentRow) -> AttachmentOut:
    return AttachmentOut(seq=row.seq, sha256=row.sha256, name=row.name, size=row.size, type=row.media_type,
                         purpose=row.purpose, purpose_label=purpose_label(row.purpose), note=row.note,
                         uploaded_role=row.uploaded_role, uploaded_by=row.uploaded_by, uploaded_on=row.uploaded_on,
                         url=f"/api/clusters/{row.cluster_key}/attachments/{row.sha256}")


def _upload_out(u: Uploaded) -> UploadOut:
    return UploadOut(**attachment_out(u.row).model_dump(), outcome=u.outcome)


async def _form(request: Request) -> tuple[Any, UploadFile]:
    """The multipart form and its one file, the file's declared size checked before it is read."""
    try:
        form = await request.form(max_files=LIMITS.attachments_per_upload + 1, max_fields=20)
    except Exception:  # a malformed or non-multipart body: one line, never a 500
        raise DomainError("invalid_data", "请求应为 multipart/form-data：file（文件）、purpose（用途）、note（说明，可选）") from None
    files = [v for k, v in form.multi_items() if k == "file" and isinstance(v, UploadFile)]
    if not files:
        raise DomainError("attachment_file_missing", "请选择要上传的文件（字段 file）")
    if len(files) > LIMITS.attachments_per_upload:
        raise DomainError("too_many_items", f"每次只能上传 {LIMITS.attachments_per_upload} 个文件")
    if files[0].size is not None:
        check_size(files[0].size)
    return form, files[0]


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _upload(request: Request, user: User, key: str, form: Any, upload: UploadFile) -> Uploaded:
    data = await upload.read(LIMITS.attachment_bytes + 1)
    return await service_of(request).upload(user, key, upload.filename or "", data, _text(form, "purpose"),
                                            _text(form, "note"))


def _download(row: AttachmentRow, data: bytes) -> Response:
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in row.name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.name, safe='')}"
    return Response(data, media_type=row.media_type, headers={"Content-Disposition": disposition})


# ---------------------------------------------------------------- API

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file", "purpose"],
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": f"文件：PDF、DOC/DOCX、XLS/XLSX、JPG/PNG、ZIP，至多 "
                                        f"{LIMITS.attachment_bytes // (1024 * 1024)} MiB"},
                "purpose": {"type": "string", "enum": list(PURPOSES), "description": "用途：" + "、".join(
                    f"{k}（{v}）" for k, v in PURPOSES.items())},
                "note": {"type": "string", "maxLength": LIMITS.name_chars * 5, "description": "说明（可选）"},
            }}}},
    },
}


@api_router.post("/clusters/{key}/attachments", response_model=UploadOut, openapi_extra=UPLOAD_BODY,
                 responses={413: {"model": api.ErrorOut, "description": "文件超过大小上限"},
                            **api.responses(400, 401, 403, 404, 409, 422, 503)})
async def upload_attachment(request: Request, key: api.KeyPath, user: api.UserDep) -> UploadOut:
    """为集群的申请、报告、意见或补充材料上传一个附件：文件按 SHA-256 存储，日志只记录哈希与文件信息。"""
    form, upload = await _form(request)
    return _upload_out(await _upload(request, user, key, form, upload))


@api_router.get("/clusters/{key}/attachments", response_model=list[AttachmentOut],
                responses=api.responses(401, 403, 404, 503))
async def list_attachments(request: Request, key: api.KeyPath, user: api.UserDep) -> list[AttachmentOut]:
    """集群的附件，按上传顺序。"""
    return [attachment_out(r) for r in await service_of(request).list(user, key)]


@api_router.get("/clusters/{key}/attachments/{sha256}", response_class=Response,
                responses={200: {"content": {"application/octet-stream": {}}, "description": "文件本身"},
                           **api.responses(401, 403, 404, 409, 503)})
async def download_attachment(request: Request, key: api.KeyPath, sha256: Annotated[str, Path(
        pattern=SHA_PATTERN, description="附件的 SHA-256")], user: api.UserDep) -> Response:
    """下载附件（原文件名）；文件与记录的 SHA-256 不符时拒绝。"""
    return _download(*await service_of(request).download(user, key, sha256))


# ---------------------------------------------------------------- the cluster page


def attachment_panel(request: Request, user: User | None, view: Any) -> dict[str, Any]:
    """What ``_attachments.html`` shows: the cluster's attachments, the purposes this user may
    attach for now (from the workflow's view already on the page), a refusal or a success."""
    if user is None or view is None:
        return {"rows": [], "purposes": [], "error": None, "attached": None}
    rows = store_rows.of_cluster(request.app.state.console.engine, view.key)
    purposes = purposes_for(user.actor, facts_of(view)) if user.role != "auditor" else []
    attached = request.query_params.get("attached")
    return {"rows": rows, "purposes": [(p, purpose_label(p)) for p in purposes],
            "error": getattr(request.state, "attach_error", None),
            "attached": next((r for r in rows if r.sha256 == attached), None) if attached else None,
            "max_mib": LIMITS.attachment_bytes // (1024 * 1024)}


pages.TEMPLATES.env.globals["attachment_panel"] = attachment_panel
pages.TEMPLATES.env.globals["purpose_label"] = purpose_label


@router.post("/clusters/{key}/attachments", response_class=HTMLResponse)
async def upload_from_page(request: Request, key: str) -> Response:
    user = pages.page_user(request)
    pages._check_key(key)
    try:
        await pages._checked_form(request)  # the session's form token (the form is parsed once)
        form, upload = await _form(request)
        done = await _upload(request, user, key, form, upload)
    except DomainError as e:
        if e.code in ("cluster_unknown", "out_of_scope"):
            raise
        request.state.attach_error = e
        return await pages._cluster_page(request, user, key, status_for(e.code))
    return RedirectResponse(f"/clusters/{quote(key)}?attached={done.row.sha256}#attachments", status_code=303)


@router.get("/clusters/{key}/attachments/{sha256}")
async def download_from_page(request: Request, key: str, sha256: str) -> Response:
    user = pages.page_user(request)
    pages._check_key(key)
    return _download(*await service_of(request).download(user, key, sha256))
