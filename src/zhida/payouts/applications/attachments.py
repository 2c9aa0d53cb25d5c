"""An application's attachments: checked by ``zhida.uploads`` (kind from the bytes, 10 MB) and
kept content-addressed in the store the settings choose (``zhida.filestore``): an S3-compatible
bucket with ``ZHIDA_ATTACHMENTS_URL=s3://bucket/prefix``, else the folder ``ZHIDA_ATTACHMENTS_DIR``,
else ``ZHIDA_HOME/attachments``.
"""

from __future__ import annotations

import os
from pathlib import Path

from zhida import config, filestore, uploads
from zhida.uploads import KINDS, MEDIA, clean_name  # noqa: F401 - the application's words for them

MAX_BYTES = 10 * 1024 * 1024


def root() -> Path:
    return Path(os.environ.get("ZHIDA_ATTACHMENTS_DIR") or config.home() / "attachments")


def store() -> filestore.FileStore:
    return filestore.from_settings(root())


def check(data: bytes, filename: str) -> str:
    return uploads.check(data, filename, max_bytes=MAX_BYTES)


def save(data: bytes) -> tuple[str, str]:
    """(sha256, key): the bytes written once under their hash."""
    return store().put(data)


def read(key: str) -> bytes:
    return store().get(key)
