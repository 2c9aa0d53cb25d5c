"""ECharts figures for PDF reports: the same chart options the pages draw in the browser, rendered
to SVG by ECharts' own server-side rendering (``ssr: true``, no DOM) in Node.js from the local
node_modules/echarts — never a CDN — and put inline into the HTML WeasyPrint prints.

One Node process renders every chart of a report. Without Node or the package the report is still
made, with a line saying the figure could not be drawn (``None`` in place of the SVG)."""

from __future__ import annotations

import json
import shutil
import subprocess

from zhida.web.assets import NODE_MODULES

SCRIPT = r"""
const echarts = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const out = job.charts.map((option) => {
    const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: job.width, height: job.height });
    chart.setOption(Object.assign({ animation: false }, option));
    const svg = chart.renderToSVGString();
    chart.dispose();
    return svg;
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def available() -> bool:
    return shutil.which("node") is not None and (NODE_MODULES / "echarts" / "package.json").is_file()


def render(options: list[dict], *, width: int = 680, height: int = 300, timeout: float = 60) -> list[str | None]:
    """SVG text of each ECharts option (None for all when Node or echarts is missing)."""
    if not options:
        return []
    if not available():
        return [None] * len(options)
    job = json.dumps({"charts": options, "width": width, "height": height}, ensure_ascii=False)
    done = subprocess.run([shutil.which("node") or "node", "-e", SCRIPT, str(NODE_MODULES / "echarts")],
                          input=job.encode("utf-8"), capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        return [None] * len(options)
    return json.loads(done.stdout.decode("utf-8"))
