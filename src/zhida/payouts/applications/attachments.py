"""An application's attachments: checked and stored by ``zhida.uploads`` (kind from the bytes,
10 MB), under ``ZHIDA_HOME/attachments`` (``ZHIDA_ATTACHMENTS_DIR`` to put them elsewhere).
An S3-compatible store is not implemented.
"""

from __future__ import annotations

import os
from pathlib import Path

from zhida import config, uploads
from zhida.uploads import KINDS, MEDIA, clean_name  # noqa: F401 - the application's words for them

MAX_BYTES = 10 * 1024 * 1024


def root() -> Path:
    return Path(os.environ.get("ZHIDA_ATTACHMENTS_DIR") or config.home() / "attachments")


def check(data: bytes, filename: str) -> str:
    return uploads.check(data, filename, max_bytes=MAX_BYTES)


def save(data: bytes) -> tuple[str, str]:
    """(sha256, key): the bytes written once under their hash."""
    return uploads.save(root(), data)


def read(key: str) -> bytes:
    return uploads.read(root(), key)
