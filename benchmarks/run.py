"""Run every benchmark module and rewrite its section of benchmarks/RESULTS.md.

Each module in this package (other than run) exposes ``NAME`` and ``main(argv) -> str``
returning a Markdown body; the section is stamped with the machine, date and command.
    python -m benchmarks.run [--only ingest_search] [--docs N] …   # options are passed to each
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nWritten by `python -m benchmarks.run` (`make bench`); one section per benchmark.\n"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        ram = "RAM unknown"
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, {ram}, Python {platform.python_version()}, {platform.system()}"


def write_section(name: str, body: str, command: str) -> None:
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())  # a shared machine skews every figure
    stamp = (f"- machine: {machine()}\n- load average at the end (1/5/15 min): {load}\n"
             f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}\n- command: `{command}`\n\n")
    section = f"<!-- BEGIN {name} -->\n## {name}\n\n{stamp}{body.rstrip()}\n<!-- END {name} -->\n"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->\n?", re.S)
    if pattern.search(current):
        current = pattern.sub(lambda _: section, current)
    else:
        current = current.rstrip() + "\n\n" + section
    RESULTS.write_text(current, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Each module gets the whole argument list and picks out its own options (parse_known_args);
    ``--only a,b`` restricts the run to those benchmarks."""
    package = Path(__file__).parent
    command = ("python -m benchmarks.run " + " ".join(argv)).strip()
    only = None
    if "--only" in argv:
        at = argv.index("--only")
        only = set(argv[at + 1].split(","))
        argv = argv[:at] + argv[at + 2:]
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if info.name in {"run", "__init__"} or (only and info.name not in only):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if not hasattr(module, "NAME"):  # a stand-alone script, not a benchmarks.run module
            print(f"skipped benchmarks/{info.name}.py (no NAME/main(argv) -> str)", file=sys.stderr)
            continue
        body = module.main(argv)
        write_section(module.NAME, body, command)
        print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
