"""An attachment uploaded through the API with the S3-compatible blob store configured (moto's
S3 server on 127.0.0.1, started by the test): the bytes land in the bucket under their SHA-256,
download identical, and a refused upload's blob is swept by the housekeeping sweep."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from service.cnlic.attachments import sweep
from tests.api.test_attachments import PDF, applicant_of, upload
from tests.store.test_blobs import bucket, s3_endpoint  # noqa: F401 (fixtures)


async def test_an_upload_through_the_api_lands_in_the_bucket_and_downloads_identical(env, bucket):
    app = env.client._transport.app  # the console under test
    saved = getattr(app.state, "blobs", None)
    app.state.blobs = bucket
    try:
        key = await env.register("s3att")
        who = await applicant_of(env, key)
        pdf = PDF + b"s3"
        r = await upload(env, who, key, "发展规划.pdf", pdf)
        assert r.status_code == 200, r.text
        sha = hashlib.sha256(pdf).hexdigest()
        assert bucket.get(sha) == pdf
        got = await env.client.get(f"/api/clusters/{key}/attachments/{sha}", headers=env.auth("secretariat"))
        assert got.status_code == 200 and got.content == pdf
    finally:
        app.state.blobs = saved




async def test_a_blob_the_workflow_refused_is_swept_from_the_bucket_and_a_journaled_one_is_kept(env, bucket):
    key = await env.register("s3sweep")
    who = await applicant_of(env, key)
    app = env.client._transport.app
    saved = getattr(app.state, "blobs", None)
    app.state.blobs = bucket
    try:
        kept = PDF + b"kept"
        assert (await upload(env, who, key, "申请报告.pdf", kept)).status_code == 200
    finally:
        app.state.blobs = saved
    refused, _ = bucket.put(PDF + b"refused by the workflow")  # as when the Update is refused after the put
    later = datetime.now(timezone.utc) + timedelta(hours=25)
    assert sweep(env.sim.engine, bucket, later) == [refused]
    assert bucket.exists(hashlib.sha256(kept).hexdigest()) and not bucket.exists(refused)
