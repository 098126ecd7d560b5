from tests.city_fixture import city  # noqa: F401
from tests.live_server import live_server  # noqa: F401
