"""The attachments' bytes, content-addressed (issue 10 item 4): a blob's name is the SHA-256 of
its bytes, so the same file is kept once and the journal's hash is the way to find it.

By default a directory (``.data/blobs/ab/cd/<sha256>``, next to the SQLite store, or
``BLOB_DIR``), written atomically (a temporary file in the same directory, then a rename) and
never rewritten. An S3-compatible bucket is the production option (``BLOB_STORE=s3``,
``BLOB_S3_BUCKET``, ``BLOB_S3_PREFIX``, ``BLOB_S3_ENDPOINT``; credentials the usual
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``); it needs ``boto3``, which this
installation does not carry, so configuring it is refused at start-up with one line.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine, make_url

from domain.errors import DomainError
from domain.attachments import check_sha256
from store.db import data_dir


class BlobStore(Protocol):
    def put(self, data: bytes) -> tuple[str, bool]:
        """Keep ``data``; return its SHA-256 and whether it was written now (False: already kept)."""

    def get(self, sha256: str) -> bytes | None: ...

    def exists(self, sha256: str) -> bool: ...

    def describe(self) -> str: ...


@dataclass
class DirectoryBlobStore:
    root: Path

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> tuple[str, bool]:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)  # atomic: a reader sees no blob or the whole blob
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, True

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def describe(self) -> str:
        return f"目录 {self.root}"


def default_dir(engine: Engine | None = None) -> Path:
    """``BLOB_DIR``, else ``blobs/`` next to a SQLite store's file, else under the data dir."""
    if os.environ.get("BLOB_DIR"):
        return Path(os.environ["BLOB_DIR"])
    if engine is not None:
        url = make_url(str(engine.url))
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).parent / "blobs"
    return data_dir() / "blobs"


@dataclass(frozen=True)
class S3Settings:
    """An S3-compatible bucket (MinIO, OSS, COS, S3): where blobs would live in production."""

    bucket: str
    prefix: str = "blobs/"
    endpoint: str | None = None  # e.g. https://oss-cn-beijing.aliyuncs.com; None: AWS itself

    @classmethod
    def from_env(cls) -> "S3Settings":
        bucket = os.environ.get("BLOB_S3_BUCKET", "").strip()
        if not bucket:
            raise DomainError("blob_store_unavailable", "BLOB_STORE=s3 须设置 BLOB_S3_BUCKET")
        return cls(bucket, os.environ.get("BLOB_S3_PREFIX", "blobs/"), os.environ.get("BLOB_S3_ENDPOINT") or None)


def blob_store(engine: Engine | None = None) -> BlobStore:
    """The configured blob store; S3 refused in one line while boto3 is not installed."""
    kind = os.environ.get("BLOB_STORE", "dir").strip().lower() or "dir"
    if kind == "dir":
        return DirectoryBlobStore(default_dir(engine))
    if kind == "s3":
        S3Settings.from_env()
        try:
            import boto3  # noqa: F401
        except ImportError:
            raise DomainError("blob_store_unavailable",
                              "BLOB_STORE=s3 需要 boto3，本安装未包含；请安装 boto3 或去掉 BLOB_STORE 使用目录存储") from None
        raise DomainError("blob_store_unavailable", "BLOB_STORE=s3 尚未实现；请去掉 BLOB_STORE 使用目录存储")
    raise DomainError("blob_store_unavailable", f"BLOB_STORE 应为 dir 或 s3，收到“{kind}”")
