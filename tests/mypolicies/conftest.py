import pytest

from zhida.matching.match import load_default_policies


@pytest.fixture(scope="session")
def policies():
    return load_default_policies()
