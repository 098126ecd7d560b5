from tests.city_fixture import city  # noqa: F401  (fixtures)
from tests.staff_city import sign_in, town  # noqa: F401
