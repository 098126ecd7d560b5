import pytest

from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)


@pytest.fixture
def live(live_server):
    return live_server
