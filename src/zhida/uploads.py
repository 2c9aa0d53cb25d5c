"""Uploaded files — an application's attachments, a progress report's evidence — read the same way
everywhere: the kind from the bytes (never the name or the browser's word alone), a size limit, and
the bytes kept content-addressed under a folder of ``ZHIDA_HOME``.

A file is written whole under its hash (a temporary name, then an atomic rename) before the row
naming it is committed: a rolled-back upload leaves at most an unreferenced file, never a row
without its bytes and never half a file.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

from zhida.errors import ZhidaError

KINDS = {"pdf": "PDF", "png": "PNG 图片", "jpeg": "JPEG 图片", "docx": "Word 文档", "xlsx": "Excel 表格",
         "pptx": "PowerPoint 演示文稿", "doc": "Word 97-2003 文档", "xls": "Excel 97-2003 表格"}
MEDIA = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "doc": "application/msword", "xls": "application/vnd.ms-excel"}
EXTENSION_KIND = {"jpg": "jpeg", **{kind: kind for kind in KINDS}}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, filename: str) -> str | None:
    """The file's kind from its bytes (a key of KINDS), or None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):  # Office Open XML is a zip with its content types and a part folder
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            names = set()
        if "[Content_Types].xml" in names:
            for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                if any(n.startswith(prefix) for n in names):
                    return kind
    if data.startswith(_OLE):  # the old binary formats share one container: the name tells them apart
        return "xls" if filename.lower().endswith(".xls") else "doc"
    return None


def check(data: bytes, filename: str, *, max_bytes: int, where: str = "file") -> str:
    """The kind of a non-empty file within ``max_bytes``; a one-line ZhidaError naming the file otherwise."""
    if not data:
        raise ZhidaError(where, f"“{filename}”是空文件")
    if len(data) > max_bytes:
        raise ZhidaError(where, f"“{filename}”超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传")
    kind = sniff(data, filename)
    if kind is None:
        raise ZhidaError(where, f"“{filename}”不是可接受的文件类型（仅限 PDF、PNG/JPEG 图片、Word、Excel、"
                                "PowerPoint 文件，按文件内容判断）")
    return kind


def clean_name(filename: str | None, default: str = "附件") -> str:
    """The file's own name without any folder a browser or an attacker put before it."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    return (name or default)[:200]


def save(folder: Path, data: bytes, suffix: str = "") -> tuple[str, str]:
    """(sha256, key): the bytes written once under ``folder``/<2 hex>/<hash><suffix>."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}{suffix}"
    path = folder / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)  # atomic: a reader never sees half a file
    return digest, key


def read(folder: Path, key: str, where: str = "file") -> bytes:
    """The stored bytes of ``key``; a key that leaves ``folder`` or names nothing is refused."""
    path = (folder / key).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise ZhidaError(where, "文件已不在存储中")
    return path.read_bytes()
