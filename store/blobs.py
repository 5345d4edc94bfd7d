"""The attachments' bytes, content-addressed (issue 10 item 4): a blob's name is the SHA-256 of
its bytes, so the same file is kept once and the journal's hash is the way to find it.

By default a directory (``.data/blobs/ab/cd/<sha256>``, next to the SQLite store, or
``BLOB_DIR``), written atomically (a temporary file in the same directory, then a rename) and
never rewritten. An S3-compatible bucket is the production option (``BLOB_STORE=s3``,
``BLOB_S3_BUCKET``, ``BLOB_S3_PREFIX``, ``BLOB_S3_ENDPOINT``; credentials the usual
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``, region ``AWS_DEFAULT_REGION``). It needs
``boto3`` (the ``s3`` extra: ``pip install -e '.[s3]'``); configuring it without boto3, or with a
bucket that cannot be reached, is refused at start-up with one line.

A blob is written before the Update that journals it; when the workflow then refuses, the blob
is referenced by nothing. ``sweep_orphans`` (housekeeping, daily) removes such blobs once they
are older than a grace period, so an upload in flight is never swept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Protocol

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

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every blob's SHA-256 and when it was written (UTC)."""

    def delete(self, sha256: str) -> None: ...


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

    def listing(self) -> Iterator[tuple[str, datetime]]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if path.is_file() and not path.name.startswith(".tmp-") and len(path.name) == 64:
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


@dataclass
class S3BlobStore:
    """Blobs in an S3-compatible bucket under ``prefix`` + SHA-256. A put first asks whether
    the key exists (content-addressed: the same bytes are never written twice) and sends the
    SHA-256 for the server to check, so a damaged transfer is refused rather than kept."""

    settings: "S3Settings"
    client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.client is None:
            import boto3
            from botocore.config import Config

            self.client = boto3.client("s3", endpoint_url=self.settings.endpoint,
                                       config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                                     connect_timeout=5, read_timeout=30))

    def key(self, sha256: str) -> str:
        check_sha256(sha256)
        return f"{self.settings.prefix}{sha256}"

    def put(self, data: bytes) -> tuple[str, bool]:
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            return sha, False
        import base64

        self.client.put_object(Bucket=self.settings.bucket, Key=self.key(sha), Body=data,
                               ChecksumSHA256=base64.b64encode(bytes.fromhex(sha)).decode())
        return sha, True

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.settings.bucket, Key=self.key(sha256))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.settings.bucket, Key=self.key(sha256))
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def describe(self) -> str:
        where = self.settings.endpoint or "AWS"
        return f"S3 桶 {self.settings.bucket}/{self.settings.prefix}（{where}）"

    def listing(self) -> Iterator[tuple[str, datetime]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.settings.bucket,
                                                                       Prefix=self.settings.prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                name = obj["Key"][len(self.settings.prefix):]
                if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
                    yield name, obj["LastModified"]

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.settings.bucket, Key=self.key(sha256))

    def check_reachable(self) -> None:
        """One line at start-up when the bucket cannot be used (no bucket, no credentials)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.settings.bucket)
        except (BotoCoreError, ClientError) as e:
            raise DomainError("blob_store_unavailable",
                              f"附件存储 {self.describe()} 不可用：{type(e).__name__}: {e}"[:300]) from None


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


def blob_store(engine: Engine | None = None, check: bool = False) -> BlobStore:
    """The configured blob store; S3 refused in one line while boto3 is not installed (and,
    with ``check``, while the bucket cannot be reached)."""
    kind = os.environ.get("BLOB_STORE", "dir").strip().lower() or "dir"
    if kind == "dir":
        return DirectoryBlobStore(default_dir(engine))
    if kind == "s3":
        settings = S3Settings.from_env()
        try:
            import boto3  # noqa: F401
        except ImportError:
            raise DomainError("blob_store_unavailable",
                              "BLOB_STORE=s3 需要 boto3（pip install -e '.[s3]'）；或去掉 BLOB_STORE 使用目录存储") from None
        store = S3BlobStore(settings)
        if check:
            store.check_reachable()
        return store
    raise DomainError("blob_store_unavailable", f"BLOB_STORE 应为 dir 或 s3，收到“{kind}”")


ORPHAN_GRACE_HOURS = 24  # an upload's blob is journaled within seconds; a day is far beyond any in-flight one


def sweep_orphans(blobs: BlobStore, referenced: set[str], now: datetime,
                  grace_hours: float = ORPHAN_GRACE_HOURS) -> list[str]:
    """Delete the blobs no attachment row references that are older than the grace period
    (a refused upload's leftovers); return their SHA-256s. A blob referenced anywhere, or
    written within the grace period (its Update may still be on its way), is kept."""
    removed: list[str] = []
    for sha, written in list(blobs.listing()):
        if sha in referenced or (now - written).total_seconds() < grace_hours * 3600:
            continue
        blobs.delete(sha)
        removed.append(sha)
    return removed
