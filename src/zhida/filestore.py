"""Where uploaded bytes are kept, chosen by a setting: a folder (default) or an S3-compatible
object store (AWS S3, MinIO, Ceph RGW, OSS/COS/OBS in S3 mode) through boto3, the maintained AWS
SDK that every S3-compatible server is tested against.

    ZHIDA_ATTACHMENTS_URL=s3://bucket/prefix     (unset: ZHIDA_ATTACHMENTS_DIR, else ZHIDA_HOME/attachments;
                                                  file:///path also names a folder)
    ZHIDA_S3_ENDPOINT_URL=http://127.0.0.1:9000  (unset: AWS's own endpoint)
    ZHIDA_S3_ACCESS_KEY_ID / ZHIDA_S3_SECRET_ACCESS_KEY / ZHIDA_S3_REGION
                                                  (unset: boto3's usual sources — AWS_* variables, ~/.aws)

Both stores are content-addressed the same way: the key is ``<2 hex>/<sha256><suffix>``
(``zhida.uploads.save``), so a row names the same key in either and a file is written once
whatever number of rows name it. An object is written whole (one PUT) before the row naming it is
committed; reading checks the bytes against the hash in their key. Every failure is one Chinese
line naming the store and the reason (ZhidaError), never a traceback.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

from zhida import uploads
from zhida.errors import ZhidaError

SETTING = "ZHIDA_ATTACHMENTS_URL"


class FileStore(Protocol):
    def put(self, data: bytes, suffix: str = "") -> tuple[str, str]: ...  # (sha256, key)

    def get(self, key: str, where: str = "file") -> bytes: ...


@dataclass(frozen=True)
class FolderStore:
    folder: Path

    def put(self, data: bytes, suffix: str = "") -> tuple[str, str]:
        return uploads.save(self.folder, data, suffix)

    def get(self, key: str, where: str = "file") -> bytes:
        return uploads.read(self.folder, key, where)

    def __str__(self) -> str:
        return str(self.folder)


def _key(data: bytes, suffix: str) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    return digest, f"{digest[:2]}/{digest}{suffix}"


class S3Store:
    """A bucket (and a prefix in it) of an S3-compatible server."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, region: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.where = f"S3 存储 {endpoint_url or 'AWS'} 桶 {bucket}"
        # path-style addressing: what MinIO and most self-hosted servers expect; few retries and
        # short timeouts so that a server that is down fails the upload in seconds, with its reason
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            region_name=region or "us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2, "mode": "standard"},
                          connect_timeout=5, read_timeout=30))

    def _object(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, data: bytes, suffix: str = "") -> tuple[str, str]:
        digest, key = _key(data, suffix)
        if not self._exists(key):  # content-addressed: the same bytes are stored once
            self._call(lambda: self.client.put_object(Bucket=self.bucket, Key=self._object(key), Body=data,
                                                      ContentLength=len(data)), "写入")
        return digest, key

    def get(self, key: str, where: str = "file") -> bytes:
        if ".." in key.split("/") or key.startswith("/"):
            raise ZhidaError(where, "文件已不在存储中")
        body = self._call(lambda: self.client.get_object(Bucket=self.bucket, Key=self._object(key))["Body"].read(),
                          "读取", missing=where)
        name = key.rsplit("/", 1)[-1]
        if hashlib.sha256(body).hexdigest() != name[:64]:
            raise ZhidaError(where, f"{self.where}中的文件 {key} 内容与其哈希不符（已被改动），拒绝读取")
        return body

    def _exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._call(lambda: self.client.head_object(Bucket=self.bucket, Key=self._object(key)), "查询",
                       passthrough=True)
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise self._error(exc, "查询") from None
        return True

    def _call(self, action, verb: str, *, missing: str | None = None, passthrough: bool = False):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return action()
        except ClientError as exc:
            if passthrough:
                raise
            if missing is not None and _code(exc) in ("404", "NoSuchKey", "NotFound"):
                raise ZhidaError(missing, "文件已不在存储中") from None
            raise self._error(exc, verb) from None
        except BotoCoreError as exc:  # connection refused, timeouts, bad credentials format …
            raise ZhidaError("attachments", f"{self.where}{verb}失败：{_one_line(str(exc))}") from None

    def _error(self, exc, verb: str) -> ZhidaError:
        code = _code(exc)
        why = {"NoSuchBucket": "桶不存在", "AccessDenied": "无权访问（检查访问密钥与桶策略）",
               "InvalidAccessKeyId": "访问密钥无效", "SignatureDoesNotMatch": "密钥不匹配"}.get(code, code)
        return ZhidaError("attachments", f"{self.where}{verb}失败：{why}")

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def _code(exc) -> str:
    return str(exc.response.get("Error", {}).get("Code") or exc.response.get("ResponseMetadata", {})
               .get("HTTPStatusCode") or "未知错误")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def parse(url: str) -> tuple[str, str, str]:
    """(scheme, bucket or folder, prefix) of a store URL; a one-line error naming the setting otherwise."""
    parsed = urlparse(url.strip())
    if parsed.scheme == "s3" and parsed.netloc:
        return "s3", parsed.netloc, parsed.path.strip("/")
    if parsed.scheme == "file" and parsed.path:
        return "file", parsed.path, ""
    raise ZhidaError(SETTING, f"“{url}”不是可用的存储地址：应为 s3://桶名/前缀 或 file:///目录")


def from_settings(default_folder: Path) -> FileStore:
    """The store the settings name (read on every call: cheap, and tests may change them)."""
    url = (os.environ.get(SETTING) or "").strip()
    if not url:
        return FolderStore(default_folder)
    return _store(url, os.environ.get("ZHIDA_S3_ENDPOINT_URL") or None,
                  os.environ.get("ZHIDA_S3_ACCESS_KEY_ID") or None, os.environ.get("ZHIDA_S3_SECRET_ACCESS_KEY") or None,
                  os.environ.get("ZHIDA_S3_REGION") or None)


@lru_cache(maxsize=8)  # one boto3 client per setting (creating one costs ~50 ms)
def _store(url: str, endpoint: str | None, access_key: str | None, secret_key: str | None,
           region: str | None) -> FileStore:
    scheme, where, prefix = parse(url)
    if scheme == "file":
        return FolderStore(Path(where))
    return S3Store(where, prefix, endpoint_url=endpoint, access_key=access_key, secret_key=secret_key,
                   region=region)
