from tests.city_fixture import city  # noqa: F401
