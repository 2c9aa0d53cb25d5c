import pytest

from zhida.matching.match import load_default_policies


@pytest.fixture(scope="session")
def policies():
    loaded = load_default_policies()
    assert not loaded.errors, [str(e) for e in loaded.errors]
    return loaded
