"""The attachments' blob stores (issue 10 item 4): the S3-compatible bucket, exercised against
moto's S3 server on 127.0.0.1 (started by the test), and the sweep of blobs a refused upload
left behind."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta, timezone

import pytest

from domain.errors import DomainError
from store.blobs import DirectoryBlobStore, S3BlobStore, S3Settings, blob_store, sweep_orphans

boto3 = pytest.importorskip("boto3", reason="boto3 (the s3 extra) is not installed: the S3 blob store is not tested")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed: no local S3 to test against")


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def bucket(s3_endpoint):
    name = f"blobs-{os.urandom(4).hex()}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return S3BlobStore(S3Settings(name, "attachments/", s3_endpoint))


def test_the_s3_store_keeps_bytes_under_their_sha256_once_and_reads_them_back(bucket):
    data = b"%PDF-1.7\n" + "发展规划".encode() + b"\n%%EOF\n"
    sha = hashlib.sha256(data).hexdigest()
    assert not bucket.exists(sha) and bucket.get(sha) is None
    assert bucket.put(data) == (sha, True)
    assert bucket.put(data) == (sha, False)  # content-addressed: the same bytes are not written twice
    assert bucket.exists(sha) and bucket.get(sha) == data
    keys = [o["Key"] for o in bucket.client.list_objects_v2(Bucket=bucket.settings.bucket)["Contents"]]
    assert keys == [f"attachments/{sha}"]
    assert [s for s, _ in bucket.listing()] == [sha]
    bucket.delete(sha)
    assert not bucket.exists(sha)
    assert "S3 桶" in bucket.describe()


def test_the_s3_store_is_configured_from_the_environment_and_an_unreachable_bucket_stops_start_up(s3_endpoint, monkeypatch):
    monkeypatch.setenv("BLOB_STORE", "s3")
    monkeypatch.delenv("BLOB_S3_BUCKET", raising=False)
    with pytest.raises(DomainError) as e:
        blob_store()
    assert e.value.code == "blob_store_unavailable" and "BLOB_S3_BUCKET" in e.value.message
    monkeypatch.setenv("BLOB_S3_BUCKET", "no-such-bucket")
    monkeypatch.setenv("BLOB_S3_ENDPOINT", s3_endpoint)
    assert isinstance(blob_store(), S3BlobStore)  # unchecked: built without a round trip
    with pytest.raises(DomainError) as e:
        blob_store(check=True)
    assert e.value.code == "blob_store_unavailable" and "no-such-bucket" in e.value.message
    assert "\n" not in e.value.message and len(e.value.message) <= 300


def _age(store: DirectoryBlobStore, sha: str, hours: float) -> None:
    t = (datetime.now(timezone.utc) - timedelta(hours=hours)).timestamp()
    os.utime(store.path(sha), (t, t))


def test_the_sweep_removes_only_unreferenced_blobs_past_the_grace_period(tmp_path):
    store = DirectoryBlobStore(tmp_path / "blobs")
    referenced, _ = store.put(b"journaled attachment")
    young, _ = store.put(b"an upload still on its way")
    orphan, _ = store.put(b"an upload the workflow refused")
    _age(store, referenced, 48)
    _age(store, orphan, 48)
    now = datetime.now(timezone.utc)
    assert sweep_orphans(store, {referenced}, now) == [orphan]
    assert store.exists(referenced) and store.exists(young) and not store.exists(orphan)
    assert sweep_orphans(store, {referenced}, now) == []  # nothing left to sweep


def test_the_sweep_reads_the_buckets_own_write_times(bucket):
    referenced, _ = bucket.put(b"journaled attachment")
    orphan, _ = bucket.put(b"an upload the workflow refused")
    now = datetime.now(timezone.utc)
    assert sweep_orphans(bucket, {referenced}, now + timedelta(hours=23)) == []  # within the grace period
    assert sweep_orphans(bucket, {referenced}, now + timedelta(hours=25)) == [orphan]
    assert bucket.exists(referenced) and not bucket.exists(orphan)
