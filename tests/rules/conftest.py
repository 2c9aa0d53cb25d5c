import pytest

from zhida.rules import load_policies


@pytest.fixture(scope="session")
def policies():
    return load_policies()
