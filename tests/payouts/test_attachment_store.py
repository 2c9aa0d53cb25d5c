"""Attachments in an S3-compatible store chosen by ZHIDA_ATTACHMENTS_URL, against a real S3 server
speaking HTTP on the loopback (moto's server, started here): an application's file uploaded, found
in the bucket under its hash, read back the same, stored once however often it is attached; a
missing bucket, a stopped server, a tampered object and a bad setting each a one-line refusal."""

from __future__ import annotations

import hashlib
import socket
from datetime import UTC, datetime

import pytest

from zhida import filestore
from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.payouts.applications import attachments, service
from zhida.store import open_store

from .application_fixtures import AS_OF, MEASURE, PDF, people, profile

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "zhida-attachments"
KEYS = {"ZHIDA_S3_ACCESS_KEY_ID": "zhida-test", "ZHIDA_S3_SECRET_ACCESS_KEY": "zhida-test-secret",
        "ZHIDA_S3_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEYS["ZHIDA_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=KEYS["ZHIDA_S3_SECRET_ACCESS_KEY"], region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def in_s3(s3, monkeypatch, tmp_path):
    endpoint, client = s3
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_URL", f"s3://{BUCKET}/applications")
    monkeypatch.setenv("ZHIDA_S3_ENDPOINT_URL", endpoint)
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_DIR", str(tmp_path / "folder"))  # must stay unused
    return client


def _objects(client, prefix="applications/") -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def test_an_application_attachment_goes_to_the_bucket_and_reads_back(in_s3, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's3.sqlite3'}")
    who = people(profile().uscc)["applicant"]
    now = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)

    def work(session):
        application = service.start(session, profile=profile(), enterprise_name="忻州对象存储测试有限公司",
                                    measure_id=MEASURE, person=who, now=now, as_of=AS_OF,
                                    policies=load_default_policies())
        rows = [service.attach(session, application, who, material=m["name"], filename="材料.pdf", data=PDF, now=now)
                for m in application.materials]
        return [(r.key, r.sha256) for r in rows]

    keys = store.retrying(work)
    store.close()
    digest = hashlib.sha256(PDF).hexdigest()
    assert len(keys) >= 2 and set(keys) == {(f"{digest[:2]}/{digest}", digest)}  # the same bytes: one key
    stored = _objects(in_s3)
    assert [k for k in stored if digest in k] == [f"applications/{digest[:2]}/{digest}"]  # stored once
    assert stored[f"applications/{digest[:2]}/{digest}"] == PDF
    assert attachments.read(keys[0][0]) == PDF  # read back through the store the setting names
    assert not (tmp_path / "folder").exists()  # nothing went to the folder


def test_other_bytes_get_their_own_object_and_a_tampered_one_is_refused(in_s3):
    data = b"%PDF-1.4\n% another file\n%%EOF\n"
    digest, key = attachments.save(data)
    assert key == f"{digest[:2]}/{digest}" and attachments.read(key) == data
    in_s3.put_object(Bucket=BUCKET, Key=f"applications/{key}", Body=b"%PDF-1.4 changed behind our back")
    with pytest.raises(ZhidaError) as refused:
        attachments.read(key)
    assert "内容与其哈希不符" in refused.value.reason and "\n" not in refused.value.reason


def test_a_key_that_is_not_there_is_the_same_answer_as_a_lost_file(in_s3):
    with pytest.raises(ZhidaError) as lost:
        attachments.read("00/" + "0" * 64)
    assert lost.value.reason == "文件已不在存储中"
    with pytest.raises(ZhidaError):
        attachments.read("../../etc/passwd")


def test_a_missing_bucket_and_a_stopped_server_are_one_line_errors(s3, monkeypatch):
    endpoint, _ = s3
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZHIDA_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_URL", "s3://no-such-bucket/x")
    with pytest.raises(ZhidaError) as missing:
        attachments.save(PDF)
    assert missing.value.where == "attachments" and "桶 no-such-bucket" in missing.value.reason
    assert "桶不存在" in missing.value.reason and "\n" not in missing.value.reason
    monkeypatch.setenv("ZHIDA_S3_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")  # nobody listens there
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_URL", f"s3://{BUCKET}/x")
    with pytest.raises(ZhidaError) as down:
        attachments.save(PDF)
    assert "写入失败" in down.value.reason or "查询失败" in down.value.reason
    assert "\n" not in down.value.reason and len(down.value.reason) < 400


@pytest.mark.parametrize("url", ["s3://", "ftp://host/x", "bucket/prefix"])
def test_a_bad_setting_names_itself(monkeypatch, url):
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_URL", url)
    with pytest.raises(ZhidaError) as bad:
        attachments.save(PDF)
    assert bad.value.where == "ZHIDA_ATTACHMENTS_URL" and "s3://桶名/前缀" in bad.value.reason


def test_without_the_setting_the_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHIDA_ATTACHMENTS_URL", raising=False)
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_DIR", str(tmp_path))
    digest, key = attachments.save(PDF)
    assert (tmp_path / key).read_bytes() == PDF and isinstance(attachments.store(), filestore.FolderStore)
