"""Front-end assets from the npm registry, served from this machine (never a CDN).

``npm ci`` at the project root puts them in node_modules/; only the files listed here are
served, under /static/vendor/<name>. A built wheel carries copies in zhida/web/vendor/ (setup.py).
"""

from __future__ import annotations

from pathlib import Path

from zhida import config

NODE_MODULES = config.PROJECT_ROOT / "node_modules"
PACKAGED = Path(__file__).resolve().parent / "vendor"
_IN_NODE_MODULES = {
    "htmx.min.js": ("htmx.org", "dist", "htmx.min.js"),
    "echarts.min.js": ("echarts", "dist", "echarts.min.js"),
    "swagger-ui-bundle.js": ("swagger-ui-dist", "swagger-ui-bundle.js"),
    "swagger-ui.css": ("swagger-ui-dist", "swagger-ui.css"),
}


def _locate(name: str, parts: tuple[str, ...]) -> Path:
    installed = NODE_MODULES.joinpath(*parts)
    packaged = PACKAGED / name
    return packaged if packaged.is_file() and not installed.is_file() else installed


VENDOR_FILES: dict[str, Path] = {name: _locate(name, parts) for name, parts in _IN_NODE_MODULES.items()}


def missing_vendor_files() -> list[str]:
    return [name for name, path in VENDOR_FILES.items() if not path.is_file()]
