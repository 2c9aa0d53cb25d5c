"""Attachments: the type read from the bytes (not the name or the browser's word), a size limit,
and the bytes kept content-addressed under ``ZHIDA_HOME/attachments`` (``ZHIDA_ATTACHMENTS_DIR``
to put them elsewhere). The bytes are written before the row that names them, so a rolled-back
upload leaves at most an unreferenced file (same content, same name: never a half file, and
never a row without its bytes). An S3-compatible store is not implemented.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

from zhida import config
from zhida.errors import ZhidaError

MAX_BYTES = 10 * 1024 * 1024
KINDS = {"pdf": "PDF", "png": "PNG 图片", "jpeg": "JPEG 图片", "docx": "Word 文档", "xlsx": "Excel 表格",
         "pptx": "PowerPoint 演示文稿", "doc": "Word 97-2003 文档", "xls": "Excel 97-2003 表格"}
MEDIA = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "doc": "application/msword", "xls": "application/vnd.ms-excel"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def root() -> Path:
    return Path(os.environ.get("ZHIDA_ATTACHMENTS_DIR") or config.home() / "attachments")


def sniff(data: bytes, filename: str) -> str:
    """The file's kind from its bytes; ZhidaError when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            names = set()
        if "[Content_Types].xml" in names:
            for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                if any(n.startswith(prefix) for n in names):
                    return kind
    if data.startswith(_OLE):
        return "xls" if filename.lower().endswith(".xls") else "doc"
    raise ZhidaError("file", f"“{filename}”不是可接受的文件类型（仅限 PDF、PNG/JPEG 图片、Word、Excel、PowerPoint 文件，按文件内容判断）")


def check(data: bytes, filename: str) -> str:
    if not data:
        raise ZhidaError("file", f"“{filename}”是空文件")
    if len(data) > MAX_BYTES:
        raise ZhidaError("file", f"“{filename}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传")
    return sniff(data, filename)


def clean_name(filename: str | None) -> str:
    name = Path((filename or "").replace("\\", "/")).name.strip()
    return (name or "附件")[:200]


def save(data: bytes) -> tuple[str, str]:
    """(sha256, key): the bytes written once under their hash."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}"
    path = root() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a reader never sees half a file
    return digest, key


def read(key: str) -> bytes:
    path = root() / key
    if not path.is_file():
        raise ZhidaError("file", "附件文件已不在存储中")
    return path.read_bytes()
