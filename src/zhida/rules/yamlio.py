"""YAML reading for policies/: libyaml when available, and dates left as strings.

Leaving dates as strings lets the loader report a bad date (2022-13-01) with its file,
measure and field instead of failing inside the YAML parser.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from zhida.errors import RuleError


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # noqa: D101
    pass


Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark else ""
        raise RuleError(f"{path.name}{at}", f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
