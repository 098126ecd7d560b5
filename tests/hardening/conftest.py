from tests.city_fixture import city  # noqa: F401  (fixtures)
from tests.live_server import live_server  # noqa: F401
from tests.staff_city import sign_in, town  # noqa: F401
