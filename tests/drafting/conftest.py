import pytest

from zhida import config
from zhida.documents.pipeline import parse_file
from zhida.drafting import source
from zhida.rules import load_policies


@pytest.fixture(scope="session")
def policies():
    return load_policies()


@pytest.fixture(scope="session")
def seeds():
    """The five seeds as drafting reads them (parsed once per session)."""
    return {p.stem: source.from_parsed(p.stem, parse_file(p)) for p in sorted(config.sources_dir().glob("*"))
            if p.is_file() and not p.name.startswith(".")}
