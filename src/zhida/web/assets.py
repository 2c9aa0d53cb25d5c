"""Front-end assets from the npm registry, served from this machine (never a CDN).

``npm ci`` at the project root puts them in node_modules/; only the files listed here are
served, under /static/vendor/<name>.
"""

from __future__ import annotations

from pathlib import Path

from zhida import config

NODE_MODULES = config.PROJECT_ROOT / "node_modules"
VENDOR_FILES: dict[str, Path] = {
    "htmx.min.js": NODE_MODULES / "htmx.org" / "dist" / "htmx.min.js",
    "echarts.min.js": NODE_MODULES / "echarts" / "dist" / "echarts.min.js",
    "swagger-ui-bundle.js": NODE_MODULES / "swagger-ui-dist" / "swagger-ui-bundle.js",
    "swagger-ui.css": NODE_MODULES / "swagger-ui-dist" / "swagger-ui.css",
}


def missing_vendor_files() -> list[str]:
    return [name for name, path in VENDOR_FILES.items() if not path.is_file()]
